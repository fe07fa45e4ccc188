"""A per-user disk cache for work that only depends on its inputs (compiled rules).

Entries are named by a hash of everything they were made from, so a stale entry
is never read; a missing, unreadable or read-only cache only costs speed.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def cache_dir() -> Path:
    """$XDG_CACHE_HOME/secret-hygiene, else ~/.cache/secret-hygiene."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "secret-hygiene"


def read(path: Path) -> bytes | None:
    """The entry's bytes, or None when there is none."""
    try:
        return path.read_bytes()
    except OSError:
        return None


def write(path: Path, data: bytes) -> None:
    """Write an entry atomically; failures are ignored."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError:
        pass
