"""Blobs + Rules -> Findings. The only module that holds matched secrets in plaintext."""

from __future__ import annotations

import hashlib
import itertools
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, replace

from secret_hygiene.engine import decode, timebudget
from secret_hygiene.engine.judge import (
    PUBLIC_BY_DESIGN,
    PUBLIC_WRITE_ONLY,
    Spot,
    drop_reason,
    public_emulator_key,
    public_test_key,
)
from secret_hygiene.engine.noise import placeholder_reason, shannon_entropy
from secret_hygiene.engine.prefilter import Prefilter, Windows
from secret_hygiene.engine.ruleformat import SKIP_ALL
from secret_hygiene.engine.rules import SEVERITIES, Rule, builtin_rules_dir
from secret_hygiene.engine.suppress import ALLOW_MARKERS, line_allowed
from secret_hygiene.errors import RuleError
from secret_hygiene.explain import Dropped
from secret_hygiene.model import Blob, Finding, Level, Skipped
from secret_hygiene.sources.formats import NotebookView, decode_wide, notebook_view

BINARY_SNIFF = 8192
# Matches of one rule kept per blob: past this a blob is a generated dump, not a config, and
# claiming overlaps and locating lines for each match would cost time quadratic in its size.
MATCH_CAP = 100
RAW_MATCH_CAP = 10 * MATCH_CAP  # regex matches looked at, rejected ones (placeholders) included
# Seconds a rule not shipped with the tool may spend on one blob (see timebudget.py); the
# shipped rules are reviewed for linear-time matching and run unbounded.
CUSTOM_RULE_BUDGET = 2.0


@dataclass(frozen=True)
class _Hit:
    rule_index: int
    start: int
    end: int
    secret: str
    accepted: bool = True


# Why a match was dropped: (kind, name, detail), as explain.py lists them.
Reason = tuple[str, str, str]


@dataclass(frozen=True)
class _Drop:
    """A match dropped inside one blob (turned into an explain.Dropped once its line is known)."""

    rule_index: int
    start: int
    secret: str
    reason: Reason


