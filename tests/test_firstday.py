"""A new user's first day: the README's Quick start on this repository, and the report's honesty."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from secret_hygiene.sources import filescan
from testing import commit, git, github_token, run_cli

REPO = Path(__file__).resolve().parent.parent


def test_our_own_repository_audits_clean_as_the_quick_start_promises() -> None:
    # README Quick start: `python -m pip install . && secret-hygiene audit .` in a clone must exit 0
    # (tree and history; the one known false positive in history is in our committed baseline).
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout: the Quick start audits a clone")
    result = run_cli(["audit", "-q", "."], REPO)
    assert result.code == 0, result.out + result.err


def test_strict_run_failing_on_warnings_only_says_fail_not_ok(git_repo: Path) -> None:
    commit(git_repo, {"lib.py": "x = 1\n"})  # a library repository: no env file, a warning only
    plain = run_cli(["env"], git_repo)
    assert plain.code == 0 and "\nOK: 0 problem(s), 1 warning(s)" in plain.out
    strict = run_cli(["env", "--strict"], git_repo)
    assert strict.code == 1
    assert "\nOK:" not in strict.out
    assert "\nFAIL: 0 problem(s), 1 warning(s) (--strict: warnings fail the run)" in strict.out
    as_json = run_cli(["env", "--strict", "--format", "json"], git_repo)
    assert as_json.code == 1 and '"failing": 1' in as_json.out


def test_staged_binary_file_is_skipped_not_also_counted_as_checked(git_repo: Path) -> None:
    commit(git_repo, {"a.py": "x = 1\n"})
    (git_repo / "a.py").write_text("x = 1\ny = 2\n")
    (git_repo / "blob.bin").write_bytes(b"\x89PNG\x00\x01\x02\x00")
    git(git_repo, "add", "a.py", "blob.bin")
    result = run_cli(["scan", "--staged"], git_repo)
    assert result.code == 0
    assert "skipped 1 file(s): 1 binary" in result.out
    assert "checked 1 staged file(s) (1 added line(s)) [checks: leak]" in result.out


def test_plain_scan_says_how_many_lines_it_checked(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commit(git_repo, {"a.py": "x = 1\ny = 2\n", "b.txt": "one\ntwo\nthree", "c.bin": b"\x00\x01"})
    result = run_cli(["scan"], git_repo)
    assert result.code == 0
    assert "checked 2 file(s), 5 line(s) [checks: leak]" in result.out
    # The same count from a process pool (sources/filescan.py splits work this large into chunks).
    monkeypatch.setattr(filescan, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(filescan, "CHUNK_BYTES", 1)
    pooled = run_cli(["scan", "--jobs", "2"], git_repo)
    assert "checked 2 file(s), 5 line(s) [checks: leak]" in pooled.out
    audit = run_cli(["audit", "--no-history"], git_repo)
    assert "checked 2 tracked file(s), 5 line(s)" in audit.out


def test_history_scans_utf16_files_git_calls_binary(git_repo: Path) -> None:
    token = github_token(seed=16)
    text = f"# settings\r\nGITHUB_TOKEN={token}\r\n"
    first = commit(git_repo, {"settings.ps1": b"\xff\xfe" + text.encode("utf-16-le"), "a.txt": "x\n"})
    commit(git_repo, {"notes.txt": text.encode("utf-16-be"), "img.bin": b"\x00\x01\x02\x03"})
    result = run_cli(["history", "--format", "json"], git_repo)
    assert result.code == 1, result.out + result.err
    report = json.loads(result.out)
    where = {(f["path"], f["line"], f["commit"][:12]) for f in report["findings"]}
    assert ("settings.ps1", 2, first[:12]) in where
    assert any(path == "notes.txt" and line == 2 for path, line, _ in where)
    assert token not in result.out
    assert [s["path"] for s in report["skipped"]] == ["img.bin"]


def test_baseline_create_accepts_dash_o_like_every_other_command(git_repo: Path) -> None:
    commit(git_repo, {"app.py": f'TOKEN = "{github_token(seed=3)}"\n'})
    result = run_cli(["baseline", "create", "-o", "known.json"], git_repo)
    assert result.code == 0, result.err
    assert (git_repo / "known.json").is_file()
    assert run_cli(["scan", "--baseline", "known.json"], git_repo).code == 0


def test_the_readme_pins_the_release_the_changelog_and_pyproject_name() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    project = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    found = re.search(r'^version = "([0-9.]+)"$', project, re.MULTILINE)
    assert found is not None
    version = found.group(1)
    pins = set(re.findall(r"rev: (v[0-9.]+)", readme)) | set(re.findall(r"@(v[0-9.]+)'", readme))
    assert pins == {f"v{version}"}
    released = re.search(r"^## \[([0-9.]+)\]", changelog, re.MULTILINE)
    assert released is not None and released.group(1) == version
    # The release's own section lists what it holds: nothing is left under [Unreleased] for it.
    unreleased = changelog.split("## [Unreleased]", 1)[1].split("## [", 1)[0]
    assert "- " not in unreleased


def test_the_readme_counts_the_rules_and_families_we_ship() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    listed = run_cli(["rules", "list", "--format", "json"], REPO)
    rules = json.loads(listed.out)
    said = re.search(r"with (\d+)\s+rules for (\d+) providers", readme)
    assert said is not None
    assert (int(said.group(1)), int(said.group(2))) == (len(rules), len({r["provider"] for r in rules}))
    table = readme.split("| family | rules |", 1)[1].split("\n\n", 1)[0]
    counts: dict[str, int] = {}
    for rule in rules:
        counts[rule["family"]] = counts.get(rule["family"], 0) + 1
    for family, count in counts.items():
        cell = re.search(rf"(?<![\w-]){re.escape(family)}(?![\w-])[^|]*?(?:\| (\d+)| (\d+))", table)
        assert cell is not None, f"family {family} is missing from the README's table"
        shown = cell.group(1) or cell.group(2)
        assert int(shown) == count, (family, shown, count)
