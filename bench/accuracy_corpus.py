"""Generate the labelled accuracy corpus (issue 3): planted keys, hard negatives, clean package files.

    python bench/accuracy_corpus.py bench/.corpus/accuracy [--seed N] [--clean N]

Writes the files under DEST/tree (what the scanners scan) and DEST/labels.json: each planted secret's file, line span and sha256 (never
the secret), plus the list of files by kind. Deterministic for a seed and an installed
site-packages. The keys are fresh random values of documented shapes; none is taken from
a rule pack's examples, so the benchmark does not test the rules on their own training data.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import sys
import sysconfig
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from accuracy_formats import FORMATS, Line
from accuracy_negatives import REFERENCES, documents, values
from accuracy_providers import PEM_KINDS, PROVIDERS, pem, rs, uid

SEED = 20260301
PER_PROVIDER = 3
CLEAN_SUFFIXES = (
    ".py",
    ".js",
    ".json",
    ".toml",
    ".cfg",
    ".ini",
    ".yaml",
    ".yml",
    ".md",
    ".rst",
    ".txt",
    ".sh",
)
# Scanners' own packages hold key-shaped rule examples by design; they are not "clean" code.
NOT_CLEAN = ("detect_secrets", "secret_hygiene", "gitleaks", "nogoo9", "kingfisher", "_pytest", "pip/_vendor")


class Corpus:
    """Files written under a root, and the labels of what was planted where."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.secrets: list[dict[str, object]] = []
        self.files: dict[str, str] = {}

    def write(self, rel: str, lines: list[Line], kind: str, meta: dict[str, str] | None = None) -> None:
        """Write a file; label every secret on each line."""
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(text for text, _ in lines), encoding="utf-8")
        self.files[rel] = kind
        for number, (_, secrets) in enumerate(lines, start=1):
            for secret in secrets:
                self.label(rel, number, number, secret, meta or {})

    def label(self, rel: str, line: int, end: int, secret: str, meta: dict[str, str]) -> None:
        digest = hashlib.sha256(secret.encode()).hexdigest()
        self.secrets.append({"path": rel, "line": line, "end_line": end, "sha256": digest, **meta})


def planted(corpus: Corpus, rng: random.Random) -> None:
    """Each provider's settings in PER_PROVIDER different formats."""
    names = sorted(FORMATS)
    n = 0
    for provider in PROVIDERS:
        for fmt in rng.sample(names, PER_PROVIDER):
            filename, render = FORMATS[fmt]
            lines = render(rng, provider.name, provider.make(rng), provider)
            meta = {"provider": provider.name, "family": provider.family, "format": fmt}
            corpus.write(f"projects/p{n:03d}/{filename}", lines, "planted", meta)
            n += 1


def pem_files(corpus: Corpus, rng: random.Random) -> None:
    """Private keys as key files, in source strings, YAML block scalars and JSON documents."""
    for i, (name, kind, size) in enumerate(PEM_KINDS):
        meta = {"provider": f"private-key-{name}", "family": "private-key"}
        block = pem(rng, kind, size).split("\n")
        wrappers = {
            f"keys/k{i}/server.key": ([], []),
            f"keys/k{i}/tls.py": (["import ssl", "", 'KEY_PEM = """\\'], ['"""', ""]),
            f"keys/k{i}/tls.yaml": (["apiVersion: v1", "kind: Secret", "stringData:", "  tls.key: |"], [""]),
        }
        for rel, (head, tail) in wrappers.items():
            indent = "    " if rel.endswith(".yaml") else ""
            lines: list[Line] = (
                [(t, ()) for t in head] + [(indent + t, ()) for t in block] + [(t, ()) for t in tail]
            )
            corpus.write(rel, lines, "planted")
            first = len(head) + 1
            corpus.label(
                rel,
                first,
                first + len(block) - 1,
                "\n".join(block),
                {**meta, "format": rel.rsplit(".", 1)[-1]},
            )
    service_accounts(corpus, rng)