class Engine:
    """Rules compiled once, applied to many blobs."""

    def __init__(
        self,
        rules: Sequence[Rule],
        use_hyperscan: bool = True,
        decode_depth: int = decode.DEFAULT_DEPTH,
        explain: bool = False,
        baseline_hashes: bool = False,
    ) -> None:
        self.rules = list(rules)
        # The sha1s of each secret's other spellings and prefixes (up to ~124 per finding) serve
        # only to match a detect-secrets baseline (baseline/known.py): computed only for one.
        self.baseline_hashes = baseline_hashes
        self.decode_depth = decode_depth  # base64/JWT layers decoded and scanned again (decode.py)
        # With `explain`, every candidate value a filter, check or allow entry drops (--explain).
        self.dropped: list[Dropped] | None = [] if explain else None
        self.prefilter = Prefilter(self.rules, use_hyperscan, decode_starts=decode_depth > 0)
        # Provider rules before generic ones, severe before mild, then rule order (packs
        # sorted by file name, rules in file order): the first to claim a span wins.
        self._rank = {i: (r.generic, SEVERITIES.index(r.severity)) for i, r in enumerate(self.rules)}
        self._companions = _companions(self.rules)
        # A prefix test, not Path.is_relative_to (36 ms for 1,344 rules at every start)
        shipped = os.path.join(builtin_rules_dir(), "")
        self._custom = {i for i, r in enumerate(self.rules) if not r.source.startswith(shipped)}
        self._over_budget: set[int] = set()  # custom rules stopped once: not run again

    def scan_blob(self, blob: Blob) -> Iterator[Finding | Skipped]:
        """Findings in one blob (each secret once, other lines listed), or a Skipped record."""
        return once_per_blob(self._scan_blob(blob, self.decode_depth))

    def _scan_blob(self, blob: Blob, depth: int = 0, inner: bool = False) -> Iterator[Finding | Skipped]:
        """Findings in one blob, or a Skipped record when it is binary.

        `depth` more layers of encoded text are decoded and scanned (decode.py); an `inner` blob
        is such decoded text, read as it is (no notebook or UTF-16 reader).
        """
        data = blob.data
        if b"\0" in data[:BINARY_SNIFF] and not inner:
            wide = decode_wide(data)  # UTF-16/32 text has NULs too: same lines, same columns
            if wide is None:
                yield Skipped(blob.path, "binary", blob.commit)
                return
            blob = replace(blob, data=wide)
        view = notebook_view(blob) if blob.path.endswith(".ipynb") and not inner else None
        if view is not None:
            blob = view.blob  # the notebook's strings decoded; findings map back to the file
        data = blob.data
        hits: list[_Hit] = []
        capped: list[str] = []
        drops: list[_Drop] | None = [] if self.dropped is not None else None
        starts: list[int] = []  # where encoded runs may start, when the prefilter finds them
        candidates = self.prefilter.candidates(data, starts, blob.path)
        found_starts = starts if self.prefilter.finds_starts else None
        if not candidates and (depth <= 0 or found_starts == []):
            return  # no rule to run and no encoded run to decode: most blobs (kafka's history: 91%)
        for ri, windows in candidates.items():
            if ri in self._over_budget:
                continue
            overflow: list[int] = []
            try:
                with timebudget.limit(CUSTOM_RULE_BUDGET) if ri in self._custom else nullcontext():
                    matches = self._matches(ri, data, windows, overflow, blob.path, drops)
                    found = list(itertools.islice(matches, MATCH_CAP + 1))
            except timebudget.OverBudget:
                self._over_budget.add(ri)
                reason = (
                    f"rule {self.rules[ri].id} skipped here and in later files: it ran over its "
                    f"{CUSTOM_RULE_BUDGET:g} s budget (a custom regex that backtracks)"
                )
                yield Skipped(blob.path, reason, blob.commit)
                continue
            if len(found) > MATCH_CAP or overflow:
                capped.append(self.rules[ri].id)
            hits += found[:MATCH_CAP]
        decoded = list(self._decoded(blob, data, view, depth, found_starts))
        for hit in self._claim(hits, drops):
            if self.rules[hit.rule_index].generic and any(
                s < hit.end and hit.start < e for s, e, _ in decoded
            ):
                continue  # the encoded value's decoded finding names what it is; a generic one would not
            finding = self._finding(blob, data, hit, view, drops)
            if finding is not None:
                yield finding
        yield from (f for _, _, f in decoded)
        if drops and self.dropped is not None:
            self.dropped += self._explained(blob, data, drops)
        for rule_id in capped:
            reason = f"partly scanned: rule {rule_id} stopped after {MATCH_CAP} matches"
            yield Skipped(blob.path, reason, blob.commit)

    def _matches(
        self,
        ri: int,
        data: bytes,
        windows: Windows,
        overflow: list[int] | None = None,
        path: str = "",
        drops: list[_Drop] | None = None,
    ) -> Iterator[_Hit]:
        """Hits of rule `ri`; with `overflow`, stops after RAW_MATCH_CAP matches and says so there.
        With `drops`, each match dropped on the way is added to it, with the reason."""
        rule = self.rules[ri]
        spans = windows if windows is not None else [(0, len(data))]
        matches = (m for start, stop in spans for m in rule.pattern.finditer(data, start, stop))
        for seen, m in enumerate(matches):
            if overflow is not None and seen >= RAW_MATCH_CAP:
                overflow.append(ri)
                return
            group = rule.secret_group or _secret_group(m)
            secret = m.group(group).decode("utf-8", "replace") if m.group(group) else ""
            if ri in self._companions and not _companion_near(self._companions[ri], rule.within, data, m):
                if drops is not None and secret:
                    companion = rule.requires_id or (rule.requires_regex or b"").decode("utf-8", "replace")
                    reason = ("requires", companion, f"not within {rule.within} line(s)")
                    drops.append(_Drop(ri, m.start(group), secret, reason))
                continue
            why = self._rejection(rule, secret) or _dropped(rule, secret, m, data, path)
            accepted = why is None
            if why is not None and drops is not None and secret:
                drops.append(_Drop(ri, m.start(group), secret, why))
            if accepted or not rule.generic:
                # A provider rule that rejects a value (a documented sample, a placeholder)
                # still claims its span, so the generic rules do not report it instead.
                yield _Hit(ri, m.start(group), m.end(group), secret, accepted)

    def _decoded(
        self, blob: Blob, data: bytes, view: NotebookView | None, depth: int, starts: list[int] | None
    ) -> Iterator[tuple[int, int, Finding]]:
        """Findings in the encoded text of `data` (decode.py), placed at the encoded run, with its span.

        The decoded text is scanned as a blob of the same path (path rules and the noise judgement
        of judge.py apply as to plain text); a finding keeps its rule id and gets the detail
        `decoded` (`base64`, `jwt`, `base64 > base64` for a layer inside another).
        """
        if depth <= 0:
            return
        for run in decode.encoded_runs(data, starts):
            inner = Blob(blob.path, run.text, blob.commit, date=blob.date)
            found = [f for f in self._scan_blob(inner, depth - 1, inner=True) if isinstance(f, Finding)]
            place = self._place(blob, data, run.start, view) if found else None
            if place is None:
                continue
            for f in found:
                how = run.kind + (f" > {f.detail('decoded')}" if f.detail("decoded") else "")
                details = (*(d for d in f.details if d[0] != "decoded"), ("decoded", how))
                yield run.start, run.end, replace(f, line=place[0], column=place[1], details=details)

    def _place(self, blob: Blob, data: bytes, at: int, view: NotebookView | None) -> tuple[int, int] | None:
        """The (line, column) in the file of offset `at` of `data`; None where it is not reported
        (an allow comment on the line or above, a line a staged scan does not report)."""
        if _allow_marker(data, at) is not None:
            return None
        line_start = data.rfind(b"\n", 0, at) + 1
        line = data.count(b"\n", 0, at) + 1
        if blob.only_lines is not None and line not in blob.only_lines:
            return None
        column = len(data[line_start:at].decode("utf-8", "replace")) + 1
        if view is not None:
            column = view.column(line, column)
        if blob.line_map is not None and line <= len(blob.line_map):
            line = blob.line_map[line - 1]
        return line, column

    @staticmethod
    def _rejection(rule: Rule, secret: str) -> Reason | None:
        """Why the value alone is dropped (length, shared placeholder filter, entropy, allow), or None."""
        if len(secret) < 4:
            return ("too-short", "min-length", "")
        if SKIP_ALL not in rule.skip_filters:
            name = placeholder_reason(secret, rule.skip_filters)
            if name is not None:
                return ("placeholder-filter", name, "")
        if rule.entropy is not None:
            bits = shannon_entropy(secret)
            if bits < rule.entropy:
                return ("entropy", "min-entropy", f"{bits:.2f} < {rule.entropy:g} bits/char")
        for allow in rule.allow_patterns:
            if allow.search(secret):
                return ("allow-pattern", allow.pattern, "")
        return None

    def _claim(self, hits: list[_Hit], drops: list[_Drop] | None = None) -> list[_Hit]:
        kept: list[_Hit] = []
        refused = [h for h in hits if not h.accepted]
        ranked = sorted(
            (h for h in hits if h.accepted),
            key=lambda h: (*self._rank[h.rule_index], h.rule_index),
        )
        for hit in ranked:
            rivals = kept + refused if self.rules[hit.rule_index].generic else kept
            if not any(h.start < hit.end and hit.start < h.end for h in rivals):
                kept.append(hit)
            elif drops is not None and not any(h.start < hit.end and hit.start < h.end for h in kept):
                # Only a provider rule that rejected this span overlaps it: the value is dropped.
                rival = next(h for h in refused if h.start < hit.end and hit.start < h.end)
                reason = ("claimed", self.rules[rival.rule_index].id, "which dropped the value")
                drops.append(_Drop(hit.rule_index, hit.start, hit.secret, reason))
        return sorted(kept, key=lambda h: (h.start, h.rule_index))

    def _explained(self, blob: Blob, data: bytes, drops: list[_Drop]) -> list[Dropped]:
        """The drops of one blob as records at their lines (lines a staged scan does not report left out)."""
        out = []
        for d in drops:
            line = data.count(b"\n", 0, d.start) + 1
            if blob.only_lines is not None and line not in blob.only_lines:
                continue
            if blob.line_map is not None and line <= len(blob.line_map):
                line = blob.line_map[line - 1]
            rule_id = self.rules[d.rule_index].id
            kind, name, detail = d.reason
            fp = fingerprint(rule_id, d.secret)
            out.append(
                Dropped(rule_id, blob.path, line, kind, name, redact(d.secret), fp, blob.commit, detail)
            )
        return out

    def take_dropped(self) -> list[Dropped]:
        """The drops recorded so far (with `explain`), emptying the list."""
        taken = list(self.dropped or [])
        if self.dropped is not None:
            self.dropped.clear()
        return taken

    def _finding(
        self,
        blob: Blob,
        data: bytes,
        hit: _Hit,
        view: NotebookView | None = None,
        drops: list[_Drop] | None = None,
    ) -> Finding | None:
        place = self._place(blob, data, hit.start, view)
        if place is None:
            marker = _allow_marker(data, hit.start) if drops is not None else None
            if drops is not None and marker is not None:
                drops.append(_Drop(hit.rule_index, hit.start, hit.secret, ("inline-allow", marker, "")))
            return None
        line, column = place
        line_start = data.rfind(b"\n", 0, hit.start) + 1
        line_end = _line_end(data, hit.start)
        rule = self.rules[hit.rule_index]
        return Finding(
            level=_level(rule, hit.secret),
            check="leak",
            rule_id=rule.id,
            path=blob.path,
            line=line,
            column=column,
            message=_message(rule, hit.secret),
            fingerprint=fingerprint(rule.id, hit.secret),
            secret=redact(hit.secret),
            commit=blob.commit,
            severity=rule.severity,
            details=_details(rule, blob),
            secret_hash=sha1_hex(hit.secret),
            secret_hashes=_spellings(data[line_start:line_end], hit.start - line_start, hit)
            if self.baseline_hashes
            else frozenset(),
            prefix_hashes=_prefixes(hit.secret) if self.baseline_hashes else frozenset(),
        )


