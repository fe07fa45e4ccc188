"""`secret-hygiene audit [REPO]`: every check on one repository, in one run and one report (issue 7).

It composes the other checks (no engine of its own): the leak scan of the tracked files, the
history scan of every commit reachable from HEAD, the env checks with history, and the rotation
check. The rule packs are loaded and compiled once and the Engine is shared by every part.
`baseline create|update|audit` run the same parts through `collect`.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

from secret_hygiene import env as envfiles
from secret_hygiene.cli.commands import history as history_cmd
from secret_hygiene.cli.commands import rotation as rotation_cmd
from secret_hygiene.cli.commands.common import Project, explained, load_project, project_rules, split
from secret_hygiene.cli.commands.scan import select_files
from secret_hygiene.context import Context
from secret_hygiene.engine import names
from secret_hygiene.engine.merge import fold_duplicates, strictly, with_history
from secret_hygiene.engine.rules import Rule
from secret_hygiene.engine.scanner import Engine
from secret_hygiene.errors import NotAGitRepo, SecretHygieneError
from secret_hygiene.model import Finding, Report, Skipped
from secret_hygiene.reporters.common import worst_first
from secret_hygiene.reporters.safety import Redactor
from secret_hygiene.rotation.assess import assess
from secret_hygiene.rotation.keyage import key_findings
from secret_hygiene.sources import git as gitrepo
from secret_hygiene.sources.filescan import scan_files

CHECKING = True
HELP = "every check on one repository in one report: tracked files, history, env hygiene, rotation"
PARTS = ("leak", "history", "env", "rotation")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """audit [REPO] [--no-history | --since REF] [--now DATE] [--strict] [--rules FILE]."""
    parser.add_argument("repo", nargs="?", type=Path, metavar="REPO", help="repository (default: .)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--no-history", action="store_true",
                       help="skip the history scan and the env files' history (work tree only)")  # fmt: skip
    which.add_argument("--since", metavar="REF",
                       help="scan only the commits after REF (REF..HEAD) for leaked keys; "
                            "env files are still checked over the whole history")  # fmt: skip
    parser.add_argument("--now", type=rotation_cmd.moment, metavar="DATE",
                        help="judge key ages as of DATE (YYYY-MM-DD; default: today, UTC)")  # fmt: skip
    parser.add_argument("--rules", type=Path, action="append", default=[], metavar="FILE",
                        help="an extra rule pack (file or directory); repeatable")  # fmt: skip


@dataclass(frozen=True)
class Options:
    """Which parts run, and how."""

    parts: tuple[str, ...] = PARTS
    since: str | None = None
    now: datetime | None = None
    strict: bool = False
    verbose: bool = False
    explain: bool = False  # record every dropped candidate value (the scans then run in one process)


@dataclass(frozen=True)
class Audit:
    """The merged report, every part's findings before merging (what a baseline records), and the
    Engine that found them (baseline audit redacts context with it)."""

    report: Report
    raw: tuple[Finding, ...]
    engine: Engine


def run(args: argparse.Namespace, ctx: Context) -> Report:
    """Run every check and return one report."""
    project = open_project(args, ctx, args.repo, "audit")
    parts = tuple(p for p in PARTS if not (args.no_history and p == "history"))
    options = Options(parts, args.since, args.now, args.strict, args.verbose, args.explain)
    audit = collect(project, options, ctx, [ctx.cwd / p for p in args.rules])
    report = replace(audit.report, redact=Redactor(audit.engine))  # the reporters' guard uses its rules
    return explained(report, audit.engine, args)


def open_project(args: argparse.Namespace, ctx: Context, start: Path | None, command: str) -> Project:
    """The project at `start`, which must be a git repository."""
    project = load_project(args, ctx, start)
    if not project.in_git:
        raise NotAGitRepo(
            f"{project.root}: not a git repository ({command} checks a repository's files and history; "
            "run it inside one)"
        )
    return project


def collect(project: Project, options: Options, ctx: Context, extra: Sequence[Path] = ()) -> Audit:
    """Run the chosen parts with one Engine and merge their reports."""
    rules = project_rules(project, list(extra))
    engine = Engine(rules, decode_depth=project.config.decode_depth, explain=options.explain)
    repo = gitrepo.open_repo(project.root)
    now = options.now or datetime.now(timezone.utc)
    reports: dict[str, Report] = {}
    if "leak" in options.parts:
        reports["leak"] = tracked(project, rules, engine)
    if "history" in options.parts:
        reports["history"] = history(repo, project, engine, options.since, ctx.stderr, options.explain)
    if "env" in options.parts:
        reports["env"] = envfiles.check(
            project.root, project.config, engine, history="history" in options.parts, verbose=options.verbose
        )
    if "rotation" in options.parts:
        reports["rotation"] = rotation(repo, project, rules, engine, now, options.strict, ctx.environ)
    return combine(reports, options, now, engine)


def tracked(project: Project, rules: Sequence[Rule], engine: Engine) -> Report:
    """The leak scan of the tracked files (as `scan`)."""
    rels = select_files(project, [project.root], False)
    config = project.config
    lines: list[int] = []
    results = list(
        scan_files(
            project.root,
            rels,
            rules,
            config.max_file_size,
            config.scan_generated,
            engine=engine,
            lines=lines,
            jobs=1 if engine.dropped is not None else None,  # --explain: this process's engine records drops
        )
    )
    findings, skipped = split(results)
    findings += names.path_findings(rels, engine)
    scanned = len(rels) - len(skipped)
    checked = f"{scanned} tracked file(s), {sum(lines)} line(s)"
    return Report(tuple(findings), tuple(skipped), checks=("leak",), scanned=scanned, checked=checked)


def history(
    repo: Any, project: Project, engine: Engine, since: str | None, stderr: TextIO, explain: bool = False
) -> Report:
    """The leak scan of every added line in the commits reachable from HEAD (after `since`), as `history`."""
    if not gitrepo.resolves(repo, "HEAD"):
        return Report(notes=("empty repository: no commits to scan",), checks=("leak",))
    revs = ["HEAD"]
    if since is not None:
        if since.startswith("-") or not gitrepo.resolves(repo, since):
            raise SecretHygieneError(f"audit: --since {since!r} is not a commit in this repository")
        revs.append("^" + since)
    notes = [history_cmd.SHALLOW_NOTE] if gitrepo.is_shallow(repo) else []
    jobs = 1 if explain else None  # the drops are recorded by this process's engine
    return history_cmd.history_report(repo, revs, engine, project, stderr, notes, jobs)


def rotation(
    repo: Any,
    project: Project,
    rules: Sequence[Rule],
    engine: Engine,
    now: datetime,
    strict: bool,
    environ: Mapping[str, str],
) -> Report:
    """The rotation check (as `rotation check`)."""
    result = assess(repo, project.root, project.config, rules, now=now, environ=environ, engine=engine)
    findings = key_findings(result.keys, strict=strict, inventory=False)
    skipped = (
        f"{result.placeholders} template variable(s) with an empty or placeholder value: no key to track"
    )
    report = Report(
        (*findings, *result.warnings),
        result.skipped,
        (*result.notes, *([skipped] if result.placeholders else [])),
        rotation_cmd.CHECKS,
        scanned=len(result.keys),
    )
    return report


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
