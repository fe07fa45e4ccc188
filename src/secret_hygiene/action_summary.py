"""The Markdown job summary of the GitHub Action, built from the JSON report (issue 7)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MAX_ROWS = 200  # GitHub caps a step summary at 1 MiB; a table this long is already unreadable
_ICON = {"error": "❌ error", "warning": "⚠️ warning", "note": "ℹ️ note"}  # noqa: RUF001


def markdown(doc: Mapping[str, Any], command: str, scope: str) -> str:
    """A heading with the verdict, counts by check, a table of findings (worst first) and the notes."""
    findings: list[Mapping[str, Any]] = list(doc.get("findings", []))
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
        lines += [_row(f) for f in findings[:MAX_ROWS]]
        if len(findings) > MAX_ROWS:
            lines.append(f"\n… and {len(findings) - MAX_ROWS} more (see the SARIF file or the log).")
        lines.append("")
    if summary.get("suppressed"):
        lines += [f"{summary['suppressed']} known finding(s) suppressed by the baseline.", ""]
    lines += [f"> {_cell(n)}" for n in summary.get("notes", [])]
    return "\n".join(lines).rstrip("\n") + "\n\n"


def _row(f: Mapping[str, Any]) -> str:
    where = str(f.get("path") or "")
    if f.get("line") is not None:
        where += f":{f['line']}"
    commit = str(f.get("commit") or "")[:12]
    cells = [
        _ICON.get(str(f.get("level")), str(f.get("level"))),
        f.get("check"),
        f.get("rule_id"),
        f"`{where}`" if where else "",
        f"`{commit}`" if commit else "",
        f"`{f['secret']}`" if f.get("secret") else "",
        f.get("message"),
    ]
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _cell(value: object) -> str:
    """Table-safe text: no pipes breaking the row, no newlines, no HTML."""
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")