def _level(rule: Rule, secret: str) -> Level:
    """A note for keys public by design, a warning for public test keys, else an error."""
    if rule.id in PUBLIC_BY_DESIGN or public_emulator_key(secret):
        return "note"
    return "warning" if rule.id in PUBLIC_WRITE_ONLY or public_test_key(secret) else "error"


def _message(rule: Rule, secret: str) -> str:
    """The rule's description; for a public test key, also why it is only a warning."""
    if rule.id not in PUBLIC_BY_DESIGN and public_test_key(secret):
        return (
            f"{rule.description}: a public test key (a Hardhat/Anvil default account, published "
            "with the tools); never fund it or use it outside a local chain"
        )
    return rule.description


def _allow_marker(data: bytes, at: int) -> str | None:
    """The inline allow comment (suppress.py) on the line of offset `at` or the line above, if any."""
    line_start = data.rfind(b"\n", 0, at) + 1
    previous = data[data.rfind(b"\n", 0, line_start - 1) + 1 : line_start - 1] if line_start else b""
    here = data[line_start : _line_end(data, at)]
    if not line_allowed(here, previous):
        return None
    return next(m for m in ALLOW_MARKERS if m in here or m in previous).decode()


def _dropped(rule: Rule, secret: str, m: re.Match[bytes], data: bytes, path: str) -> Reason | None:
    """The context check of judge.py that drops this match (a public address, an example...), or None."""
    if SKIP_ALL in rule.skip_filters:
        return None
    at = m.start()
    line_start = data.rfind(b"\n", 0, at) + 1
    previous = data[data.rfind(b"\n", 0, max(line_start - 1, 0)) + 1 : max(line_start - 1, 0)]
    spot = Spot(
        match=m.group(0).decode("utf-8", "replace"),
        line=data[line_start : _line_end(data, at)].decode("utf-8", "replace"),
        previous=previous.decode("utf-8", "replace"),
        path=path,
        generic=rule.generic,
        free=rule.free_value,
        above=_lines_above(data, line_start, ABOVE_LINES),
    )
    name = drop_reason(secret, spot, rule.skip_filters)
    return None if name is None else ("judge", name, "")


