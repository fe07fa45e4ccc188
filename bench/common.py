"""Shared benchmark plumbing: timing a whole process with its peak RSS, medians, peers."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Timing:
    """Median wall seconds and max peak RSS (MB) of repeated runs of one command."""

    name: str
    seconds: float
    rss_mb: float
    runs: int


def measure(
    name: str, argv: list[str], runs: int = 3, cwd: Path | None = None, ok: tuple[int, ...] = (0, 1)
) -> Timing:
    """Run argv `runs` times (after one warm-up), output discarded; exit codes outside `ok` fail."""
    walls: list[float] = []
    peak = 0.0
    for i in range(runs + 1):
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        if code not in ok:
            raise SystemExit(f"{name} failed ({code}): {err.strip()[-400:]}")
        if i:  # the first run warms the page cache and any tool caches
            walls.append(wall)
            peak = max(peak, usage.ru_maxrss / 1024)
    return Timing(name, statistics.median(walls) if walls else float("nan"), peak, runs)


def tree_bytes(root: Path) -> int:
    """Total size of the regular files under root."""
    total = 0
    for dirpath, _, files in os.walk(root):
        for f in files:
            p = os.path.join(dirpath, f)
            if not os.path.islink(p):
                total += os.path.getsize(p)
    return total


def which(*candidates: str) -> str | None:
    """The first command found, given names or paths."""
    for c in candidates:
        if os.path.isfile(c) and os.access(c, os.X_OK):
            return c
        found = shutil.which(c)
        if found:
            return found
    return None


def table(rows: list[Timing], mb: float, ours: str) -> str:
    """A plain table with MB/s and the ratio of our time to each peer's."""
    base = next(r for r in rows if r.name == ours)
    lines = [f"{'tool':<34} {'wall s':>8} {'MB/s':>8} {'peak RSS MB':>12} {'ours/peer':>10}"]
    for r in rows:
        ratio = base.seconds / r.seconds if r.seconds else float("nan")
        lines.append(
            f"{r.name:<34} {r.seconds:>8.2f} {mb / r.seconds:>8.1f} {r.rss_mb:>12.0f} {ratio:>10.2f}"
        )
    return "\n".join(lines)


def run_quiet(argv: list[str], cwd: Path | None = None) -> str:
    """Run a setup command and return stdout; raise on failure."""
    return subprocess.run(argv, cwd=cwd, check=True, capture_output=True, text=True).stdout
