"""Bring the template files of bench/templates.tsv into DEST, at their recorded commits.

    python bench/templates_fetch.py DEST [--mirrors DIR]

Each row (repo, commit, path) becomes DEST/OWNER+NAME/PATH. With --mirrors, the blob is read
from a bare snapshot DIR/OWNER+NAME/repo; a repository without a snapshot (or without the
commit in it) is fetched with `git clone --bare --filter=blob:none`, and failing that the file
is read from raw.githubusercontent.com. Keep DEST outside this repository: nothing fetched is
committed.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
import urllib.request
from collections import defaultdict
from pathlib import Path

LIST = Path(__file__).resolve().parent / "templates.tsv"


def rows(path: Path = LIST) -> list[tuple[str, str, str]]:
    """(repo, commit, path) for each row of the list."""
    with open(path, newline="") as fh:
        lines = [line for line in fh if line.strip() and not line.startswith("#")]
    return [(r["repo"], r["commit"], r["path"]) for r in csv.DictReader(lines, delimiter="\t")]


def local_name(repo: str) -> str:
    """The directory name of a repository under DEST (and under a mirrors directory)."""
    return repo.replace("/", "+")


def show(git_dir: Path, commit: str, path: str) -> bytes | None:
    """The blob at commit:path in git_dir, or None when it is not there."""
    proc = subprocess.run(
        ["git", "--git-dir", str(git_dir), "cat-file", "blob", f"{commit}:{path}"], capture_output=True
    )
    return proc.stdout if proc.returncode == 0 else None


def raw(repo: str, commit: str, path: str) -> bytes | None:
    """The file from GitHub's raw host, or None."""
    try:
        with urllib.request.urlopen(
            f"https://raw.githubusercontent.com/{repo}/{commit}/{path}", timeout=30
        ) as r:
            data: bytes = r.read()
            return data
    except OSError:
        return None


def clone(repo: str, tmp: Path) -> Path | None:
    """A blobless bare clone of the repository (blobs come on demand), or None."""
    git_dir = tmp / local_name(repo)
    proc = subprocess.run(
        [
            "git",
            "clone",
            "-q",
            "--bare",
            "--filter=blob:none",
            f"https://github.com/{repo}.git",
            str(git_dir),
        ],
        capture_output=True,
    )
    return git_dir if proc.returncode == 0 else None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dest", type=Path)
    ap.add_argument("--mirrors", type=Path, help="directory of OWNER+NAME/repo bare snapshots")
    args = ap.parse_args()
    by_repo: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for repo, commit, path in rows():
        by_repo[repo].append((commit, path))
    missing = 0
    with tempfile.TemporaryDirectory() as tmp:
        for repo, files in by_repo.items():
            mirror = args.mirrors / local_name(repo) / "repo" if args.mirrors else None
            git_dir = mirror if mirror and mirror.is_dir() else None
            for commit, path in files:
                data = show(git_dir, commit, path) if git_dir else None
                if data is None and git_dir is None:
                    git_dir = clone(repo, Path(tmp))
                    data = show(git_dir, commit, path) if git_dir else None
                data = data if data is not None else raw(repo, commit, path)
                if data is None:
                    print(f"missing {repo} {commit[:12]} {path}", file=sys.stderr)
                    missing += 1
                    continue
                target = args.dest / local_name(repo) / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
    print(f"{sum(map(len, by_repo.values())) - missing} files in {args.dest}, {missing} missing")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
