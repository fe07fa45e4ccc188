"""Noise budget (issue 3): findings per MB on third-party code that holds no leaked keys.

    python bench/noise_budget.py [SITE_PACKAGES] [--sample-mb 30] [--work DIR]

Scans the whole tree with secret-hygiene, then copies a fixed sample (files picked by a hash
of their path, about --sample-mb MB) and runs both secret-hygiene and detect-secrets on it:
detect-secrets runs at about 1 MB/s, too slow for a whole site-packages. Our own package
(its rule packs hold key-shaped examples on purpose) is left out of both.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import which

SKIP_TOP = ("secret_hygiene",)  # our rule packs: examples by design


def files(root: Path) -> list[tuple[str, int]]:
    """(relative path, size) of regular files under root, ours left out."""
    out = []
    for dirpath, dirnames, names in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(names):
            full = Path(dirpath) / name
            rel = full.relative_to(root).as_posix()
            if rel.split("/")[0] in SKIP_TOP or full.is_symlink() or name.endswith((".pyc", ".so")):
                continue
            out.append((rel, full.stat().st_size))
    return out


def sample(root: Path, dest: Path, mb: float) -> float:
    """Copy files whose path hash falls under the ratio that yields about `mb` MB; return MB copied."""
    listing = files(root)
    ratio = min(1.0, mb * 1e6 / max(1, sum(s for _, s in listing)))
    if dest.exists():
        shutil.rmtree(dest)
    copied = 0
    for rel, size in listing:
        if int(hashlib.sha1(rel.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF < ratio:
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / rel, dest / rel)
            copied += size
    return copied / 1e6


def ours(root: Path) -> Counter[str]:
    argv = ["secret-hygiene", "scan", "--no-git", str(root), "--format", "json", "-q"]
    out = subprocess.run(argv, capture_output=True, text=True, check=False).stdout
    found = json.loads(out)["findings"] if out.strip() else []
    return Counter(f["rule_id"] for f in found if f["path"].split("/")[0] not in SKIP_TOP)


def detect_secrets(root: Path, exe: str) -> Counter[str]:
    argv = [exe, "scan", "--all-files", "-n"]
    out = subprocess.run(argv, cwd=root, capture_output=True, text=True, check=False).stdout
    results = json.loads(out)["results"]
    return Counter(s["type"] for found in results.values() for s in found)


def report(name: str, counts: Counter[str], mb: float, seconds: float) -> None:
    total = sum(counts.values())
    print(f"{name}: {total} findings in {mb:.1f} MB = {total / mb:.2f} per MB ({seconds:.0f} s)")
    for rule, n in counts.most_common(12):
        print(f"    {n:>5}  {rule}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("site", type=Path, nargs="?", default=Path(sysconfig.get_paths()["purelib"]))
    parser.add_argument("--sample-mb", type=float, default=30.0)
    parser.add_argument("--work", type=Path, default=Path(__file__).resolve().parent / ".corpus" / "noise")
    parser.add_argument("--detect-secrets", dest="detect_secrets", default="detect-secrets")
    args = parser.parse_args()
    whole = sum(s for _, s in files(args.site)) / 1e6
    start = time.perf_counter()
    report(f"secret-hygiene, whole {args.site}", ours(args.site), whole, time.perf_counter() - start)
    mb = sample(args.site, args.work, args.sample_mb)
    for name, run in (("secret-hygiene", ours), ("detect-secrets", None)):
        start = time.perf_counter()
        if run is not None:
            counts = run(args.work)
        else:
            exe = which(args.detect_secrets)
            if exe is None:
                print("detect-secrets: not found (pip install detect-secrets==1.5.0)")
                continue
            counts = detect_secrets(args.work, exe)
        report(f"{name}, sample", counts, mb, time.perf_counter() - start)


if __name__ == "__main__":
    main()
