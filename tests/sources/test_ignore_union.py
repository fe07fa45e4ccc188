"""walk()'s one-regex shortcut per .gitignore decides exactly what pathspec (and git) decide."""

from __future__ import annotations

from pathlib import Path

from secret_hygiene.sources.files import _Ignore, walk
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


def test_walk_lists_what_git_does_not_ignore(git_repo: Path) -> None:
    (git_repo / ".gitignore").write_text("\n".join(PATTERNS) + "\n")
    (git_repo / "d").mkdir()
    (git_repo / "d" / ".gitignore").write_text("*.txt\n!keep.txt\n")
    for path in [*PATHS[:-1], "d/keep.txt", "d/other.txt"]:
        (git_repo / path).parent.mkdir(parents=True, exist_ok=True)
        (git_repo / path).write_text("x\n")
    files, skipped = walk(git_repo)
    listed = git(git_repo, "ls-files", "--others", "--exclude-standard").split()
    assert files == sorted(listed) and not skipped
