"""GitHub Actions workflow commands: one ::error / ::warning / ::notice per finding."""

from __future__ import annotations

from typing import TextIO

from secret_hygiene.model import Report
from secret_hygiene.reporters.common import worst_first
from secret_hygiene.reporters.safety import guard, printable

_COMMAND = {"error": "error", "warning": "warning", "note": "notice"}


def escape_data(value: str) -> str:
    """Escape a workflow-command message."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a workflow-command property value."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render_github(report: Report, out: TextIO, *, color: bool, verbose: bool, workflow: bool = False) -> None:
    """One annotation per finding, then a plain summary line."""
    report = guard(report, escape=printable)
    for f in worst_first(report.findings):
        props = [f"file={escape_property(f.path)}"]
        if f.line is not None:
            props.append(f"line={f.line}")
            if f.column is not None:
                props.append(f"col={f.column}")
        props.append(f"title={escape_property(f'{f.check}: {f.rule_id}')}")
        text = f.message
        if f.secret:
            text += f" ({f.secret})"
        if f.commit:
            text += f" in commit {f.commit[:12]}"
        fix = f.detail("fix")
        if fix:
            text += f". Fix: {fix}"
        out.write(f"::{_COMMAND[f.level]} {','.join(props)}::{escape_data(text)}\n")
    for note in report.notes:
        out.write(f"::notice::{escape_data(note)}\n")
    failing = len(report.failing())
    out.write(f"secret-hygiene: {failing} problem(s), {len(report.findings) - failing} warning(s)\n")
