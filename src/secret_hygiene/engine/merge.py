"""Fold the findings of several checks into one list without saying the same thing twice (issue 7).

- A secret found both in a work-tree file and in that file's history is reported once, at its
  current location; the commit that introduced it in that file becomes a detail (`introduced`,
  with its date and, when the line moved since, `introduced_at`). Where it is now is where it
  must be removed; when it came in says how long it has been exposed and which history to rewrite.
- A history finding whose secret is no longer in its file stays a history finding (with `commit`).
- A template line that the leak scan and the template check both report stays the more specific
  env-example-value finding (same rule id, path, line and fingerprint, so baselines match either).
- `strict` turns warnings into errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from secret_hygiene.model import Finding


def with_history(tree: Sequence[Finding], history: Iterable[Finding]) -> list[Finding]:
    """Tree leaks (each with the commit that introduced it in its own file), then history leaks no
    longer in their file.

    History holds one finding per secret and file, so the commit named for a copy in the tree is
    always one that added the value to that very file (`git show COMMIT -- PATH` shows it).
    """
    past = {(h.fingerprint, h.path): h for h in history}
    merged = [introduced(t, past[_key(t)]) if _key(t) in past else t for t in tree]
    current = {_key(t) for t in tree}
    merged.extend(h for key, h in past.items() if key not in current)
    return merged


def _key(f: Finding) -> tuple[str, str]:
    return (f.fingerprint, f.path)


def introduced(now: Finding, first: Finding) -> Finding:
    """`now` with the commit (and date, and place when it differs) of `first` as details."""
    extra = [("introduced", first.commit or "")]
    date = first.detail("date")
    if date:
        extra.append(("introduced_date", date))
    if (first.path, first.line) != (now.path, now.line):
        extra.append(("introduced_at", f"{first.path}:{first.line}" if first.line else first.path))
    return replace(now, details=(*now.details, *extra))


def fold_duplicates(findings: Iterable[Finding]) -> list[Finding]:
    """Drop a work-tree leak that a more specific check reports at the same place for the same secret."""
    every = list(findings)
    specific = {_place(f): f for f in every if f.check != "leak"}
    carried: dict[tuple[str, str, int | None, str], tuple[tuple[str, str], ...]] = {}
    kept: list[Finding] = []
    for f in every:
        if f.check == "leak" and f.commit is None and _place(f) in specific:
            have = dict(specific[_place(f)].details)
            carried[_place(f)] = tuple((k, v) for k, v in f.details if k not in have)
        else:
            kept.append(f)
    return [
        replace(f, details=(*f.details, *carried[_place(f)]))
        if f.check != "leak" and _place(f) in carried
        else f
        for f in kept
    ]


def _place(f: Finding) -> tuple[str, str, int | None, str]:
    return (f.rule_id, f.path, f.line, f.fingerprint)


def strictly(findings: Iterable[Finding]) -> list[Finding]:
    """Warnings become errors."""
    return [replace(f, level="error") if f.level == "warning" else f for f in findings]
