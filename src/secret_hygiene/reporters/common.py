"""Ordering and labels shared by reporters."""

from __future__ import annotations

from collections.abc import Iterable

from secret_hygiene.model import Finding

_LEVEL = {"error": 0, "warning": 1, "note": 2}


def worst_first(findings: Iterable[Finding]) -> list[Finding]:
    """Failing before warnings, then by place: a file's findings of one level in line order."""
    return sorted(findings, key=lambda f: (_LEVEL[f.level], f.path, f.line or 0, f.column or 0))


def by_check(findings: Iterable[Finding]) -> dict[str, int]:
    """Finding counts per check, in first-seen order."""
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.check] = counts.get(f.check, 0) + 1
    return counts


def location(f: Finding) -> str:
    """path:line:column, as far as known."""
    where = f.path
    if f.line is not None:
        where += f":{f.line}"
        if f.column is not None:
            where += f":{f.column}"
    return where
