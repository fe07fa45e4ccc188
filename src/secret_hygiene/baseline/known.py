"""Baselines: known findings by fingerprint (ours) or by hashed secret (detect-secrets')."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from secret_hygiene import __version__, atomic
from secret_hygiene.errors import BaselineError
from secret_hygiene.explain import Dropped
from secret_hygiene.model import Finding, Report

STATUSES = ("unreviewed", "real", "false-positive")
# A rotation finding in a baseline is an accepted due date, not a permanent pass: the entry holds an
# `accepted_until` day (the day it was recorded plus this grace period), after which it fails again.
GRACE_DAYS = 30


@dataclass(frozen=True)
class Known:
    """What a baseline suppresses.

    Our baselines name findings by (rule id, path, fingerprint). A detect-secrets baseline names
    a secret by file and the sha1 of the string its plugin captured; its entries audited as not
    secret (`is_secret: false`) suppress our finding in the same file when that sha1 equals the
    sha1 of our secret, of our secret without surrounding quotes, or of the quoted string holding
    it (any line); or, on the same line, the sha1 of a leading part of our secret (detect-secrets
    records only 32 characters of a Stripe key, only `ghp` of a GitHub token).
    """

    fingerprints: frozenset[tuple[str, str, str]] = frozenset()  # (rule id, path, fingerprint)
    hashed: frozenset[tuple[str, str]] = frozenset()  # detect-secrets: (path, sha1 of secret)
    hashed_lines: frozenset[tuple[str, int, str]] = frozenset()  # detect-secrets: (path, line, sha1)
    accepted_until: Mapping[tuple[str, str, str], date] = field(default_factory=dict)  # rotation entries
    name: str = "baseline"  # the file's name, for --explain records

    @property
    def hashes_secrets(self) -> bool:
        """True for a detect-secrets baseline: matching it needs the sha1s of each secret's other
        spellings and prefixes (engine/scanner.py computes them only then)."""
        return bool(self.hashed or self.hashed_lines)

    def covers(self, f: Finding, today: date | None = None) -> bool:
        """True when the baseline lists this finding (a rotation finding: until its accepted day)."""
        key = identity(f)
        if key in self.fingerprints:
            until = self.accepted_until.get(key)
            return until is None or today is None or today <= until
        if f.secret_hash is None:
            return False
        if any((f.path, h) in self.hashed for h in (f.secret_hash, *f.secret_hashes)):
            return True
        return f.line is not None and any((f.path, f.line, h) in self.hashed_lines for h in f.prefix_hashes)


def read(path: Path) -> dict[str, Any]:
    """Parse a baseline file of either format."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise BaselineError(
            f"{path}: baseline file not found (create one with 'secret-hygiene baseline create')"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path}: not a valid baseline file: {exc}") from None
    if not isinstance(doc, dict):
        raise BaselineError(f"{path}: a baseline is a JSON object")
    return doc


def load(path: Path) -> Known:
    """Known findings from our baseline or a detect-secrets `.secrets.baseline`."""
    doc = read(path)
    if is_detect_secrets(doc):
        return replace(_from_detect_secrets(path, doc), name=path.name)
    entries = entries_of(path, doc)
    accepted = {entry_key(e): _day(path, e["accepted_until"]) for e in entries if "accepted_until" in e}
    return Known(
        fingerprints=frozenset((e["rule_id"], e["path"], e["fingerprint"]) for e in entries),
        accepted_until=accepted,
        name=path.name,
    )


def _day(path: Path, value: object) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise BaselineError(f"{path}: accepted_until {str(value)[:40]!r} is not a date YYYY-MM-DD") from None


