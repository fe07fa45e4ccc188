"""Commit-hook speed: the README's hook set (the combined `secret-hygiene-commit` hook) under the
pre-commit framework against gitleaks' own pre-commit hook, on a clean 10-file commit, one run.

A temporary repository gets 10 staged files of 200 lines each (ordinary Python, no keys: the
common commit). Rows: each tool's hook command run directly, and each run by `pre-commit run`
from a local config (language: system, the entries the hook manifests use). Every command runs
once to warm caches, then `--runs` rounds in alternating order; medians and ratios.

    python bench/bench_hook.py [--runs 15] [--ours secret-hygiene] [--gitleaks BIN] [--pre-commit BIN]
        [--repo REPO]

`--repo` stages the files in a shared clone of a real repository instead (its history and work
tree are what the env and rotation checks read at every commit: apache/kafka showed a 15 s
history query that a one-commit repository hides).

Issue 14's target: the pre-commit run of the combined hook in <= 0.5x the time of gitleaks' own
pre-commit hook (`gitleaks git --pre-commit --staged`).
"""

from __future__ import annotations

import argparse
import os
import random
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import command, load, ours_env, paired, which

FILES, LINES = 10, 200
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


def make_repo(root: Path, history: Path | None = None) -> list[str]:
    """A repository with FILES new files staged; returns their names. It has one commit, or, with
    `history`, is a shared clone of that repository (its whole history, a real work tree)."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.invalid",
           "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@example.invalid"}  # fmt: skip
    if history is not None:
        subprocess.run(["git", "clone", "-q", "--shared", str(history), str(root)], check=True)
    else:
        subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
        (root / "README.md").write_text("bench\n", encoding="utf-8")
        subprocess.run(["git", "add", "README.md"], cwd=root, check=True)
        subprocess.run(["git", "commit", "-q", "-m", "init"], cwd=root, check=True, env=env)
    names = [f"bench_hook_pkg/module_{i}.py" for i in range(FILES)]
    (root / "bench_hook_pkg").mkdir()
    for i, name in enumerate(names):
        (root / name).write_text(source_file(i), encoding="utf-8")
    subprocess.run(["git", "add", *names], cwd=root, check=True)
    return names


def precommit_config(root: Path, ours: list[str], gitleaks: str | None) -> None:
    """A local config with our combined hook and gitleaks' hook, entries as their manifests write them."""
    hooks = [f"  - {{id: secret-hygiene-commit, name: ours, entry: '{shlex.join([*ours, 'pre-commit', '--'])}',"
             " language: system, require_serial: true}\n"]  # fmt: skip
    if gitleaks:
        hooks.append(f"  - {{id: gitleaks, name: gitleaks, entry: '{gitleaks} git --pre-commit --redact --staged"
                     " --verbose', language: system, pass_filenames: false}\n")  # fmt: skip
    (root / ".pre-commit-config.yaml").write_text("repos:\n- repo: local\n  hooks:\n" + "".join(hooks))
    subprocess.run(["git", "add", ".pre-commit-config.yaml"], cwd=root, check=True)


def main() -> int:
    """Build the repo, time each command in alternating rounds, print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--ours", default="secret-hygiene")
    parser.add_argument("--gitleaks", default="gitleaks")
    parser.add_argument("--pre-commit", dest="pre_commit", default="pre-commit")
    parser.add_argument("--repo", type=Path, help="stage the files in a shared clone of this repository")
    opts = parser.parse_args()
    mine = command(opts.ours)
    gitleaks = which(opts.gitleaks)
    pre_commit = which(opts.pre_commit)
    with tempfile.TemporaryDirectory(prefix="bench-hook-") as tmp:
        root = Path(tmp) / "repo"
        names = make_repo(root, opts.repo)
        env = {**ours_env(), "PRE_COMMIT_HOME": str(Path(tmp) / "pc")}
        rows = {"secret-hygiene pre-commit -- FILES": [*mine, "pre-commit", "--", *names]}
        if gitleaks:
            rows["gitleaks git --pre-commit --staged"] = [gitleaks, "git", "--pre-commit", "--redact", "--staged",
                                                          "--no-banner", "--log-level", "error"]  # fmt: skip
        if pre_commit:
            precommit_config(root, mine, gitleaks)
            run = [pre_commit, "run", "--hook-stage", "pre-commit"]
            rows["pre-commit run secret-hygiene-commit"] = [*run[:2], "secret-hygiene-commit", *run[2:]]
            if gitleaks:
                rows["pre-commit run gitleaks"] = [*run[:2], "gitleaks", *run[2:]]
        where = f"in a clone of {opts.repo} ({_commits(root)} commits)" if opts.repo else "in a new repository"
        print(f"{FILES} staged files x {LINES} lines {where}; {opts.runs} alternating rounds after a warm-up, medians; {load()}")
        timings = paired(rows, opts.runs, cwd=root, envs=dict.fromkeys(rows, env), ok=(0, 1))
    times = {t.name: t.seconds for t in timings}
    print(f"{'command':<40} {'median s':>9} {'peak RSS MiB':>13}")
    for t in timings:
        print(f"{t.name:<40} {t.seconds:>9.3f} {t.rss_mb:>13.0f}")
    pairs = [("pre-commit run secret-hygiene-commit", "pre-commit run gitleaks"),
             ("pre-commit run secret-hygiene-commit", "gitleaks git --pre-commit --staged"),
             ("secret-hygiene pre-commit -- FILES", "gitleaks git --pre-commit --staged")]  # fmt: skip
    for ours, theirs in pairs:
        if ours in times and theirs in times:
            ratio = times[ours] / times[theirs]
            print(f"{ours} / {theirs}: {ratio:.2f} (target <= 0.5: {'met' if ratio <= 0.5 else 'NOT met'})")
    return 0


def _commits(root: Path) -> str:
    out = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=root, capture_output=True, text=True)
    return out.stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
