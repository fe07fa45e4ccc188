"""`secret-hygiene env [REPO] [--history] [--fix]`: .env hygiene (issue 5)."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from secret_hygiene import env as envfiles
from secret_hygiene.cli.commands.common import load_project, project_rules
from secret_hygiene.context import Context
from secret_hygiene.errors import NotAGitRepo
from secret_hygiene.model import Report

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
    project = load_project(args, ctx, args.repo)
    if not project.in_git:
        raise NotAGitRepo(
            f"{project.root}: not a git repository; the env checks ask git which files it ignores "
            "(run inside a repository)"
        )
    changed = envfiles.run_fix(project.root, project.config) if args.fix else []
    if args.fix and not changed:
        changed = ["env --fix: every env path is already ignored; nothing changed"]
    report = envfiles.check(
        project.root,
        project.config,
        lambda: project_rules(project),
        history=args.history,
        verbose=args.verbose,
    )
    return replace(report, notes=(*changed, *report.notes))
