"""Noise on real application repositories: our findings, gitleaks' and kingfisher's, against labels.

    python bench/real_repos.py CORPUS --gitleaks PATH --kingfisher PATH [--work DIR]
                               [--ours CMD] [--reuse-peers] [--unlabelled FILE]

CORPUS holds one checkout per line of bench/real_repos.txt (bench/real_repos_fetch.py makes it).
Each repository is tree-scanned by `secret-hygiene scan --no-git --format json`, `gitleaks dir`
and `kingfisher scan --no-validate` in the same run; the findings are matched with
bench/real_repos_labels.tsv (repo, commit, path, line, rule, tool, verdict, reason, prefix):
a finding is labelled by its own row, else by any tool's row for the same place (repo, path,
line). Printed per tool: findings, true, false, unlabelled, precision (true / labelled), and
the true places (a TRUE label of any tool) that the tool did not report. Values are never
kept past their first 4 characters.
"""

from __future__ import annotations

import argparse
import csv
import json
import shlex
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = HERE / "real_repos_labels.tsv"
FIELDS = ["repo", "commit", "path", "line", "rule", "tool", "verdict", "reason", "prefix"]
TOOLS = ("secret-hygiene", "gitleaks", "kingfisher")


@dataclass(frozen=True)
class Hit:
    """One finding reduced to its place; `prefix` is at most the value's first 4 characters."""

    tool: str
    repo: str
    path: str
    line: int
    rule: str
    prefix: str
    also: tuple[int, ...] = ()  # further lines of the same secret in the same file


def repos(corpus: Path) -> list[tuple[str, str]]:
    """(name, commit) of the listed repositories present in corpus."""
    sys.path.insert(0, str(HERE))
    from real_repos_fetch import entries

    return [(n, c) for n, _, c in entries() if (corpus / n).is_dir()]


def line_prefix(root: Path, rel: str, line: int, column: int) -> str:
    """The first 4 characters at (line, column) of a file: the value's start, for the label file."""
    try:
        with open(root / rel, encoding="utf-8", errors="replace") as fh:
            for i, text in enumerate(fh, 1):
                if i == line:
                    return text[max(column - 1, 0) :][:4].strip()
    except OSError:
        pass
    return ""


def run_ours(cmd: list[str], root: Path, repo: str) -> list[Hit]:
    """Our tree scan of root, as Hits."""
    proc = subprocess.run([*cmd, "scan", "--no-git", "--format", "json", str(root)], capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"secret-hygiene failed on {repo}: {proc.stderr.strip()[-300:]}")
    out = []
    for f in json.loads(proc.stdout)["findings"]:
        if f.get("check", "leak") != "leak" or f.get("level") == "note":  # notes: shown with -v only
            continue
        other = str((f.get("details") or {}).get("other_lines", ""))
        also = tuple(int(n) for n in other.split(",") if n)
        pre = line_prefix(root, f["path"], f["line"], f.get("column", 1))
        out.append(Hit("secret-hygiene", repo, f["path"], f["line"], f["rule_id"], pre, also))
    return out


def run_gitleaks(exe: str, root: Path, repo: str, report: Path) -> list[Hit]:
    """gitleaks dir on root, as Hits."""
    subprocess.run(
        [exe, "dir", "--no-banner", "--exit-code", "0", "--log-level", "error",
         "--report-format", "json", "--report-path", str(report), str(root)],
        check=True, capture_output=True,
    )
    out = []
    for f in json.loads(report.read_text() or "[]"):
        rel = Path(f["File"]).resolve().relative_to(root.resolve()).as_posix()
        out.append(Hit("gitleaks", repo, rel, f["StartLine"], f["RuleID"], f["Secret"][:4]))
    report.write_text(json.dumps([h.__dict__ for h in out]))  # no whole secret left on disk
    return out


def run_kingfisher(exe: str, root: Path, repo: str, report: Path) -> list[Hit]:
    """kingfisher scan (no validation, no update check) on root, as Hits."""
    subprocess.run(
        [exe, "scan", str(root), "--no-validate", "--no-update-check", "-q", "-f", "json", "-o", str(report)],
        capture_output=True,
    )
    out = []
    for f in json.loads(report.read_text()).get("findings", []):
        fi = f["finding"]
        rel = Path(fi["path"]).resolve().relative_to(root.resolve()).as_posix()
        out.append(Hit("kingfisher", repo, rel, fi["line"], f["rule"]["id"], fi["snippet"][:4]))
    report.write_text(json.dumps([h.__dict__ for h in out]))
    return out


def cached(report: Path) -> list[Hit]:
    """Hits saved by an earlier run."""
    return [Hit(**{**d, "also": tuple(d.get("also", ()))}) for d in json.loads(report.read_text())]


