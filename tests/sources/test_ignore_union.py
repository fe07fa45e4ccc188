"""A plain-directory walk lists what git does not ignore: git's own listing when it can give one,
else walk_tree, whose one-regex shortcut per .gitignore decides exactly what pathspec (and git) decide."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from secret_hygiene.model import Skipped
from secret_hygiene.sources.files import _Ignore, walk, walk_tree
from secret_hygiene.sources.git import plain_tree_files
from testing import git

PATTERNS = ["*.o", "!keep.o", "build/", "/root.txt", "**/x/y", "doc/**/*.tmp", "!doc/a/ok.tmp", "[ab]?.log"]
PATHS = [
    "a.o", "d/keep.o", "d/b.o", "build/f", "d/build/f", "root.txt", "d/root.txt", "q/x/y", "x/y",
    "doc/a/b.tmp", "doc/a/ok.tmp", "doc/c.tmp", "a1.log", "c1.log", "plain.txt", "build",
]  # fmt: skip


def test_union_says_no_match_only_where_pathspec_decides_nothing() -> None:
    ignore = _Ignore(PATTERNS)
    assert ignore.any is not None
    for path in PATHS:
        decided = ignore.spec.check_file(path).include is not None
        assert (ignore.any.match(path) is not None) or not decided, path


@pytest.mark.parametrize("lister", [walk, walk_tree])
def test_walk_lists_what_git_does_not_ignore(
    git_repo: Path, lister: Callable[[Path], tuple[list[str], list[Skipped]]]
) -> None:
    (git_repo / ".gitignore").write_text("\n".join(PATTERNS) + "\n")
    (git_repo / "d").mkdir()
    (git_repo / "d" / ".gitignore").write_text("*.txt\n!keep.txt\n")
    for path in [*PATHS[:-1], "d/keep.txt", "d/other.txt"]:
        (git_repo / path).parent.mkdir(parents=True, exist_ok=True)
        (git_repo / path).write_text("x\n")
    files, skipped = lister(git_repo)
    listed = git(git_repo, "ls-files", "--others", "--exclude-standard").split()
    assert files == sorted(listed) and not skipped


def _tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_git_lists_a_plain_tree_with_only_its_own_ignore_files(
    plain_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    (home / "git").mkdir(parents=True)
    (home / "git" / "ignore").write_text("*.txt\n")  # the user's global excludes: not the tree's
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    (plain_dir / ".gitignore").write_text("*.log\n")
    (plain_dir / "sub").mkdir()
    for name in ["a.txt", "b.log", "sub/c.py", "sub/d.log"]:
        (plain_dir / name).write_text("x\n")
    before = _tree(plain_dir)
    files, skipped = walk(plain_dir)
    assert files == [".gitignore", "a.txt", "sub/c.py"] and not skipped
    assert files == walk_tree(plain_dir)[0]
    assert _tree(plain_dir) == before  # nothing written under the tree


def test_a_nested_repository_is_entered_as_walk_tree_enters_it(plain_dir: Path) -> None:
    nested = plain_dir / "vendor" / "lib"
    nested.mkdir(parents=True)
    git(nested, "init", "-q")  # git lists a nested repository as one directory: walk_tree then walks
    (nested / "key.py").write_text("x\n")
    (plain_dir / "main.py").write_text("x\n")
    assert walk(plain_dir) == walk_tree(plain_dir) == (["main.py", "vendor/lib/key.py"], [])


@pytest.mark.parametrize("broken", ["no git on PATH", "no temporary directory"])
def test_walk_falls_back_to_walk_tree_when_git_cannot_list(
    plain_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, broken: str
) -> None:
    import tempfile

    (plain_dir / ".gitignore").write_text("*.log\n")
    (plain_dir / "a.py").write_text("x\n")
    (plain_dir / "b.log").write_text("x\n")
    if broken == "no git on PATH":
        monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    else:
        monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
    assert plain_tree_files(plain_dir) is None
    assert walk(plain_dir) == ([".gitignore", "a.py"], [])
