"""`secret-hygiene scan [PATH...]`: leaked keys in files (checks/leaks.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from secret_hygiene.checks.leaks import scan
from secret_hygiene.checks.project import project_rules
from secret_hygiene.cli.arguments import jobs_arg
from secret_hygiene.cli.commands.common import baseline_of, extra_rules, project_of
from secret_hygiene.context import Context
from secret_hygiene.model import Report

CHECKING = True
HELP = "scan files for leaked keys (tracked files of a git repository by default)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """scan [PATH...] [--all-files | --no-git] [--rules FILE] [--jobs N]."""
    parser.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="files or directories (default: .)"
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--all-files", action="store_true", help="also scan untracked, not-ignored files")
    mode.add_argument("--no-git", action="store_true", help="walk a plain directory, honouring .gitignore")
    mode.add_argument("--staged", action="store_true",
                      help="scan what the index adds for the next commit, not the work tree")  # fmt: skip
    parser.add_argument("--rules", type=Path, action="append", default=[], metavar="FILE",
                        help="an extra rule pack (file or directory); repeatable")  # fmt: skip
    parser.add_argument(
        "--jobs", type=jobs_arg, default=None, metavar="N", help="worker processes (default: CPU count)"
    )
    parser.add_argument("--recurse-submodules", action="store_true",
                        help="also scan the tracked files of checked-out submodules")  # fmt: skip
    parser.add_argument("--with-detect-secrets", action="store_true",
                        help="also run detect-secrets' plugins as a second opinion (slower; "
                             "config key with-detect-secrets)")  # fmt: skip


def run(args: argparse.Namespace, ctx: Context) -> Report:
    """Select files, scan them, and report."""
    paths: list[Path] = args.paths or [Path(".")]
    project = project_of(args, ctx, paths[0], no_git=args.no_git)
    rules = project_rules(project, extra_rules(args, ctx))
    return scan(
        project, [ctx.cwd / p for p in paths], rules, staged=args.staged, all_files=args.all_files,
        submodules=args.recurse_submodules, jobs=args.jobs,
        second=args.with_detect_secrets or project.config.with_detect_secrets,
        known=baseline_of(args, ctx, project), explain=args.explain,
    )  # fmt: skip