# Lines above a value that judge.py reads for the text introducing its code block.
ABOVE_LINES = 16


def _lines_above(data: bytes, line_start: int, count: int, limit: int = 4096) -> tuple[str, ...]:
    """Up to `count` lines before the line starting at `line_start`, nearest last.

    At most `limit` bytes are read: a bundle's megabyte lines would otherwise be decoded again
    for every match below them.
    """
    if not line_start:
        return ()
    floor = max(line_start - 1 - limit, 0)
    start = line_start
    for _ in range(count):
        if start <= floor:
            break
        start = data.rfind(b"\n", floor, start - 1) + 1 or floor
    return tuple(data[max(start, floor) : line_start - 1].decode("utf-8", "replace").split("\n"))


def once_per_blob(items: Iterator[Finding | Skipped]) -> Iterator[Finding | Skipped]:
    """Each secret once per file: the first line reports it, the others go in `other_lines`."""
    first: dict[tuple[str, str], Finding] = {}
    more: dict[tuple[str, str], list[int]] = {}
    out: list[Finding | Skipped] = []
    for item in items:
        if isinstance(item, Finding):
            key = (item.rule_id, item.fingerprint)
            if key in first:
                more[key].append(item.line or 0)
                continue
            first[key], more[key] = item, []
        out.append(item)
    for item in out:
        extra = more.get((item.rule_id, item.fingerprint)) if isinstance(item, Finding) else None
        if isinstance(item, Finding) and extra:
            lines = ",".join(str(n) for n in extra)
            item = replace(item, details=(*item.details, ("other_lines", lines)))
        yield item


