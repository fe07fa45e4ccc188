"""`secret-hygiene scan --staged`: exactly what the index adds, never the work tree."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from testing import commit, git, github_token, run_cli


def staged(repo: Path, *args: str) -> tuple[int, dict[str, Any]]:
    run = run_cli(["scan", "--staged", *args, "--format", "json"], repo)
    assert run.code in (0, 1), run.err
    return run.code, json.loads(run.out)


def found(doc: dict[str, Any]) -> list[tuple[str, int, int]]:
    return [(f["path"], f["line"], f["column"]) for f in doc["findings"]]


def state(repo: Path) -> tuple[str, str, str, bytes]:
    index = (repo / ".git" / "index").read_bytes() if (repo / ".git" / "index").exists() else b""
    return git(repo, "status", "--porcelain"), git(repo, "diff", "--cached"), git(repo, "diff"), index


def stage(repo: Path, name: str, text: str) -> None:
    (repo / name).parent.mkdir(parents=True, exist_ok=True)
    (repo / name).write_text(text, encoding="utf-8")
    git(repo, "add", "--", name)


def test_key_only_in_the_index_is_found_and_nothing_changes(git_repo: Path) -> None:
    commit(git_repo, {"README.md": "hello\n"})
    stage(git_repo, "app.py", f"import os\nT = '{github_token(1)}'\n")
    (git_repo / "app.py").unlink()  # gone from the work tree, still in the index
    before = state(git_repo)
    code, doc = staged(git_repo)
    assert code == 1 and found(doc) == [("app.py", 2, 6)]
    assert doc["findings"][0]["commit"] is None
    assert state(git_repo) == before


def test_key_staged_then_cleaned_without_restaging_is_still_found(git_repo: Path) -> None:
    commit(git_repo, {"app.py": "import os\n"})
    stage(git_repo, "app.py", f"import os\nT = '{github_token(2)}'\n")
    (git_repo / "app.py").write_text("import os\nT = os.environ['T']\n", encoding="utf-8")
    before = state(git_repo)
    code, doc = staged(git_repo)
    assert code == 1 and found(doc) == [("app.py", 2, 6)]
    assert run_cli(["scan"], git_repo).code == 0  # the work tree is clean
    assert state(git_repo) == before


def test_key_only_in_the_work_tree_is_not_reported(git_repo: Path) -> None:
    commit(git_repo, {"app.py": "import os\n"})
    (git_repo / "app.py").write_text(f"import os\nT = '{github_token(3)}'\n", encoding="utf-8")
    (git_repo / "new.py").write_text(f"T = '{github_token(4)}'\n", encoding="utf-8")
    code, doc = staged(git_repo)
    assert code == 0 and doc["findings"] == []


def test_only_added_lines_count_with_staged_line_numbers(git_repo: Path) -> None:
    old = github_token(5)
    commit(git_repo, {"conf.py": f"A = 1\nOLD = '{old}'\nB = 2\n"})
    new = github_token(6)
    stage(git_repo, "conf.py", f"# header\nA = 1\nOLD = '{old}'\nB = 2\n\nNEW = '{new}'\n")
    code, doc = staged(git_repo)
    assert code == 1 and found(doc) == [("conf.py", 6, 8)]


def test_allow_comment_on_an_unchanged_line_above_counts(git_repo: Path) -> None:
    commit(git_repo, {"t.py": "# fixture, secret-hygiene: allow\n\n"})
    stage(git_repo, "t.py", f"# fixture, secret-hygiene: allow\nT = '{github_token(7)}'\n")
    code, doc = staged(git_repo)
    assert code == 0 and doc["findings"] == []


def test_first_commit_paths_binaries_and_submodules(git_repo: Path) -> None:
    stage(git_repo, "a.py", f"T = '{github_token(8)}'\n")
    stage(git_repo, "dir/b b.py", f"T = '{github_token(9)}'\n")
    (git_repo / "img.bin").write_bytes(b"\0\1" + github_token(10).encode())
    git(git_repo, "add", "img.bin")
    git(git_repo, "update-index", "--add", "--cacheinfo", f"160000,{'1' * 40},sub")
    code, doc = staged(git_repo)
    assert code == 1 and sorted(f[0] for f in found(doc)) == ["a.py", "dir/b b.py"]
    assert [(s["path"], s["reason"]) for s in doc["skipped"]] == [("img.bin", "binary")]
    _, doc = staged(git_repo, "dir/b b.py")
    assert [f[0] for f in found(doc)] == ["dir/b b.py"]
    _, doc = staged(git_repo, "dir")
    assert [f[0] for f in found(doc)] == ["dir/b b.py"]


def test_excluded_and_generated_files(git_repo: Path) -> None:
    commit(git_repo, {".secret-hygiene.yaml": "exclude: ['fixtures/']\n"})
    stage(git_repo, "fixtures/k.py", f"T = '{github_token(11)}'\n")
    stage(git_repo, "package-lock.json", json.dumps({"t": github_token(12)}) + "\n")
    code, doc = staged(git_repo)
    assert code == 0 and doc["findings"] == []
    assert [s["reason"].split(" ")[0] for s in doc["skipped"]] == ["generated"]


def test_deleted_and_unchanged_files_are_not_scanned(git_repo: Path) -> None:
    commit(git_repo, {"a.py": f"T = '{github_token(13)}'\n", "b.py": "x = 1\n"})
    git(git_repo, "rm", "-q", "a.py")
    code, doc = staged(git_repo)
    assert code == 0 and doc["findings"] == [] and doc["summary"]["scanned"] == 0


def test_staged_outside_git_is_exit_two_with_one_line(plain_dir: Path) -> None:
    run = run_cli(["scan", "--staged"], plain_dir)
    assert run.code == 2 and "not a git repository" in run.err and len(run.err.strip().splitlines()) == 1
    run = run_cli(["scan", "--staged", "--no-git"], plain_dir)
    assert run.code == 2


MISSING_SHA = "1234567890" * 4


def test_a_staged_blob_missing_from_the_store_is_skipped_not_a_crash(git_repo: Path) -> None:
    from secret_hygiene.model import Blob, Skipped
    from secret_hygiene.sources import git as gitrepo
    from secret_hygiene.sources.staged import _read

    commit(git_repo, {"README.md": "x\n"})
    repo = gitrepo.open_repo(git_repo)
    present = git(git_repo, "rev-parse", "HEAD:README.md").strip()
    wanted = [(MISSING_SHA, "gone.py"), (present, "README.md")]
    lines: dict[str, frozenset[int] | Skipped] = {"gone.py": frozenset({1}), "README.md": frozenset({1})}
    out = list(_read(repo, wanted, lines, 1000))
    assert isinstance(out[0], Skipped) and "missing" in out[0].reason
    assert out[1] == Blob("README.md", b"x\n", only_lines=frozenset({1}))


def test_a_staged_entry_git_cannot_read_is_exit_two_with_one_line(git_repo: Path) -> None:
    commit(git_repo, {"README.md": "x\n"})
    git(git_repo, "update-index", "--add", "--cacheinfo", f"100644,{MISSING_SHA},b.py")
    run = run_cli(["scan", "--staged"], git_repo)
    assert run.code == 2 and run.err.count("\n") == 1 and "Traceback" not in run.err
    assert MISSING_SHA in run.err


def test_a_text_file_gitattributes_call_binary_reports_only_its_added_lines(git_repo: Path) -> None:
    # `-diff` / `binary` make `git diff --cached` say "Binary files differ": the scan reads the diff
    # without the repository's .gitattributes (a directory's own too), so a key committed earlier
    # is not reported again; a real binary file stays binary.
    old, new, deep = github_token(8), github_token(9), github_token(10)
    commit(
        git_repo,
        {
            ".gitattributes": "*.cfg -diff\n",
            "app.cfg": f"A = 1\nOLD = '{old}'\n",
            "sub/.gitattributes": "*.ini binary\n",
            "sub/db.ini": f"[db]\nOLD = '{old}'\n",
        },
    )
    stage(git_repo, "app.cfg", f"A = 1\nOLD = '{old}'\nB = 2\nNEW = '{new}'\n")
    stage(git_repo, "sub/db.ini", f"[db]\nOLD = '{old}'\nDEEP = '{deep}'\n")
    (git_repo / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    git(git_repo, "add", "logo.png")
    assert git(git_repo, "diff", "--cached").count("Binary files") == 3
    before = state(git_repo)
    code, doc = staged(git_repo)
    assert code == 1 and found(doc) == [("app.cfg", 4, 8), ("sub/db.ini", 3, 9)]
    assert [s["path"] for s in doc["skipped"]] == ["logo.png"]
    assert state(git_repo) == before


def test_a_generated_file_is_read_on_its_added_lines_when_scan_generated_asks(git_repo: Path) -> None:
    # Generated files are skipped by name, and git is told not to diff them; with scan-generated
    # they are diffed again, so only the line the commit adds is reported.
    old, new = github_token(16), github_token(17)
    commit(git_repo, {"web/yarn.lock": f"a:\n  resolved '{old}'\n"})
    stage(git_repo, "web/yarn.lock", f"a:\n  resolved '{old}'\nb:\n  resolved '{new}'\n")
    code, doc = staged(git_repo)
    assert code == 0 and [(s["path"], s["reason"].split(" ")[0]) for s in doc["skipped"]] == [
        ("web/yarn.lock", "generated")
    ]
    stage(git_repo, ".secret-hygiene.yaml", "scan-generated: true\n")
    code, doc = staged(git_repo)
    assert code == 1 and found(doc) == [("web/yarn.lock", 4, 13)]
