"""`secret-hygiene pre-commit [FILE...]`: what a commit must pass, in one process and one report.

The pre-commit framework starts one process per hook id, and each start costs more than the
checks of a small commit. This command runs the staged leak scan (as `scan --staged`), the env
checks (as `env`) and the rotation check (as `rotation check`) with one rule load and one Engine.
At commit time an overdue key is a warning (one old key must not block a typo fix); it fails with
`--rotation fail` or `--strict`, and always in `audit` and `rotation check` (CI).
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from secret_hygiene import env as envfiles
from secret_hygiene.cli.commands import audit, scan
from secret_hygiene.cli.commands import rotation as rotation_cmd
from secret_hygiene.cli.commands.common import explained, project_rules
from secret_hygiene.context import Context
from secret_hygiene.engine.merge import fold_duplicates, strictly
from secret_hygiene.engine.scanner import Engine
from secret_hygiene.model import Finding, Report
from secret_hygiene.reporters.safety import Redactor
from secret_hygiene.sources import git as gitrepo

CHECKING = True
HELP = "the commit-time checks in one run: staged keys, .env hygiene, key rotation (overdue keys warn)"
_AT_COMMIT = "a warning at commit time; audit and rotation check fail on it (--rotation fail to fail here)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """pre-commit [FILE...] [--rotation warn|fail] [--now DATE] [--rules FILE]."""
    parser.add_argument("paths", nargs="*", type=Path, metavar="FILE",
                        help="files to check (pre-commit passes them after --); default: every staged "
                             "change. A named file with no staged change is scanned whole")  # fmt: skip
    parser.add_argument("--rotation", choices=("warn", "fail"), default="warn",
                        help="an overdue key: warn (default) or fail the commit")  # fmt: skip
    parser.add_argument("--now", type=rotation_cmd.moment, metavar="DATE",
                        help="judge key ages as of DATE (YYYY-MM-DD; default: today, UTC)")  # fmt: skip
    parser.add_argument("--rules", type=Path, action="append", default=[], metavar="FILE",
                        help="an extra rule pack (file or directory); repeatable")  # fmt: skip


def run(args: argparse.Namespace, ctx: Context) -> Report:
    """Staged leak scan, env checks and rotation check, merged into one report."""
    project = audit.open_project(args, ctx, None, "pre-commit")
    rules = project_rules(project, [ctx.cwd / p for p in args.rules])
    engine = Engine(rules, decode_depth=project.config.decode_depth, explain=args.explain)
    paths = [ctx.cwd / p for p in args.paths] or [project.root]
    leaks = scan.scan_staged(project, engine, paths, project.config.with_detect_secrets)
    env = envfiles.check(project.root, project.config, engine, verbose=args.verbose)
    now = args.now or datetime.now(timezone.utc)
    repo = gitrepo.open_repo(project.root)
    keys = audit.rotation(repo, project, rules, engine, now, args.strict, ctx.environ)
    rotation = keys.findings if args.rotation == "fail" else [_at_commit(f) for f in keys.findings]
    findings = fold_duplicates([*leaks.findings, *env.findings, *rotation])
    if args.strict:
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
    return explained(report, engine, args)


def _at_commit(f: Finding) -> Finding:
    if f.check != "rotation-overdue" or f.level != "error":
        return f
    return replace(f, level="warning", details=(*f.details, ("at_commit", _AT_COMMIT)))
