"""Install our plain git hooks (hooks/pre-commit, hooks/pre-push) into the hooks directory git uses.

A hook of ours carries, on its third line, the marker and a sha256 of the rest of the script: an
unmodified hook of ours is updated in place; one with our header whose content no longer matches
(lines a user added, an older version) is backed up to `<name>.secret-hygiene-backup` before it is
replaced. A marker anywhere else does not make a hook ours. A hook someone else put there is left
alone unless asked: `force` replaces it, `chain` keeps it as `<name>.local`, which our script runs
first. Git finds a hook at `<name>` at every moment: ours is written to a temporary file and
renamed over it, and a chained hook is hard-linked (or copied) to `<name>.local` first.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from secret_hygiene.errors import SecretHygieneError

HOOKS = ("pre-commit", "pre-push")
MARKER = "# secret-hygiene-hook:"
PYTHON_LINE = "INSTALL_PYTHON=''"
HEADER_LINE = 2  # 0-based: the marker line follows the shebang and a description
_HEADER = re.compile(rb"# secret-hygiene-hook: ([a-z-]+)(?: sha256=([0-9a-f]{64}))?\r?\n?")
BACKUP_SUFFIX = ".secret-hygiene-backup"


@dataclass(frozen=True)
class Step:
    """What installing one hook did (or, in a plan, will do)."""

    hook: str
    path: Path
    action: str  # installed | updated | unchanged | replaced | chained
    kept: Path | None = None  # the foreign hook kept for chaining, or the backup of a modified hook


def hook_source(name: str) -> str:
    """The shipped script for hook `name` (inside the wheel, or hooks/ in a checkout)."""
    packaged = Path(str(resources.files("secret_hygiene"))) / "hooks" / name
    path = packaged if packaged.is_file() else Path(__file__).resolve().parents[3] / "hooks" / name
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SecretHygieneError(f"the {name} hook script is missing from this install ({path})") from exc


def render(name: str, python: str) -> str:
    """Our script with the interpreter that has secret-hygiene baked in (git GUIs lack the venv's PATH)."""
    source = hook_source(name)
    if PYTHON_LINE not in source:
        raise SecretHygieneError(f"the shipped {name} hook script has no {PYTHON_LINE} line")
    text = source.replace(PYTHON_LINE, f"INSTALL_PYTHON={shlex.quote(python)}", 1)
    lines = text.splitlines(keepends=True)
    if len(lines) <= HEADER_LINE or lines[HEADER_LINE].strip() != f"{MARKER} {name}":
        raise SecretHygieneError(f"the shipped {name} hook script has no '{MARKER} {name}' line 3")
    lines[HEADER_LINE] = f"{MARKER} {name} sha256={_digest(text.encode('utf-8'))}\n"
    return "".join(lines)


def _digest(script: bytes) -> str:
    """sha256 of a script with its header line's hash field left out."""
    lines = script.splitlines(keepends=True)
    if len(lines) > HEADER_LINE:
        lines[HEADER_LINE] = re.sub(rb" sha256=[0-9a-f]{64}", b"", lines[HEADER_LINE])
    return hashlib.sha256(b"".join(lines)).hexdigest()


def ownership(path: Path) -> str:
    """ "ours" (our script, unmodified), "modified" (our header, other content) or "foreign"."""
    if path.is_symlink() or not path.is_file():
        return "foreign"
    data = path.read_bytes()
    lines = data.splitlines(keepends=True)
    header = _HEADER.fullmatch(lines[HEADER_LINE]) if len(lines) > HEADER_LINE else None
    if header is None or header.group(1).decode() != path.name or header.group(2) is None:
        return "foreign"  # a bare marker line is easy to copy into a team's own hook
    return "ours" if header.group(2).decode() == _digest(data) else "modified"


def is_ours(path: Path) -> bool:
    """True when the file at `path` is one of our hook scripts, as we wrote it."""
    return ownership(path) == "ours"


def plan(hooks_dir: Path, names: Sequence[str], *, force: bool, chain: bool, python: str) -> list[Step]:
    """What installing would do, refusing before anything changes when a foreign hook is in the way."""
    steps: list[Step] = []
    for name in names:
        path = hooks_dir / name
        owner = ownership(path) if os.path.lexists(path) else ""
        if not owner:
            steps.append(Step(name, path, "installed"))
        elif owner == "ours":
            same = path.read_text(encoding="utf-8", errors="replace") == render(name, python)
            steps.append(Step(name, path, "unchanged" if same and os.access(path, os.X_OK) else "updated"))
        elif owner == "modified":
            steps.append(Step(name, path, "updated", hooks_dir / f"{name}{BACKUP_SUFFIX}"))
        elif chain:
            kept = hooks_dir / f"{name}.local"
            if os.path.lexists(kept) and not _same_file(path, kept):  # same: an interrupted --chain
                raise SecretHygieneError(
                    f"{path} is not ours and {kept.name} already exists; merge them by hand or use --force"
                )
            steps.append(Step(name, path, "chained", kept))
        elif force:
            steps.append(Step(name, path, "replaced"))
        else:
            raise SecretHygieneError(
                f"{path} exists and was not installed by secret-hygiene; use --chain to keep it "
                "(it runs first), or --force to replace it"
            )
    return steps


def _same_file(a: Path, b: Path) -> bool:
    """True when `b` is a hard link to `a` (what an interrupted --chain leaves)."""
    try:
        sa, sb = os.lstat(a), os.lstat(b)
    except OSError:
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def apply(steps: Sequence[Step], hooks_dir: Path, python: str) -> None:
    """Carry out a plan: our script goes to a temporary file first; the hook in place is kept
    (chained, or backed up) under its new name while still in place; then ours is renamed over it."""
    hooks_dir.mkdir(parents=True, exist_ok=True)
    for step in steps:
        if step.action == "unchanged":
            continue
        tmp = _write_executable(step.path, render(step.hook, python))
        try:
            if step.kept is not None:
                _keep(step.path, step.kept)
            os.replace(tmp, step.path)  # a symlink at path is replaced itself, never its target
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _keep(path: Path, kept: Path) -> None:
    """Give the hook at `path` the second name `kept`, leaving `path` as it is."""
    if os.path.lexists(kept) and _same_file(path, kept):
        return
    part = kept.with_name(f".{kept.name}.tmp")
    part.unlink(missing_ok=True)
    try:
        os.link(path, part, follow_symlinks=False)
    except OSError:  # no hard links here (or across mounts): a copy does as well
        shutil.copy2(path, part, follow_symlinks=False)
    os.replace(part, kept)


def _write_executable(path: Path, text: str) -> Path:
    """Our script, executable, in a temporary file beside `path`; the caller renames it."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o755)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def install(hooks_dir: Path, names: Sequence[str], *, force: bool, chain: bool, python: str) -> list[Step]:
    """Install hooks `names` into `hooks_dir`; returns what was done for each."""
    steps = plan(hooks_dir, names, force=force, chain=chain, python=python)
    try:
        apply(steps, hooks_dir, python)
    except OSError as exc:
        raise SecretHygieneError(f"cannot write hooks into {hooks_dir}: {exc.strerror or exc}") from None
    return steps
