"""Tree-scan speed: our `scan --no-git` against gitleaks `dir`, betterleaks `fs` and kingfisher, one run.

Usage:
    python bench/bench_scan.py CORPUS [--runs 5] [--check] [--scaling]
        [--ours 'secret-hygiene'] [--before 'CMD'] [--gitleaks BIN] [--betterleaks BIN] [--kingfisher BIN]

CORPUS is a plain directory (a work tree extracted with `git archive HEAD | tar -x`, outside any
checkout). Each command runs once to warm the page cache and the tools' caches, then `--runs`
rounds in alternating order; medians, MB/s, peak RSS of the whole process tree (workers and all)
and our time over each peer's are printed. `--before` times another build of ours in the same
rounds (e.g. the main branch: a wrapper script running it). `--check` runs ours again with
`--jobs 1` and an empty cache and exits non-zero unless the findings are identical. `--scaling`
times ours with the rule packs loaded x1, x2 and x4 (ids renamed; all three through a config,
so all three are custom rules alike). Peers are only run when given or found on PATH; see
PEERS.md in the benchmark notes for fair flags (those below).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import check, command, load, ours_env, paired, table, tree_bytes, which

ROOT = Path(__file__).resolve().parents[1]
OURS = "secret-hygiene scan --no-git"


def ours(cmd: list[str], corpus: Path, *extra: str) -> list[str]:
    """Our scan of a plain directory, report discarded."""
    return [*cmd, "scan", "--no-git", *extra, str(corpus), "--format", "json", "--output", "/dev/null"]


def peers(args: argparse.Namespace, corpus: Path, out: Path) -> dict[str, list[str]]:
    """The peer commands that are installed, with the flags PEERS.md calls fair."""
    found: dict[str, list[str]] = {}
    if gitleaks := which(args.gitleaks):
        found["gitleaks dir"] = [gitleaks, "dir", "--no-banner", "--exit-code", "0", "--log-level", "error",
                                 "--report-format", "json", "--report-path", str(out / "gl.json"), str(corpus)]  # fmt: skip
    if betterleaks := which(args.betterleaks):
        found["betterleaks fs"] = [betterleaks, "fs", "-s", "--no-banner", "--exit-code", "0", str(corpus)]
    if kingfisher := which(args.kingfisher):
        found["kingfisher --turbo"] = [kingfisher, "scan", str(corpus), "--no-validate", "--no-update-check",
                                       "-q", "-f", "json", "-o", str(out / "kf.json"), "--turbo"]  # fmt: skip
    return found


def scaled_configs(work: Path, factors: tuple[int, ...]) -> dict[int, tuple[Path, int]]:
    """factor -> (config file loading every pack `factor` times, ids renamed; rule count).

    Copies drop the packs' `require`/`legacy` bookkeeping (renamed ids are not in it) and keep
    every rule as written; `requires: {id: ...}` companions point at the copy's own id.
    """
    import yaml

    packs = sorted((ROOT / "rules").glob("*.yaml"))
    out = {}
    for factor in factors:
        directory = work / f"rules-x{factor}"
        directory.mkdir()
        count = 0
        for pack in packs:
            doc = yaml.safe_load(pack.read_text(encoding="utf-8"))
            for copy in range(factor):
                prefix = f"copy{copy}-" if copy else ""
                rules = []
                for rule in doc.get("rules", []):
                    rule = {**rule, "id": prefix + rule["id"]}
                    needs = rule.get("requires")
                    if isinstance(needs, dict) and "id" in needs:
                        rule["requires"] = {**needs, "id": prefix + needs["id"]}
                    rules.append(rule)
                text = yaml.safe_dump({k: v for k, v in doc.items() if k not in ("require", "legacy", "rules")}
                                      | {"rules": rules}, sort_keys=False)  # fmt: skip
                (directory / f"c{copy}-{pack.name}").write_text(text, encoding="utf-8")
                count += len(rules)
        config = work / f"x{factor}.yaml"
        config.write_text(f"builtin-rules: false\nrules: ['{directory}']\n", encoding="utf-8")
        out[factor] = (config, count)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--ours", default="secret-hygiene", help="our command (default: on PATH)")
    parser.add_argument("--before", help="another build of ours to time in the same rounds")
    parser.add_argument("--gitleaks", default="gitleaks")
    parser.add_argument("--betterleaks", default="betterleaks")
    parser.add_argument("--kingfisher", default="kingfisher")
    parser.add_argument("--check", action="store_true", help="findings must equal a --jobs 1, no-cache run's")
    parser.add_argument("--scaling", action="store_true", help="also time rules x1, x2, x4")
    args = parser.parse_args()
    corpus = args.corpus.resolve()
    mb = tree_bytes(corpus) / 1e6
    mine = command(args.ours)
    print(f"corpus {corpus}: {mb:.1f} MB; {args.runs} alternating rounds after a warm-up, medians; {load()}")
    with tempfile.TemporaryDirectory(prefix="bench-scan-") as tmp:
        work = Path(tmp)
        commands = {OURS: ours(mine, corpus)}
        envs = {OURS: ours_env()}
        if args.before:
            commands["before (" + args.before.split("/")[-1] + ")"] = ours(command(args.before), corpus)
            envs["before (" + args.before.split("/")[-1] + ")"] = ours_env()
        commands.update(peers(args, corpus, work))
        rows = paired(commands, args.runs, cwd=work, envs=envs)
        print(table(rows, OURS, mb))
        print(f"after: {load()}")
        if args.scaling:
            configs = scaled_configs(work, (1, 2, 4))
            scaled = {f"ours, rules x{f} ({n} rules)": ours(mine, corpus, "--config", str(c))
                      for f, (c, n) in configs.items()}  # fmt: skip
            srows = paired(scaled, args.runs, cwd=work, envs=dict.fromkeys(scaled, ours_env()), rss=False)
            base = srows[0].seconds
            print("\nrule count growth (ours):")
            for r in srows:
                print(f"  {r.name:<34} {r.seconds:6.2f} s  {mb / r.seconds:6.1f} MB/s  x1 ratio {r.seconds / base:.2f}")
        if args.check:
            print(check(ours(mine, corpus)[:-4], ours(mine, corpus, "--jobs", "1")[:-4]))


if __name__ == "__main__":
    main()
