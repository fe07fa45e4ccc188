"""Extract the peers' detector lists (names only) into bench/peer_providers.tsv.

    python bench/coverage_extract.py GITLEAKS KINGFISHER NOSEYPARKER TRUFFLEHOG BETTERLEAKS

Each argument is a git directory (bare or not) of gitleaks/gitleaks, mongodb/kingfisher,
praetorian-inc/noseyparker, trufflesecurity/trufflehog and betterleaks/betterleaks. Only
facts are kept: each peer's rule id, the provider name its layout gives it (rule file name,
detector directory), and, where a peer's pattern starts with a literal key prefix such as
`glpat-` or `xoxb-`, that prefix. No pattern, example or fixture is copied. The TSV is
committed so bench/coverage.py runs offline; re-run this to refresh it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent / "peer_providers.tsv"
# A key prefix: letters/digits ending in `_` or `-` (ghp_, xoxb-, sk_live_), at the start of a pattern
# or its capture group; several alternatives are all kept.
_PREFIX = re.compile(r"(?:^|[(|:]|\\b)([A-Za-z][A-Za-z0-9]{1,12}(?:[_-][A-Za-z0-9]{1,8})*[_-])(?=[\[(\\]|$)")


def git(repo: str, *args: str) -> str:
    """Output of one git command on a repository directory."""
    return subprocess.run(
        ["git", "--git-dir", _gitdir(repo), *args], check=True, capture_output=True, text=True
    ).stdout


def _gitdir(repo: str) -> str:
    path = Path(repo)
    return str(path / ".git") if (path / ".git").exists() else str(path)


def files(repo: str, folder: str) -> list[str]:
    """Paths of the files directly in `folder` at HEAD."""
    return git(repo, "ls-tree", "--name-only", f"HEAD:{folder}").split()


def show(repo: str, path: str) -> str:
    """A file's text at HEAD."""
    return git(repo, "show", f"HEAD:{path}")


def prefixes(pattern: str) -> str:
    """Literal key prefixes a pattern starts with, comma-separated (a fact about the key format)."""
    found = []
    for m in _PREFIX.finditer(pattern[:80]):
        if m.group(1) not in found:
            found.append(m.group(1))
    return ",".join(found[:4])


def toml_rules(repo: str, path: str, peer: str) -> list[tuple[str, str, str, str]]:
    """(peer, provider name, rule id, prefix) for each [[rules]] of a gitleaks-style config."""
    rows = []
    for block in show(repo, path).split("[[rules]]")[1:]:
        rid = re.search(r'^id\s*=\s*"([^"]+)"', block, re.M)
        regex = re.search(r"^regex\s*=\s*'''(.*?)'''", block, re.M | re.S) or re.search(
            r"^regex\s*=\s*'([^']*)'", block, re.M
        )
        if rid:
            rows.append((peer, "", rid.group(1), prefixes(regex.group(1)) if regex else ""))
    return rows


def yaml_rules(repo: str, folder: str, peer: str) -> list[tuple[str, str, str, str]]:
    """Rules of a folder of YAML rule files: the file name is the provider."""
    rows = []
    for name in files(repo, folder):
        if not name.endswith((".yml", ".yaml")):
            continue
        stem = name.rsplit(".", 1)[0]
        text = show(repo, f"{folder}/{name}")
        ids = re.findall(r"^\s*-?\s*id:\s*['\"]?([\w.\-]+)", text, re.M)
        patterns = re.findall(r"^\s*(?:pattern|regex):\s*[|>]?-?\s*\n?\s*(.*)$", text, re.M)
        for i, rid in enumerate(ids):
            rows.append((peer, stem, rid, prefixes(patterns[i]) if i < len(patterns) else ""))
    return rows


def trufflehog(repo: str) -> list[tuple[str, str, str, str]]:
    """One row per detector package (pkg/detectors/NAME)."""
    out = git(repo, "ls-tree", "-d", "--name-only", "HEAD:pkg/detectors")
    return [("trufflehog", d, d, "") for d in out.split()]


def main(argv: list[str]) -> int:
    """Write the TSV from the five repositories."""
    if len(argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    gl, kf, np_, th, bl = argv
    rows = [
        *toml_rules(gl, "config/gitleaks.toml", "gitleaks"),
        *yaml_rules(kf, "data/rules", "kingfisher"),
        *yaml_rules(np_, "crates/noseyparker/data/default/builtin/rules", "noseyparker"),
        *trufflehog(th),
        *toml_rules(bl, "config/betterleaks.toml", "betterleaks"),
    ]
    heads = " ".join(f"{n}@{git(r, 'rev-parse', 'HEAD').strip()[:12]}" for n, r in
                     zip(("gitleaks", "kingfisher", "noseyparker", "trufflehog", "betterleaks"), argv, strict=True))  # fmt: skip
    with OUT.open("w", encoding="utf-8") as fh:
        fh.write(f"# peer detector names (facts only), from {heads}\n")
        fh.write("peer\tpeer_provider\tpeer_rule_id\tkey_prefix\n")
        for row in sorted(set(rows)):
            fh.write("\t".join(row) + "\n")
    print(f"{OUT}: {len(set(rows))} peer rules")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
