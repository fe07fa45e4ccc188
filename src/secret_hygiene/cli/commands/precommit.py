"""`secret-hygiene pre-commit [FILE...]`: what a commit must pass, in one process and one report
(checks/precommit.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from secret_hygiene.checks.precommit import precommit
from secret_hygiene.checks.project import git_project
from secret_hygiene.cli.arguments import moment
from secret_hygiene.cli.commands.common import baseline_of, extra_rules
from secret_hygiene.context import Context
from secret_hygiene.model import Report
from secret_hygiene.sources import git as gitrepo

CHECKING = True
HELP = "the commit-time checks in one run: staged keys, .env hygiene, key rotation (overdue keys warn)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """pre-commit [FILE...] [--rotation warn|fail] [--now DATE] [--rules FILE]."""
    parser.add_argument("paths", nargs="*", type=Path, metavar="FILE",
                        help="files to check (pre-commit passes them after --); default: every staged "
                             "change. A named file with no staged change is scanned whole")  # fmt: skip
    parser.add_argument("--rotation", choices=("warn", "fail"), default="warn",
                        help="an overdue key: warn (default) or fail the commit")  # fmt: skip
    parser.add_argument("--now", type=moment, metavar="DATE",
                        help="judge key ages as of DATE (YYYY-MM-DD; default: today, UTC)")  # fmt: skip
    parser.add_argument("--rules", type=Path, action="append", default=[], metavar="FILE",
                        help="an extra rule pack (file or directory); repeatable")  # fmt: skip


def run(args: argparse.Namespace, ctx: Context) -> Report:
    """Staged leak scan, env checks and rotation check, merged into one report."""
    project = git_project(ctx.cwd, None, args.config, "pre-commit")
    return precommit(
        project, gitrepo.open_repo(project.root), [ctx.cwd / p for p in args.paths] or [project.root],
        extra=extra_rules(args, ctx), rotation_fails=args.rotation == "fail", now=args.now,
        strict=args.strict, verbose=args.verbose, environ=ctx.environ, known=baseline_of(args, ctx, project),
        explain=args.explain,
    )  # fmt: skip