def service_accounts(corpus: Corpus, rng: random.Random) -> None:
    """A GCP service-account JSON and a Coinbase CDP key JSON, private keys on one escaped line."""
    key = pem(rng, "PRIVATE KEY", 1218) + "\n"
    gcp = {"type": "service_account", "project_id": "acme-prod-" + rs(rng, 4, "0123456789"),
           "private_key_id": rs(rng, 40, "0123456789abcdef"), "private_key": key,
           "client_email": "deployer@acme-prod.iam.gserviceaccount.com", "client_id": rs(rng, 21, "0123456789")}  # fmt: skip
    ec = pem(rng, "EC PRIVATE KEY", 121) + "\n"
    cdp = {"name": f"organizations/{uid(rng)}/apiKeys/{uid(rng)}", "privateKey": ec}
    for rel, doc, secret, provider in (("gcp/service-account.json", gcp, key, "gcp-service-account"),
                                       ("trading/cdp_api_key.json", cdp, ec, "coinbase-cdp")):  # fmt: skip
        lines = json.dumps(doc, indent=2).split("\n")
        number = next(i for i, t in enumerate(lines, 1) if "BEGIN" in t)
        corpus.write(rel, [(t, ()) for t in lines] + [("", ())], "planted")
        corpus.label(
            rel, number, number, secret, {"provider": provider, "family": "private-key", "format": "json"}
        )
    # The CDP key name is the key's identifier, labelled like an AWS access key id (issue 3 asks for it).
    name = next(i for i, t in enumerate(json.dumps(cdp, indent=2).split("\n"), 1) if "apiKeys/" in t)
    corpus.label(
        "trading/cdp_api_key.json",
        name,
        name,
        cdp["name"],
        {"provider": "coinbase-cdp", "family": "trading", "format": "json"},
    )


def negatives(corpus: Corpus, rng: random.Random) -> None:
    """Placeholder-valued configs in every format, references, docs and identifiers."""
    n = 0
    for fmt in sorted(FORMATS):
        filename, render = FORMATS[fmt]
        for _ in range(4):
            provider = rng.choice(PROVIDERS)
            corpus.write(
                f"examples/e{n:03d}/{filename}", render(rng, provider.name, values(rng), provider), "negative"
            )
            n += 1
    for rel, lines in {**REFERENCES, **documents(rng)}.items():
        corpus.write(f"docs/{rel}", [(t, ()) for t in lines], "negative")


def clean(corpus: Corpus, rng: random.Random, count: int, site: Path) -> None:
    """`count` source and config files copied from installed packages (no tests directories)."""
    pool = []
    for dirpath, dirnames, files in os.walk(site):
        dirnames[:] = sorted(d for d in dirnames if d not in ("tests", "test", "testing", "__pycache__"))
        rel_dir = Path(dirpath).relative_to(site).as_posix()
        if any(part in rel_dir for part in NOT_CLEAN):
            continue
        for name in sorted(files):
            full = Path(dirpath) / name
            if (
                name.endswith(CLEAN_SUFFIXES)
                and not full.is_symlink()
                and 200 < full.stat().st_size < 200_000
            ):
                pool.append(full)
    for full in rng.sample(pool, min(count, len(pool))):
        rel = "thirdparty/" + full.relative_to(site).as_posix()
        (corpus.root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(full, corpus.root / rel)
        corpus.files[rel] = "clean"


def build(root: Path, seed: int = SEED, clean_files: int = 300, site: Path | None = None) -> Corpus:
    """Write the whole corpus and its labels under root (emptied first)."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    corpus = Corpus(root / "tree")
    rng = random.Random(seed)
    planted(corpus, rng)
    pem_files(corpus, rng)
    negatives(corpus, rng)
    clean(corpus, rng, clean_files, site or Path(sysconfig.get_paths()["purelib"]))
    labels = {"seed": seed, "secrets": corpus.secrets, "files": corpus.files}
    (root / "labels.json").write_text(json.dumps(labels, indent=1), encoding="utf-8")
    return corpus


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("dest", type=Path)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--clean", type=int, default=300, help="clean files from site-packages")
    parser.add_argument("--site-packages", type=Path, default=None)
    args = parser.parse_args()
    corpus = build(args.dest, args.seed, args.clean, args.site_packages)
    kinds = {k: sum(1 for v in corpus.files.values() if v == k) for k in ("planted", "negative", "clean")}
    families = {str(s.get("family")) for s in corpus.secrets}
    providers = {str(s.get("provider")) for s in corpus.secrets}
    print(f"{args.dest}: {len(corpus.secrets)} planted secrets ({len(providers)} providers, "
          f"{len(families)} families) in {kinds['planted']} files; {kinds['negative']} hard-negative "
          f"files; {kinds['clean']} clean package files")  # fmt: skip


if __name__ == "__main__":
    main()
