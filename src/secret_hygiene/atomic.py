"""The one way the tool writes a file: all or nothing, never through a link out of the repository.

Every file the tool writes (the rotation ledger, baselines, `env --fix`'s .gitignore, the local
rotation state, `--output` reports, the rule cache) goes through `write`: the new content goes
to a temp file in the same directory, is fsynced, and replaces the old file with `os.replace`,
so a kill or a full disk leaves the old file or the new one, never a partial one. The old
file's permission bits are kept. `restyle` keeps a rewritten text file's BOM and line endings.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path

from secret_hygiene.errors import SecretHygieneError

BOM = b"\xef\xbb\xbf"


class UnsafeWrite(SecretHygieneError):
    """A write refused: through a symbolic link, or to a place outside the repository."""


def check_target(path: Path, root: Path | None, *, given: bool) -> None:
    """Refuse a path that is a symlink or lies outside `root`, unless the user `given` it on the command line.

    A committed symlink (a ledger or baseline pointing at ~/.bashrc) or a repository config
    naming `/abs/path` must not make the tool write outside the checkout it was asked about.
    """
    if given:
        return
    if path.is_symlink():
        raise UnsafeWrite(
            f"{path}: is a symbolic link; not writing through it (name the file on the command line)"
        )
    if root is None:
        return
    real_root = root.resolve()
    real = path.parent.resolve() / path.name
    if real != real_root and real_root not in real.parents:
        raise UnsafeWrite(
            f"{path}: outside the repository {root}; not writing there (name the file on the command line)"
        )


def write(
    path: Path,
    data: bytes | Iterable[bytes],
    *,
    root: Path | None = None,
    given: bool = True,
    mode: int | None = None,
) -> None:
    """Replace `path` with `data` (bytes, or chunks streamed in order) atomically.

    `root` and `given` are passed to `check_target`. `mode` sets the permission bits of a new
    file (default: 0666 less the umask); an existing file keeps its own. Raises OSError on an
    I/O failure (the old file is untouched) and UnsafeWrite on a refused target.
    """
    check_target(path, root, given=given)
    if given and path.is_symlink():
        path = path.resolve()  # a link the user named is written through, not replaced
    if given and _is_special(path):
        _stream(path, data)  # `-o /dev/null` or a FIFO: replacing it would put a file there
        return
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    keep = _mode_of(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if mode is None else mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in [data] if isinstance(data, bytes) else data:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
            bits = keep if keep is not None else mode
            if bits is not None:
                os.fchmod(fh.fileno(), bits)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _sync_dir(path.parent)


def _is_special(path: Path) -> bool:
    """A device, FIFO or socket: something to write into, never to replace with a regular file."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _stream(path: Path, data: bytes | Iterable[bytes]) -> None:
    with open(path, "wb", buffering=0) as fh:
        for chunk in [data] if isinstance(data, bytes) else data:
            fh.write(chunk)


def _mode_of(path: Path) -> int | None:
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return None


def _sync_dir(directory: Path) -> None:
    """Make the rename itself durable; some systems cannot open a directory, which only costs durability."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def restyle(original: bytes | None, text: str) -> bytes:
    """`text` as UTF-8 in the style of `original`: its BOM and its CRLF line endings, if it had them."""
    if original is None:
        return text.encode("utf-8")
    if b"\r\n" in original:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    data = text.encode("utf-8", "surrogateescape")
    return BOM + data if original.startswith(BOM) and not data.startswith(BOM) else data
