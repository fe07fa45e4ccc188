"""A per-user disk cache for work that only depends on its inputs (compiled rules).

Entries are named by a hash of everything they were made from, so a stale entry
is never read; a missing, unreadable or read-only cache only costs speed.
"""

from __future__ import annotations

import os
from pathlib import Path

from secret_hygiene import atomic

# cache_dir() when there is no usable location: a path no read or write touches (see `_disabled`).
NO_CACHE = Path(os.devnull) / "secret-hygiene-no-cache"


def location() -> Path | None:
    """$XDG_CACHE_HOME/secret-hygiene, else ~/.cache/secret-hygiene; None with no usable home.

    An empty, relative or missing HOME gives None: the tool then runs without a cache rather
    than create `/.cache` or the missing home directory itself.
    """
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):
        return Path(xdg) / "secret-hygiene"
    home = os.environ.get("HOME", "")
    if not os.path.isabs(home) or not os.path.isdir(home):
        return None
    return Path(home) / ".cache" / "secret-hygiene"


def cache_dir() -> Path:
    """The cache directory (see `location`), or NO_CACHE, under which nothing is read or written."""
    return location() or NO_CACHE


def _disabled(path: Path) -> bool:
    return path == NO_CACHE or NO_CACHE in path.parents


def read(path: Path) -> bytes | None:
    """The entry's bytes, or None when there is none."""
    if _disabled(path):
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


def write(path: Path, data: bytes) -> None:
    """Write an entry atomically (owner-only directory); failures are ignored."""
    if _disabled(path):
        return
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        atomic.write(path, data, mode=0o600)
    except OSError:
        pass
