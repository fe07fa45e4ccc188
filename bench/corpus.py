"""Build a scan corpus: real source files copied from an installed site-packages, plus planted keys."""

from __future__ import annotations

import argparse
import os
import random
import shutil
import string
import sysconfig
from pathlib import Path

SKIP_SUFFIXES = (".so", ".pyc", ".dylib", ".dll", ".whl", ".zip", ".gz", ".png", ".jpg")
ALNUM = string.ascii_letters + string.digits


def planted_key(rng: random.Random, i: int) -> tuple[str, str]:
    """A synthetic key line of one of a few well-known documented shapes, and a label."""

    def r(n: int, alphabet: str = ALNUM) -> str:
        return "".join(rng.choice(alphabet) for _ in range(n))

    shapes = [
        ("github", f'GITHUB_TOKEN = "{"gh" + "p_" + r(36)}"'),
        ("aws", f"aws_access_key_id = {'AK' + 'IA' + r(16, string.ascii_uppercase + '234567')}"),
        ("stripe", f'STRIPE_KEY = "{"sk_" + "live_" + r(24)}"'),
        (
            "slack",
            f'SLACK = "{"xox" + "b-" + r(11, string.digits) + "-" + r(12, string.digits) + "-" + r(24)}"',
        ),
        ("openai", f'OPENAI_API_KEY="{"sk-proj-" + r(20) + "T3Blbk" + "FJ" + r(20)}"'),
    ]
    return shapes[i % len(shapes)]


def build(source: Path, dest: Path, target_mb: int, keys: int, seed: int = 7) -> tuple[int, int]:
    """Copy files until target_mb is reached; append `keys` key lines to random text files."""
    rng = random.Random(seed)
    dest.mkdir(parents=True, exist_ok=True)
    total, copied = 0, []
    for dirpath, dirnames, files in os.walk(source):
        dirnames.sort()
        for name in sorted(files):
            src = Path(dirpath) / name
            if name.endswith(SKIP_SUFFIXES) or src.is_symlink() or src.stat().st_size > 1_000_000:
                continue
            rel = src.relative_to(source)
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest / rel)
            total += src.stat().st_size
            copied.append(dest / rel)
            if total >= target_mb * 1024 * 1024:
                return _plant(rng, copied, keys), total
    return _plant(rng, copied, keys), total


def _plant(rng: random.Random, files: list[Path], keys: int) -> int:
    texts = [
        f for f in files if f.suffix in (".py", ".txt", ".cfg", ".json", ".md", ".rst", ".toml", ".yaml")
    ]
    for i in range(keys):
        target = rng.choice(texts)
        _, line = planted_key(rng, i)
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(f"\n{line}\n")
    return keys


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--source", type=Path, default=Path(sysconfig.get_paths()["purelib"]))
    parser.add_argument("--mb", type=int, default=160)
    parser.add_argument("--keys", type=int, default=300)
    args = parser.parse_args()
    if args.dest.exists():
        shutil.rmtree(args.dest)
    keys, total = build(args.source, args.dest, args.mb, args.keys)
    print(f"corpus {args.dest}: {total / 1e6:.1f} MB, {keys} planted keys")


if __name__ == "__main__":
    main()
