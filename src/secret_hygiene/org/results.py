"""From per-repository outcomes to what org-audit stores and reports.

An unchanged repository keeps its stored findings and keys. An incremental scan (new commits only,
plus the current tree) keeps the stored leak findings it did not see again: history does not forget,
so a full rescan would still report them at the commit that introduced them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import replace

from secret_hygiene.model import Finding, Level, Report
from secret_hygiene.org import store
from secret_hygiene.org.work import Outcome, Row


def complete(db: sqlite3.Connection, o: Outcome) -> Outcome:
    """The outcome with what the database knows filled in for unchanged and incremental scans."""
    if o.status == "unchanged":
        return replace(
            o, rows=tuple(store.open_rows(db, o.location)), keys=tuple(store.stored_keys(db, o.location))
        )
    if o.status != "incremental":
        return o
    seen = {r.identity for r in o.rows}
    fingerprints = {(r.rule_id, r.fingerprint) for r in o.rows}
    carried = tuple(
        r
        for r in store.open_rows(db, o.location)
        if r.check == "leak" and r.identity not in seen and (r.rule_id, r.fingerprint) not in fingerprints
    )
    return replace(o, rows=o.rows + carried)


def audited(outcomes: Sequence[Outcome]) -> int:
    """How many repositories were audited (not failed)."""
    return sum(1 for o in outcomes if o.status != "failed")


def report(outcomes: Sequence[Outcome], changes: Mapping[str, store.Change], run_id: int) -> Report:
    """One report over every repository; paths are shown as REPOSITORY/PATH."""
    findings = [_finding(o.name, r) for o in outcomes for r in o.rows]
    failed = [o for o in outcomes if o.status == "failed"]
    notes = [_summary(outcomes, changes, run_id)]
    notes += [f"failed: {o.name} ({o.location}): {o.reason}" for o in failed]
    checks = tuple(dict.fromkeys(f.check for f in findings)) or ("leak",)
    return Report(tuple(findings), notes=tuple(notes), checks=checks, scanned=audited(outcomes))


def _summary(outcomes: Sequence[Outcome], changes: Mapping[str, store.Change], run_id: int) -> str:
    by_status: dict[str, int] = {}
    for o in outcomes:
        by_status[o.status] = by_status.get(o.status, 0) + 1
    new = sum(c.new for c in changes.values())
    fixed = sum(c.fixed for c in changes.values())
    states = ", ".join(f"{n} {s}" for s, n in sorted(by_status.items()))
    keys = sum(len(o.keys) for o in outcomes)
    return (
        f"org-audit run {run_id}: {len(outcomes)} repositories ({states}); "
        f"{new} new and {fixed} fixed finding(s) since the last run; {keys} key(s) tracked"
    )


def _finding(repository: str, r: Row) -> Finding:
    return Finding(
        check=r.check, rule_id=r.rule_id, path=f"{repository}/{r.path}", line=r.line, column=r.column,
        message=r.message, fingerprint=r.fingerprint, secret=r.secret, commit=r.commit, severity=r.severity,
        level=_level(r.level),
        details=(("repository", repository), ("repository_path", r.path), ("family", r.family)),
    )  # fmt: skip


def exit_code(report: Report, audited_count: int, *, strict: bool) -> int:
    """2 when no repository could be audited, 1 on failing findings (warnings too under strict), else 0."""
    if audited_count == 0:
        return 2
    failing = report.findings if strict else report.failing()
    return 1 if failing else 0


def _level(text: str) -> Level:
    match text:
        case "warning":
            return "warning"
        case "note":
            return "note"
        case _:
            return "error"
