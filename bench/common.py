"""Shared benchmark plumbing: paired, alternating runs of whole process trees; medians, peak RSS;
the findings check against a slow reference run."""

from __future__ import annotations

import json
import os
import resource
import shlex
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Timing:
    """Median wall seconds and peak RSS (MiB) of the whole process tree over repeated runs, and the
    median CPU seconds (user + system) of that tree: on a machine other jobs load, wall time
    follows the share of the cores each tool gets, CPU time follows the work it does."""

    name: str
    seconds: float
    rss_mb: float
    runs: int
    cpu: float = 0.0


def ours_env() -> dict[str, str]:
    """The environment our runs get: bytecode caching on (a pip install writes .pyc files; an
    environment that sets PYTHONDONTWRITEBYTECODE makes every start recompile ~0.2 s of source)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def command(text: str) -> list[str]:
    """A command given on the command line: a path or a name on PATH, possibly with arguments."""
    parts = shlex.split(text)
    found = which(parts[0])
    if found is None:
        raise SystemExit(f"not found: {parts[0]}")
    return [found, *parts[1:]]


def _tree_rss(root: int) -> int:
    """Resident bytes of `root` and all its descendants now (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)  # fields[1]: the parent pid
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")  # fields[21]: rss in pages
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack += children.get(pid, [])
    return total


def run_once(
    argv: list[str], cwd: Path | None, env: dict[str, str] | None, ok: tuple[int, ...], sample: bool
) -> tuple[float, float, float]:
    """(wall seconds, peak MiB of the process tree, sampled every 10 ms; else the largest process,
    CPU seconds of the tree: every descendant its parent waited for, as getrusage counts them)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    if sample:
        while proc.poll() is None:
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.01)
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if proc.returncode not in ok:
        raise SystemExit(f"{argv[0]} failed ({proc.returncode}): {err.decode(errors='replace').strip()[-400:]}")
    return wall, peak / 2**20, cpu


def paired(
    commands: dict[str, list[str]],
    runs: int,
    cwd: Path | None = None,
    envs: dict[str, dict[str, str]] | None = None,
    ok: tuple[int, ...] = (0, 1, 200, 205),
    rss: bool = True,
    warmup: bool = True,
    progress: bool = False,
) -> list[Timing]:
    """Each command once to warm caches, then `runs` rounds, the order reversed every other round
    (a load spike from another process falls on every tool alike); medians per command.

    Wall times are taken without sampling; the peak RSS of the whole process tree comes from one
    more sampled run each (sampling /proc every 10 ms costs CPU the tools would otherwise get).
    """
    names = list(commands)
    walls: dict[str, list[float]] = {n: [] for n in names}
    cpus: dict[str, list[float]] = {n: [] for n in names}
    envs = envs or {}
    for n in names if warmup else ():
        run_once(commands[n], cwd, envs.get(n), ok, sample=False)
    for i in range(runs):
        for n in names if i % 2 == 0 else reversed(names):
            wall, _, cpu = run_once(commands[n], cwd, envs.get(n), ok, sample=False)
            walls[n].append(wall)
            cpus[n].append(cpu)
            if progress:
                print(f"  round {i + 1}: {n} {wall:.1f} s wall, {cpu:.1f} s CPU; {load()}", flush=True)
    peaks = {n: run_once(commands[n], cwd, envs.get(n), ok, sample=True)[1] if rss else 0.0 for n in names}
    return [Timing(n, statistics.median(walls[n]), peaks[n], runs, statistics.median(cpus[n])) for n in names]


def load() -> str:
    """The load averages, for the record (other processes share the cores)."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} {five:.1f} {fifteen:.1f} on {os.cpu_count()} CPUs"


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
            return os.path.abspath(c)
        found = shutil.which(c)
        if found:
            return found
    return None


def table(rows: list[Timing], ours: str, mb: float | None = None) -> str:
    """A plain table: median wall, MB/s, peak RSS of the process tree, our time over each row's,
    median CPU seconds of the tree and our CPU over each row's."""
    base = next(r for r in rows if r.name == ours)
    lines = [
        f"{'tool':<40} {'median s':>9} {'MB/s':>7} {'peak RSS MiB':>13} {'ours/this':>10}"
        f" {'CPU s':>7} {'ours/this CPU':>14}"
    ]
    for r in rows:
        rate = f"{mb / r.seconds:7.1f}" if mb else f"{'-':>7}"
        cpu_ratio = f"{base.cpu / r.cpu:>14.2f}" if r.cpu else f"{'-':>14}"
        lines.append(
            f"{r.name:<40} {r.seconds:>9.2f} {rate} {r.rss_mb:>13.0f} {base.seconds / r.seconds:>10.2f}"
            f" {r.cpu:>7.1f} {cpu_ratio}"
        )
    return "\n".join(lines)


def run_quiet(argv: list[str], cwd: Path | None = None) -> str:
    """Run a setup command and return stdout; raise on failure."""
    return subprocess.run(argv, cwd=cwd, check=True, capture_output=True, text=True).stdout


def fingerprints(report: Path) -> list[tuple[str, ...]]:
    """What identifies each finding of our JSON report: rule, path, line, commit, fingerprint."""
    doc = json.loads(report.read_text(encoding="utf-8"))
    return sorted(
        (f["rule_id"], f["path"], str(f.get("line")), str(f.get("commit")), f["fingerprint"])
        for f in doc["findings"]
    )


def check(fast: list[str], reference: list[str], cwd: Path | None = None) -> str:
    """Run our fast command and the slow reference (`--jobs 1`, an empty cache directory) with JSON
    reports; exit if their findings differ, else one line saying they agree."""
    with tempfile.TemporaryDirectory(prefix="bench-check-") as tmp:
        out = {}
        for name, argv, cache in (("fast", fast, None), ("reference", reference, Path(tmp) / "empty-cache")):
            env = ours_env()
            if cache is not None:
                cache.mkdir()
                env["XDG_CACHE_HOME"] = str(cache)
            out[name] = Path(tmp) / f"{name}.json"
            full = [*argv, "--format", "json", "--output", str(out[name])]
            start = time.perf_counter()
            run_once(full, cwd, env, (0, 1), sample=False)
            print(f"  check: {name} run {time.perf_counter() - start:.1f} s: {shlex.join(full)}")
        fast_prints, reference_prints = fingerprints(out["fast"]), fingerprints(out["reference"])
    if fast_prints != reference_prints:
        only_fast = set(fast_prints) - set(reference_prints)
        only_ref = set(reference_prints) - set(fast_prints)
        raise SystemExit(
            f"CHECK FAILED: {len(only_fast)} finding(s) only in the fast run, {len(only_ref)} only in the "
            f"reference run, e.g. {sorted(only_fast | only_ref)[:3]}"
        )
    return f"check: identical findings ({len(fast_prints)}) in the fast run and the --jobs 1, empty-cache run"
