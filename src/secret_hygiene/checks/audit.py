"""Every check on one repository, in one run and one report.

It composes the other checks (no engine of its own): the leak scan of the tracked files, the
history scan of every commit reachable from HEAD, the env checks with history, and the rotation
check. The rule packs are loaded and compiled once and the Engine is shared by every part.
`baseline create|update|audit` and org-audit run the same parts through `collect`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from secret_hygiene import env as envfiles
from secret_hygiene.checks import history as history_check
from secret_hygiene.checks.leaks import files, select_files
from secret_hygiene.checks.project import Project, explained, known_findings, project_rules
from secret_hygiene.checks.project import engine as make_engine
from secret_hygiene.checks.rotation import rotation
from secret_hygiene.engine.merge import fold_duplicates, strictly, with_history
from secret_hygiene.engine.scanner import Engine
from secret_hygiene.errors import SecretHygieneError
from secret_hygiene.model import Finding, Report, Skipped
from secret_hygiene.reporters.common import worst_first
from secret_hygiene.reporters.safety import Redactor
from secret_hygiene.sources import git as gitrepo

if TYPE_CHECKING:
    from secret_hygiene.baseline.known import Known

PARTS = ("leak", "history", "env", "rotation")


@dataclass(frozen=True)
class Options:
    """Which parts run, and how."""

    parts: tuple[str, ...] = PARTS
    since: str | None = None
    now: datetime | None = None
    strict: bool = False
    verbose: bool = False
    explain: bool = False  # name every dropped candidate value (the scans then run in one process)


@dataclass(frozen=True)
class Audit:
    """The merged report, every part's findings before merging (what a baseline records), and the
    Engine that found them (baseline audit redacts context with it)."""

    report: Report
    raw: tuple[Finding, ...]
    engine: Engine


def audit(
    project: Project,
    repo: gitrepo.Repo,
    options: Options,
    *,
    stderr: TextIO,
    environ: Mapping[str, str],
    extra: Sequence[Path] = (),
    known: Known | None = None,
) -> Report:
    """`audit`: every part, merged, the baseline `known` applied."""
    done = collect(project, repo, options, stderr=stderr, environ=environ, extra=extra, known=known)
    report = replace(done.report, redact=Redactor(done.engine))  # the reporters' guard uses its rules
    return known_findings(explained(report, done.engine), known, options.now)


def collect(
    project: Project,
    repo: gitrepo.Repo,
    options: Options,
    *,
    stderr: TextIO,
    environ: Mapping[str, str],
    extra: Sequence[Path] = (),
    known: Known | None = None,
) -> Audit:
    """Run the chosen parts with one Engine and merge their reports (no baseline applied: `known`
    only tells the engine whether a detect-secrets baseline will need its hashes)."""
    rules = project_rules(project, extra)
    engine = make_engine(project, rules, known, options.explain)
    now = options.now or datetime.now(timezone.utc)
    reports: dict[str, Report] = {}
    if "leak" in options.parts:
        reports["leak"] = tracked(project, repo, engine)
    if "history" in options.parts:
        reports["history"] = history(repo, project, engine, options.since, stderr)
    if "env" in options.parts:
        reports["env"] = envfiles.check(
            project.root, project.config, engine, history="history" in options.parts,
            verbose=options.verbose, repo=repo, excluded=project.excluded,
        )  # fmt: skip
    if "rotation" in options.parts:
        reports["rotation"] = rotation(
            repo, project, rules, now=now, environ=environ, strict=options.strict, engine=engine,
            placeholders=True,
        )  # fmt: skip
    return combine(reports, options, now, engine)


def tracked(project: Project, repo: gitrepo.Repo, engine: Engine) -> Report:
    """The leak scan of the tracked files (as `scan`)."""
    rels = select_files(project, repo, [project.root], False)
    return files(project, rels, engine, what="tracked file(s)")


def history(
    repo: gitrepo.Repo, project: Project, engine: Engine, since: str | None, stderr: TextIO
) -> Report:
    """The leak scan of every added line in the commits reachable from HEAD (after `since`), as `history`."""
    if not gitrepo.resolves(repo, "HEAD"):
        return Report(notes=(history_check.EMPTY_NOTE,), checks=("leak",))
    revs = ["HEAD"]
    if since is not None:
        if since.startswith("-") or not gitrepo.resolves(repo, since):
            raise SecretHygieneError(f"audit: --since {since!r} is not a commit in this repository")
        revs.append("^" + since)
    notes = [history_check.SHALLOW_NOTE] if gitrepo.is_shallow(repo) else []
    return history_check.history_report(repo, revs, engine, project, stderr, notes)


def combine(reports: Mapping[str, Report], options: Options, now: datetime, engine: Engine) -> Audit:
    """One report: leaks merged with their history, duplicates folded, worst first."""
    raw = tuple(f for r in reports.values() for f in r.findings)
    tree, past = reports.get("leak"), reports.get("history")
    leaks = with_history(tree.findings if tree else (), past.findings if past else ())
    others = [f for name, r in reports.items() if name not in ("leak", "history") for f in r.findings]
    findings = fold_duplicates([*leaks, *others])
    if options.strict:
        findings = strictly(findings)
    checks = tuple(dict.fromkeys(c for r in reports.values() for c in r.checks))
    notes = [_ran(reports, options, now)]
    notes += [f"{name}: {note}" for name, r in reports.items() for note in r.notes]
    report = Report(
        tuple(worst_first(findings)), _unique(r.skipped for r in reports.values()), tuple(notes), checks,
        scanned=tree.scanned if tree else 0, checked=_checked(reports),
    )  # fmt: skip
    return Audit(report, raw, engine)


def _ran(reports: Mapping[str, Report], options: Options, now: datetime) -> str:
    said = []
    if "leak" in reports:
        said.append(f"leak ({reports['leak'].scanned} tracked file(s))")
    if "history" in reports:
        which = f"after {options.since}" if options.since else "reachable from HEAD"
        said.append(f"history ({reports['history'].scanned} changed file(s) in the commits {which})")
    if "env" in reports:
        said.append("env" + (" (with history)" if "history" in options.parts else ""))
    if "rotation" in reports:
        day = now.astimezone(timezone.utc).date()
        said.append(f"rotation ({reports['rotation'].scanned} key(s) tracked as of {day})")
    return "audit ran: " + ", ".join(said)


def _checked(reports: Mapping[str, Report]) -> str:
    said = []
    if "leak" in reports:
        said.append(reports["leak"].checked or f"{reports['leak'].scanned} tracked file(s)")
    for part in ("history", "env"):
        if part in reports:
            said.append(reports[part].checked or f"{reports[part].scanned} file(s) ({part})")
    if "rotation" in reports:
        said.append(f"{reports['rotation'].scanned} key(s) tracked")
    return "; ".join(said)


def _unique(groups: Iterable[Iterable[Skipped]]) -> tuple[Skipped, ...]:
    return tuple(dict.fromkeys(s for group in groups for s in group))
