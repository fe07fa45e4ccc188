"""Keys in file names, commit messages and ref names are found, and printed redacted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from testing import commit, git, github_token, run_cli

FORMATS = ["text", "json", "sarif", "github"]


def leaked(token: str, text: str) -> bool:
    return token in text or token[4:20] in text


def names_of(out: str) -> list[tuple[str, str]]:
    doc: dict[str, Any] = json.loads(out)
    return sorted((f["check"], dict(f["details"]).get("kind", "")) for f in doc["findings"])


@pytest.mark.parametrize("command", [["scan"], ["audit", "--no-history"], ["scan", "--staged"]])
def test_a_key_in_a_file_name_is_a_finding_printed_redacted(git_repo: Path, command: list[str]) -> None:
    token = github_token(100)
    name = f"notes/{token}.txt"
    commit(git_repo, {"README.md": "hello\n"})
    (git_repo / "notes").mkdir()
    (git_repo / name).write_text("nothing secret inside\n", encoding="utf-8")
    git(git_repo, "add", "--", name)
    if command[-1] != "--staged":
        git(git_repo, "commit", "-q", "-m", "notes")
    run = run_cli([*command, "--format", "json"], git_repo)
    assert run.code == 1, run.out + run.err
    assert ("leak-name", "file name") in names_of(run.out)
    for fmt in FORMATS:
        shown = run_cli([*command, "--format", fmt], git_repo)
        assert shown.code == 1 and not leaked(token, shown.out + shown.err), fmt
        assert "notes/" in shown.out


@pytest.mark.parametrize("command", [["history"], ["audit"]])
def test_history_finds_keys_in_messages_branches_old_paths(git_repo: Path, command: list[str]) -> None:
    in_message, in_branch, in_path = github_token(101), github_token(102), github_token(103)
    commit(git_repo, {"a.txt": "a\n"}, f"deploy with token {in_message}\n\nsecond line")
    commit(git_repo, {f"{in_path}.log": "x\n"}, "add log")
    commit(git_repo, {f"{in_path}.log": None}, "remove it again")
    git(git_repo, "branch", f"fix/{in_branch}")
    run = run_cli([*command, "--format", "json"], git_repo)
    assert run.code == 1, run.out + run.err
    kinds = names_of(run.out)
    for kind in ("commit message", "ref name", "file name"):
        assert ("leak-name", kind) in kinds, kinds
    for fmt in FORMATS:
        shown = run_cli([*command, "--format", fmt], git_repo)
        for token in (in_message, in_branch, in_path):
            assert not leaked(token, shown.out + shown.err), fmt


def test_a_clean_history_has_no_name_findings(git_repo: Path) -> None:
    commit(git_repo, {"src/app.py": "x = 1\n"}, "an ordinary message about tokens and keys")
    git(git_repo, "branch", "feature/rotate-api-key")
    run = run_cli(["history", "--format", "json"], git_repo)
    assert run.code == 0 and names_of(run.out) == []


def test_a_key_in_the_name_of_an_empty_file_is_found_at_the_commit_that_added_it(git_repo: Path) -> None:
    """Changed paths come from the walk's own patches: a file with no lines (no hunk) and one
    only deleted later still name their oldest commit, as `git log --name-only` would."""
    in_empty, in_deleted = github_token(104), github_token(105)
    first = commit(git_repo, {f"keys/{in_empty}": "", f"old/{in_deleted}.txt": "x\n"}, "add")
    commit(git_repo, {f"keys/{in_empty}": "now with a line\n"}, "fill it")
    commit(git_repo, {f"old/{in_deleted}.txt": None}, "remove")
    run = run_cli(["history", "--format", "json"], git_repo)
    found = [f for f in json.loads(run.out)["findings"] if f["check"] == "leak-name"]
    assert sorted((f["path"].split("/")[0], f["commit"]) for f in found) == [("keys", first), ("old", first)]
