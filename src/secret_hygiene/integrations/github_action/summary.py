"""The Markdown job summary of the GitHub Action, built from the JSON report (issue 7)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from secret_hygiene.reporters.safety import Redactor, printable

MAX_ROWS = 200  # GitHub caps a step summary at 1 MiB; a table this long is already unreadable
_ICON = {"error": "❌ error", "warning": "⚠️ warning", "note": "ℹ️ note"}  # noqa: RUF001


def markdown(doc: Mapping[str, Any], command: str, scope: str) -> str:
    """A heading with the verdict, counts by check, a table of findings (worst first) and the notes."""
    findings: list[Mapping[str, Any]] = list(doc.get("findings", []))
    guard = Redactor()  # the reporters' last guard, over the strings of the JSON report
    summary: Mapping[str, Any] = doc.get("summary", {})
    failing = sum(1 for f in findings if f.get("level") == "error")
    verdict = f"{failing} problem(s), {len(findings) - failing} warning(s)" if findings else "no findings"
    lines = [f"## secret-hygiene {command}: {verdict}", "", f"Scope: {_cell(scope)}.", ""]
    by_check = summary.get("by_check") or {}
    if by_check:
        lines += ["| check | findings |", "| --- | ---: |"]
        lines += [f"| {_cell(c)} | {n} |" for c, n in by_check.items()] + [""]
    if findings:
        lines += ["| level | check | rule | location | commit | secret | message |", "| --- " * 7 + "|"]
        lines += [_row(f, guard) for f in findings[:MAX_ROWS]]
        if len(findings) > MAX_ROWS:
            lines.append(f"\n… and {len(findings) - MAX_ROWS} more (see the SARIF file or the log).")
        lines.append("")
    if summary.get("suppressed"):
        lines += [f"{summary['suppressed']} known finding(s) suppressed by the baseline.", ""]
    lines += [f"> {_cell(guard(str(n)))}" for n in summary.get("notes", [])]
    return "\n".join(lines).rstrip("\n") + "\n\n"


def _row(f: Mapping[str, Any], guard: Callable[[str], str]) -> str:
    where = guard(str(f.get("path") or ""))
    if f.get("line") is not None:
        where += f":{f['line']}"
    commit = str(f.get("commit") or "")[:12]
    cells = [
        _ICON.get(str(f.get("level")), str(f.get("level"))),
        f.get("check"),
        f.get("rule_id"),
    ]
    plain = " | ".join(_cell(c) for c in cells)
    code = " | ".join(_code(c) for c in (where, commit, guard(str(f.get("secret") or ""))))
    return f"| {plain} | {code} | {_cell(guard(str(f.get('message') or '')))} |"


# What Markdown or HTML would act on inside a table cell: emphasis, links and images, raw HTML and
# entities, code spans, and the pipe that ends a cell. A file name must render as text.
_MARKUP = re.compile(r"[\\`*_\[\]<>&|~!]")
_ENTITY = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def _cell(value: object) -> str:
    """Table-safe text: one line, markup escaped (a file name never renders a heading or a link)."""
    text = printable("" if value is None else str(value))
    return _MARKUP.sub(lambda m: _ENTITY.get(m.group(0), "\\" + m.group(0)), text)


def _code(value: str) -> str:
    """A code span whose fence is longer than any backtick run inside; pipes escaped for the table."""
    if not value:
        return ""
    text = printable(value).replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