def find_in_text(text: str, engine: Engine, path: str = "<text>") -> list[Finding]:
    """Leak findings in a piece of text (used by the env and rotation checks)."""
    return [f for f in engine.scan_blob(Blob(path, text.encode("utf-8"))) if isinstance(f, Finding)]


def _details(rule: Rule, blob: Blob) -> tuple[tuple[str, str], ...]:
    details = [("family", rule.family)]
    if rule.provider:
        details.append(("provider", rule.provider))
    if rule.revoke:
        url, how = rule.revoke
        details += [("revoke", url), ("fix", f"{how} ({url})")]
    if blob.date:
        details.append(("date", blob.date))
    return tuple(details)


def sha1_hex(text: str) -> str:
    """The sha1 that detect-secrets records for a secret (its baselines' hashed_secret)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _spellings(line: bytes, start: int, hit: _Hit) -> frozenset[str]:
    """sha1 of the secret without surrounding quotes, and of the quoted string holding it.

    detect-secrets' keyword and high-entropy plugins record the quoted value, which may be
    wider than what a rule captures (`"Bearer <token>"`).
    """
    found = {hit.secret.strip().strip("'\"")}
    end = start + (hit.end - hit.start)
    for quote in (b'"', b"'"):
        left = line.rfind(quote, 0, start)
        right = line.find(quote, end)
        if left >= 0 and right >= 0:
            found.add(line[left + 1 : right].decode("utf-8", "replace"))
    return frozenset(sha1_hex(text) for text in found if text and text != hit.secret)


def _prefixes(secret: str, longest: int = 64) -> frozenset[str]:
    """sha1 of the secret's leading parts: detect-secrets' fixed-length patterns record a prefix
    (32 characters of a Stripe key, only `ghp` of a GitHub token, `BEGIN ... PRIVATE KEY`)."""
    found: set[str] = set()
    for text in {secret, secret.lstrip("-")}:
        found.update(sha1_hex(text[:n]) for n in range(3, min(len(text), longest + 1)))
    return frozenset(found)


def redacted_lines(data: bytes, engine: Engine, path: str = "") -> list[str]:
    """The lines of `data` with every span any rule matches replaced by a redacted preview.

    For showing a finding's context (baseline audit). Overlapping matches are merged; a
    multi-line secret keeps its line breaks so the line numbers stay true. In a notebook, what
    rules match in its decoded strings is masked in the file's own spelling first.
    """
    view = notebook_view(Blob(path, data)) if path.endswith(".ipynb") else None
    if view is not None:
        data = view.masked(_spans(view.blob.data, engine))
    merged: list[list[int]] = []
    for start, end in _spans(data, engine):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        elif end > start:
            merged.append([start, end])
    out: list[bytes] = []
    done = 0
    for start, end in merged:
        secret = data[start:end].decode("utf-8", "replace")
        out += [data[done:start], redact(secret).encode("utf-8"), b"\n" * secret.count("\n")]
        done = end
    out.append(data[done:])
    return b"".join(out).decode("utf-8", "replace").splitlines()


def _spans(data: bytes, engine: Engine) -> list[tuple[int, int]]:
    """Every span of `data` any rule matches, sorted."""
    candidates = engine.prefilter.candidates(data).items()
    return sorted((h.start, h.end) for ri, w in candidates for h in engine._matches(ri, data, w))


def _companions(rules: Sequence[Rule]) -> dict[int, re.Pattern[bytes]]:
    """Composite rules (rules/README.md, `requires`): rule index -> the companion's compiled regex."""
    out: dict[int, re.Pattern[bytes]] = {}
    for i, rule in enumerate(rules):
        if rule.requires_regex is not None:
            out[i] = re.compile(rule.requires_regex)
        elif rule.requires_id is not None:
            raise RuleError(f"rule {rule.id!r} requires rule {rule.requires_id!r}, which is not loaded")
    return out


