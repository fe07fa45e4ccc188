"""org-audit at organisation scale: a first run, an unchanged rerun, a run after 10% of repositories move,
and the local process pool against a Dask LocalCluster with the same number of workers.

Usage:
    python bench/org.py WORKDIR [--repos 200] [--workers 2] [--mirror GIT_DIR ...]

WORKDIR receives the synthetic organisation (generated with git fast-import: histories of 10 to 2,000
commits, a few planted synthetic keys, env files and overdue ledgers). Each --mirror (a bare git
directory, e.g. one brought by a fetch of a public repository) joins the organisation as a file://
remote, so real histories are mirrored, fetched and scanned too. Prints a table of wall times and ratios.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import string
import subprocess
import sys
import time
from pathlib import Path

ALNUM = string.ascii_letters + string.digits
EPOCH = 1_735_689_600  # 2025-01-01T00:00:00Z: planted histories start here


def _token(rng: random.Random) -> str:
    return "gh" + "p_" + "".join(rng.choice(ALNUM) for _ in range(36))


def _commits(rng: random.Random) -> int:
    """Most repositories are small; a few are long-lived."""
    roll = rng.random()
    if roll < 0.70:
        return rng.randint(10, 60)
    if roll < 0.95:
        return rng.randint(60, 400)
    return rng.randint(1500, 2000)


def _stream(rng: random.Random, commits: int, planted: bool, ledger: bool) -> bytes:
    """A fast-import stream: a few source files edited over time, maybe a key and a ledger."""
    out: list[bytes] = []
    files = [f"src/module_{i}.py" for i in range(rng.randint(3, 30))]
    plant_at = rng.randint(1, commits) if planted else -1
    for n in range(1, commits + 1):
        when = EPOCH + n * 3600 * rng.randint(1, 24)
        changes: list[tuple[str, str]] = []
        for path in rng.sample(files, k=min(len(files), rng.randint(1, 3))):
            body = "".join(
                f"def f_{n}_{i}(x):\n    return x * {rng.randint(1, 99)}\n" for i in range(rng.randint(5, 40))
            )
            changes.append((path, body))
        if n == 1:
            changes.append((".gitignore", ".env\n.env.*\n!.env.example\n"))
            changes.append((".env.example", "API_KEY=\nAPI_SECRET=\n"))
        if n == plant_at:
            changes.append(("config/settings.py", f'GITHUB_TOKEN = "{_token(rng)}"\n'))
        if ledger and n == 1:
            changes.append(
                (".secret-rotation.yaml", "keys:\n  API_KEY: {rotated: 2025-01-02, owner: platform}\n")
            )
        out.append(f"commit refs/heads/main\ncommitter Bench <bench@example.invalid> {when} +0000\n".encode())
        msg = f"change {n}".encode()
        out.append(b"data %d\n%s\n" % (len(msg), msg))
        for path, body in changes:
            data = body.encode()
            out.append(f"M 100644 inline {path}\n".encode() + b"data %d\n%s\n" % (len(data), data))
    return b"".join(out)


def build(work: Path, count: int, seed: int = 20261202) -> list[Path]:
    """`count` repositories under work/org; about 5% with a planted key, 5% with an overdue ledger."""
    rng = random.Random(seed)
    org = work / "org"
    org.mkdir(parents=True)
    repos = []
    for i in range(count):
        repo = org / f"service-{i:03d}"
        subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
        stream = _stream(rng, _commits(rng), planted=rng.random() < 0.05, ledger=rng.random() < 0.05)
        subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, input=stream, check=True)
        subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=repo, check=True)
        if rng.random() < 0.05:
            (repo / ".env").write_text("API_KEY=local-development-only\n")
        repos.append(repo)
    return repos


def land_commits(repos: list[Path], share: float, seed: int = 7) -> int:
    """A new commit in `share` of the repositories; returns how many moved."""
    rng = random.Random(seed)
    moved = rng.sample(repos, k=max(1, int(len(repos) * share)))
    for repo in moved:
        (repo / "src" / "late.py").parent.mkdir(exist_ok=True)
        (repo / "src" / "late.py").write_text(f"LATE = {rng.randint(1, 10**6)}\n")
        subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
        subprocess.run(
            ["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.invalid", "commit", "-q", "-m", "late"],
            cwd=repo, check=True,
        )  # fmt: skip
    return len(moved)


def org_audit(sources: list[str], db: Path, cache: Path, extra: list[str]) -> float:
    """Wall seconds of one org-audit run."""
    argv = [sys.executable, "-m", "secret_hygiene", "org-audit", *sources, "--db", str(db), "--cache", str(cache),
            "--now", "2026-12-01", "--format", "json", "-o", str(db.with_suffix(".json")), *extra]  # fmt: skip
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"org-audit failed ({done.returncode}): {done.stderr.strip()[-400:]}")
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("work", type=Path)
    parser.add_argument("--repos", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="alternating pool/Dask full runs")
    parser.add_argument(
        "--mirror", type=Path, action="append", default=[], help="a bare git dir to add as file://"
    )
    args = parser.parse_args()
    if args.work.exists():
        shutil.rmtree(args.work)
    start = time.perf_counter()
    repos = build(args.work, args.repos)
    print(f"built {len(repos)} repositories in {time.perf_counter() - start:.1f} s")
    sources = [str(args.work / "org"), *(f"file://{m.resolve()}" for m in args.mirror)]
    workers = ["--workers", str(args.workers)]
    rows = [
        ("first run (local pool)", org_audit(sources, args.work / "a.sqlite", args.work / "cache", workers))
    ]
    rows.append(("unchanged rerun", org_audit(sources, args.work / "a.sqlite", args.work / "cache", workers)))
    moved = land_commits(repos, 0.10)
    rows.append((f"after commits in {moved} repositories", org_audit(sources, args.work / "a.sqlite",
                                                                    args.work / "cache", workers)))  # fmt: skip
    dask, local = pool_against_dask(args.work, sources, args.workers, rounds=args.rounds)
    rows.append((f"full run, local pool (median of {args.rounds})", local))
    rows.append((f"full run, Dask LocalCluster (median of {args.rounds})", dask))
    first = rows[0][1]
    print(f"{'run':<48} {'wall s':>8} {'ratio':>8}")
    for name, wall in rows:
        print(f"{name:<48} {wall:>8.2f} {wall / first:>8.3f}")
    print(f"first / unchanged: {first / rows[1][1]:.1f}x (target >= 10x)")
    print(f"dask / local pool: {dask / local:.2f}x (target <= 1.3x)")


def pool_against_dask(work: Path, sources: list[str], workers: int, rounds: int) -> tuple[float, float]:
    """Median wall time of full runs (--full, fresh database each) alternating pool and Dask.

    The cluster is started and warmed (one small audit) before timing: a long-lived cluster is how
    Dask is used, and a local pool pays its own start-up inside every run.
    """
    from distributed import LocalCluster

    walls: dict[str, list[float]] = {"dask": [], "local": []}
    with LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None) as cluster:
        dask = ["--dask", cluster.scheduler_address, "--full"]
        org_audit([sources[0] + "/service-000"], work / "warm.sqlite", work / "cache-warm", dask)
        for n in range(rounds):
            order = ("dask", "local") if n % 2 == 0 else ("local", "dask")
            for mode in order:
                extra = dask if mode == "dask" else ["--workers", str(workers), "--full"]
                db = work / f"{mode}-{n}.sqlite"
                walls[mode].append(org_audit(sources, db, work / f"cache-{mode}", extra))
    return statistics.median(walls["dask"]), statistics.median(walls["local"])


if __name__ == "__main__":
    main()
