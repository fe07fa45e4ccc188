"""Which rules are worth running on a blob, and where: one hyperscan pass over its bytes.

Python's `re` runs at a few MB/s on patterns without a literal prefix, so it
must only see the places where a match is possible (issue 2, speed). One
hyperscan database holds, for every rule, its keywords (literal, caseless)
and a relaxed copy of its regex compiled in prefilter mode (a superset:
lookarounds dropped, long counted repeats opened up). A rule runs on a blob
only when both a keyword and its relaxed regex occur, and only in windows
around the relaxed matches' ends: whole lines reaching back the rule's maximum
match width, or, for a rule of unbounded width whose match holds at most a few
newlines (`[ \\t]*` but no `\\s*`), back that many lines. Windows are computed in
one pass, linear in the blob's size however many ends there are (a 4.8 MB line
of `AKIA` gives ~10^6 ends).
The compiled database is cached on disk, keyed on its patterns, because
compiling several hundred rules takes seconds and a pre-commit hook has less.
Without hyperscan (no wheel for the platform) keywords are searched in
Python and every candidate rule runs over the whole blob: slower, same answers.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from secret_hygiene.engine import cache, decode
from secret_hygiene.engine.rules import Rule

hyperscan: ModuleType | None
try:  # hyperscan wheels exist for x86_64 and aarch64 Linux/macOS only.
    import hyperscan
except ImportError:  # pragma: no cover - exercised only where no wheel exists
    hyperscan = None


WINDOWED_MAX_WIDTH = 2048  # rules whose matches are at most this long run in windows
WINDOWED_MAX_NEWLINES = 4  # or whose matches hold at most this many newlines
_KEYWORD_BASE = 1 << 20  # hyperscan ids at or above this are keywords
_DECODE = _KEYWORD_BASE - 1  # the id of decode.START_PATTERN: where encoded runs may start
_REPEAT = re.compile(rb"(?<!\\)\{(\d+),(\d*)\}")
Windows = list[tuple[int, int]] | None  # None: the whole blob


def relax(pattern: bytes) -> bytes:
    """A superset of `pattern` that hyperscan compiles quickly: long counted repeats opened up."""

    def opened(m: re.Match[bytes]) -> bytes:
        low, high = int(m.group(1)), m.group(2)
        if high and int(high) <= 16:
            return m.group(0)
        return b"{%d,}" % min(low, 64) if low else b"*"

    return _REPEAT.sub(opened, pattern)


class Prefilter:
    """Maps a blob to the rules to run on it and the windows to run them in."""

    def __init__(
        self,
        rules: Sequence[Rule],
        use_hyperscan: bool = True,
        cache_dir: Path | None = None,
        decode_starts: bool = False,
    ) -> None:
        self.rules = list(rules)
        self.keywords = sorted({kw for rule in self.rules for kw in rule.keywords})
        index = {kw: i for i, kw in enumerate(self.keywords)}
        self.rules_of: list[list[int]] = [[] for _ in self.keywords]
        for ri, rule in enumerate(self.rules):
            for kw in set(rule.keywords):
                self.rules_of[index[kw]].append(ri)
        self.width = [
            r.width if r.width is not None and r.width <= WINDOWED_MAX_WIDTH else None for r in self.rules
        ]
        # For a rule whose width is too large or unbounded: how many newlines a match holds at most.
        self.newlines = [
            None if w is not None or r.newlines is None or r.newlines > WINDOWED_MAX_NEWLINES else r.newlines
            for w, r in zip(self.width, self.rules, strict=True)
        ]
        self._encoded = [kw.encode("utf-8") for kw in self.keywords]
        self._db: Any = None
        self._regex_filtered: set[int] = set()
        if use_hyperscan and hyperscan is not None and self.rules:
            windowed = [
                w is not None or n is not None for w, n in zip(self.width, self.newlines, strict=True)
            ]
            self._db, self._regex_filtered = _database(
                self.rules, self.keywords, windowed, cache_dir, decode_starts
            )
        # With decode_starts, the same pass finds where base64 runs may start (decode.py), so
        # decoding costs no second pass over the blob.
        self.finds_starts = self._db is not None and decode_starts

    @property
    def accelerated(self) -> bool:
        """True when hyperscan does the pass."""
        return self._db is not None

    def candidates(self, data: bytes, starts: list[int] | None = None) -> dict[int, Windows]:
        """Rule index -> where to run it (sorted, merged windows, or None for the whole blob).

        `starts`, when `finds_starts`, gets the offsets where encoded runs may start (decode.py).
        """
        if self._db is None:
            lowered = data.lower()
            keyword_hits = [i for i, kw in enumerate(self._encoded) if kw in lowered]
            return {ri: None for k in keyword_hits for ri in self.rules_of[k]}
        events: list[tuple[int, int]] = []
        self._db.scan(data, match_event_handler=_collect, context=events)
        keyed: set[int] = set()
        ends: dict[int, list[int]] = {}
        for ident, end in events:
            if ident == _DECODE:
                if starts is not None:
                    starts.append(end - decode.MIN_RUN)
            elif ident >= _KEYWORD_BASE:
                keyed.update(self.rules_of[ident - _KEYWORD_BASE])
            else:
                ends.setdefault(ident, []).append(end)
        out: dict[int, Windows] = {}
        for ri in sorted(keyed):
            if ri not in self._regex_filtered:
                out[ri] = None
            elif ri in ends:
                width, lines = self.width[ri], self.newlines[ri]
                if width is not None:
                    out[ri] = _windows(data, ends[ri], width)
                elif lines is not None:
                    out[ri] = _line_windows(data, ends[ri], lines)
                else:
                    out[ri] = None
        return out


def _collect(ident: int, start: int, end: int, flags: int, events: object) -> None:
    assert isinstance(events, list)
    events.append((ident, end))


def _windows(data: bytes, ends: list[int], width: int) -> list[tuple[int, int]]:
    """Whole lines around each possible match end, merged; starts include the newline before.

    Linear overall: an end inside the last window adds nothing, and each search covers bytes
    between the last window's stop and the new end, which no other search covers.
    """
    merged: list[tuple[int, int]] = []
    for end in sorted(set(ends)):
        if merged and end <= merged[-1][1]:
            continue  # the same line end: this window is inside the last one
        stop = data.find(b"\n", end)
        stop = len(data) if stop < 0 else stop
        low = merged[-1][1] if merged else 0
        start = max(low, data.rfind(b"\n", low, max(low, end - width)))
        if merged and start <= low:
            merged[-1] = (merged[-1][0], stop)
        else:
            merged.append((start, stop))
    return merged


def _line_windows(data: bytes, ends: list[int], newlines: int) -> list[tuple[int, int]]:
    """Like _windows, for a match of any width holding at most `newlines` newlines: it starts
    after the (newlines+1)-th newline before its end. Linear for the same reason."""
    merged: list[tuple[int, int]] = []
    for end in sorted(set(ends)):
        if merged and end <= merged[-1][1]:
            continue
        stop = data.find(b"\n", end)
        stop = len(data) if stop < 0 else stop
        low = merged[-1][1] if merged else 0
        start = end
        for _ in range(newlines + 1):
            start = data.rfind(b"\n", low, start)
            if start < 0:
                start = low
                break
        if merged and start <= low:
            merged[-1] = (merged[-1][0], stop)
        else:
            merged.append((start, stop))
    return merged


def _database(
    rules: Sequence[Rule],
    keywords: Sequence[str],
    windowed: Sequence[bool],
    cache_dir: Path | None,
    decode_starts: bool = False,
) -> tuple[Any, set[int]]:
    """Compile (or load from the cache) the database; returns it and the rules it regex-filters."""
    assert hyperscan is not None
    hs = hyperscan
    single = hs.HS_FLAG_SINGLEMATCH
    exprs: dict[int, tuple[bytes, int]] = {}
    for ri, rule in enumerate(rules):
        flags = hs.HS_FLAG_PREFILTER | (0 if windowed[ri] else single)  # windows need every end
        exprs[ri] = (relax(rule.regex), flags)
    for ki, kw in enumerate(keywords):
        exprs[_KEYWORD_BASE + ki] = (re.escape(kw).encode("utf-8"), hs.HS_FLAG_CASELESS | single)
    if decode_starts:
        exprs[_DECODE] = (decode.START_PATTERN, 0)
    while True:
        try:
            return _load_or_compile(exprs, cache_dir), {i for i in exprs if i < _DECODE}
        except hs.error as exc:
            bad = _failing_index(str(exc), list(exprs))
            if bad is None or bad >= _KEYWORD_BASE:
                raise
            del exprs[bad]  # this rule runs wherever its keywords occur instead


def _failing_index(message: str, ids: list[int]) -> int | None:
    m = re.search(r"index (\d+)", message)
    return ids[int(m.group(1))] if m and int(m.group(1)) < len(ids) else None


def _load_or_compile(exprs: Mapping[int, tuple[bytes, int]], cache_dir: Path | None) -> Any:
    assert hyperscan is not None
    ids = list(exprs)
    digest = hashlib.sha256(repr((hyperscan.__version__, sorted(exprs.items()))).encode()).hexdigest()[:32]
    entry = (cache_dir or cache.cache_dir()) / f"hs-{digest}.db"
    stored = cache.read(entry)
    if stored is not None:
        try:
            db = hyperscan.loadb(stored, hyperscan.HS_MODE_BLOCK)
            db.scratch = hyperscan.Scratch(db)  # a loaded database comes without scratch space
            return db
        except hyperscan.error:
            pass
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    db.compile(expressions=[exprs[i][0] for i in ids], ids=ids, flags=[exprs[i][1] for i in ids])
    cache.write(entry, hyperscan.dumpb(db))
    return db
