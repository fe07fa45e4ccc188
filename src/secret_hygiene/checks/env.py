"""The env check: env files ignored by git and never committed, templates holding placeholders."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from secret_hygiene import env as envfiles
from secret_hygiene.checks.project import Project, known_findings
from secret_hygiene.engine.rules import Rule
from secret_hygiene.engine.scanner import Engine
from secret_hygiene.errors import NotAGitRepo
from secret_hygiene.model import Report
from secret_hygiene.sources import git as gitrepo

if TYPE_CHECKING:
    from secret_hygiene.baseline.known import Known


def require_git(project: Project) -> None:
    """The env checks ask git which files it ignores: a plain directory is refused."""
    if not project.in_git:
        raise NotAGitRepo(
            f"{project.root}: not a git repository; the env checks ask git which files it ignores "
            "(run inside a repository)"
        )


def env(
    project: Project,
    repo: gitrepo.Repo,
    rules: Sequence[Rule] | Callable[[], Sequence[Rule]] | Engine,
    *,
    history: bool = False,
    verbose: bool = False,
    fix: bool = False,
    known: Known | None = None,
    now: datetime | None = None,
) -> Report:
    """`env`: with `fix`, first append the missing ignore patterns; the baseline `known` applied.

    `rules` may be a loader (a repository without templates needs no rules) or a built Engine."""
    changed = envfiles.run_fix(project.root, project.config, repo, project.excluded) if fix else []
    if fix and not changed:
        changed = ["env --fix: every env path is already ignored; nothing changed"]
    report = envfiles.check(
        project.root,
        project.config,
        rules,
        history=history,
        verbose=verbose,
        repo=repo,
        excluded=project.excluded,
    )
    return known_findings(replace(report, notes=(*changed, *report.notes)), known, now)
