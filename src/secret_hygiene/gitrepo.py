"""The only module that imports GitPython; hands back str, bytes and datetime."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from secret_hygiene.errors import GitError, NotAGitRepo


def _git() -> Any:
    import git  # GitPython costs ~100 ms to import: only commands that need git pay it.

    return git


def open_repo(path: Path) -> Any:
    """The git.Repo holding `path` (searching parent directories), or NotAGitRepo."""
    git = _git()
    try:
        return git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise NotAGitRepo(
            f"{path}: not a git repository (run inside a repository, or use --no-git for a plain directory)"
        ) from None


def find_root(path: Path) -> Path | None:
    """The work-tree root of the repository holding `path`, or None outside git."""
    try:
        repo = open_repo(path)
    except NotAGitRepo:
        return None
    if repo.bare:
        return None
    return Path(repo.working_tree_dir)


def run(repo: Any, *args: str) -> str:
    """Run a git command in `repo` and return its stdout; failures become GitError."""
    git = _git()
    try:
        return str(repo.git.execute(["git", *args], strip_newline_in_stdout=False))
    except git.GitCommandError as exc:
        stderr = str(exc.stderr or "").strip().splitlines()
        raise GitError(f"git {args[0]} failed: {stderr[-1] if stderr else exc}") from None


def run_bytes(repo: Any, *args: str) -> bytes:
    """Run a git command and return raw stdout bytes."""
    git = _git()
    try:
        out = repo.git.execute(["git", *args], stdout_as_string=False, strip_newline_in_stdout=False)
    except git.GitCommandError as exc:
        stderr = str(exc.stderr or "").strip().splitlines()
        raise GitError(f"git {args[0]} failed: {stderr[-1] if stderr else exc}") from None
    return bytes(out)


def ls_files(repo: Any, paths: list[str], untracked: bool = False) -> list[str]:
    """Tracked files (or untracked, not-ignored ones) under `paths`, repo-relative with '/'."""
    args = ["ls-files", "-z", "--others", "--exclude-standard"] if untracked else ["ls-files", "-z"]
    out = run_bytes(repo, *args, "--", *paths)
    return [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]