def collect(args: argparse.Namespace) -> list[Hit]:
    """Every tool's Hits over every repository of the corpus."""
    hits: list[Hit] = []
    args.work.mkdir(parents=True, exist_ok=True)
    for repo, _ in repos(args.corpus):
        root = args.corpus / repo
        saved = args.work / f"secret-hygiene.{repo}.json"
        if args.reuse_ours and saved.exists():
            ours = cached(saved)
        else:
            ours = run_ours(shlex.split(args.ours), root, repo)
            saved.write_text(json.dumps([h.__dict__ for h in ours]))
        hits += ours
        for tool, exe, runner in (("gitleaks", args.gitleaks, run_gitleaks), ("kingfisher", args.kingfisher, run_kingfisher)):
            if not exe:
                continue
            report = args.work / f"{tool}.{repo}.json"
            hits += cached(report) if args.reuse_peers and report.exists() else runner(exe, root, repo, report)
        print(f"scanned {repo}", file=sys.stderr)
    return hits


def read_labels(path: Path = LABELS) -> list[dict[str, str]]:
    """The label rows (a missing file is no labels)."""
    if not path.exists():
        return []
    with open(path, newline="") as fh:
        return [r for r in csv.DictReader(fh, delimiter="\t") if not r["repo"].startswith("#")]


def verdicts(labels: list[dict[str, str]]) -> tuple[dict[tuple[str, ...], str], dict[tuple[str, str, int], str]]:
    """Verdicts by (tool, repo, path, line, rule) and by place (repo, path, line)."""
    exact: dict[tuple[str, ...], str] = {}
    place: dict[tuple[str, str, int], str] = {}
    for r in labels:
        exact[(r["tool"], r["repo"], r["path"], r["line"], r["rule"])] = r["verdict"]
        key = (r["repo"], r["path"], int(r["line"]))
        place[key] = "TRUE" if r["verdict"] == "TRUE" or place.get(key) == "TRUE" else r["verdict"]
    return exact, place


def verdict(h: Hit, exact: dict[tuple[str, ...], str], place: dict[tuple[str, str, int], str]) -> str | None:
    """The label of one Hit, by its own row first, then by its place."""
    return exact.get((h.tool, h.repo, h.path, str(h.line), h.rule)) or place.get((h.repo, h.path, h.line))


def report(hits: list[Hit], labels: list[dict[str, str]]) -> tuple[str, list[Hit]]:
    """The per-tool table, the missed true places, and the unlabelled Hits."""
    exact, place = verdicts(labels)
    true_places = {k for k, v in place.items() if v == "TRUE"}
    lines = [f"{'tool':<16} {'findings':>8} {'true':>6} {'false':>6} {'unlab.':>6} {'precision':>9} {'true places':>11} {'missed':>6}"]
    unlabelled: list[Hit] = []
    missed_by: dict[str, list[tuple[str, str, int]]] = {}
    for tool in TOOLS:
        mine = [h for h in hits if h.tool == tool]
        if not mine and tool != "secret-hygiene":
            continue
        counts: dict[str | None, int] = defaultdict(int)
        covered = set()
        for h in mine:
            v = verdict(h, exact, place)
            counts[v] += 1
            if v is None:
                unlabelled.append(h)
            covered |= {(h.repo, h.path, n) for n in (h.line, *h.also)}
        missed_by[tool] = sorted(true_places - covered)
        labelled = counts["TRUE"] + counts["FALSE"]
        prec = counts["TRUE"] / labelled if labelled else float("nan")
        lines.append(
            f"{tool:<16} {len(mine):>8} {counts['TRUE']:>6} {counts['FALSE']:>6} {counts[None]:>6} "
            f"{prec:>9.3f} {len(true_places):>11} {len(missed_by[tool]):>6}"
        )
    for tool, missed in missed_by.items():
        if missed:
            lines.append(f"\ntrue places {tool} did not report:")
            lines += [f"  {r}:{p}:{n}" for r, p, n in missed]
    return "\n".join(lines), unlabelled


def write_unlabelled(path: Path, hits: list[Hit], commits: dict[str, str]) -> None:
    """Unlabelled Hits as label rows with verdict '?', for triage."""
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(FIELDS)
        for h in sorted(hits, key=lambda h: (h.repo, h.path, h.line, h.tool)):
            w.writerow([h.repo, commits.get(h.repo, ""), h.path, h.line, h.rule, h.tool, "?", "", h.prefix[:4]])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--gitleaks", help="gitleaks binary (8.x)")
    ap.add_argument("--kingfisher", help="kingfisher binary (2.x)")
    ap.add_argument("--ours", default=f"{sys.executable} -m secret_hygiene", help="our command")
    ap.add_argument("--work", type=Path, default=Path("real_repos_work"), help="per-tool reports")
    ap.add_argument("--reuse-peers", action="store_true", help="reuse the peers' reports in --work")
    ap.add_argument("--reuse-ours", action="store_true", help="reuse our reports in --work (report only)")
    ap.add_argument("--unlabelled", type=Path, help="write unlabelled findings here as label rows")
    args = ap.parse_args()
    hits = collect(args)
    text, unlabelled = report(hits, read_labels())
    print(text)
    if args.unlabelled:
        write_unlabelled(args.unlabelled, unlabelled, dict(repos(args.corpus)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
