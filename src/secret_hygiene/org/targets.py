"""What `org-audit` was asked to audit: local repositories, directories of them, git URLs, @lists."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from secret_hygiene.errors import SecretHygieneError

# Anything git clones by URL: scheme://..., or scp-like user@host:path (not a Windows drive letter).
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|[\w.-]+@[\w.-]+:)", re.IGNORECASE)


@dataclass(frozen=True)
class Target:
    """One repository to audit: `location` is a local work tree path or a URL to mirror."""

    name: str
    location: str
    remote: bool

    @property
    def key(self) -> str:
        """A stable identity for the results database: the URL, or the absolute local path."""
        return self.location


def expand(sources: Iterable[str], cwd: Path) -> list[Target]:
    """Every repository the SOURCES name, each once, in the order given."""
    seen: dict[str, Target] = {}
    for target in _expand_all(sources, cwd, depth=0):
        seen.setdefault(target.key, target)
    return _unique_names(list(seen.values()))


def _expand_all(sources: Iterable[str], cwd: Path, depth: int) -> Iterator[Target]:
    for source in sources:
        source = source.strip()
        if not source or source.startswith("#"):
            continue
        if source.startswith("@"):
            if depth > 4:
                raise SecretHygieneError(f"{source}: @lists nest more than 4 deep")
            yield from _expand_all(_read_list(cwd / source[1:]), cwd, depth + 1)
        elif _URL.match(source):
            yield Target(_url_name(source), source, remote=True)
        else:
            yield from _local(cwd / source)


def _read_list(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise SecretHygieneError(f"@{path}: cannot read the list: {exc}") from None


def _local(path: Path) -> Iterator[Target]:
    """A repository, or a directory whose sub-directories are repositories."""
    if not path.is_dir():
        # Recorded as a failed repository later rather than stopping the whole run.
        yield Target(path.name or str(path), str(path.absolute()), remote=False)
        return
    if (path / ".git").exists() or _is_bare(path):
        yield Target(path.resolve().name, str(path.resolve()), remote=False)
        return
    children = sorted(p for p in path.iterdir() if p.is_dir() and not p.is_symlink())
    repos = [p for p in children if (p / ".git").exists() or _is_bare(p)]
    if not repos:
        yield Target(path.name or str(path), str(path.resolve()), remote=False)
    for repo in repos:
        yield Target(repo.resolve().name, str(repo.resolve()), remote=False)


def _is_bare(path: Path) -> bool:
    return (path / "HEAD").is_file() and (path / "objects").is_dir() and (path / "refs").is_dir()


def _url_name(url: str) -> str:
    tail = url.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    return tail.removesuffix(".git") or "repository"


def _unique_names(targets: list[Target]) -> list[Target]:
    """Two repositories of the same name get a short suffix from their location."""
    counts: dict[str, int] = {}
    for t in targets:
        counts[t.name] = counts.get(t.name, 0) + 1
    return [
        Target(f"{t.name}-{_short(t.key)}", t.location, t.remote) if counts[t.name] > 1 else t
        for t in targets
    ]


def _short(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:8]


def mirror_dir(cache: Path, target: Target) -> Path:
    """Where a remote target's bare mirror lives in the cache."""
    return cache / f"{target.name}-{_short(target.key)}.git"
