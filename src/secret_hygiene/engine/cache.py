"""A per-user disk cache for work that only depends on its inputs (compiled rules).

Entries are named by a hash of everything they were made from, so a stale entry
is never read; a missing, unreadable or read-only cache only costs speed.

A cache directory may be shared or restored from a CI cache someone else wrote, and the
hyperscan database in it is loaded as native code's input: an entry is read only when it is a
regular file owned by the current user, writable by nobody else, and its sha256 matches.
Entries hold plain data (JSON rules, hyperscan's own serialisation), never pickles.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

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


_MAGIC = b"secret-hygiene-cache 1 sha256="


def read(path: Path) -> bytes | None:
    """The entry's bytes, or None when there is none or it cannot be trusted (see module doc)."""
    found = _header_and(path, whole=True)
    return None if found is None else _verified(*found)


def read_head(path: Path) -> tuple[bytes, int] | None:
    """The first line of the entry's data and the offset after it, the rest left unread and
    unchecked: for an entry whose parts carry their own checksums (read_part), so a run reads
    only the parts it needs (the hyperscan entry is ~15 MB; a commit hook needs a few hundred KB)."""
    found = _header_and(path, whole=False)
    if found is None or not found[0].startswith(_MAGIC) or not found[1].endswith(b"\n"):
        return None
    return found[1], len(found[0]) + len(found[1])


def _header_and(path: Path, whole: bool) -> tuple[bytes, bytes] | None:
    """The entry's checksum line, then the rest of it (`whole`) or its next line; the data is
    read once, never copied."""
    with _opened(path) as fh:
        if fh is None:
            return None
        try:
            header = fh.readline()
            return header, fh.read() if whole else fh.readline()
        except OSError:
            return None


def read_part(path: Path, offset: int, size: int, digest: str) -> bytes | None:
    """`size` bytes at `offset` of a trusted entry, or None unless their sha256 is `digest`."""
    with _opened(path) as fh:
        if fh is None:
            return None
        try:
            data = os.pread(fh.fileno(), size, offset)
        except (OSError, ValueError, OverflowError):
            return None
    return data if len(data) == size and hashlib.sha256(data).hexdigest() == digest else None


@contextlib.contextmanager
def _opened(path: Path) -> Iterator[BinaryIO | None]:
    """The entry opened for reading (no symlink followed), or None when there is none or it
    cannot be trusted."""
    if _disabled(path):
        yield None
        return
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        yield None
        return
    with os.fdopen(fd, "rb") as fh:
        try:
            ok = trusted(os.fstat(fh.fileno()))
        except OSError:
            ok = False
        yield fh if ok else None


def trusted(info: os.stat_result) -> bool:
    """A regular file owned by us that no group or other user can write."""
    owner = os.geteuid() if hasattr(os, "geteuid") else info.st_uid
    return stat.S_ISREG(info.st_mode) and info.st_uid == owner and not info.st_mode & 0o022


def _verified(header: bytes, data: bytes) -> bytes | None:
    if not header.endswith(b"\n") or not header.startswith(_MAGIC):
        return None
    digest = header[len(_MAGIC) : -1].decode("ascii", "replace")
    return data if digest == hashlib.sha256(data).hexdigest() else None


def write(path: Path, data: bytes) -> None:
    """Write an entry (with its checksum) atomically, in an owner-only directory; failures are ignored."""
    if _disabled(path):
        return
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        header = _MAGIC + hashlib.sha256(data).hexdigest().encode("ascii") + b"\n"
        atomic.write(path, header + data, mode=0o600)
    except OSError:
        pass
