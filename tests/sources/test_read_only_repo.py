"""history and audit in a checkout the user cannot write: no remerge diffs, a note, no failure."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from secret_hygiene.checks.history import READ_ONLY_NOTE
from secret_hygiene.sources import git as gitrepo
from testing import commit, git, github_token, run_cli

NOBODY = 65534


def _history_with_a_merge(repo: Path) -> None:
    commit(repo, {"app.py": "x = 1\n"})
    git(repo, "checkout", "-q", "-b", "side")
    commit(repo, {"app.py": f"KEY = '{github_token(seed=11)}'\n"})
    git(repo, "checkout", "-q", "main")
    commit(repo, {"app.py": "x = 2\n"})
    git(repo, "merge", "-q", "side", check=False)
    commit(repo, {"app.py": f"KEY = '{github_token(seed=12)}'\n"}, "merge")


@pytest.fixture
def unwritable(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the repository owned by `nobody` without write bits; git runs as `nobody`."""
    setpriv = shutil.which("setpriv")
    if getattr(os, "geteuid", lambda: 1)() != 0 or setpriv is None:
        pytest.skip("needs root and setpriv to run git as an unprivileged user")
    _history_with_a_merge(git_repo)
    top = Path(tempfile.mkdtemp(prefix="secret-hygiene-ro-"))
    try:
        top.chmod(0o755)
        copy = top / "repo"
        shutil.copytree(git_repo, copy, symlinks=True)
        bin_dir = top / "bin"
        bin_dir.mkdir()
        wrapper = bin_dir / "git"
        real = shutil.which("git")
        wrapper.write_text(
            f'#!/bin/sh\nHOME="{top}" XDG_CONFIG_HOME="{top}" exec "{setpriv}" --reuid={NOBODY} '
            f'--regid={NOBODY} --clear-groups "{real}" "$@"\n'
        )
        wrapper.chmod(0o755)
        subprocess.run(["chown", "-R", f"{NOBODY}:{NOBODY}", str(copy)], check=True)
        subprocess.run(["chmod", "-R", "a-w", str(copy)], check=True)
        monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
        yield copy
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(top)], check=False)
        shutil.rmtree(top, ignore_errors=True)


@pytest.mark.parametrize("command", ["history", "audit"])
def test_a_read_only_checkout_is_scanned_without_remerge(unwritable: Path, command: str) -> None:
    done = run_cli([command, "--format", "json"], unwritable)
    assert done.code == 1, done.err
    assert "temporary object directory" not in done.err
    assert "read-only repository" in done.out


def test_a_repository_we_cannot_write_is_detected_before_git_runs(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _history_with_a_merge(git_repo)
    assert gitrepo.objects_writable(gitrepo.open_repo(git_repo))
    monkeypatch.setattr(gitrepo, "objects_writable", lambda repo: False)
    done = run_cli(["history", "--format", "json"], git_repo)
    assert done.code == 1 and READ_ONLY_NOTE.split(":")[0] in done.out
