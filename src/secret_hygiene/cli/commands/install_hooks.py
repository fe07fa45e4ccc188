"""`secret-hygiene install-hooks`: plain git hooks for teams without the pre-commit framework (issue 7)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from secret_hygiene.context import Context
from secret_hygiene.errors import NotAGitRepo, SecretHygieneError
from secret_hygiene.integrations import git_hooks as installer
from secret_hygiene.sources import git as gitrepo

CHECKING = False
HELP = "install git hooks that refuse commits and pushes adding API keys (honours core.hooksPath)"
_SAID = {
    "installed": "installed {path}",
    "updated": "updated {path}",
    "unchanged": "already installed at {path}",
    "replaced": "installed {path}, replacing the hook that was there",
    "chained": "installed {path}; the hook that was there is kept as {kept} and runs first",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """install-hooks [REPO] [--hook NAME ...] [--force | --chain]."""
    parser.add_argument("repo", nargs="?", type=Path, metavar="REPO", help="repository (default: .)")
    parser.add_argument("--hook", action="append", choices=installer.HOOKS, dest="hooks", metavar="NAME",
                        help="pre-commit or pre-push; repeatable (default: both)")  # fmt: skip
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--force", action="store_true", help="replace a hook not installed by secret-hygiene")
    mode.add_argument(
        "--chain", action="store_true", help="keep a foreign hook as NAME.local, run before ours"
    )


def run(args: argparse.Namespace, ctx: Context) -> int:
    """Install into `git rev-parse --git-path hooks` and say what happened to each hook."""
    start = ctx.cwd / args.repo if args.repo is not None else ctx.cwd
    if not start.exists():
        raise SecretHygieneError(f"{start}: no such file or directory")
    try:
        repo = gitrepo.open_repo(start)
    except NotAGitRepo:
        # gitrepo's message suggests --no-git, which is scan's flag: hooks need a repository.
        raise NotAGitRepo(
            f"{start}: not a git repository; install-hooks installs git hooks, run it inside a clone "
            "(or `git init` first)"
        ) from None
    if repo.working_tree_dir is None:
        raise NotAGitRepo(f"{start}: a bare repository has no commits to guard; run install-hooks in a clone")
    hooks_dir = gitrepo.git_path(repo, "hooks")
    names = list(dict.fromkeys(args.hooks or installer.HOOKS))
    steps = installer.install(hooks_dir, names, force=args.force, chain=args.chain, python=sys.executable)
    root = Path(repo.working_tree_dir)
    for step in steps:
        kept = step.kept.name if step.kept else ""
        said = _SAID[step.action].format(path=_shown(step.path, root), kept=kept)
        if step.action == "updated" and step.kept is not None:
            said += f" (it had been changed by hand: the old one is saved as {_shown(step.kept, root)})"
        ctx.stdout.write(f"{step.hook}: {said}\n")
    return 0


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
