"""Shared fixtures: real git repositories in tmp_path, no network; the helpers live in testing/."""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from testing import GIT_ENV, git, run_cli


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never reach the network: outbound connects to non-local addresses fail."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else address
        if self.family == socket.AF_UNIX or host in ("127.0.0.1", "::1", "localhost"):
            return real_connect(self, address)  # type: ignore[arg-type]  # address is the caller's
        raise OSError(f"network disabled in tests: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session")
def _rule_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One compiled-rules cache for the whole session (compiling takes seconds)."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _isolated_git(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, _rule_cache: Path
) -> None:
    """No global or system git config leaks into a test; a fixed identity."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(_rule_cache))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    # `.ci/run` runs the suite with CI=true, and a test may run inside a push hook: neither may
    # change what the commands do (rotation fails in CI and at pre-push; tests that want it set it).
    for name in ("CI", "PRE_COMMIT_REMOTE_NAME", "PRE_COMMIT_TO_REF", "PRE_COMMIT_FROM_REF"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    # Subprocesses (git hooks, pre-commit, the console script) find this interpreter's
    # `secret-hygiene` first, whatever PATH the shell that started pytest had.
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")


@pytest.fixture
def git_repo(tmp_path: Path) -> Path:
    """An empty repository (no template hooks) on branch main."""
    repo = tmp_path / "repo"
    repo.mkdir()
    template = tmp_path / "empty-template"
    template.mkdir()
    git(repo, "init", "-q", "-b", "main", f"--template={template}")
    return repo


@pytest.fixture
def plain_dir(tmp_path: Path) -> Path:
    """A directory that is not a git repository."""
    path = tmp_path / "plain"
    path.mkdir()
    return path


@pytest.fixture
def cli() -> Iterator[object]:
    """The run_cli function, as a fixture for tests that prefer one."""
    yield run_cli
