"""No program a scanned repository names in its own config or attributes is ever run.

A repository under review (a pull request, an audited tarball) controls its .git/config and
.gitattributes: an fsmonitor hook, filter, textconv, external diff and merge drivers, a pager,
hooks. Each configured program here appends to a marker file; every command must leave it empty.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from testing import commit, fake, git, github_token, run_cli

DRIVERS = {
    "core.fsmonitor": "fsmonitor",
    "core.pager": "pager",
    "core.editor": "editor",
    "diff.external": "external-diff",
    "diff.evil.textconv": "textconv",
    "diff.evil.command": "diff-command",
    "filter.evil.clean": "clean",
    "filter.evil.smudge": "smudge",
    "filter.evil.process": "process",
    "merge.evil.driver": "merge-driver %O %A %B",
    "filter.spaced=name.clean": "clean-odd-name",
}
HOOKS = ("pre-commit", "pre-push", "post-index-change", "post-checkout", "reference-transaction")


def _program(bin_dir: Path, marker: Path) -> Path:
    script = bin_dir / "evil"
    script.write_text(f'#!/bin/sh\necho "$0 $*" >> "{marker}"\ncat\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return script


def _arm(repo: Path, script: Path, git_dir: Path) -> None:
    """Name the marker program in every place git would run one from."""
    for key, word in DRIVERS.items():
        git(repo, "config", key, f"{script} {word}")
    git(repo, "config", "filter.evil.required", "true")
    for hook in HOOKS:
        path = git_dir / "hooks" / hook
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"#!/bin/sh\n{script} hook-{hook}\n")
        path.chmod(0o755)


@pytest.fixture
def hostile(git_repo: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A repository with a leak in its files and history, a merge, an env file and a submodule."""
    marker = tmp_path / "ran"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = _program(bin_dir, marker)
    sub = tmp_path / "sub"
    sub.mkdir()
    git(sub, "init", "-q", "-b", "main")
    commit(sub, {"lib.py": f"TOKEN = '{github_token(seed=5)}'\n"})
    attributes = "* filter=evil diff=evil merge=evil\n*.py filter=spaced=name\n"
    commit(git_repo, {".gitattributes": attributes, "app.py": "x = 1\n", ".gitignore": ".env\n"})
    git(git_repo, "checkout", "-q", "-b", "side")
    commit(git_repo, {"app.py": f"KEY = '{github_token(seed=1)}'\n"})
    git(git_repo, "checkout", "-q", "main")
    commit(git_repo, {"app.py": "x = 2\n"})
    git(git_repo, "merge", "-q", "side", check=False)
    commit(git_repo, {"app.py": f"x = 3\nKEY = '{github_token(seed=2)}'\n"}, "merge")
    git(git_repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub), "sub")
    committed_env = "SENTRY_AUTH_TOKEN=" + fake("", 40, seed=6) + "\n"  # rotation blames it
    commit(git_repo, {".env.example": "STRIPE_SECRET_KEY=\n", "deploy/.env.staging": committed_env}, "sub")
    (git_repo / ".env").write_text("STRIPE_SECRET_KEY=sk_" + "live_" + fake("", 32, seed=3) + "\n")
    (git_repo / "staged.py").write_text(f"T = '{github_token(seed=4)}'\n")
    git(git_repo, "add", "staged.py")
    (git_repo / "app.py").write_text("x = 4\n")  # a work-tree change: blame reads the file
    _arm(git_repo, script, git_repo / ".git")
    _arm(git_repo / "sub", script, git_repo / ".git" / "modules" / "sub")
    if marker.exists():
        marker.unlink()
    return git_repo, marker


COMMANDS = [
    ["scan"],
    ["scan", "--staged"],
    ["scan", "--recurse-submodules"],
    ["scan", "--all-files"],
    ["history"],
    ["env"],
    ["env", "--history"],
    ["rotation", "status"],
    ["rotation", "check"],
    ["audit"],
    ["baseline", "create"],
    ["install-hooks"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_no_program_named_by_the_repository_runs(hostile: tuple[Path, Path], args: list[str]) -> None:
    repo, marker = hostile
    result = run_cli(args, repo, environ={**os.environ, "GIT_EXTERNAL_DIFF": ""})
    assert result.code in (0, 1, 2), result.err
    assert "Traceback" not in result.err
    ran = marker.read_text() if marker.exists() else ""
    assert ran == "", f"{' '.join(args)} ran: {ran}"


def test_the_marker_programs_do_run_under_plain_git(hostile: tuple[Path, Path]) -> None:
    """The fixture is armed: git itself, without our settings, runs the repository's programs."""
    repo, marker = hostile
    git(repo, "status", "--short", check=False)
    git(repo, "blame", "--", "app.py", check=False)
    ran = marker.read_text()
    assert "fsmonitor" in ran and "clean" in ran and "textconv" in ran
