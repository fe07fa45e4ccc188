"""Check out the repositories of bench/real_repos.txt at their recorded commits.

    python bench/real_repos_fetch.py DEST [--mirrors DIR]

For each line (name, URL, commit) of bench/real_repos.txt it writes the tree of that commit to
DEST/NAME. With --mirrors, a bare git directory DIR/OWNER+NAME/repo (a snapshot) is read
instead of the network; blobs a snapshot lacks (files of 4 MiB and more) are skipped, so the
tree is the one the labels were made on. Without it, `git clone --filter=blob:none` fetches
the commit. Keep DEST outside this repository: nothing fetched is committed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

LIST = Path(__file__).resolve().parent / "real_repos.txt"


def entries(path: Path = LIST) -> list[tuple[str, str, str]]:
    """(name, url, commit) for each non-comment line of the list."""
    out = []
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, url, commit = line.split()[:3]
            out.append((name, url, commit))
    return out


def extract(git_dir: Path, commit: str, dest: Path) -> int:
    """Write every blob of commit's tree present in git_dir under dest; return files written."""
    listing = subprocess.run(
        ["git", "--git-dir", str(git_dir), "ls-tree", "-r", "-z", commit],
        check=True, capture_output=True,
    ).stdout.split(b"\0")
    blobs = []
    for row in filter(None, listing):
        meta, path = row.split(b"\t", 1)
        mode, kind, sha = meta.split()
        if kind == b"blob" and mode != b"120000":
            blobs.append((sha.decode(), path.decode(errors="surrogateescape")))
    proc = subprocess.Popen(
        ["git", "--git-dir", str(git_dir), "cat-file", "--batch"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )
    assert proc.stdin and proc.stdout
    written = 0
    for sha, rel in blobs:
        proc.stdin.write(sha.encode() + b"\n")
        proc.stdin.flush()
        header = proc.stdout.readline().split()
        if header[-1] == b"missing":
            continue
        data = proc.stdout.read(int(header[2]))
        proc.stdout.read(1)
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written += 1
    proc.stdin.close()
    proc.wait()
    return written


def clone(url: str, commit: str, tmp: Path) -> Path:
    """A blobless bare clone of url holding commit."""
    git_dir = tmp / "repo.git"
    subprocess.run(["git", "clone", "-q", "--bare", "--filter=blob:none", url, str(git_dir)], check=True)
    return git_dir


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dest", type=Path)
    ap.add_argument("--mirrors", type=Path, help="directory of OWNER+NAME/repo bare snapshots")
    args = ap.parse_args()
    for name, url, commit in entries():
        dest = args.dest / name
        if dest.exists():
            print(f"{name}: present, left alone")
            continue
        owner_repo = url.removeprefix("https://github.com/").replace("/", "+")
        with tempfile.TemporaryDirectory() as tmp:
            mirror = args.mirrors / owner_repo / "repo" if args.mirrors else None
            git_dir = mirror if mirror and mirror.is_dir() else clone(url, commit, Path(tmp))
            print(f"{name}: {extract(git_dir, commit, dest)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
