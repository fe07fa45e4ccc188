"""A plain-directory walk matches many small .gitignore files without compiling a database each."""

from __future__ import annotations

import time
from pathlib import Path

from secret_hygiene.sources.files import gitignore_spec, walk


def test_gitignore_matchers_use_the_pure_python_backend() -> None:
    spec = gitignore_spec(["*.log", "!keep.log", "build/"])
    assert spec.match_file("a/x.log") and not spec.match_file("keep.log")
    name = getattr(spec, "_backend_name", "simple")  # pathspec before 1.0 has only `re`
    assert name == "simple"


def test_a_tree_of_100_gitignore_files_walks_quickly(tmp_path: Path) -> None:
    for i in range(100):
        sub = tmp_path / f"pkg{i}"
        sub.mkdir()
        (sub / ".gitignore").write_text("*.tmp\n/out/\n!important.tmp\n")
        (sub / "main.go").write_text("package main\n")
        (sub / "junk.tmp").write_text("x\n")
        (sub / "important.tmp").write_text("x\n")
    start = time.perf_counter()
    files, _ = walk(tmp_path)
    assert time.perf_counter() - start < 5  # a hyperscan compile per file cost 0.2 s each here
    assert "pkg7/main.go" in files and "pkg7/important.tmp" in files and "pkg7/junk.tmp" not in files
