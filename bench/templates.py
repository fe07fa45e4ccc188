"""The env-example-value check on real templates, and on a twin of each holding one planted key.

    python bench/templates.py DEST [--gitleaks PATH] [--work DIR] [--unlabelled FILE]
                                   [--every-binding] [-v]

DEST is what bench/templates_fetch.py made (DEST/OWNER+NAME/PATH for each row of
bench/templates.tsv). Each template is checked as it is (every finding there is noise unless
bench/templates_labels.tsv says the value is `real`), and as a twin: the same file with one
synthetic key, made at run time in a provider's format (`sk_live_`, `ghp_`, AKIA, ...) or as a
random high-entropy string, put under a variable whose name fits it (appended when the file has
none). A twin is caught when a finding lands on the planted line. gitleaks (`gitleaks dir`) runs
on the originals and on the twins for comparison. --every-binding also plants each key shape
in every binding (the random values only under secret-like names) and counts what the check
misses. Values are never printed past 4 characters.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import string
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from secret_hygiene.engine.rules import load_rules
from secret_hygiene.engine.scanner import Engine, find_in_text
from secret_hygiene.env.templates import Entry, check_template, parse
from secret_hygiene.env.values import secret_like_name
from secret_hygiene.model import Blob, Finding

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from templates_fetch import local_name, rows  # noqa: E402

LABELS = HERE / "templates_labels.tsv"
FIELDS = ["repo", "path", "line", "variable", "verdict", "reason", "prefix"]
ALNUM = string.ascii_letters + string.digits


def _pick(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


# name pattern -> (rule id the value must match, or "" for a high-entropy generic value; maker)
Maker = Callable[[random.Random], str]
FORMATS: tuple[tuple[re.Pattern[str], str, Maker], ...] = (
    (re.compile(r"ACCESS_KEY_ID$"), "aws-access-key-id", lambda r: "AKIA" + _pick(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)),
    (re.compile(r"STRIPE.*SECRET"), "stripe-live-secret-key", lambda r: "sk_live_51" + _pick(r, ALNUM, 97)),
    (re.compile(r"GITHUB.*TOKEN|^GH_TOKEN$|GITHUB_PAT"), "github-classic-personal-access-token", lambda r: "ghp_" + _pick(r, ALNUM, 36)),
    (re.compile(r"ANTHROPIC.*KEY"), "anthropic-api-key", lambda r: "sk-ant-api03-" + _pick(r, ALNUM + "_-", 93) + "AA"),
    (re.compile(r"OPENAI.*KEY"), "openai-project-key", lambda r: "sk-proj-" + _pick(r, ALNUM, 40) + "T3BlbkFJ" + _pick(r, ALNUM, 40)),
    (re.compile(r"SLACK.*TOKEN"), "slack-bot-token", lambda r: f"xoxb-{_pick(r, string.digits, 12)}-{_pick(r, string.digits, 13)}-{_pick(r, ALNUM, 24)}"),
    (re.compile(r"SENDGRID.*KEY"), "sendgrid-api-key", lambda r: f"SG.{_pick(r, ALNUM, 22)}.{_pick(r, ALNUM, 43)}"),
)  # fmt: skip
GENERIC: tuple[Maker, ...] = (
    lambda r: _pick(r, ALNUM, 48),  # a random secret (NEXTAUTH_SECRET, JWT_SECRET)
    lambda r: _pick(r, "0123456789abcdef", 64),  # 32 random bytes in hex (openssl rand -hex 32)
    lambda r: _pick(r, ALNUM, 30) + "+/" + _pick(r, ALNUM, 10),  # an AWS-style secret access key
)


@dataclass(frozen=True)
class Twin:
    """A template with one key planted at `line` under `variable`."""

    data: bytes
    line: int
    variable: str
    rule: str


def plant(data: bytes, entries: list[Entry], rng: random.Random) -> Twin:
    """One realistic key under the best-fitting variable: a provider's name, else a secret-like name."""
    for pattern, rule, make in FORMATS:
        for e in entries:
            if pattern.search(e.key.upper()):
                return _replace(data, e, make(rng), rule)
    secretish = [e for e in entries if secret_like_name(e.key)]
    if secretish:
        e = rng.choice(secretish)
        return _replace(data, e, rng.choice(GENERIC)(rng), "")
    text = data.decode("utf-8-sig", errors="replace")
    line = text.count("\n") + (0 if text.endswith("\n") or not text else 1) + 1
    value = FORMATS[1][2](rng)
    tail = "" if text.endswith("\n") or not text else "\n"
    return Twin(
        (text + tail + f"STRIPE_SECRET_KEY={value}\n").encode(), line, "STRIPE_SECRET_KEY", FORMATS[1][1]
    )


def _replace(data: bytes, entry: Entry, value: str, rule: str) -> Twin:
    lines = data.decode("utf-8-sig", errors="replace").split("\n")
    first = lines[entry.line - 1]
    export = "export " if first.lstrip().startswith("export ") else ""
    lines[entry.line - 1 : entry.end_line] = [f"{export}{entry.key}={value}"]
    return Twin("\n".join(lines).encode(), entry.line, entry.key, rule)


