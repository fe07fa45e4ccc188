"""`secret-hygiene audit [REPO]`: every check on one repository in one report (checks/audit.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from secret_hygiene.checks.audit import PARTS, Options, audit
from secret_hygiene.checks.project import git_project
from secret_hygiene.cli.arguments import moment
from secret_hygiene.cli.commands.common import baseline_of, extra_rules
from secret_hygiene.context import Context
from secret_hygiene.model import Report
from secret_hygiene.sources import git as gitrepo

CHECKING = True
HELP = "every check on one repository in one report: tracked files, history, env hygiene, rotation"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """audit [REPO] [--no-history | --since REF] [--now DATE] [--strict] [--rules FILE]."""
    parser.add_argument("repo", nargs="?", type=Path, metavar="REPO", help="repository (default: .)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--no-history", action="store_true",
                       help="skip the history scan and the env files' history (work tree only)")  # fmt: skip
    which.add_argument("--since", metavar="REF",
                       help="scan only the commits after REF (REF..HEAD) for leaked keys; "
                            "env files are still checked over the whole history")  # fmt: skip
    parser.add_argument("--now", type=moment, metavar="DATE",
                        help="judge key ages as of DATE (YYYY-MM-DD; default: today, UTC)")  # fmt: skip
    parser.add_argument("--rules", type=Path, action="append", default=[], metavar="FILE",
                        help="an extra rule pack (file or directory); repeatable")  # fmt: skip


def run(args: argparse.Namespace, ctx: Context) -> Report:
    """Run every check and return one report."""
    project = git_project(ctx.cwd, args.repo, args.config, "audit")
    parts = tuple(p for p in PARTS if not (args.no_history and p == "history"))
    options = Options(parts, args.since, args.now, args.strict, args.verbose, args.explain)
    return audit(
        project, gitrepo.open_repo(project.root), options, stderr=ctx.stderr, environ=ctx.environ,
        extra=extra_rules(args, ctx), known=baseline_of(args, ctx, project),
    )  # fmt: skip
