"""`history --jobs N` cuts a long commit list into slices read by workers: same report as one pipe."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from secret_hygiene.checks import history as history_cmd
from secret_hygiene.engine import names
from secret_hygiene.sources.files import GENERATED_REASON
from testing import commit, git, github_token, run_cli


def report(repo: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    run = run_cli(["history", "--format", "json", *args], repo)
    assert run.code in (0, 1), run.err
    text = run_cli(["history", *args], repo).out
    return run.code, json.loads(run.out), next(line for line in text.splitlines() if "checked" in line)


def test_sliced_history_reports_what_one_pipe_reports(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key, other = github_token(11), github_token(12)
    oldest = commit(git_repo, {"a.py": f"T = '{key}'\n"}, when="2024-01-01T00:00:00")
    for n in range(6):  # the key moves and returns across what will be slice boundaries
        commit(git_repo, {f"n{n}.txt": f"{n}\n"}, when=f"2024-01-0{n + 2}T00:00:00")
    git(git_repo, "checkout", "-q", "-b", "side")
    side = commit(git_repo, {"b.py": f"U = '{other}'\n"}, when="2024-02-01T00:00:00")
    git(git_repo, "checkout", "-q", "main")
    commit(git_repo, {"a.py": f"T = '{key}'\nX = 1\n", "c.py": f"K = '{key}'\n"}, when="2024-02-02T00:00:00")
    git(git_repo, "merge", "-q", "--no-edit", "side")
    slicing: list[int] = []
    real = history_cmd._commit_list

    def spy(repo: Any, revs: list[str]) -> list[str]:
        commits = real(repo, revs)
        slicing.append(len(commits))
        return commits

    monkeypatch.setattr(history_cmd, "_commit_list", spy)
    monkeypatch.setattr(history_cmd, "PARALLEL_MIN_COMMITS", 1)
    monkeypatch.setattr(history_cmd, "SLICES_PER_JOB", 3)  # 10 commits: slices of 2
    one_code, one, one_line = report(git_repo, "--jobs", "1")
    assert slicing == []  # one job: no commit list, one pipe
    many_code, many, many_line = report(git_repo, "--jobs", "2")
    assert slicing and slicing[0] == 10
    assert (many_code, many, many_line) == (one_code, one, one_line)
    assert one_code == 1
    found = {(f["path"], f["commit"]) for f in one["findings"]}
    assert ("a.py", oldest) in found and ("b.py", side) in found
    assert "checked 10 commit(s)" in one_line


def test_jobs_must_be_a_positive_number(git_repo: Path) -> None:
    commit(git_repo, {"a.txt": "x\n"})
    run = run_cli(["history", "--jobs", "0"], git_repo)
    assert run.code == 2 and "'0' is not a number of worker processes" in run.err


def test_keys_in_messages_and_paths_are_found_by_a_worker_as_by_one_pipe(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With workers, names.py's search (messages, paths, refs) runs as a pool task: same findings."""
    in_message, in_path, in_file = github_token(21), github_token(22), github_token(23)
    commit(git_repo, {"a.txt": "a\n"}, when="2024-01-01T00:00:00")
    commit(git_repo, {"b.txt": "b\n"}, message=f"token {in_message}", when="2024-01-02T00:00:00")
    commit(git_repo, {f"keys/{in_path}.txt": "x\n"}, when="2024-01-03T00:00:00")
    commit(git_repo, {"c.py": f"K = '{in_file}'\n"}, f"again {in_message}", when="2024-01-04T00:00:00")
    in_main: list[int] = []
    real = names.message_and_ref_findings

    def spy(*args: Any) -> Any:
        in_main.append(1)  # appended in a worker's memory when a worker runs it
        return real(*args)

    monkeypatch.setattr(names, "message_and_ref_findings", spy)
    monkeypatch.setattr(history_cmd, "PARALLEL_MIN_COMMITS", 1)
    one_code, one, one_line = report(git_repo, "--jobs", "1")
    assert len(in_main) == 2  # one pipe: the main process searched (report() runs twice)
    many_code, many, many_line = report(git_repo, "--jobs", "2")
    assert len(in_main) == 2  # workers: a worker searched
    assert (many_code, many, many_line) == (one_code, one, one_line)
    assert len(one["findings"]) == 3, one["findings"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_gitattributes_that_call_a_text_file_binary_do_not_hide_its_keys(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    # `-diff` / `binary` make `git log -p` print "Binary files differ" for these files: history
    # reads the patches without the repository's .gitattributes, so their added lines are scanned.
    (git_repo / ".gitattributes").write_text("*.txt -diff\n*.cfg binary\n")
    key, other = github_token(13), github_token(14)
    commit(git_repo, {"notes.txt": "intro\n", "app.cfg": "a = 1\n"})
    added = commit(git_repo, {"notes.txt": f"intro\nT = '{key}'\n", "app.cfg": f"a = 1\nU = '{other}'\n"})
    assert "Binary files" in git(git_repo, "log", "-p", "-1")  # what git shows in the repository
    monkeypatch.setattr(history_cmd, "PARALLEL_MIN_COMMITS", 1)
    before = git(git_repo, "status", "--porcelain", "--ignored")
    code, doc, _ = report(git_repo, "--jobs", jobs)
    assert code == 1
    assert sorted((f["path"], f["line"], f["commit"]) for f in doc["findings"]) == [
        ("app.cfg", 2, added),
        ("notes.txt", 2, added),
    ]
    assert not [s for s in doc.get("skipped", []) if s.get("reason") == "binary"]
    assert git(git_repo, "status", "--porcelain", "--ignored") == before


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_generated_files_are_skipped_in_history_unless_scan_generated_asks(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    # git is told not to diff lockfiles and bundles (the walk skips them by name): the report is
    # the same generated-file skip; with scan-generated their added lines are read again.
    key = github_token(15)
    commit(git_repo, {"app.py": "x = 1\n", "web/package-lock.json": "{}\n", "web/app.min.js": "a()\n"})
    added = commit(
        git_repo, {"web/package-lock.json": f'{{"t": "{key}"}}\n', "web/app.min.js": f"a('{key}')\n"}
    )
    monkeypatch.setattr(history_cmd, "PARALLEL_MIN_COMMITS", 1)
    code, doc, _ = report(git_repo, "--jobs", jobs)
    assert code == 0 and doc["findings"] == []
    skipped = {(s["path"], s["reason"]) for s in doc["skipped"]}
    assert ("web/package-lock.json", GENERATED_REASON) in skipped and (
        "web/app.min.js",
        GENERATED_REASON,
    ) in skipped
    (git_repo / ".secret-hygiene.yaml").write_text("scan-generated: true\n", encoding="utf-8")
    code, doc, _ = report(git_repo, "--jobs", jobs)
    assert code == 1
    assert sorted((f["path"], f["commit"]) for f in doc["findings"]) == [
        ("web/app.min.js", added),
        ("web/package-lock.json", added),
    ]