def entries_of(path: Path, doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The validated entries of one of our baselines."""
    entries = doc.get("entries")
    if doc.get("tool") != "secret-hygiene" or not isinstance(entries, list):
        raise BaselineError(f"{path}: not a secret-hygiene or detect-secrets baseline")
    for i, e in enumerate(entries):
        if not isinstance(e, dict) or not all(
            isinstance(e.get(k), str) for k in ("rule_id", "path", "fingerprint")
        ):
            raise BaselineError(f"{path}: entry #{i + 1} needs rule_id, path and fingerprint")
    return entries


def _from_detect_secrets(path: Path, doc: dict[str, Any]) -> Known:
    results = doc["results"]
    if not isinstance(results, dict):
        raise BaselineError(f"{path}: detect-secrets baseline 'results' must be an object")
    hashed: set[tuple[str, str]] = set()
    lines: set[tuple[str, int, str]] = set()
    for filename, items in results.items():
        for item in items if isinstance(items, list) else []:
            # Only entries audited as not secret suppress: a real secret stays a finding.
            if isinstance(item, dict) and item.get("is_secret") is False and "hashed_secret" in item:
                name = str(filename).replace("\\", "/").removeprefix("./")
                hashed.add((name, str(item["hashed_secret"])))
                if isinstance(item.get("line_number"), int):
                    lines.add((name, item["line_number"], str(item["hashed_secret"])))
    return Known(hashed=frozenset(hashed), hashed_lines=frozenset(lines))


def is_detect_secrets(doc: dict[str, Any]) -> bool:
    """True for a detect-secrets `.secrets.baseline` document."""
    return "results" in doc and "plugins_used" in doc


def build(
    findings: Iterable[Finding],
    previous: dict[str, Any] | None = None,
    checks: Sequence[str] | None = None,
    *,
    today: date | None = None,
    grace_days: int | None = None,
) -> dict[str, Any]:
    """A baseline document for `findings`, keeping the review status of entries already known.

    One entry per (rule id, path, fingerprint); a finding in the work tree is preferred to the
    same one found in a commit. `checks`, when given, records which checks made the baseline.
    A rotation finding gets `accepted_until`: the one it already had (an update does not extend
    it), else `today` plus `grace_days`; a `grace_days` given explicitly resets it.
    """
    old = {entry_key(e): e for e in (previous or {}).get("entries", []) if isinstance(e, dict)}
    entries = []
    seen = set()
    for f in sorted(findings, key=lambda f: (f.path, f.commit is not None, f.line or 0, f.rule_id)):
        key = identity(f)
        if key in seen:
            continue
        seen.add(key)
        entries.append(
            {
                "check": f.check,
                "rule_id": f.rule_id,
                "path": key[1],
                "line": f.line,
                "commit": f.commit,
                "fingerprint": f.fingerprint,
                "status": old.get(key, {}).get("status", "unreviewed"),
            }
        )
        if f.check.startswith("rotation-"):
            entries[-1]["accepted_until"] = _until(old.get(key, {}), today, grace_days)
    doc: dict[str, Any] = {"tool": "secret-hygiene", "version": __version__}
    if checks is not None:
        doc["checks"] = list(checks)
    doc["entries"] = entries
    return doc


def _until(old: dict[str, Any], today: date | None, grace_days: int | None) -> str:
    if grace_days is None and isinstance(old.get("accepted_until"), str):
        return str(old["accepted_until"])
    start = today or datetime.now(timezone.utc).date()
    return (start + timedelta(days=GRACE_DAYS if grace_days is None else grace_days)).isoformat()


def identity(f: Finding) -> tuple[str, str, str]:
    """A finding's baseline identity: (rule id, path, fingerprint), the path as a report prints it.

    A baseline is a file the tool writes: a path holding a key (a file or ref named after it)
    is stored with that key redacted, as reporters/safety.py prints it, never whole.
    """
    return (f.rule_id, _path_redactor()(f.path), f.fingerprint)


@functools.lru_cache(maxsize=1)
def _path_redactor() -> Callable[[str], str]:
    from secret_hygiene.reporters.safety import Redactor  # the built-in rules, loaded on first use

    return Redactor()


def entry_key(entry: dict[str, Any]) -> tuple[str, str, str]:
    """The identity of a baseline entry: (rule id, path, fingerprint)."""
    return (str(entry.get("rule_id")), str(entry.get("path")), str(entry.get("fingerprint")))


def stale(entries: Iterable[dict[str, Any]], findings: Iterable[Finding]) -> list[dict[str, Any]]:
    """Entries no finding matches any more (the key was removed, or the file moved)."""
    found = {identity(f) for f in findings}
    return [e for e in entries if entry_key(e) not in found]


def status_counts(entries: Iterable[dict[str, Any]]) -> dict[str, int]:
    """How many entries have each review status (unknown statuses count as unreviewed)."""
    counts = dict.fromkeys(STATUSES, 0)
    for e in entries:
        status = e.get("status")
        counts[status if status in counts else "unreviewed"] += 1
    return counts


def write(path: Path, doc: dict[str, Any], *, root: Path | None = None, given: bool = True) -> None:
    """Write a baseline document (sorted, stable JSON that diffs well) atomically, in the old file's style.

    `root` and `given`: a path not named on the command line must not be a symlink or lie outside
    the repository (see atomic.py).
    """
    try:
        original = path.read_bytes() if path.is_file() and not path.is_symlink() else None
    except OSError:
        original = None
    try:
        atomic.write(path, atomic.restyle(original, json.dumps(doc, indent=2) + "\n"), root=root, given=given)
    except OSError as exc:
        raise BaselineError(f"{path}: cannot write the baseline: {exc.strerror or exc}") from None


def subtract(
    findings: Iterable[Finding], known: Known, today: date | None = None
) -> tuple[list[Finding], int]:
    """Findings not covered by the baseline (as of `today`), and how many were."""
    every = list(findings)
    kept = [f for f in every if not known.covers(f, today)]
    return kept, len(every) - len(kept)


def expired(findings: Iterable[Finding], known: Known) -> list[tuple[Finding, date]]:
    """Findings the baseline accepted only until a day now past, with that day."""
    out = []
    for f in findings:
        until = known.accepted_until.get(identity(f))
        if until is not None and identity(f) in known.fingerprints:
            out.append((f, until))
    return out


def apply(report: Report, known: Known, today: date) -> Report:
    """The report less the findings the baseline covers on `today`, with a note per finding whose
    accepted day has passed."""
    kept, dropped = subtract(report.findings, known, today)
    if report.dropped is not None:  # --explain: name what the baseline took out
        left = {id(f) for f in kept}
        taken = (
            Dropped(
                f.rule_id, f.path, f.line, "baseline", known.name, f.secret or "", f.fingerprint, f.commit
            )
            for f in report.findings
            if id(f) not in left
        )
        report = replace(report, dropped=(*report.dropped, *taken))
    late = [f"{f.path}: {f.rule_id} was accepted by the baseline until {until}; rotate the key "
            "(or renew: secret-hygiene baseline update --grace-days N)"
            for f, until in expired(kept, known)]  # fmt: skip
    return replace(
        report, findings=tuple(kept), suppressed=report.suppressed + dropped, notes=(*report.notes, *late)
    )
