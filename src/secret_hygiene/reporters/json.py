"""One JSON object per run: tool, version, findings (redacted), skipped files and a summary."""

from __future__ import annotations

import json
from typing import Any, TextIO

from secret_hygiene import __version__
from secret_hygiene.model import Finding, Report
from secret_hygiene.reporters.common import by_check, worst_first
from secret_hygiene.reporters.safety import guard, json_text


def finding_dict(f: Finding) -> dict[str, Any]:
    """The contract's fields plus severity, level and details."""
    return {
        "check": f.check,
        "rule_id": f.rule_id,
        "path": f.path,
        "line": f.line,
        "column": f.column,
        "commit": f.commit,
        "message": f.message,
        "secret": f.secret,
        "fingerprint": f.fingerprint,
        "severity": f.severity,
        "level": f.level,
        "details": dict(f.details),
    }


def render_json(report: Report, out: TextIO, *, color: bool, verbose: bool, workflow: bool = False) -> None:
    """Write the report as one JSON object."""
    out.write(json_text(json.dumps(document(report), indent=2), workflow=workflow) + "\n")


def document(report: Report) -> dict[str, Any]:
    """The JSON report as a value (the GitHub Action's job summary reads it)."""
    report = guard(report)
    doc: dict[str, Any] = {
        "tool": "secret-hygiene",
        "version": __version__,
        "findings": [finding_dict(f) for f in worst_first(report.findings)],
        "skipped": [{"path": s.path, "reason": s.reason, "commit": s.commit} for s in report.skipped],
        "summary": {
            "checks": list(report.checks),
            "by_check": by_check(report.findings),
            "failing": len(report.failing()),
            "warnings": len(report.findings) - len(report.failing()),
            "suppressed": report.suppressed,
            "scanned": report.scanned,
            "notes": list(report.notes),
        },
    }
    if report.dropped is not None:  # --explain only: the default document keeps its keys
        doc["dropped"] = [d.as_dict() for d in report.dropped]
    return doc
