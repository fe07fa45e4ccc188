"""Ordering and labels shared by reporters."""

from __future__ import annotations

from collections.abc import Iterable

from secret_hygiene.model import Finding

_LEVEL = {"error": 0, "warning": 1, "note": 2}
_SEVERITY = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def worst_first(findings: Iterable[Finding]) -> list[Finding]:
    """Failing before warnings, severe before mild, then by place."""
    return sorted(
        findings,
        key=lambda f: (
            _LEVEL[f.level], _SEVERITY.get(f.severity, 9), f.path, f.line or 0, f.column or 0,
        ),
    )  # fmt: skip


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
