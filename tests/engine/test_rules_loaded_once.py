"""A command loads the rule packs once: the reporters' guard redacts with the command's engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from secret_hygiene.checks import project as common
from secret_hygiene.engine import rules
from testing import commit, git, run_cli


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = rules.load_rules

    def spy(*args: Any, **kwargs: Any) -> list[rules.Rule]:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(rules, "load_rules", spy)
    monkeypatch.setattr(common, "load_rules", spy)
    return calls


@pytest.mark.parametrize(
    "args",
    [
        ["pre-commit", "--", "a.txt"],
        ["scan", "--staged", "--", "a.txt"],
        ["scan", "--no-git", "."],
        ["history"],
    ],
)
def test_rules_are_loaded_once_per_run(git_repo: Path, loads: list[int], args: list[str]) -> None:
    commit(git_repo, {"README.md": "hi\n"})
    (git_repo / "a.txt").write_text("plain text, no key\n")
    (git_repo / "package-lock.json").write_text("{}\n")  # a Skipped record: text for the guard
    git(git_repo, "add", "a.txt", "package-lock.json")
    run = run_cli(args, git_repo)
    assert run.code in (0, 1), run.err
    assert len(loads) == 1, run.out