def read_labels(path: Path = LABELS) -> dict[tuple[str, str, int], str]:
    """Verdict by (repo, path, line)."""
    if not path.exists():
        return {}
    with open(path, newline="") as fh:
        lines = [line for line in fh if line.strip() and not line.startswith("#")]
    return {
        (r["repo"], r["path"], int(r["line"])): r["verdict"] for r in csv.DictReader(lines, delimiter="\t")
    }


def ours(rel: str, data: bytes, engine: Engine) -> list[Finding]:
    """Our env-example-value findings on one template (warnings included, notes not)."""
    found = [f for f in check_template(rel, data, engine) if isinstance(f, Finding)]
    return [f for f in found if f.level != "note"]


def scanned(rel: str, data: bytes, engine: Engine) -> list[Finding]:
    """The leak scan's findings on the same file (as `scan` reports them; notes left out)."""
    return [f for f in engine.scan_blob(Blob(rel, data)) if isinstance(f, Finding) and f.level != "note"]


def _lines(f: Finding) -> set[int]:
    other = dict(f.details).get("other_lines", "")
    return {f.line or 0, *(int(n) for n in other.split(",") if n)}


def gitleaks(exe: str, root: Path, report: Path) -> dict[tuple[str, int], int]:
    """Findings of `gitleaks dir` under root, counted by (path relative to root, line)."""
    subprocess.run(
        [exe, "dir", "--no-banner", "--exit-code", "0", "--log-level", "error",
         "--report-format", "json", "--report-path", str(report), str(root)],
        check=True, capture_output=True,
    )  # fmt: skip
    counts: dict[tuple[str, int], int] = {}
    for f in json.loads(report.read_text() or "[]"):
        rel = Path(f["File"]).resolve().relative_to(root.resolve()).as_posix()
        counts[(rel, f["StartLine"])] = counts.get((rel, f["StartLine"]), 0) + 1
    report.write_text("[]")  # no secret left on disk
    return counts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dest", type=Path)
    ap.add_argument("--gitleaks", help="gitleaks binary (8.x)")
    ap.add_argument("--work", type=Path, help="where the twins are written (default: a temporary directory)")
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument(
        "--unlabelled", type=Path, help="write label rows to triage (secret-like names, findings)"
    )
    ap.add_argument(
        "--every-binding", action="store_true",
        help="also plant every provider format in every binding, and the random values in every secret-like one",
    )  # fmt: skip
    ap.add_argument("-v", "--verbose", action="store_true", help="list every finding and every missed twin")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        return run(args, work)


def run(args: argparse.Namespace, work: Path) -> int:
    engine = Engine(load_rules())
    labels = read_labels()
    rng = random.Random(args.seed)
    twins_root, originals = work / "twins", args.dest
    stats = dict.fromkeys(
        (
            "files",
            "entries",
            "findings",
            "true",
            "false",
            "unlabelled",
            "caught",
            "scan",
            "scan true",
            "scan false",
            "scan caught",
        ),
        0,
    )
    real_places = {k for k, v in labels.items() if v == "real"}
    found_real: set[tuple[str, str, int]] = set()
    planted: dict[str, tuple[int, str]] = {}
    triage: list[list[str]] = []
    missed: list[str] = []
    for repo, _, path in rows():
        rel = f"{local_name(repo)}/{path}"
        file = originals / rel
        if not file.is_file():
            continue
        data = file.read_bytes()
        entries, _ = parse(data.decode("utf-8-sig", errors="replace"))
        stats["files"] += 1
        stats["entries"] += len(entries)
        hits = ours(path, data, engine)
        for f in hits:
            v = labels.get((repo, path, f.line or 0))
            key = "true" if v == "real" else "false" if v else "unlabelled"
            stats["findings"] += 1
            stats[key] += 1
            if v == "real":
                found_real.add((repo, path, f.line or 0))
            if args.verbose:
                print(f"  original {key:<10} {rel}:{f.line} {f.rule_id} {f.secret[:4]}")
        for f in scanned(path, data, engine):
            v = labels.get((repo, path, f.line or 0))
            stats["scan"] += 1
            stats["scan true"] += v == "real"
            stats["scan false"] += v is not None and v != "real"
        flagged = {f.line for f in hits}
        triage += [_label_row(repo, path, data, e, e.line in flagged) for e in entries]
        twin = plant(data, entries, rng)
        if twin.rule:
            assert any(
                h.rule_id == twin.rule for h in find_in_text(f"{twin.variable}={_value(twin)}", engine)
            ), twin.rule
        out = twins_root / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(twin.data)
        planted[rel] = (twin.line, twin.rule or "generic")
        caught = any(f.line == twin.line for f in ours(path, twin.data, engine))
        stats["scan caught"] += any(twin.line in _lines(f) for f in scanned(path, twin.data, engine))
        stats["caught"] += caught
        missed += [] if caught else [rel]
        if args.verbose and not caught:
            print(f"  twin missed {rel}:{twin.line} {twin.variable} ({twin.rule or 'generic'})")
    _print(stats, len(real_places), len(found_real), planted, missed)
    if args.gitleaks:
        _peer(args.gitleaks, originals, twins_root, work, planted, labels)
    if args.unlabelled:
        _write_triage(args.unlabelled, triage, labels)
    if args.every_binding:
        _every_binding(originals, engine, rng, args.verbose)
    return 0


