"""Rewrite the README's rule counts (the opening sentence and the family table) from `rules list`.

    python bench/readme_counts.py          # rewrites README.md in place
    python bench/readme_counts.py --check  # exit 1 when the README is stale

tests/test_firstday.py fails when the README's numbers disagree with the shipped packs; rule
pack writers run this after adding rules.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRADING = ("crypto-exchanges", "brokers", "market-data", "wallets")


def main(check: bool) -> int:
    listed = subprocess.run(
        [sys.executable, "-m", "secret_hygiene", "rules", "list", "--format", "json"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    rules = json.loads(listed.stdout)
    families = Counter(r["family"] for r in rules)
    trading = [r for r in rules if r["family"] in TRADING]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    text = re.sub(
        r"with \d+\s+rules for \d+ providers, including \d+ rules for \d+",
        f"with {len(rules)} rules for {len({r['provider'] for r in rules})} providers, including "
        f"{len(trading)} rules for {len({r['provider'] for r in trading})}",
        readme,
        count=1,
    )
    rows = sorted(families.items(), key=lambda kv: (-kv[1], kv[0]))
    half = (len(rows) + 1) // 2
    lines = ["| family | rules | | family | rules |", "| --- | ---: | --- | --- | ---: |"]
    for i in range(half):
        left = rows[i]
        right = rows[half + i] if half + i < len(rows) else None
        lines.append(f"| {left[0]} | {left[1]} | | {right[0] if right else ''} | {right[1] if right else ''} |")
    start = text.index("| family | rules |")
    end = text.index("\n\n", start)
    text = text[:start] + "\n".join(lines) + text[end:]
    if check:
        return 0 if text == readme else 1
    (ROOT / "README.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv[1:]))
