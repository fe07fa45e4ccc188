"""Human-readable report, grouped by file; colour only when asked (a TTY)."""

from __future__ import annotations

from collections import Counter
from functools import partial
from typing import TextIO

from secret_hygiene.model import Report
from secret_hygiene.reporters.common import worst_first
from secret_hygiene.reporters.safety import guard, printable

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "note": "\033[36m"}
_RESET = "\033[0m"


def render_text(report: Report, out: TextIO, *, color: bool, verbose: bool, workflow: bool = False) -> None:
    """Findings grouped by file, then a summary."""
    report = guard(report, escape=partial(printable, workflow=workflow))
    groups: dict[str, list[str]] = {}
    for f in worst_first(report.findings):
        tag = f"{f.level}[{f.check}]"
        if color:
            tag = f"{_COLORS[f.level]}{tag}{_RESET}"
        where = f"{f.line}:{f.column}" if f.line is not None and f.column else str(f.line or "-")
        parts = [f"  {where:>9}  {tag} {f.rule_id}: {f.message}"]
        if f.secret:
            parts.append(f"secret {f.secret}")
        if f.commit:
            parts.append(f"commit {f.commit[:12]}")
        first = f.detail("introduced")
        if first:
            parts.append(f"introduced in {first[:12]}")
        fix = f.detail("fix")
        if fix:
            parts.append(f"fix: {fix}")
        groups.setdefault(f.path, []).append("  ".join(parts))
    for path, lines in groups.items():
        out.write(f"{path}\n" + "\n".join(lines) + "\n")
    _summary(report, out, verbose)


def check_table(report: Report) -> dict[str, tuple[int, str]]:
    """Per check, worst first: how many findings and the worst level; leaks found only in history
    are counted apart from those in the files (issue 7)."""
    rows: dict[str, tuple[int, str]] = {}
    for f in worst_first(report.findings):
        label = f"{f.check} (history)" if f.check == "leak" and f.commit else f.check
        count, level = rows.get(label, (0, f.level))
        rows[label] = (count + 1, level)
    return rows


def _summary(report: Report, out: TextIO, verbose: bool) -> None:
    if report.findings:
        out.write("\n")
    for note in report.notes:
        out.write(f"note: {note}\n")
    if report.skipped:
        reasons = Counter(s.reason.split(" (")[0].split(":")[0] for s in report.skipped)
        out.write(
            f"skipped {len(report.skipped)} file(s): "
            + ", ".join(f"{n} {r}" for r, n in sorted(reasons.items()))
            + "\n"
        )
        if verbose:
            for s in report.skipped:
                out.write(f"  skipped {s.path}{' @' + s.commit[:12] if s.commit else ''}: {s.reason}\n")
    rows = check_table(report)
    if len(rows) > 1 or (rows and (verbose or len(report.checks) > 1)):
        width = max(len(c) for c in (*rows, "CHECK"))
        out.write(f"  {'CHECK':<{width}}  COUNT  WORST\n")
        out.write("".join(f"  {c:<{width}}  {n:>5}  {level}\n" for c, (n, level) in rows.items()))
    failing = len(report.failing())
    warnings = len(report.findings) - failing
    checked = f" in {report.scanned} file(s)" if report.scanned else ""
    status = f"{failing} problem(s), {warnings} warning(s){checked}"
    if report.suppressed:
        status += f"; {report.suppressed} known finding(s) suppressed by the baseline"
    if report.checks:
        status += f" [checks: {', '.join(report.checks)}]"
    out.write(("FAIL: " if failing else "OK: ") + status + "\n")
