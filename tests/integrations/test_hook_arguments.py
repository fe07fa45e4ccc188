"""File names that look like options never reach argparse as options (hooks, the Action's paths).

An attacker commits a file named `--help` beside a key: if a hook passed it before `--`, argparse
would print usage and exit 0, and the key would land.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from testing import git, github_token
from tests.integrations.test_precommit import MANIFEST, ROOT, attempt, head, hook_env, install

__all__ = ["hook_env"]  # the fixture, imported for pytest


@pytest.mark.parametrize("hook_id", ["secret-hygiene", "secret-hygiene-files"])
def test_a_staged_file_named_help_does_not_turn_the_hook_into_a_pass(
    git_repo: Path, hook_env: dict[str, str], hook_id: str
) -> None:
    install(git_repo, hook_env, [hook_id])
    before = head(git_repo)
    token = github_token(70)
    (git_repo / "--help").write_text("harmless\n", encoding="utf-8")
    (git_repo / "app.py").write_text(f"TOKEN = '{token}'\n", encoding="utf-8")
    git(git_repo, "add", "--", "--help", "app.py")
    done = attempt(git_repo, hook_env, "commit", "-m", "sneak a key past the hook")
    assert done.returncode != 0 and head(git_repo) == before, done.stdout
    assert "app.py" in done.stdout and "usage:" not in done.stdout
    assert token not in done.stdout


@pytest.mark.parametrize("name", ["--version", "-h", "--config=missing.yaml"])
def test_option_shaped_names_are_scanned(git_repo: Path, hook_env: dict[str, str], name: str) -> None:
    install(git_repo, hook_env, ["secret-hygiene"])
    token = github_token(71)
    (git_repo / name).write_text(f"TOKEN = '{token}'\n", encoding="utf-8")
    git(git_repo, "add", "--", name)
    done = attempt(git_repo, hook_env, "commit", "-m", "key in an option-shaped file")
    assert done.returncode != 0 and "error[leak]" in done.stdout, done.stdout
    assert token not in done.stdout


def _entries(path: Path) -> list[dict[str, object]]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    hooks = doc if isinstance(doc, list) else [h for r in doc["repos"] for h in r["hooks"]]
    return [h for h in hooks if str(h["entry"]).startswith("secret-hygiene")]


@pytest.mark.parametrize("path", [MANIFEST, ROOT / ".pre-commit-config.yaml"])
def test_every_hook_given_file_names_ends_its_options(path: Path) -> None:
    for hook in _entries(path):
        if hook.get("pass_filenames", True):
            assert str(hook["entry"]).split()[-1] == "--", hook["id"]


def test_plain_git_hooks_end_options_before_forwarded_arguments() -> None:
    for hook in (ROOT / "hooks").iterdir():
        for line in hook.read_text(encoding="utf-8").splitlines():
            if line.startswith("secret_hygiene ") or "| secret_hygiene " in line:
                assert '"$@"' not in line or ' -- "$@"' in line or "--pre-push" in line, line


def test_the_installed_command_is_what_the_hooks_call() -> None:
    found = subprocess.run(
        [str(Path(sys.executable).parent / "secret-hygiene"), "scan", "--", "--help"],
        capture_output=True, text=True, check=False, cwd=ROOT, env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    assert found.returncode == 2 and "usage:" not in found.stdout
