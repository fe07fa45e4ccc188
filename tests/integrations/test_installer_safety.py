"""install-hooks never takes a team's hook for ours, never loses a user's lines, and git finds a
hook at every moment of `--chain`, however the process is stopped."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from secret_hygiene.integrations import git_hooks as installer
from testing import run_cli

TEAM = "#!/bin/sh\n# team hook\n# secret-hygiene-hook: pre-commit\nexit 0\n"


def _hooks(repo: Path) -> Path:
    return repo / ".git" / "hooks"


def test_a_team_hook_holding_our_marker_line_is_not_replaced(git_repo: Path) -> None:
    _hooks(git_repo).mkdir(parents=True, exist_ok=True)
    hook = _hooks(git_repo) / "pre-commit"
    for text in (TEAM, "#!/bin/sh\n# team\n\n# secret-hygiene-hook: pre-commit\nmake lint\n"):
        hook.write_text(text)
        done = run_cli(["install-hooks", "--hook", "pre-commit"], git_repo)
        assert done.code == 2 and "not installed by secret-hygiene" in done.err
        assert hook.read_text() == text


def test_lines_a_user_appended_to_our_hook_are_backed_up(git_repo: Path) -> None:
    assert run_cli(["install-hooks", "--hook", "pre-commit"], git_repo).code == 0
    hook = _hooks(git_repo) / "pre-commit"
    edited = hook.read_text() + "echo 'team addition'\n"
    hook.write_text(edited)
    assert installer.ownership(hook) == "modified"
    done = run_cli(["install-hooks", "--hook", "pre-commit"], git_repo)
    assert done.code == 0 and "pre-commit.secret-hygiene-backup" in done.out
    assert (_hooks(git_repo) / "pre-commit.secret-hygiene-backup").read_text() == edited
    assert installer.is_ours(hook)
    again = run_cli(["install-hooks", "--hook", "pre-commit"], git_repo)
    assert "already installed" in again.out


def _state_ok(hooks: Path, foreign: str) -> None:
    hook = hooks / "pre-commit"
    assert hook.is_file() and os.access(hook, os.X_OK), "git would run no pre-commit hook"
    texts = [p.read_text() for p in (hook, hooks / "pre-commit.local") if p.exists()]
    assert foreign in texts, "the team's hook was lost"


class _Crash(BaseException):
    pass


def test_chain_keeps_a_hook_in_place_at_every_step(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Stop the install after each file-system change it makes; then finish it by running again."""
    foreign = "#!/bin/sh\necho team\n"
    names = ("replace", "link", "unlink", "rename", "chmod")
    step = 0
    while True:
        hooks = _hooks(git_repo)
        hooks.mkdir(parents=True, exist_ok=True)
        for p in hooks.iterdir():
            p.unlink()
        (hooks / "pre-commit").write_text(foreign)
        (hooks / "pre-commit").chmod(0o755)
        calls = [0]
        with monkeypatch.context() as m:
            for name in names:
                m.setattr(os, name, _crashing(getattr(os, name), calls, step))
            try:
                installer.install(hooks, ["pre-commit"], force=False, chain=True, python=sys.executable)
                finished = True
            except _Crash:
                finished = False
        _state_ok(hooks, foreign)
        installer.install(hooks, ["pre-commit"], force=False, chain=True, python=sys.executable)
        assert installer.is_ours(hooks / "pre-commit")
        assert (hooks / "pre-commit.local").read_text() == foreign
        if finished:
            break
        step += 1
    assert step >= 2


def _crashing(real: Callable[..., Any], calls: list[int], at: int) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if calls[0] == at:
            raise _Crash
        calls[0] += 1
        return real(*args, **kwargs)

    return wrapper


def test_chain_survives_real_kills(git_repo: Path) -> None:
    foreign = "#!/bin/sh\necho team\n"
    hooks = _hooks(git_repo)
    hooks.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    code = "import sys; from secret_hygiene.cli import main; sys.exit(main(sys.argv[1:]))"
    for _ in range(15):
        for p in hooks.iterdir():
            p.unlink()
        (hooks / "pre-commit").write_text(foreign)
        (hooks / "pre-commit").chmod(0o755)
        proc = subprocess.Popen(
            [sys.executable, "-c", code, "install-hooks", "--chain", "--hook", "pre-commit"],
            cwd=git_repo, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(rng.uniform(0.05, 0.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        _state_ok(hooks, foreign)
