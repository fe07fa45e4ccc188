"""What a commit must pass, in one process and one report.

The pre-commit framework starts one process per hook id, and each start costs more than the
checks of a small commit. This runs the staged leak scan (as `scan --staged`), the env checks (as
`env`) and the rotation check (as `rotation check`) with one rule load, one Engine and one opened
repository. At commit time an overdue key is a warning (one old key must not block a typo fix);
it fails with `rotation_fails` or `strict`, and always in `audit` and `rotation check` (CI).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from secret_hygiene import env as envfiles
from secret_hygiene.checks.leaks import staged_leaks
from secret_hygiene.checks.project import Project, explained, known_findings, project_rules
from secret_hygiene.checks.project import engine as make_engine
from secret_hygiene.checks.rotation import rotation
from secret_hygiene.engine.merge import fold_duplicates, strictly
from secret_hygiene.model import Finding, Report
from secret_hygiene.reporters.safety import Redactor
from secret_hygiene.rotation.assess import work_tree_listing
from secret_hygiene.sources import git as gitrepo

if TYPE_CHECKING:
    from secret_hygiene.baseline.known import Known

_AT_COMMIT = "a warning at commit time; audit and rotation check fail on it (--rotation fail to fail here)"


def precommit(
    project: Project,
    repo: gitrepo.Repo,
    paths: Sequence[Path],
    *,
    extra: Sequence[Path] = (),
    rotation_fails: bool = False,
    now: datetime | None = None,
    strict: bool = False,
    verbose: bool = False,
    environ: Mapping[str, str],
    known: Known | None = None,
    explain: bool = False,
) -> Report:
    """Staged leak scan of `paths` (absolute), env checks and rotation check, merged; the baseline applied."""
    rules = project_rules(project, extra)
    engine = make_engine(project, rules, known, explain)
    leaks = staged_leaks(project, repo, engine, paths, project.config.with_detect_secrets)
    # rotation's listing walks the work tree as the env check's listings do: beside them
    listing = gitrepo.in_background(lambda: work_tree_listing(repo))
    env = envfiles.check(
        project.root, project.config, engine, verbose=verbose, repo=repo, excluded=project.excluded
    )
    when = now or datetime.now(timezone.utc)
    keys = rotation(
        repo, project, rules, now=when, environ=environ, strict=strict, engine=engine, placeholders=True,
        listing=listing(),
    )  # fmt: skip
    found = keys.findings if rotation_fails else tuple(_at_commit(f) for f in keys.findings)
    findings = fold_duplicates([*leaks.findings, *env.findings, *found])
    if strict:
        findings = strictly(findings)
    checked = f"{leaks.checked}; {env.checked}; {keys.scanned} key(s)"
    report = Report(
        tuple(findings),
        (*leaks.skipped, *env.skipped, *keys.skipped),
        (*env.notes, *keys.notes),
        tuple(dict.fromkeys((*leaks.checks, *env.checks, *keys.checks))),
        scanned=leaks.scanned,
        checked=checked,
        redact=Redactor(engine),  # the reporters' guard reuses the engine instead of loading the packs again
    )
    return known_findings(explained(report, engine), known, now)


def _at_commit(f: Finding) -> Finding:
    if f.check != "rotation-overdue" or f.level != "error":
        return f
    return replace(f, level="warning", details=(*f.details, ("at_commit", _AT_COMMIT)))
