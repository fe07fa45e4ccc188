"""`env --fix`: append the missing ignore patterns to the right .gitignore (issue 5).

Appends only: never changes a line, deletes a file or untracks anything; keeps the file's line endings.
The file is replaced atomically (atomic.py) with its old bytes plus the new lines.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path, PurePosixPath

from secret_hygiene import atomic
from secret_hygiene.config import Config
from secret_hygiene.env.ignore import IgnoreStatus, Layout, ignore_status, join, parent
from secret_hygiene.errors import SecretHygieneError
from secret_hygiene.sources.git import Repo

HEADER = "# env files hold secrets (added by secret-hygiene env --fix); templates stay tracked"


def fix(repo: Repo, root: Path, config: Config, layout: Layout) -> list[str]:
    """Make every env path of `layout` ignored; returns one line per .gitignore changed."""
    failing = [s for s in ignore_status(repo, layout.ignore_paths()) if not s.ignored]
    if not failing:
        return []
    patterns = root_patterns([PurePosixPath(s.path).name for s in failing], config)
    lines = [*patterns, *_negations(repo, layout, patterns)]
    changed = _report(".gitignore", append(root / ".gitignore", lines, root))
    # A deeper .gitignore (a '!.env' there) beats the root one: fix those in their own directory.
    still = [s for s in ignore_status(repo, [s.path for s in failing]) if not s.ignored]
    for directory, names in _by_directory(still).items():
        rel = join(directory, ".gitignore")
        changed += _report(rel, append(root / rel, names, root))
    return changed


def root_patterns(names: Iterable[str], config: Config) -> list[str]:
    """For each env file name, the first configured pattern matching it (e.g. `.env.local` -> `.env.*`)."""
    chosen: list[str] = []
    for name in names:
        simple = [p for p in config.env_files if "/" not in p.strip("/")]
        match = next((p.strip("/") for p in simple if fnmatch.fnmatchcase(name, p.strip("/"))), name)
        if match not in chosen:
            chosen.append(match)
    return chosen


def _negations(repo: Repo, layout: Layout, patterns: Sequence[str]) -> list[str]:
    """`!name` for each template a new pattern would hide, unless git already ignores it."""
    paths = [*layout.templates, ".env.example"]
    covered = [p for p in paths if any(fnmatch.fnmatchcase(PurePosixPath(p).name, pat) for pat in patterns)]
    names: dict[str, bool] = {}
    for status in ignore_status(repo, list(dict.fromkeys(covered))):
        name = PurePosixPath(status.path).name
        names[name] = names.get(name, True) and not status.ignored
    return [f"!{name}" for name, keep in names.items() if keep]


def _by_directory(statuses: Iterable[IgnoreStatus]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for status in statuses:
        names = grouped.setdefault(parent(status.path), [])
        name = PurePosixPath(status.path).name
        if name not in names:
            names.append(name)
    return grouped


def _report(rel: str, added: list[str]) -> list[str]:
    return [f"env --fix: appended {', '.join(added)} to {rel}"] if added else []


def append(path: Path, lines: Sequence[str], root: Path | None = None) -> list[str]:
    """Append the lines not already in effect, in the file's own line endings; returns those added.

    The file is read twice as a stream (once to see what is in effect, once to copy it into the
    atomic replacement), so a huge .gitignore costs no more memory than its longest line. The write
    is refused through a symlink or outside `root` (see atomic.py).
    """
    if path.is_symlink():
        raise SecretHygieneError(f"{path}: is a symbolic link; env --fix does not write through it")
    try:
        seen = _scan(path, lines)
    except OSError as exc:
        raise SecretHygieneError(f"{path}: cannot read: {exc.strerror or exc}") from None
    needed = [line for line in lines if not seen.in_effect(line)]
    if not needed:
        return []
    eol = b"\r\n" if seen.crlf else b"\n"
    chunk = (eol if seen.size and not seen.ends_with_newline else b"") + (eol if seen.size else b"")
    chunk += eol.join(line.encode("utf-8") for line in [HEADER, *needed]) + eol
    try:
        atomic.write(path, _copy_then(path, seen.size, chunk), root=root, given=False)
    except OSError as exc:
        raise SecretHygieneError(f"{path}: cannot write: {exc.strerror or exc}") from None
    return needed


class _Seen:
    """What one pass over a .gitignore learnt: its size, line endings, and where the wanted lines are."""

    def __init__(self, wanted: Sequence[str]) -> None:
        self.size, self.crlf, self.ends_with_newline = 0, False, True
        self.watch = {w for line in wanted for w in (line, f"/{line}", _opposite(line))}
        self.last: dict[str, int] = {}

    def in_effect(self, line: str) -> bool:
        """True when `line` is in the file and not overridden by its opposite on a later line."""
        here = max(self.last.get(line, -1), self.last.get(f"/{line}", -1))
        return here >= 0 and here > self.last.get(_opposite(line), -1)


def _opposite(line: str) -> str:
    return line[1:] if line.startswith("!") else f"!{line}"


def _scan(path: Path, wanted: Sequence[str]) -> _Seen:
    seen = _Seen(wanted)
    if not path.exists():
        return seen
    with path.open("rb") as fh:
        for number, raw in enumerate(fh):
            seen.size += len(raw)
            seen.crlf = seen.crlf or raw.endswith(b"\r\n")
            seen.ends_with_newline = raw.endswith((b"\n", b"\r"))
            text = raw.decode("utf-8", "surrogateescape").strip()
            if text in seen.watch:
                seen.last[text] = number
    return seen


def _copy_then(path: Path, size: int, tail: bytes) -> Iterator[bytes]:
    """The first `size` bytes of `path` in 1 MiB blocks, then `tail`."""
    if size:
        with path.open("rb") as fh:
            left = size
            while left > 0:
                block = fh.read(min(left, 1 << 20))
                if not block:
                    raise OSError(f"{path} shrank while being rewritten")
                left -= len(block)
                yield block
    yield tail
