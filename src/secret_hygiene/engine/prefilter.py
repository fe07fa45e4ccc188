"""Which rules are worth running on a blob, and where: hyperscan passes over its bytes.

Python's `re` runs at a few MB/s on patterns without a literal prefix, so it
must only see the places where a match is possible (issue 2, speed). A first
hyperscan pass looks for every rule's keywords (literal, caseless) and, with
decoding on, where base64 runs may start (decode.START_PATTERN); it runs at
several hundred MB/s. The rules' relaxed regexes (a superset: lookarounds
dropped, long counted repeats opened up, compiled in prefilter mode) sit in
small group databases, and a group is scanned only when a keyword of one of
its rules occurred (issue 14: one combined database of every regex ran at
33-90 MB/s on every blob). Rules with hot keywords (HOT_KEYWORDS, found in
most real files) share one group, so they do not drag rare-keyword rules
along; the others are grouped in rule order, GROUP_SIZE at a time.
A rule runs on a blob only when both a keyword and its relaxed regex occur,
and only in windows around the relaxed matches' ends: whole lines reaching
back the rule's maximum match width, or, for a rule of unbounded width whose
match holds at most a few newlines (`[ \\t]*` but no `\\s*`), back that many
lines. Windows are computed in one pass, linear in the blob's size however
many ends there are (a 4.8 MB line of `AKIA` gives ~10^6 ends).
The compiled databases are cached on disk in one entry, keyed on the rules'
content (no relaxing or compiling at start-up), because compiling several
hundred rules takes seconds and a pre-commit hook has less; a group database
is deserialised the first time a blob needs it.
Without hyperscan (no wheel for the platform) keywords are searched in
Python and every candidate rule runs over the whole blob: slower, same answers.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from secret_hygiene.engine import cache, decode
from secret_hygiene.engine.rules import Rule
from secret_hygiene.globs import path_matcher

hyperscan: ModuleType | None
try:  # hyperscan wheels exist for x86_64 and aarch64 Linux/macOS only.
    import hyperscan
except ImportError:  # pragma: no cover - exercised only where no wheel exists
    hyperscan = None


WINDOWED_MAX_WIDTH = 2048  # rules whose matches are at most this long run in windows
WINDOWED_MAX_NEWLINES = 4  # or whose matches hold at most this many newlines
_KEYWORD_BASE = 1 << 20  # hyperscan ids at or above this are keywords
_DECODE = _KEYWORD_BASE - 1  # the id of decode.START_PATTERN: where encoded runs may start
GROUP_SIZE = 64  # rules per group database, hot-keyword group aside (moby: 32-256 measured, 64 best)
# Keywords found in at least 2% of the text files of moby, kafka, novu, adminlte and freqtrade
# (25,000 text files; `://` 48%, `key` 28%, `pat` 27%): rules with one of these share a group.
# A deterministic table rather than a guess from a keyword's length (`ion_` is hot, `hf_` is not);
# a keyword missing here only costs speed.
HOT_KEYWORDS = frozenset(
    {
        *("://", "key", "pat", "github", "auth", "priv", "st.", "private", "pass"),
        *("oss", "pk", "ion_", "oci", "gate", "goog", "storage", "token", "ado", '": "', "aws"),
        *("atta", "credential", ":0", "tda", ":1", "aster", ":8", "flex", "secret", "sk.", "swo"),
        *("test_", "-us", "password", '":"', "redis", "tly.", "machine", "derive"),
        *(":2", "api_"),
    }
)
_CACHE_FORMAT = b"prefilter 5"  # bump when relax(), the grouping or the entry's layout changes
_REPEAT = re.compile(rb"(?<!\\)\{(\d+),(\d*)\}")
Windows = list[tuple[int, int]] | None  # None: the whole blob
_Part = tuple[Path, int, int, str]  # a database's place in the cache entry: path, offset, size, sha256
_Exprs = Callable[[Sequence[int]], dict[int, tuple[bytes, int]]]  # rule indexes -> hyperscan expressions


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
        # Rules for some files only (`paths`) sit in no group database: they run on the files their
        # globs match (pgpass-password alone was a third of the hot group's scan of moby).
        self._for_files = {ri: path_matcher(rule.paths) for ri, rule in enumerate(self.rules) if rule.paths}
        self._db: Any = None
        self._groups: list[_Group] = []
        self._group_of: dict[int, int] = {}  # rule index -> its group, for regex-filtered rules
        self._regex_filtered: set[int] = set()
        if use_hyperscan and hyperscan is not None and self.rules:
            self._db, self._groups = _databases(
                self.rules, self.keywords, self.width, self.newlines, cache_dir, decode_starts
            )
            self._group_of = {ri: gi for gi, group in enumerate(self._groups) for ri in group.filtered}
            self._regex_filtered = set(self._group_of)
        # With decode_starts, the first pass finds where base64 runs may start (decode.py), so
        # decoding costs no pass of its own over the blob.
        self.finds_starts = self._db is not None and decode_starts

    def load_all(self) -> None:
        """Load every group database now: before a fork, so workers share them instead of each
        loading its own copy (sources/filescan.py)."""
        for group in self._groups:
            group.database()

    @property
    def accelerated(self) -> bool:
        """True when hyperscan does the pass."""
        return self._db is not None

    def candidates(
        self, data: bytes, starts: list[int] | None = None, path: str | None = None
    ) -> dict[int, Windows]:
        """Rule index -> where to run it (sorted, merged windows, or None for the whole blob).

        `starts`, when `finds_starts`, gets the offsets where encoded runs may start (decode.py).
        `path`, when given, leaves out the rules for other files (a rule's `paths`).
        """
        if self._db is None:
            lowered = data.lower()
            keyword_hits = [i for i, kw in enumerate(self._encoded) if kw in lowered]
            found: dict[int, Windows] = {ri: None for k in keyword_hits for ri in self.rules_of[k]}
            for ri in self._other_files(set(found), path):
                del found[ri]
            return found
        events: list[tuple[int, int]] = []
        self._db.scan(data, match_event_handler=_collect, context=events)
        keyed: set[int] = set()
        for ident, end in events:
            if ident == _DECODE:
                if starts is not None:
                    starts.append(end - decode.MIN_RUN)
            else:
                keyed.update(self.rules_of[ident - _KEYWORD_BASE])
        keyed -= self._other_files(keyed, path)
        if not keyed:
            return {}
        events = []
        group_of = self._group_of
        for gi in sorted({group_of[ri] for ri in keyed if ri in group_of}):
            self._groups[gi].database().scan(data, match_event_handler=_collect, context=events)
        ends: dict[int, list[int]] = {}
        for ident, end in events:
            ends.setdefault(ident, []).append(end)
        out: dict[int, Windows] = {}
        for ri in sorted(keyed):
            if ri not in group_of:
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

    def _other_files(self, keyed: set[int], path: str | None) -> set[int]:
        """The rules of `keyed` whose `paths` globs do not match `path` (none when no path is given)."""
        if path is None:
            return set()
        return {ri for ri in keyed.intersection(self._for_files) if not self._for_files[ri](path)}


class _Group:
    """One group database: where its bytes lie in the cache entry until a blob first needs it,
    then the database (compiled again from the rules when those bytes are gone or damaged)."""

    def __init__(self, filtered: list[int], db: Any = None, part: _Part | None = None,
                 exprs_of: _Exprs | None = None) -> None:  # fmt: skip
        self.filtered = filtered  # the rules whose relaxed regex it holds (compiled ones)
        self._db = db
        self._part = part
        self._exprs_of = exprs_of  # how to compile it again

    def database(self) -> Any:
        if self._db is None:
            assert hyperscan is not None
            data = cache.read_part(*self._part) if self._part is not None else None
            try:
                self._db = _loaded(data) if data is not None else None
            except hyperscan.error:
                self._db = None
            if self._db is None:
                assert self._exprs_of is not None
                self._db = _compiled(self._exprs_of(self.filtered))
            self._part = self._exprs_of = None
        return self._db


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


def groups_of(rules: Sequence[Rule]) -> list[list[int]]:
    """The rule indexes of each group database: hot-keyword rules, then the others GROUP_SIZE at a
    time; rules for some files only (`paths`) in none."""
    hot = [ri for ri, rule in enumerate(rules) if HOT_KEYWORDS.intersection(rule.keywords) and not rule.paths]
    hot_set = {ri for ri, rule in enumerate(rules) if rule.paths or ri in hot}
    # Rules sharing keywords side by side (a provider's rules, a pack loaded twice): a keyword
    # hit then calls for one group, not one group per rule.
    cold = sorted(
        (ri for ri in range(len(rules)) if ri not in hot_set), key=lambda ri: (sorted(rules[ri].keywords), ri)
    )
    out = [hot] if hot else []
    return out + [cold[i : i + GROUP_SIZE] for i in range(0, len(cold), GROUP_SIZE)]


def _key(rules: Sequence[Rule], windowed: Sequence[bool], decode_starts: bool) -> str:
    """The cache entry's name: a digest of the rules' content, cheap to compute at start-up."""
    assert hyperscan is not None
    h = hashlib.sha256(_CACHE_FORMAT + b"\0" + hyperscan.__version__.encode() + b"\0")
    h.update(decode.START_PATTERN if decode_starts else b"-")
    h.update(repr((sorted(HOT_KEYWORDS), GROUP_SIZE)).encode())
    for rule, win in zip(rules, windowed, strict=True):
        h.update(b"\0r%d\0" % win + rule.regex + b"\0" + "\0".join(rule.keywords).encode())
    return h.hexdigest()[:32]


def _databases(
    rules: Sequence[Rule],
    keywords: Sequence[str],
    width: Sequence[int | None],
    newlines: Sequence[int | None],
    cache_dir: Path | None,
    decode_starts: bool = False,
) -> tuple[Any, list[_Group]]:
    """The keyword database and the group databases, loaded from the cache entry or compiled."""
    assert hyperscan is not None
    windowed = [w is not None or n is not None for w, n in zip(width, newlines, strict=True)]
    entry = (cache_dir or cache.cache_dir()) / f"hs-{_key(rules, windowed, decode_starts)}.db"
    hs = hyperscan

    def exprs_of(members: Sequence[int]) -> dict[int, tuple[bytes, int]]:
        # windows need every end; a rule run on whole blobs needs one
        flags = [hs.HS_FLAG_PREFILTER | (0 if windowed[ri] else hs.HS_FLAG_SINGLEMATCH) for ri in members]
        return {ri: (relax(rules[ri].regex), f) for ri, f in zip(members, flags, strict=True)}

    loaded = _unpacked(entry, exprs_of)
    if loaded is not None:
        return loaded
    single = hs.HS_FLAG_SINGLEMATCH
    first: dict[int, tuple[bytes, int]] = {
        _KEYWORD_BASE + ki: (re.escape(kw).encode("utf-8"), hs.HS_FLAG_CASELESS | single)
        for ki, kw in enumerate(keywords)
    }
    if decode_starts:
        first[_DECODE] = (decode.START_PATTERN, 0)
    db = _compiled(first)
    groups: list[_Group] = []
    for members in groups_of(rules):
        exprs = exprs_of(members)
        try:
            groups.append(_Group(sorted(exprs), db=_compiled(exprs)))
        except hs.error:
            # hyperscan's message does not say which expression failed: try each alone. A rule
            # it cannot compile runs wherever its keywords occur instead.
            exprs = {ri: expr for ri, expr in exprs.items() if _compiles(ri, expr)}
            if exprs:
                groups.append(_Group(sorted(exprs), db=_compiled(exprs)))
    cache.write(entry, _packed(db, groups))
    return db, groups


def _compiles(ident: int, expr: tuple[bytes, int]) -> bool:
    assert hyperscan is not None
    try:
        _compiled({ident: expr})
    except hyperscan.error:
        return False
    return True


def _compiled(exprs: Mapping[int, tuple[bytes, int]]) -> Any:
    assert hyperscan is not None
    ids = list(exprs)
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    db.compile(expressions=[exprs[i][0] for i in ids], ids=ids, flags=[exprs[i][1] for i in ids])
    return db


def _loaded(stored: bytes) -> Any:
    assert hyperscan is not None
    db = hyperscan.loadb(stored, hyperscan.HS_MODE_BLOCK)
    db.scratch = hyperscan.Scratch(db)  # a loaded database comes without scratch space
    return db


def _packed(db: Any, groups: Sequence[_Group]) -> bytes:
    """One cache entry: a JSON line (each group's rules, each database's size and sha256), then
    the databases' bytes."""
    assert hyperscan is not None
    blobs = [hyperscan.dumpb(db)] + [hyperscan.dumpb(g.database()) for g in groups]
    head = {
        "groups": [g.filtered for g in groups],
        "sizes": [len(b) for b in blobs],
        "sha256": [hashlib.sha256(b).hexdigest() for b in blobs],
    }
    return json.dumps(head, separators=(",", ":")).encode() + b"\n" + b"".join(blobs)


def _unpacked(entry: Path, exprs_of: _Exprs) -> tuple[Any, list[_Group]] | None:
    """What _packed wrote, or None when it is not that (the entry is rebuilt).

    Only the head and the keyword database are read now; each group database is read (and its
    checksum checked) the first time a blob needs it, so a pre-commit run on a few files reads a
    few hundred KB of a 15 MB entry.
    """
    assert hyperscan is not None
    found = cache.read_head(entry)
    if found is None:
        return None
    line, offset = found
    try:
        head = json.loads(line)
        sizes = [int(n) for n in head["sizes"]]
        digests = [str(d) for d in head["sha256"]]
        members = [[int(ri) for ri in m] for m in head["groups"]]
        if len(sizes) != len(digests) or len(members) != len(sizes) - 1 or min(sizes, default=-1) < 0:
            return None
    except (ValueError, KeyError, TypeError):
        return None
    offsets = list(itertools.accumulate(sizes, initial=offset))
    parts: list[_Part] = [(entry, at, n, d) for at, n, d in zip(offsets[:-1], sizes, digests, strict=True)]
    first = cache.read_part(*parts[0])
    if first is None:
        return None
    try:
        db = _loaded(first)
    except hyperscan.error:
        return None
    groups = [_Group(m, part=p, exprs_of=exprs_of) for m, p in zip(members, parts[1:], strict=True)]
    return db, groups
