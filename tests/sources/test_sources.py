"""Which files get read: unreadable files, deep and over-long paths, symlinks named as arguments."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from secret_hygiene.errors import GitError
from secret_hygiene.model import Skipped
from secret_hygiene.sources import git as gitrepo
from secret_hygiene.sources.files import read_file, walk
from testing import commit, github_token, run_cli


def make_chain(base: Path, name: str, depth: int, leaf: str, content: bytes) -> None:
    """`depth` nested directories called `name` under base, then a file; made through directory
    descriptors, so the whole path may exceed what the system accepts in one open()."""
    fd = os.open(base, os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir(name, dir_fd=fd)
            child = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = child
        out = os.open(leaf, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(out, content)
        os.close(out)
    finally:
        os.close(fd)


def remove_chain(base: Path, name: str) -> None:
    """Remove a chain made by make_chain without recursion (pytest's own clean-up of its temp
    directories recurses once per level and would fail on 1,200): each step moves the next level
    up to `base` and removes the emptied one."""
    top, step = name, 0
    while True:
        inner = base / top
        moved = None
        for entry in os.listdir(inner):
            if entry == name and (inner / entry).is_dir() and not (inner / entry).is_symlink():
                moved, step = f".chain{step}", step + 1
                os.rename(inner / entry, base / moved)
            else:
                os.unlink(inner / entry)
        os.rmdir(inner)
        if moved is None:
            return
        top = moved


def findings(out: str) -> list[dict[str, object]]:
    result: list[dict[str, object]] = json.loads(out)["findings"]
    return result


# --- unreadable files ---


def _without_read_permission() -> list[str] | None:
    """A command prefix that runs Python as a user who cannot read a mode-000 file, or None.

    As root, dropping CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (setpriv) makes file modes apply;
    as any other user, modes apply already.
    """
    if os.geteuid() != 0:
        return [sys.executable]
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    caps = "-dac_override,-dac_read_search"
    return [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}", sys.executable]


def _run(prefix: list[str], repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*prefix, "-m", "secret_hygiene", *args], cwd=repo, capture_output=True, text=True, check=False
    )


def test_a_tracked_file_the_user_cannot_read_warns_and_fails_under_strict(git_repo: Path) -> None:
    prefix = _without_read_permission()
    if prefix is None:
        pytest.skip("running as root without setpriv: cannot act as a user who can't read a file")
    token = github_token(60)
    commit(git_repo, {"ok.py": "x = 1\n", "locked.py": f"t = '{token}'\n"})
    (git_repo / "locked.py").chmod(0)
    probe = subprocess.run([*prefix, "-c", "open('locked.py', 'rb')"], cwd=git_repo, capture_output=True)
    if probe.returncode == 0:
        pytest.skip("this user can read a mode-000 file (capabilities could not be dropped)")
    try:
        plain = _run(prefix, git_repo, "scan", "--format", "json")
        strict = _run(prefix, git_repo, "scan", "--strict")
        named = _run(prefix, git_repo, "scan", "--", "locked.py")
    finally:
        (git_repo / "locked.py").chmod(0o644)
    (warning,) = findings(plain.stdout)
    assert plain.returncode == 0, plain.stderr
    assert (warning["check"], warning["path"], warning["level"]) == (
        "unreadable-file",
        "locked.py",
        "warning",
    )
    assert strict.returncode == 1 and "unreadable-file" in strict.stdout
    assert named.returncode == 2 and named.stdout == ""
    assert named.stderr.count("\n") == 1 and "locked.py: cannot read" in named.stderr


def test_open_failing_on_a_walked_file_is_a_warning_and_a_skip(plain_dir: Path) -> None:
    # Real, not mocked: a file whose full path is longer than PATH_MAX, which open() refuses.
    make_chain(plain_dir, "d" * 250, 18, "k.py", b"x = 1\n")
    (plain_dir / "ok.py").write_text("y = 2\n")
    result = run_cli(["scan", "--no-git", "--format", "json", "."], plain_dir)
    (warning,) = findings(result.out)
    assert result.code == 0, result.err
    assert warning["check"] == "unreadable-file" and "longer than" in str(warning["message"])
    strict = run_cli(["scan", "--no-git", "--strict", "."], plain_dir)
    assert strict.code == 1 and "unreadable" in strict.out


def test_read_file_reports_a_fifo_and_a_directory_as_not_regular(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "dir").mkdir()
    assert read_file(tmp_path, "pipe", 100) == Skipped("pipe", "not a regular file")
    assert read_file(tmp_path, "dir", 100) == Skipped("dir", "not a regular file")


def test_a_fifo_named_on_the_command_line_is_skipped_without_blocking(plain_dir: Path) -> None:
    os.mkfifo(plain_dir / "pipe")
    result = run_cli(["scan", "--no-git", "-v", "--", "pipe"], plain_dir)
    assert result.code == 0 and "not a regular file" in result.out


# --- deep and over-long trees ---


def test_a_tree_1200_directories_deep_is_walked(plain_dir: Path) -> None:
    token = github_token(61)
    make_chain(plain_dir, "d", 1200, "k.py", f"t = '{token}'\n".encode())
    try:
        files, skipped = walk(plain_dir)
        result = run_cli(["scan", "--no-git", "--format", "json", "."], plain_dir)
    finally:
        remove_chain(plain_dir, "d")
    assert skipped == [] and files == ["d/" * 1200 + "k.py"]
    assert result.code == 1 and "Traceback" not in result.err
    assert str(findings(result.out)[0]["path"]).endswith("/k.py")


def test_a_directory_beyond_path_max_is_skipped_with_its_reason(plain_dir: Path) -> None:
    make_chain(plain_dir, "x" * 250, 20, "k.py", b"x = 1\n")
    files, skipped = walk(plain_dir)
    (skip,) = skipped
    assert files == [] and skip.path.endswith("/") and "longer than" in skip.reason
    result = run_cli(["scan", "--no-git", "-v", "."], plain_dir)
    assert result.code == 0 and "internal error" not in result.err
    assert "path longer than the operating system allows" in result.out


# --- symlinks named as arguments ---


def test_a_symlink_argument_is_skipped_and_the_root_stays_where_the_link_is(
    git_repo: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(f"t = '{github_token(62)}'\n")
    commit(git_repo, {"README.md": "hi\n"})
    (git_repo / "link").symlink_to(outside / "secret.txt")
    (git_repo / "dirlink").symlink_to(outside)
    for args in (["link"], ["--no-git", "link"], ["dirlink"], ["--no-git", "dirlink"]):
        result = run_cli(["scan", "-v", *args], git_repo)
        assert result.code == 0, (args, result.out, result.err)
        assert f"skipped {args[-1]}: symlink (not followed)" in result.out
        assert "outside" not in result.out + result.err


def test_a_directory_the_user_cannot_list_is_a_warning_under_no_git(plain_dir: Path) -> None:
    prefix = _without_read_permission()
    if prefix is None:
        pytest.skip("running as root without setpriv: cannot act as a user who can't list a directory")
    (plain_dir / "sub").mkdir()
    (plain_dir / "sub" / "a.py").write_text(f"t = '{github_token(63)}'\n")
    (plain_dir / "b.py").write_text("y = 1\n")
    (plain_dir / "sub").chmod(0)
    try:
        probe = subprocess.run(
            [*prefix, "-c", "import os; os.listdir('sub')"], cwd=plain_dir, capture_output=True
        )
        if probe.returncode == 0:
            pytest.skip("this user can list a mode-000 directory (capabilities could not be dropped)")
        plain = _run(prefix, plain_dir, "scan", "--no-git", "--format", "json", ".")
        strict = _run(prefix, plain_dir, "scan", "--no-git", "--strict", "-q", ".")
    finally:
        (plain_dir / "sub").chmod(0o755)
    (warning,) = findings(plain.stdout)
    assert plain.returncode == 0 and (warning["check"], warning["path"]) == ("unreadable-file", "sub/")
    assert strict.returncode == 1


def test_git_listings_run_in_background_give_each_result_and_raise_a_failure(git_repo: Path) -> None:
    """in_background runs the env check's work-tree listings in threads: each wait gives its own
    result, and a failing git command is the caller's exception, not a lost thread's."""
    commit(git_repo, {"a.txt": "x\n", ".gitignore": "*.log\n"})
    (git_repo / "new.txt").write_text("y\n", encoding="utf-8")
    (git_repo / "run.log").write_text("z\n", encoding="utf-8")
    repo = gitrepo.open_repo(git_repo)
    untracked = gitrepo.in_background(lambda: gitrepo.ls_files(repo, [], untracked=True))
    ignored = gitrepo.in_background(lambda: gitrepo.ignored_files(repo))
    tracked = gitrepo.ls_files(repo, [])
    assert (tracked, untracked(), ignored()) == ([".gitignore", "a.txt"], ["new.txt"], ["run.log"])
    failing = gitrepo.in_background(lambda: gitrepo.run(repo, "no-such-command"))
    with pytest.raises(GitError):
        failing()
