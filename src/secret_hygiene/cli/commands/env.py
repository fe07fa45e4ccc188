"""`secret-hygiene env [REPO] [--history] [--fix]`: .env hygiene (checks/env.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from secret_hygiene.checks import env as check
from secret_hygiene.checks.project import project_rules
from secret_hygiene.cli.commands.common import baseline_of, project_of
from secret_hygiene.context import Context
from secret_hygiene.model import Report
from secret_hygiene.sources import git as gitrepo

CHECKING = True
HELP = "env files ignored by git and never committed; .env.example-style templates hold placeholders only"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """env [REPO] [--history] [--fix]."""
    parser.add_argument("repo", nargs="?", type=Path, metavar="REPO", help="repository (default: .)")
    parser.add_argument(
        "--history", action="store_true", help="also report env files ever committed (reachable from HEAD)"
    )
    parser.add_argument(
        "--fix",
        action="store_true",
        help="append missing ignore patterns to .gitignore (never deletes or untracks anything)",
    )


def run(args: argparse.Namespace, ctx: Context) -> Report:
    """Check the repository's env files; with --fix, first append the missing ignore patterns."""
    project = project_of(args, ctx, args.repo)
    check.require_git(project)
    repo = gitrepo.open_repo(project.root)
    return check.env(
        project, repo, lambda: project_rules(project), history=args.history, verbose=args.verbose,
        fix=args.fix, known=baseline_of(args, ctx, project),
    )  # fmt: skip
