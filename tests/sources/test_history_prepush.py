"""`history --pre-push` under pre-commit: refs from PRE_COMMIT_* variables when stdin is empty (issue 7)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from testing import commit, git, github_token, run_cli


def pre_push(repo: Path, env: dict[str, str], stdin: str = "", *args: str) -> tuple[int, dict[str, Any]]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PRE_COMMIT_")}
    run = run_cli(["history", "--pre-push", *args, "--format", "json"], repo, stdin, {**environ, **env})
    assert run.code in (0, 1), run.err
    return run.code, json.loads(run.out)


def paths(doc: dict[str, Any]) -> list[str]:
    return sorted(f["path"] for f in doc["findings"])


@pytest.fixture
def pushed(git_repo: Path, tmp_path: Path) -> tuple[Path, str]:
    """main (holding an old key) pushed to a local bare remote, then a new commit with another key."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    old = commit(git_repo, {"old.py": f"T = '{github_token(30)}'\n"})
    git(git_repo, "remote", "add", "origin", str(remote))
    git(git_repo, "push", "-q", "origin", "main")
    commit(git_repo, {"new.py": f"T = '{github_token(31)}'\n"})
    return git_repo, old


def test_from_and_to_refs_give_the_range(pushed: tuple[Path, str]) -> None:
    repo, old = pushed
    head = git(repo, "rev-parse", "HEAD").strip()
    code, doc = pre_push(repo, {"PRE_COMMIT_FROM_REF": old, "PRE_COMMIT_TO_REF": head})
    assert code == 1 and paths(doc) == ["new.py"]
    code, doc = pre_push(repo, {"PRE_COMMIT_FROM_REF": head, "PRE_COMMIT_TO_REF": head})
    assert code == 0 and doc["findings"] == []


def test_a_branch_reaching_a_root_scans_what_the_remote_lacks(pushed: tuple[Path, str]) -> None:
    repo, _ = pushed
    git(repo, "fetch", "-q", "origin")
    env = {"PRE_COMMIT_LOCAL_BRANCH": "refs/heads/main", "PRE_COMMIT_REMOTE_NAME": "origin"}
    code, doc = pre_push(repo, env)
    assert code == 1 and paths(doc) == ["new.py"]


def test_stdin_refs_win_over_the_environment(pushed: tuple[Path, str]) -> None:
    repo, old = pushed
    stdin = f"refs/heads/main {old} refs/heads/main {old}\n"
    head = git(repo, "rev-parse", "HEAD").strip()
    code, doc = pre_push(repo, {"PRE_COMMIT_FROM_REF": old, "PRE_COMMIT_TO_REF": head}, stdin)
    assert code == 0 and doc["findings"] == []


def test_git_hook_with_nothing_on_stdin_scans_nothing(pushed: tuple[Path, str]) -> None:
    repo, _ = pushed
    code, doc = pre_push(repo, {}, "", "origin", "/somewhere")
    assert code == 0 and doc["findings"] == [] and doc["summary"]["notes"]


def test_no_refs_anywhere_scans_heads_unpushed_commits(pushed: tuple[Path, str]) -> None:
    repo, _ = pushed
    git(repo, "fetch", "-q", "origin")
    code, doc = pre_push(repo, {})
    assert code == 1 and paths(doc) == ["new.py"]
    assert any("no remote" in n for n in doc["summary"]["notes"])


def test_empty_repository_without_refs_is_a_note(git_repo: Path) -> None:
    code, doc = pre_push(git_repo, {})
    assert code == 0 and doc["summary"]["notes"]


def test_an_option_smuggled_into_a_ref_variable_is_refused(pushed: tuple[Path, str]) -> None:
    repo, _ = pushed
    env = {"PRE_COMMIT_FROM_REF": "--output=/tmp/x", "PRE_COMMIT_TO_REF": "HEAD"}
    run = run_cli(["history", "--pre-push"], repo, "", {**os.environ, **env})
    assert run.code == 2 and len(run.err.strip().splitlines()) == 1
