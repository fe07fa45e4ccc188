"""Every file the tool writes is replaced whole or not at all, and never through a link out of the repo."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from secret_hygiene import atomic
from secret_hygiene.engine import cache
from secret_hygiene.errors import LedgerError
from secret_hygiene.rotation.ledger import load_ledger, record_rotation
from testing import commit, git, run_cli

SRC = str(Path(__file__).resolve().parents[1] / "src")


def _big_ledger(path: Path, keys: int) -> None:
    rows = "".join(
        f"  KEY_{i}_TOKEN:\n    rotated: 2026-01-01\n    owner: team-{i % 7}\n" for i in range(keys)
    )
    path.write_text(f"# ledger\nmax_age_days: 90\nwarn_days: 14\nkeys:\n{rows}", encoding="utf-8")


def _versions(path: Path, days: list[date]) -> set[bytes]:
    """The ledger's bytes after recording each of `days` (what a writer may leave), plus the original."""
    seen = {path.read_bytes()}
    copy = path.with_name("copy.yaml")
    for day in days:
        copy.write_bytes(path.read_bytes())
        record_rotation(copy, "copy.yaml", "KEY_7_TOKEN", day, (90, 14), root=path.parent)
        seen.add(copy.read_bytes())
    copy.unlink()
    return seen


WRITER = """
import sys
from datetime import date
from pathlib import Path
from secret_hygiene.rotation.ledger import record_rotation
path = Path(sys.argv[1])
days = [date(2026, 2, 1), date(2026, 3, 1)]
print("ready", flush=True)
n = 0
while True:
    record_rotation(path, "l.yaml", "KEY_7_TOKEN", days[n % 2], (90, 14), root=path.parent)
    n += 1
"""


def test_a_writer_killed_at_any_moment_leaves_the_old_or_the_new_ledger(tmp_path: Path) -> None:
    ledger = tmp_path / ".secret-rotation.yaml"
    _big_ledger(ledger, 800)
    allowed = _versions(ledger, [date(2026, 2, 1), date(2026, 3, 1)])
    rng = random.Random(11)
    env = {**os.environ, "PYTHONPATH": SRC}
    for _ in range(50):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(ledger)], stdout=subprocess.PIPE, env=env, text=True
        )
        assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
        time.sleep(rng.uniform(0.0, 0.4))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        assert ledger.read_bytes() in allowed
    assert load_ledger(ledger, "l.yaml").entries["KEY_7_TOKEN"].rotated in (
        date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1),
    )  # fmt: skip


SLOW = """
import sys, time
from pathlib import Path
from secret_hygiene import atomic
def chunks():
    for _ in range(100):
        time.sleep(0.002)
        yield b"n" * 10_000
print("ready", flush=True)
atomic.write(Path(sys.argv[1]), chunks())
"""


def test_a_slow_write_killed_midway_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_bytes(b"o" * 5_000)
    rng = random.Random(12)
    env = {**os.environ, "PYTHONPATH": SRC}
    outcomes = set()
    for _ in range(20):
        path.write_bytes(b"o" * 5_000)
        proc = subprocess.Popen(
            [sys.executable, "-c", SLOW, str(path)], stdout=subprocess.PIPE, env=env, text=True
        )
        assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
        time.sleep(rng.uniform(0.0, 0.25))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        data = path.read_bytes()
        assert data in (b"o" * 5_000, b"n" * 1_000_000), len(data)
        outcomes.add(data[:1])
    assert b"o" in outcomes  # some kills did land mid-write


LIMITED = """
import resource, signal, sys
from datetime import date
from pathlib import Path
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
limit = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from secret_hygiene.cli import main
sys.exit(main(["rotation", "record", "KEY_7_TOKEN", "--date", "2026-02-01"]))
"""


