"""Benchmark: our leak hook as pre-commit runs it, against detect-secrets-hook, same files, same run (issue 7).

A temporary repository gets 10 staged files of 200 lines each (ordinary Python, no keys: the
common commit). Each command runs once to warm caches (our compiled rules, the page cache),
then `--runs` times; the table shows median wall seconds and each median over ours.

    python bench/bench_hook.py [--runs 15] [--with-pre-commit]

Issue 7's target: `secret-hygiene scan --staged` under 0.2 s median on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent  # the real console scripts, not a version manager's shims
FILES, LINES = 10, 200
TARGET = 0.2
WORDS = ["user", "order", "price", "total", "session", "config", "handler", "result", "value", "item"]


def source_file(seed: int) -> str:
    """200 lines of plausible Python: functions, assignments, strings, comments; no secrets."""
    rng = random.Random(seed)
    lines = [f'"""Module {seed}: generated for the hook benchmark."""', "", "import os", ""]
    while len(lines) < LINES:
        a, b = rng.choice(WORDS), rng.choice(WORDS)
        lines += [
            f"def {a}_{b}_{len(lines)}({a}, {b}=None):",
            f'    """Return the {a} for a {b}."""',
            f"    {a}_id = {rng.randint(1, 10**6)}",
            f'    label = "{a}-{b}-{rng.randint(0, 999)}"  # shown in the admin page',
            f"    timeout = int(os.environ.get('{a.upper()}_TIMEOUT', '{rng.randint(1, 60)}'))",
            f"    return {{'{a}': {a}, '{b}': {b}, 'id': {a}_id, 'label': label, 'timeout': timeout}}",
            "",
        ]
    return "\n".join(lines[:LINES]) + "\n"


def make_repo(root: Path) -> list[str]:
    """A repository with one commit and FILES new files staged; returns their names."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.invalid",
           "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@example.invalid"}  # fmt: skip
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    (root / "README.md").write_text("bench\n", encoding="utf-8")
    subprocess.run(["git", "add", "README.md"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "init"], cwd=root, check=True, env=env)
    names = [f"pkg/module_{i}.py" for i in range(FILES)]
    (root / "pkg").mkdir()
    for i, name in enumerate(names):
        (root / name).write_text(source_file(i), encoding="utf-8")
    subprocess.run(["git", "add", *names], cwd=root, check=True)
    return names


def precommit_config(root: Path) -> None:
    """A config running both hooks as pre-commit would (language: system, our console scripts)."""
    (root / ".pre-commit-config.yaml").write_text(
        "repos:\n- repo: local\n  hooks:\n"
        f"  - {{id: secret-hygiene, name: ours, entry: '{BIN / 'secret-hygiene'} scan --staged',"
        " language: system, require_serial: true}\n"
        f"  - {{id: detect-secrets, name: detect-secrets, entry: '{BIN / 'detect-secrets-hook'}',"
        " language: system}\n",
        encoding="utf-8",
    )
    subprocess.run(["git", "add", ".pre-commit-config.yaml"], cwd=root, check=True)


def median_wall(argv: list[str], cwd: Path, env: dict[str, str], runs: int) -> float:
    """Median wall seconds over `runs` runs after one warm-up; exit codes other than 0 and 1 abort."""
    walls = []
    for i in range(runs + 1):
        start = time.perf_counter()
        proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, check=False)
        wall = time.perf_counter() - start
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{argv[0]} failed ({proc.returncode}): {proc.stderr.decode()[-400:]}")
        if i:
            walls.append(wall)
    return statistics.median(walls)


def main() -> int:
    """Build the repo, time each command, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--with-pre-commit", action="store_true", help="also time whole `pre-commit run`s")
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-hook-") as tmp:
        root = Path(tmp) / "repo"
        names = make_repo(root)
        env = {
            **os.environ,
            "XDG_CACHE_HOME": str(Path(tmp) / "cache"),
            "PRE_COMMIT_HOME": str(Path(tmp) / "pc"),
        }
        rows = {
            "secret-hygiene scan --staged FILES": [str(BIN / "secret-hygiene"), "scan", "--staged", *names],
            "secret-hygiene scan FILES": [str(BIN / "secret-hygiene"), "scan", *names],
            "detect-secrets-hook FILES": [str(BIN / "detect-secrets-hook"), *names],
        }
        if opts.with_pre_commit:
            precommit_config(root)
            run = [str(BIN / "pre-commit"), "run", "--files", *names, "--hook-stage", "pre-commit"]
            rows["pre-commit run (ours)"] = [*run[:2], "secret-hygiene", *run[2:]]
            rows["pre-commit run (detect-secrets)"] = [*run[:2], "detect-secrets", *run[2:]]
        times = {name: median_wall(argv, root, env, opts.runs) for name, argv in rows.items()}
    ours = times["secret-hygiene scan --staged FILES"]
    print(
        f"{FILES} staged files x {LINES} lines, median of {opts.runs} runs after a warm-up, {os.cpu_count()} CPUs"
    )
    print(f"{'command':<36} {'median s':>9} {'/ ours':>8}")
    for name, seconds in times.items():
        print(f"{name:<36} {seconds:>9.3f} {seconds / ours:>8.2f}")
    verdict = "met" if ours < TARGET else "MISSED"
    print(f"target: ours < {TARGET} s median: {verdict} ({ours:.3f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
