"""History-scan speed: our `history` against gitleaks `git`, betterleaks `git` and kingfisher, one run.

Usage:
    python bench/bench_history.py REPO [--runs 3] [--check] [--floor] [--rev HEAD]
        [--ours 'secret-hygiene'] [--before 'CMD'] [--gitleaks BIN] [--betterleaks BIN] [--kingfisher BIN]

REPO is a git repository with a long history (a bare mirror is fine); it is only read. Every
command runs once to warm the page cache, then `--runs` rounds in alternating order; medians and
our time over each row's are printed, wall and CPU (user + system of the whole process tree: on a
loaded machine wall time follows each tool's share of the cores, CPU time the work it does).
`--floor` adds plain `git log -p` of the same commits (what one pipe cannot beat). `--check` runs ours again with `--jobs 1` (one `git log -p` pipe) and an
empty cache and exits non-zero unless the findings (rule, path, line, commit, fingerprint) are
identical. Peers run only when given or found on PATH.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import check, command, load, ours_env, paired, run_quiet, table, which

OURS = "secret-hygiene history"


def ours(cmd: list[str], repo: Path, rev: str, *extra: str) -> list[str]:
    """Our history scan of `rev`'s commits, report discarded."""
    return [*cmd, "history", str(repo), "--range", rev, *extra, "--format", "json", "--output", "/dev/null"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repo", type=Path)
    parser.add_argument("--rev", default="HEAD")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ours", default="secret-hygiene")
    parser.add_argument("--before", help="another build of ours to time in the same rounds")
    parser.add_argument("--gitleaks", default="gitleaks")
    parser.add_argument("--betterleaks", default="betterleaks")
    parser.add_argument("--kingfisher", default="kingfisher")
    parser.add_argument("--floor", action="store_true", help="also time plain `git log -p`")
    parser.add_argument("--check", action="store_true", help="findings must equal a --jobs 1, no-cache run's")
    parser.add_argument("--rss", action="store_true", help="one more sampled run each for the peak RSS")
    args = parser.parse_args()
    repo, rev = args.repo.resolve(), args.rev
    mine = command(args.ours)
    commits = run_quiet(["git", "-C", str(repo), "rev-list", "--count", rev]).strip()
    head = run_quiet(["git", "-C", str(repo), "rev-parse", rev]).strip()
    print(f"repository {repo} at {head[:12]}: {commits} commits; {args.runs} alternating rounds after a "
          f"warm-up, medians; {load()}")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="bench-history-") as tmp:
        out = Path(tmp)
        commands = {OURS: ours(mine, repo, rev)}
        envs = {OURS: ours_env()}
        if args.before:
            commands["before"] = ours(command(args.before), repo, rev)
            envs["before"] = ours_env()
        if gitleaks := which(args.gitleaks):
            commands["gitleaks git"] = [gitleaks, "git", "--no-banner", "--exit-code", "0", "--log-level", "error",
                                        f"--log-opts={rev}", "--report-format", "json",
                                        "--report-path", str(out / "gl.json"), str(repo)]  # fmt: skip
        if betterleaks := which(args.betterleaks):
            commands["betterleaks git"] = [betterleaks, "git", "-s", "--no-banner", "--exit-code", "0",
                                           f"--log-opts={rev}", str(repo)]  # fmt: skip
        if kingfisher := which(args.kingfisher):
            commands["kingfisher --turbo"] = [kingfisher, "scan", str(repo), "--no-validate", "--no-update-check",
                                              "-q", "-f", "json", "-o", str(out / "kf.json"), "--turbo"]  # fmt: skip
        if args.floor:
            commands["git log -p (one pipe)"] = ["git", "-C", str(repo), "log", "-p", "--no-merges", rev]
        rows = paired(commands, args.runs, cwd=out, envs=envs, rss=args.rss, progress=True)
        print(table(rows, OURS))
        print(f"after: {load()}")
    if args.check:
        print(check(ours(mine, repo, rev)[:-4], ours(mine, repo, rev, "--jobs", "1")[:-4]))


if __name__ == "__main__":
    main()
