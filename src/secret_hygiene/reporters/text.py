"""Human-readable report: two short lines per finding, a summary of what was checked, next steps."""

from __future__ import annotations

from collections import Counter
from functools import partial
from typing import TextIO

from secret_hygiene.model import Finding, Report
from secret_hygiene.reporters.common import location, worst_first
from secret_hygiene.reporters.safety import guard, printable

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "note": "\033[36m"}
_RESET = "\033[0m"


def render_text(report: Report, out: TextIO, *, color: bool, verbose: bool, workflow: bool = False) -> None:
    """Each finding as `level[check] path:line:col rule` over an indented preview and fix; then a summary."""
    report = guard(report, escape=partial(printable, workflow=workflow))
    for f in worst_first(report.findings):
        out.write(finding_lines(f, color, verbose) + "\n")
    _summary(report, out, verbose)


def finding_lines(f: Finding, color: bool = False, verbose: bool = False) -> str:
    """Line 1: level, check, location, rule (when it differs from the check), commit.
    Line 2, indented: the redacted preview and the fix; the message where it explains the finding
    (not for a leak, whose rule id names it, unless verbose)."""
    tag = f"{f.level}[{f.check}]"
    if color:
        tag = f"{_COLORS[f.level]}{tag}{_RESET}"
    head = [tag, location(f)]
    if f.rule_id != f.check:
        head.append(f.rule_id)
    if f.commit:
        head.append(f"in commit {f.commit[:12]}")
    first = f.detail("introduced")
    if first:
        head.append(f"(introduced in {first[:12]})")
    decoded = f.detail("decoded")
    if decoded:  # the key is inside an encoded value at this place (decode.py)
        head.append(f"(decoded: {decoded})")
    body = [f.secret] if f.secret else []
    if f.check != "leak" or verbose or not f.secret:
        body.append(f.message)
    fix = f.detail("fix")
    if fix:
        body.append(f"fix: {fix}")
    return " ".join(head) + "\n    " + " | ".join(body)


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
    failing = report.failing()
    errors = sum(1 for f in report.findings if f.level == "error")
    warnings = len(report.findings) - errors
    status = f"{errors} problem(s), {warnings} warning(s)"
    if report.strict and warnings:
        status += " (--strict: warnings fail the run)"
    status += f"; checked {checked(report)}"
    if report.suppressed:
        status += f"; {report.suppressed} known finding(s) suppressed by the baseline"
    if report.checks:
        status += f" [checks: {', '.join(report.checks)}]"
    out.write(("FAIL: " if failing else "OK: ") + status + "\n")
    if failing:
        out.write(next_steps(failing))


def checked(report: Report) -> str:
    """What the run looked at, in words; never left unsaid (a run that checked nothing says so)."""
    return report.checked or f"{report.scanned} file(s)"


def next_steps(failing: tuple[Finding, ...]) -> str:
    """What to do about a failed run: fix the finding, mark a false positive, or skip the hooks once."""
    checks = {f.check for f in failing}
    steps = []
    if "leak" in checks:
        steps.append(
            "move the key to .env (ignored by git) and read it from the environment "
            '(os.environ["NAME"]); a key already committed must be rotated too'
        )
        steps.append("a false positive: add a `# secret-hygiene: allow` comment on the line or the one above")
    if checks & {"env-not-ignored", "env-tracked", "env-in-history"}:
        steps.append("env files: `secret-hygiene env --fix` adds the missing .gitignore patterns")
    if any(c.startswith("rotation-") for c in checks):
        steps.append("rotate the key, then record it: `secret-hygiene rotation record KEY`")
    steps.append(
        "commit anyway (after reading the report): `git commit --no-verify` skips every pre-commit "
        "hook of the commit, not only this check"
    )
    return "next steps:\n" + "".join(f"  - {s}\n" for s in steps)
