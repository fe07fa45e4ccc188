"""`env --fix`: append the missing ignore patterns to the right .gitignore (issue 5).

Appends only: never rewrites a line, deletes a file or untracks anything; keeps the file's line endings.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from secret_hygiene.config import Config
from secret_hygiene.envfiles.ignore import IgnoreStatus, Layout, ignore_status, join, parent
from secret_hygiene.errors import SecretHygieneError

HEADER = "# env files hold secrets (added by secret-hygiene env --fix); templates stay tracked"


def fix(repo: Any, root: Path, config: Config, layout: Layout) -> list[str]:
    """Make every env path of `layout` ignored; returns one line per .gitignore changed."""
    failing = [s for s in ignore_status(repo, layout.ignore_paths()) if not s.ignored]
    if not failing:
        return []
    patterns = root_patterns([PurePosixPath(s.path).name for s in failing], config)
    lines = [*patterns, *_negations(repo, layout, patterns)]
    changed = _report(".gitignore", append(root / ".gitignore", lines))
    # A deeper .gitignore (a '!.env' there) beats the root one: fix those in their own directory.
    still = [s for s in ignore_status(repo, [s.path for s in failing]) if not s.ignored]
    for directory, names in _by_directory(still).items():
        rel = join(directory, ".gitignore")
        changed += _report(rel, append(root / rel, names))
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


def _negations(repo: Any, layout: Layout, patterns: Sequence[str]) -> list[str]:
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


def append(path: Path, lines: Sequence[str]) -> list[str]:
    """Append the lines not already in effect, in the file's own line endings; returns those added."""
    if path.is_symlink():
        raise SecretHygieneError(f"{path}: is a symbolic link; env --fix does not write through it")
    try:
        data = path.read_bytes() if path.exists() else b""
    except OSError as exc:
        raise SecretHygieneError(f"{path}: cannot read: {exc.strerror or exc}") from None
    existing = [line.strip() for line in data.decode("utf-8", "surrogateescape").splitlines()]
    needed = [line for line in lines if not _in_effect(existing, line)]
    if not needed:
        return []
    eol = b"\r\n" if b"\r\n" in data else b"\n"
    chunk = (eol if data and not data.endswith((b"\n", b"\r")) else b"") + (eol if data else b"")
    chunk += eol.join(line.encode("utf-8") for line in [HEADER, *needed]) + eol
    try:
        with path.open("ab") as fh:
            fh.write(chunk)
    except OSError as exc:
        raise SecretHygieneError(f"{path}: cannot write: {exc.strerror or exc}") from None
    return needed


def _in_effect(existing: list[str], line: str) -> bool:
    """True when `line` is in the file and not overridden by its opposite on a later line."""
    opposite = line[1:] if line.startswith("!") else f"!{line}"
    last = max((i for i, e in enumerate(existing) if e in (line, f"/{line}")), default=-1)
    undone = max((i for i, e in enumerate(existing) if e == opposite), default=-1)
    return last >= 0 and last > undone
