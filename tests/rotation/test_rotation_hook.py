"""The secret-hygiene-rotation pre-commit hook: overdue keys warn at commit time, fail at push and in CI."""

from __future__ import annotations

from pathlib import Path

from testing import commit, fake, git
from tests.integrations.test_precommit import attempt, head, hook_env, install

__all__ = ["hook_env"]  # the fixture, imported so pytest finds it here

LEDGER = "keys:\n  PAYMENTS_API_TOKEN:\n    rotated: 2020-01-01\n"


def _overdue_repo(repo: Path, env: dict[str, str]) -> None:
    install(repo, env, ["secret-hygiene-rotation"])
    commit(repo, {".secret-rotation.yaml": LEDGER, "README.md": "teh docs\n"})
    (repo / ".env").write_text(f"PAYMENTS_API_TOKEN={fake('', 32, seed=90)}\n", encoding="utf-8")


def test_an_overdue_key_warns_but_lets_a_typo_fix_commit(git_repo: Path, hook_env: dict[str, str]) -> None:
    _overdue_repo(git_repo, hook_env)
    (git_repo / "README.md").write_text("the docs\n", encoding="utf-8")
    git(git_repo, "add", "README.md")
    done = attempt(git_repo, {**hook_env, "CI": ""}, "commit", "-m", "typo")
    assert done.returncode == 0, done.stdout
    assert git(git_repo, "log", "-1", "--format=%s").strip() == "typo"
    assert "rotation-overdue" in done.stdout and "PAYMENTS_API_TOKEN" in done.stdout


def test_an_overdue_key_fails_the_hook_in_ci(git_repo: Path, hook_env: dict[str, str]) -> None:
    _overdue_repo(git_repo, hook_env)
    before = head(git_repo)
    (git_repo / "README.md").write_text("the docs\n", encoding="utf-8")
    git(git_repo, "add", "README.md")
    done = attempt(git_repo, {**hook_env, "CI": "true"}, "commit", "-m", "typo")
    assert done.returncode != 0 and head(git_repo) == before
    assert "rotation-overdue" in done.stdout


def test_an_overdue_key_refuses_the_push(git_repo: Path, hook_env: dict[str, str], tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    _overdue_repo(git_repo, hook_env)
    git(git_repo, "remote", "add", "origin", str(remote))
    refused = attempt(git_repo, {**hook_env, "CI": ""}, "push", "-q", "origin", "main")
    assert refused.returncode != 0 and "rotation-overdue" in refused.stdout
    skipped = attempt(
        git_repo, {**hook_env, "CI": "", "SKIP": "secret-hygiene-rotation"}, "push", "-q", "origin", "main"
    )
    assert skipped.returncode == 0, skipped.stdout
