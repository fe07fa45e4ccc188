"""`secret-hygiene scan` end to end on real repositories in tmp_path."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest

from testing import commit, fake, git, github_token, run_cli

SCHEMA = Path(__file__).resolve().parents[1] / "fixtures" / "sarif-schema-2.1.0.json"  # OASIS, vendored
FORMATS = ["text", "json", "sarif", "github"]


def _sarif_schema() -> dict[str, object]:
    return dict(json.loads(SCHEMA.read_text(encoding="utf-8")))


@pytest.fixture
def planted(git_repo: Path) -> tuple[Path, dict[str, str]]:
    keys = {"tracked": github_token(11), "untracked": github_token(12), "ignored": github_token(13)}
    commit(git_repo, {
        ".gitignore": "ignored.txt\n",
        "src/app.py": f"import os\n\nTOKEN = '{keys['tracked']}'\n",
        "README.md": "nothing here\n",
    })  # fmt: skip
    (git_repo / "notes.txt").write_text(f"token={keys['untracked']}\n", encoding="utf-8")
    (git_repo / "ignored.txt").write_text(f"token={keys['ignored']}\n", encoding="utf-8")
    return git_repo, keys


def test_scan_reports_exactly_the_tracked_key(planted: tuple[Path, dict[str, str]]) -> None:
    repo, _ = planted
    run = run_cli(["scan", "--format", "json"], repo)
    assert run.code == 1, run.err
    doc = json.loads(run.out)
    assert [(f["path"], f["line"], f["column"]) for f in doc["findings"]] == [("src/app.py", 3, 10)]
    assert doc["tool"] == "secret-hygiene" and doc["findings"][0]["check"] == "leak"


def test_all_files_adds_untracked_but_never_ignored(planted: tuple[Path, dict[str, str]]) -> None:
    repo, _ = planted
    doc = json.loads(run_cli(["scan", "--all-files", "--format", "json"], repo).out)
    assert sorted(f["path"] for f in doc["findings"]) == ["notes.txt", "src/app.py"]


def test_no_git_walks_a_plain_directory_honouring_gitignore(plain_dir: Path) -> None:
    (plain_dir / ".gitignore").write_text("build/\n", encoding="utf-8")
    (plain_dir / "build").mkdir()
    (plain_dir / "build" / "out.txt").write_text(f"t={github_token(14)}\n", encoding="utf-8")
    (plain_dir / "a b é").mkdir()
    (plain_dir / "a b é" / "conf.ini").write_text(f"t={github_token(15)}\n", encoding="utf-8")
    doc = json.loads(run_cli(["scan", "--no-git", "--format", "json"], plain_dir).out)
    assert [f["path"] for f in doc["findings"]] == ["a b é/conf.ini"]


def test_clean_repo_exits_zero(git_repo: Path) -> None:
    commit(git_repo, {"a.py": "print('hello')\n"})
    run = run_cli(["scan"], git_repo)
    assert run.code == 0 and "OK" in run.out


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_output_format_ever_holds_a_planted_secret(planted: tuple[Path, dict[str, str]], fmt: str) -> None:
    repo, keys = planted
    run = run_cli(["scan", "--all-files", "-v", "--format", fmt], repo)
    assert run.code == 1
    for key in keys.values():
        assert key not in run.out and key not in run.err


def test_sarif_validates_against_the_schema(planted: tuple[Path, dict[str, str]]) -> None:
    repo, _ = planted
    doc = json.loads(run_cli(["scan", "--format", "sarif"], repo).out)
    jsonschema.validate(doc, _sarif_schema())
    result = doc["runs"][0]["results"][0]
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 3, "startColumn": 10}
    assert result["partialFingerprints"]["secretHygiene/v1"]


def test_output_file_and_github_annotations(planted: tuple[Path, dict[str, str]]) -> None:
    repo, _ = planted
    run = run_cli(["scan", "--format", "github", "--output", "report.txt"], repo)
    assert run.code == 1 and run.out == ""
    text = (repo / "report.txt").read_text(encoding="utf-8")
    assert text.startswith("::error file=src/app.py,line=3,col=10,title=leak%3A ")


def test_github_is_the_default_format_under_actions(planted: tuple[Path, dict[str, str]]) -> None:
    repo, _ = planted
    run = run_cli(["scan"], repo, environ={**os.environ, "GITHUB_ACTIONS": "true"})
    assert run.out.startswith("::error ")


def test_explicit_files_are_scanned_as_given(planted: tuple[Path, dict[str, str]]) -> None:
    repo, _ = planted
    doc = json.loads(run_cli(["scan", "notes.txt", "--format", "json"], repo).out)
    assert [f["path"] for f in doc["findings"]] == ["notes.txt"]


def test_odd_paths_symlinks_and_binaries(git_repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text(f"t={github_token(16)}\n", encoding="utf-8")
    os.symlink(outside, git_repo / "link.txt")
    os.symlink(tmp_path / "missing", git_repo / "broken.txt")
    commit(git_repo, {
        "new\nline.py": f"t = '{github_token(17)}'\n",
        "img.bin": b"\0\1\2" + github_token(18).encode(),
        "big.txt": "x" * 100,
        "package-lock.json": json.dumps({"t": github_token(19)}),
    })  # fmt: skip
    git(git_repo, "add", "link.txt", "broken.txt")
    (git_repo / ".secret-hygiene.yaml").write_text("max-file-size: 40\n", encoding="utf-8")
    run = run_cli(["scan", "--format", "json"], git_repo)
    doc = json.loads(run.out)
    assert [f["path"] for f in doc["findings"]] == []  # new\nline.py is over the 40-byte cap too
    reasons = {s["path"]: s["reason"] for s in doc["skipped"]}
    assert reasons["link.txt"].startswith("symlink") and reasons["broken.txt"].startswith("symlink")
    assert reasons["img.bin"] == "binary" or reasons["img.bin"].startswith("larger")
    assert reasons["big.txt"].startswith("larger") and reasons["package-lock.json"].startswith("generated")
    (git_repo / ".secret-hygiene.yaml").write_text("max-file-size: 5MB\n", encoding="utf-8")
    doc = json.loads(run_cli(["scan", "--format", "json"], git_repo).out)
    assert [f["path"] for f in doc["findings"]] == ["new\nline.py"]
    assert {s["path"]: s["reason"] for s in doc["skipped"]}["img.bin"] == "binary"


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("max-file-size: [1\n", "invalid YAML"),
        ("colour: red\n", "unknown config key colour"),
        ("disable: [no-such-rule]\n", "unknown rule ids"),
        ("rules: [missing.yaml]\n", "missing.yaml"),
    ],
)
def test_bad_config_is_exit_two_with_one_line(git_repo: Path, config: str, message: str) -> None:
    commit(git_repo, {"a.py": "x = 1\n"})
    (git_repo / ".secret-hygiene.yaml").write_text(config, encoding="utf-8")
    run = run_cli(["scan"], git_repo)
    assert run.code == 2 and run.out == ""
    assert message in run.err and len(run.err.strip().splitlines()) == 1


def test_pyproject_config_excludes_paths_and_disables_rules(git_repo: Path) -> None:
    commit(git_repo, {
        "pyproject.toml": '[tool.secret-hygiene]\nexclude = ["fixtures/"]\n',
        "fixtures/k.py": f"t = '{github_token(20)}'\n",
        "app.py": f"k = 'sk_live_{fake('', 24, seed=21)}'\n",
    })  # fmt: skip
    doc = json.loads(run_cli(["scan", "--format", "json"], git_repo).out)
    assert [f["path"] for f in doc["findings"]] == ["app.py"]


def test_bad_rule_file_and_bad_flag_exit_two(git_repo: Path) -> None:
    (git_repo / "bad.yaml").write_text("rules: [{id: x}]\n", encoding="utf-8")
    run = run_cli(["scan", "--rules", "bad.yaml"], git_repo)
    assert run.code == 2 and "bad.yaml" in run.err and "missing" in run.err
    run = run_cli(["scan", "--no-such-flag"], git_repo)
    assert run.code == 2 and len(run.err.strip().splitlines()) == 1


def test_non_git_directory_scan_needs_no_git(plain_dir: Path) -> None:
    (plain_dir / "a.txt").write_text(f"t={github_token(22)}\n", encoding="utf-8")
    run = run_cli(["scan"], plain_dir)
    assert run.code == 1


def test_rules_list_and_test_commands(git_repo: Path) -> None:
    run = run_cli(["rules", "list", "--format", "json"], git_repo)
    rules = json.loads(run.out)
    assert run.code == 0 and {"id", "family", "description"} <= set(rules[0])
    run = run_cli(["rules", "test"], git_repo)
    assert run.code == 0 and "0 failure(s)" in run.out
    (git_repo / "bad.yaml").write_text(
        "rules:\n  - id: x-y\n    description: d\n    severity: low\n    keywords: [qq]\n"
        "    regex: 'qq(?P<secret>[0-9]{30})'\n    examples: ['qq12']\n",
        encoding="utf-8",
    )
    run = run_cli(["rules", "test", "--rules", "bad.yaml", "--only", "x-y"], git_repo)
    assert run.code == 1 and "FAIL x-y" in run.out


def test_submodules_are_entered_only_when_asked(git_repo: Path, tmp_path: Path) -> None:
    sub = tmp_path / "sub"
    sub.mkdir()
    git(sub, "init", "-q", "-b", "main")
    commit(sub, {"inner.py": f"t = '{github_token(50)}'\n"})
    git(git_repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub), "vendor/sub")
    commit(git_repo, {"app.py": "x = 1\n"})
    plain = json.loads(run_cli(["scan", "--format", "json"], git_repo).out)
    assert plain["findings"] == []
    deep = json.loads(run_cli(["scan", "--recurse-submodules", "--format", "json"], git_repo).out)
    assert [f["path"] for f in deep["findings"]] == ["vendor/sub/inner.py"]
