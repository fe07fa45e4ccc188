"""A few hostile runs through the real entry point (`python -m secret_hygiene`), as CI runs it.

test_matrix.py calls main() in-process; here a traceback would reach a real stderr, the
encoding of stdout is the process's own, and the read-only case runs the whole tool as an
unprivileged user (root writes anywhere, so `chmod` alone proves nothing).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile.conftest import World

NOBODY = 65534
RUNS = [
    ("names", ["scan"]),
    ("names", ["audit", "--no-history"]),
    ("links", ["scan", "--all-files"]),
    ("secrets", ["history", "--all"]),
    ("secrets", ["env", "--history"]),
    ("dotenv", ["pre-commit"]),
]


def _run(argv: list[str], cwd: Path, environ: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(argv, cwd=cwd, env=environ, capture_output=True, timeout=180, check=False)


@pytest.mark.parametrize(("case_name", "args"), RUNS, ids=[f"{c}-{'-'.join(a)}" for c, a in RUNS])
def test_the_console_entry_point_under_actions(
    world: World, tmp_path: Path, case_name: str, args: list[str]
) -> None:
    case = world.cases[case_name]
    environ = {
        **os.environ,
        "GITHUB_ACTIONS": "true",
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "PYTHONIOENCODING": "ascii",  # the narrowest stdout a runner may have
        "GIT_CONFIG_GLOBAL": str(world.top / "gitconfig"),
    }
    proc = _run([sys.executable, "-m", "secret_hygiene", *args], case.root, environ)
    out = proc.stdout.decode("utf-8", "replace") + proc.stderr.decode("utf-8", "replace")
    assert proc.returncode in (0, 1, 2), out[-2000:]
    assert b"Traceback" not in proc.stderr, out[-4000:]
    assert not [s for s in case.secrets if s in out]
    assert not [line for line in proc.stdout.splitlines() if line.startswith(b"::add-mask::")]


@pytest.fixture
def unwritable(world: World) -> Iterator[Path]:
    """A copy of the `secrets` case owned by `nobody`, without write bits, outside root's home."""
    setpriv = shutil.which("setpriv")
    if getattr(os, "geteuid", lambda: 1)() != 0 or setpriv is None:
        pytest.skip("needs root and setpriv to run the tool as an unprivileged user")
    top = Path(tempfile.mkdtemp(prefix="secret-hygiene-hostile-ro-"))
    try:
        top.chmod(0o755)
        copy = top / "repo"
        shutil.copytree(world.cases["secrets"].root, copy, symlinks=True)
        subprocess.run(["git", "config", "--unset-all", "core.fsmonitor"], cwd=copy, check=False)
        # Owned by the user who runs the tool (git refuses a repository of another owner), but
        # without write bits: that user cannot write it either.
        subprocess.run(["chown", "-R", f"{NOBODY}:{NOBODY}", str(copy)], check=True)
        subprocess.run(["chmod", "-R", "a-w", str(copy)], check=True)
        home = top / "home"
        home.mkdir(mode=0o777)
        home.chmod(0o777)
        yield copy
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(top)], check=False)
        shutil.rmtree(top, ignore_errors=True)


@pytest.mark.parametrize(
    "args",
    [["history", "--all"], ["audit", "--now", "2026-01-01"], ["rotation", "status"], ["rotation", "check"]],
    ids=lambda a: "-".join(a),
)
def test_a_read_only_checkout_as_an_unprivileged_user(
    unwritable: Path, world: World, args: list[str]
) -> None:
    before = {p: p.stat().st_mtime_ns for p in unwritable.rglob("*") if not p.is_symlink()}
    environ = {
        "PATH": os.environ["PATH"],
        "HOME": str(unwritable.parent / "home"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "LANG": "C.UTF-8",
    }
    argv = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", sys.executable]
    proc = _run([*argv, "-m", "secret_hygiene", *args, "--format", "json"], unwritable, environ)
    if b"Permission denied" in proc.stderr and b"secret_hygiene" not in proc.stderr:
        pytest.skip("the interpreter is not readable by an unprivileged user here")
    assert proc.returncode in (0, 1), proc.stderr.decode("utf-8", "replace")[-2000:]
    assert b"Traceback" not in proc.stderr
    out = proc.stdout.decode()
    assert not [s for s in world.cases["secrets"].secrets if s in out]
    after = {p: p.stat().st_mtime_ns for p in unwritable.rglob("*") if not p.is_symlink()}
    assert before == after
