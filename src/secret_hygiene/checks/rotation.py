"""The rotation check: every key's age against its threshold, from env files, templates and the ledger."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from secret_hygiene.checks.project import Project, known_findings
from secret_hygiene.engine.rules import Rule
from secret_hygiene.engine.scanner import Engine
from secret_hygiene.errors import NotAGitRepo
from secret_hygiene.model import Finding, Report
from secret_hygiene.rotation.assess import Assessment, assess
from secret_hygiene.rotation.keyage import key_findings
from secret_hygiene.rotation.state import NOT_CHANGED, UNRECORDED
from secret_hygiene.sources import git as gitrepo

if TYPE_CHECKING:
    from secret_hygiene.baseline.known import Known

CHECKS = ("rotation-overdue", "rotation-due-soon", "rotation-unknown", UNRECORDED, NOT_CHANGED)


def require_git(project: Project) -> None:
    """Rotation reads a repository's env files and their history: a plain directory is refused."""
    if not project.in_git:
        raise NotAGitRepo(f"{project.root}: not a git repository (rotation reads a repository's env files)")


def rotation(
    repo: gitrepo.Repo,
    project: Project,
    rules: Sequence[Rule],
    *,
    now: datetime,
    environ: Mapping[str, str],
    strict: bool = False,
    only_file: str | None = None,
    fail: bool = True,
    engine: Engine | None = None,
    placeholders: bool = False,
    known: Known | None = None,
    listing: Sequence[tuple[str, bool]] | None = None,
) -> Report:
    """`rotation check`: overdue keys are errors (warnings when not `fail`); the baseline applied.

    `placeholders` is the form audit and pre-commit report: the keys tracked count as scanned, and
    a note counts the template variables with no key to track."""
    result = assess(
        repo, project.root, project.config, rules, now=now, environ=environ, only_file=only_file,
        engine=engine, excluded=project.excluded, listing=listing,
    )  # fmt: skip
    findings = key_findings(result.keys, strict=strict, inventory=False)
    if not fail:
        findings = [replace(f, level="warning") if f.level == "error" else f for f in findings]
    report = assessed(result, findings)
    if placeholders and result.placeholders:
        said = (
            f"{result.placeholders} template variable(s) with an empty or placeholder value: no key to track"
        )
        report = replace(report, notes=(*report.notes, said), scanned=len(result.keys))
    elif placeholders:
        report = replace(report, scanned=len(result.keys))
    return known_findings(report, known, now)


def assessed(result: Assessment, findings: Sequence[Finding]) -> Report:
    """The report of an assessment with these key findings."""
    return Report(
        tuple(findings) + result.warnings, result.skipped, result.notes, CHECKS, scanned=result.scanned
    )