def _companion_near(companion: re.Pattern[bytes], within: int, data: bytes, m: re.Match[bytes]) -> bool:
    """True when the companion matches in the lines from `within` above the match to `within` below."""
    start = data.rfind(b"\n", 0, m.start()) + 1
    for _ in range(within):
        start = data.rfind(b"\n", 0, start - 1) + 1 if start else 0
    end = _line_end(data, m.end())
    for _ in range(within):
        end = _line_end(data, end + 1) if end < len(data) else end
    outside = data[start : m.start()] + b"\n" + data[m.end() : end]
    return companion.search(outside) is not None


def _secret_group(m: re.Match[bytes]) -> int | str:
    """The first participating group named `secret...`, else group 1, else the whole match."""
    named = [n for n in m.re.groupindex if n.startswith("secret")]
    for name in named:
        if m.group(name) is not None:
            return name
    if named:
        return named[0]
    return 1 if m.re.groups else 0


def _line_end(data: bytes, pos: int) -> int:
    end = data.find(b"\n", pos)
    return len(data) if end < 0 else end


def fingerprint(rule_id: str, secret: str) -> str:
    """Stable identity of a secret under a rule: a hash, never the secret."""
    return hashlib.sha256(f"{rule_id}\0{secret}".encode()).hexdigest()[:40]


def redact(secret: str) -> str:
    """A preview that never holds the secret: a few leading characters and the length."""
    shown = min(4, len(secret) // 4)
    return f"{secret[:shown]}{'*' * 12} ({len(secret)} chars)"
