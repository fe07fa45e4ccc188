"""`secret-hygiene history`: every added line in a range of commits, each secret once (checks/history.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from secret_hygiene.checks import history as check
from secret_hygiene.checks.project import project_rules
from secret_hygiene.cli.arguments import jobs_arg
from secret_hygiene.cli.commands.common import baseline_of, extra_rules, project_of
from secret_hygiene.context import Context
from secret_hygiene.model import Report

CHECKING = True
HELP = "scan every added line in the history of a git repository (or a range of it) for leaked keys"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """history [REPO] [--range A..B | --since REF | --all | --pre-push [REMOTE URL]] [--rules FILE]."""
    parser.add_argument("repo", nargs="?", type=Path, metavar="REPO", help="repository (default: .)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--range", metavar="A..B", help="only the commits in this git revision range")
    which.add_argument("--since", metavar="REF", help="only the commits after REF (REF..HEAD)")
    which.add_argument("--all", action="store_true", help="the commits of every ref, not only HEAD")
    which.add_argument("--pre-push", nargs="*", metavar="REMOTE", dest="pre_push",
                       help="pre-push hook mode: scan the commits being pushed (refs read from stdin, "
                            "else from pre-commit's PRE_COMMIT_FROM_REF/TO_REF, else HEAD's "
                            "unpushed commits; REMOTE and URL, as git passes them, are ignored)")  # fmt: skip
    parser.add_argument("--rules", type=Path, action="append", default=[], metavar="FILE",
                        help="an extra rule pack (file or directory); repeatable")  # fmt: skip
    parser.add_argument(
        "--jobs", type=jobs_arg, default=None, metavar="N", help="worker processes (default: CPU count)"
    )


def run(args: argparse.Namespace, ctx: Context) -> Report:
    """Pick the commits, stream their patches through the engine, keep each secret's oldest finding."""
    start = ctx.cwd / args.repo if args.repo is not None else ctx.cwd
    repo = check.open_repo(start)
    project = project_of(args, ctx, start)
    notes: list[str] = []
    revs = check.revisions(
        repo, rev_range=args.range, since=args.since, every=args.all, pre_push=args.pre_push,
        stdin=ctx.stdin, environ=ctx.environ, notes=notes,
    )  # fmt: skip
    rules = project_rules(project, extra_rules(args, ctx)) if revs is not None else []
    known = baseline_of(args, ctx, project)
    return check.history(
        repo,
        project,
        revs,
        rules,
        notes=notes,
        stderr=ctx.stderr,
        jobs=args.jobs,
        known=known,
        explain=args.explain,
    )
