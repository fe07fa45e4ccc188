"""SARIF 2.1.0 for GitHub code scanning (upload-sarif)."""

from __future__ import annotations

import json
from typing import Any, TextIO

from secret_hygiene import __version__
from secret_hygiene.model import Finding, Report
from secret_hygiene.reporters.common import worst_first
from secret_hygiene.reporters.safety import guard, json_text

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SECURITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}


def render_sarif(report: Report, out: TextIO, *, color: bool, verbose: bool, workflow: bool = False) -> None:
    """Write one SARIF log with one run."""
    report = guard(report)
    findings = worst_first(report.findings)
    rule_ids = sorted({f.rule_id for f in findings})
    index = {rid: i for i, rid in enumerate(rule_ids)}
    first = {rid: next(f for f in findings if f.rule_id == rid) for rid in rule_ids}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "secret-hygiene",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": "https://pypi.org/project/secret-hygiene/",
                "rules": [_rule(first[rid]) for rid in rule_ids],
            }
        },
        "results": [_result(f, index[f.rule_id]) for f in findings],
        "columnKind": "unicodeCodePoints",
    }
    if report.notes:
        run["invocations"] = [
            {
                "executionSuccessful": True,
                "toolExecutionNotifications": [{"message": {"text": n}} for n in report.notes],
            }
        ]
    doc = json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2)
    out.write(json_text(doc, workflow=workflow) + "\n")


def _rule(f: Finding) -> dict[str, Any]:
    return {
        "id": f.rule_id,
        "name": "".join(p.capitalize() for p in f.rule_id.replace(".", "-").split("-")),
        "shortDescription": {"text": f.message},
        "defaultConfiguration": {"level": f.level},
        "properties": {
            "tags": ["security", "secret", f.check],
            "security-severity": _SECURITY.get(f.severity, "5.0"),
        },
    }


def _result(f: Finding, rule_index: int) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": f.path or ".", "uriBaseId": "%SRCROOT%"}}
    if f.line is not None:
        region: dict[str, int] = {"startLine": f.line}
        if f.column is not None:
            region["startColumn"] = f.column
        physical["region"] = region
    props: dict[str, Any] = {"check": f.check, "severity": f.severity, **dict(f.details)}
    if f.secret:
        props["secret"] = f.secret
    if f.commit:
        props["commit"] = f.commit
    text = f.message + (f" ({f.secret})" if f.secret else "")
    if f.commit:
        text += f" in commit {f.commit}"
    return {
        "ruleId": f.rule_id,
        "ruleIndex": rule_index,
        "level": f.level,
        "message": {"text": text},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {
            "secretHygiene/v1": f.fingerprint,
            **({"commitSha/v1": f.commit} if f.commit else {}),
        },
        "properties": props,
    }