def _every_binding(originals: Path, engine: Engine, rng: random.Random, verbose: bool) -> None:
    """A twin per (binding, key shape): how many planted keys the check misses, wherever they go."""
    planted = missed = 0
    for repo, _, path in rows():
        file = originals / local_name(repo) / path
        if not file.is_file():
            continue
        data = file.read_bytes()
        entries, _ = parse(data.decode("utf-8-sig", errors="replace"))
        for e in entries:
            makers = [(rule, make) for _, rule, make in FORMATS]
            makers += [("generic", make) for make in GENERIC] if secret_like_name(e.key) else []
            for rule, make in makers:
                twin = _replace(data, e, make(rng), rule)
                planted += 1
                if not any(f.line == twin.line for f in ours(path, twin.data, engine)):
                    missed += 1
                    if verbose:
                        print(
                            f"  every-binding missed {local_name(repo)}/{path}:{twin.line} {e.key} ({rule})"
                        )
    print(f"secret-hygiene every-binding twins: caught {planted - missed} of {planted}")


def _value(twin: Twin) -> str:
    line = twin.data.decode().split("\n")[twin.line - 1]
    return line.split("=", 1)[1]


def _label_row(repo: str, path: str, data: bytes, e: Entry, flagged: bool) -> list[str]:
    value = (e.value or "").strip()
    verdict = "empty" if not value else "?"
    wanted = flagged or secret_like_name(e.key)
    return (
        [repo, path, str(e.line), e.key, verdict, "finding" if flagged else "", value[:4]] if wanted else []
    )


def _write_triage(path: Path, triage: list[list[str]], labels: dict[tuple[str, str, int], str]) -> None:
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(FIELDS)
        for row in triage:
            if row and (row[0], row[1], int(row[2])) not in labels:
                w.writerow(row)


def _print(
    stats: dict[str, int], real: int, found_real: int, planted: dict[str, tuple[int, str]], missed: list[str]
) -> None:
    files, findings, true = stats["files"], stats["findings"], stats["true"]
    caught = stats["caught"]
    labelled = stats["true"] + stats["false"]
    print(f"files {files}, bindings {stats['entries']}, labelled real values {real}")
    print(
        f"secret-hygiene originals: findings {findings} (true {true}, false {stats['false']}, unlabelled {stats['unlabelled']})"
    )
    generic = [rel for rel, (_, rule) in planted.items() if rule == "generic"]
    print(
        f"secret-hygiene twins: caught {caught} of {files} (provider formats "
        f"{len(planted) - len(generic) - len(set(missed) - set(generic))} of {len(planted) - len(generic)}, "
        f"random values {len(generic) - len(set(missed) & set(generic))} of {len(generic)})"
    )
    precision = (true + caught) / (findings + caught) if findings + caught else float("nan")
    recall = (found_real + caught) / (real + files) if real + files else float("nan")
    print(
        f"secret-hygiene scan (leak check) originals: findings {stats['scan']} (true {stats['scan true']}, "
        f"false {stats['scan false']}); twins: caught {stats['scan caught']} of {files}"
    )
    print(
        f"secret-hygiene precision {precision:.3f} (originals alone: {true / labelled if labelled else float('nan'):.3f}), recall {recall:.3f}"
    )


def _peer(
    exe: str,
    originals: Path,
    twins_root: Path,
    work: Path,
    planted: dict[str, tuple[int, str]],
    labels: dict[tuple[str, str, int], str],
) -> None:
    before = gitleaks(exe, originals, work / "gitleaks-originals.json")
    where = {
        rel: (repo, path) for repo, _, path in rows() if (rel := f"{local_name(repo)}/{path}") in planted
    }
    verdicts = [
        labels.get((*where[rel], line)) for (rel, line), n in before.items() if rel in where for _ in range(n)
    ]
    true = verdicts.count("real")
    false = sum(v is not None and v != "real" for v in verdicts)
    after = gitleaks(exe, twins_root, work / "gitleaks-twins.json")
    caught = sum(1 for rel, (line, _) in planted.items() if (rel, line) in after)
    print(
        f"gitleaks originals: findings {len(verdicts)} (true {true}, false {false}, unlabelled {verdicts.count(None)})"
    )
    print(f"gitleaks twins: caught {caught} of {len(planted)}")


if __name__ == "__main__":
    sys.exit(main())