def test_a_file_size_limit_mid_write_leaves_the_ledger_whole(git_repo: Path) -> None:
    ledger = git_repo / ".secret-rotation.yaml"
    _big_ledger(ledger, 400)
    commit(git_repo, {".gitignore": ".env\n"})
    before = ledger.read_bytes()
    env = {**os.environ, "PYTHONPATH": SRC}
    proc = subprocess.run(
        [sys.executable, "-c", LIMITED, str(ledger), str(len(before) // 2)],
        cwd=git_repo, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "cannot write the rotation ledger" in proc.stderr and proc.stderr.count("\n") == 1
    assert ledger.read_bytes() == before
    assert sorted(p.name for p in git_repo.iterdir() if p.name.endswith(".tmp")) == []


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    target = tmp_path / "outside.txt"
    target.write_text("precious\n", encoding="utf-8")
    return target


def test_record_refuses_a_committed_ledger_symlink_out_of_the_repo(git_repo: Path, outside: Path) -> None:
    (git_repo / ".secret-rotation.yaml").symlink_to(outside)
    commit(git_repo, {".env.example": "API_TOKEN=changeme\n"})
    run = run_cli(["rotation", "record", "API_TOKEN"], git_repo)
    assert run.code == 2 and "symbolic link" in run.err and run.err.count("\n") == 1
    assert outside.read_text(encoding="utf-8") == "precious\n"


def test_record_refuses_a_configured_ledger_outside_the_repo(git_repo: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    commit(git_repo, {".secret-hygiene.yaml": f"rotation:\n  ledger: {elsewhere / 'l.yaml'}\n"})
    run = run_cli(["rotation", "record", "API_TOKEN", "--new"], git_repo)
    assert run.code == 2 and "outside the repository" in run.err and run.err.count("\n") == 1
    assert list(elsewhere.iterdir()) == []


def test_baseline_create_force_refuses_a_committed_symlink(git_repo: Path, outside: Path) -> None:
    (git_repo / ".secret-hygiene-baseline.json").symlink_to(outside)
    commit(git_repo, {"app.py": "x = 1\n"})
    run = run_cli(["baseline", "create", "--force"], git_repo)
    assert run.code == 2 and "symbolic link" in run.err and run.err.count("\n") == 1
    assert outside.read_text(encoding="utf-8") == "precious\n"


def test_baseline_configured_outside_the_repo_is_refused(git_repo: Path, tmp_path: Path) -> None:
    commit(git_repo, {".secret-hygiene.yaml": "baseline: ../escaped.json\n", "app.py": "x = 1\n"})
    run = run_cli(["baseline", "create"], git_repo)
    assert run.code == 2 and "outside the repository" in run.err
    assert not (git_repo.parent / "escaped.json").exists()


def test_a_path_given_on_the_command_line_may_be_outside(git_repo: Path, tmp_path: Path) -> None:
    commit(git_repo, {"app.py": "x = 1\n"})
    target = tmp_path / "mine.json"
    run = run_cli(["baseline", "create", "--output", str(target)], git_repo)
    assert run.code == 0, run.err
    assert target.is_file()


def test_atomic_write_keeps_the_mode_and_style(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(atomic.BOM + b"a\r\nb\r\n")
    path.chmod(0o640)
    atomic.write(path, atomic.restyle(path.read_bytes(), "a\nb\nc\n"), root=tmp_path, given=False)
    assert path.read_bytes() == atomic.BOM + b"a\r\nb\r\nc\r\n"
    assert path.stat().st_mode & 0o777 == 0o640


SAVER = """
import sys
from pathlib import Path
from secret_hygiene.rotation.state import Record, load_store, save_store
store = load_store(Path(sys.argv[1]))
for n in range(150):
    save_store(store.with_record(".env", f"KEY_{n % 9}", Record("ab" * 16, "2026-05-01")))
"""


def test_concurrent_store_writers_never_collide(tmp_path: Path) -> None:
    state = tmp_path / "state"
    env = {**os.environ, "PYTHONPATH": SRC}
    procs = [
        subprocess.Popen([sys.executable, "-c", SAVER, str(state)], env=env, stderr=subprocess.PIPE)
        for _ in range(6)
    ]
    for proc in procs:
        _, err = proc.communicate()
        assert proc.returncode == 0, err.decode()
    assert sorted(p.name for p in state.iterdir()) == ["key", "rotation.json"]


@pytest.mark.parametrize("home", ["", "relative/home", "/nonexistent-secret-hygiene-home"])
def test_no_usable_home_means_no_cache_and_nothing_created(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, home: str
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", home)
    assert cache.location() is None
    entry = cache.cache_dir() / "rules-x"
    cache.write(entry, b"data")
    assert cache.read(entry) is None
    assert list(tmp_path.iterdir()) == [] and not Path("/nonexistent-secret-hygiene-home").exists()


def test_the_cli_runs_with_an_empty_home(git_repo: Path, tmp_path: Path) -> None:
    commit(git_repo, {".gitignore": ".env\n", "app.py": "x = 1\n"})
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_CACHE_HOME", "XDG_STATE_HOME")}
    env.update(HOME="", PYTHONPATH=SRC)
    proc = subprocess.run(
        [sys.executable, "-m", "secret_hygiene", "rotation", "status"],
        cwd=git_repo, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "without local fingerprints" in proc.stdout


def test_an_emptied_ledger_fails_status(git_repo: Path) -> None:
    commit(git_repo, {".secret-rotation.yaml": ""})
    run = run_cli(["rotation", "status"], git_repo)
    assert run.code == 2 and "is empty" in run.err
    with pytest.raises(LedgerError):
        load_ledger(git_repo / ".secret-rotation.yaml", "l")
    assert git(git_repo, "status", "--porcelain") == ""
