"""Shared fixtures: real git repositories in tmp_path, synthetic keys, no network."""

from __future__ import annotations

import io
import os
import random
import socket
import string
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from secret_hygiene.cli import main
from secret_hygiene.context import Context

ALNUM = string.ascii_letters + string.digits
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.invalid",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_TERMINAL_PROMPT": "0",
}


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


def fake(prefix: str, length: int, alphabet: str = ALNUM, seed: int | None = None) -> str:
    """A synthetic key: `prefix` plus random characters, assembled at run time."""
    rng = random.Random(seed)
    return prefix + "".join(rng.choice(alphabet) for _ in range(length))


def github_token(seed: int | None = None) -> str:
    """A synthetic classic GitHub PAT shape (ghp_ + 36 base62)."""
    return fake("gh" + "p_", 36, seed=seed)


def git(repo: Path, *args: str, env: Mapping[str, str] | None = None, check: bool = True) -> str:
    """Run git in `repo` and return stdout."""
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run(["git", *args], cwd=repo, env=full_env, capture_output=True, text=True, check=False)
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
    return proc.stdout


def commit(
    repo: Path, files: Mapping[str, str | bytes | None], message: str = "change", when: str | None = None
) -> str:
    """Write (or delete, for None) files, commit them at `when` (ISO date), return the SHA."""
    for name, content in files.items():
        path = repo / name
        if content is None:
            git(repo, "rm", "-q", "--", name)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        git(repo, "add", "--", name)
    env = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when} if when else None
    git(repo, "commit", "-q", "--allow-empty", "-m", message, env=env)
    return git(repo, "rev-parse", "HEAD").strip()


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


class Run:
    """The outcome of one in-process CLI call."""

    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


def run_cli(args: list[str], cwd: Path, stdin: str = "", environ: Mapping[str, str] | None = None) -> Run:
    """Call main() in-process with captured streams."""
    out, err = io.StringIO(), io.StringIO()
    env = dict(os.environ if environ is None else environ)
    ctx = Context(out, err, io.StringIO(stdin), env, cwd)
    code = main(args, ctx)
    return Run(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli() -> Iterator[object]:
    """The run_cli function, as a fixture for tests that prefer one."""
    yield run_cli
