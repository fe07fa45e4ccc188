"""Install our plain git hooks (hooks/pre-commit, hooks/pre-push) into the hooks directory git uses (issue 7).

A hook of ours is recognised by its marker line, so installing again updates it in place. A hook
someone else put there is left alone unless asked: `force` replaces it, `chain` keeps it as
`<name>.local`, which our script runs first.
"""

from __future__ import annotations

import os
import shlex
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from secret_hygiene.errors import SecretHygieneError

HOOKS = ("pre-commit", "pre-push")
MARKER = "# secret-hygiene-hook:"
PYTHON_LINE = "INSTALL_PYTHON=''"
SNIFF = 4096  # the marker sits in the first lines of our scripts


@dataclass(frozen=True)
class Step:
    """What installing one hook did (or, in a plan, will do)."""

    hook: str
    path: Path
    action: str  # installed | updated | unchanged | replaced | chained
    kept: Path | None = None  # the foreign hook kept for chaining


def hook_source(name: str) -> str:
    """The shipped script for hook `name` (inside the wheel, or hooks/ in a checkout)."""
    packaged = Path(str(resources.files("secret_hygiene"))) / "hooks" / name
    path = packaged if packaged.is_file() else Path(__file__).resolve().parents[2] / "hooks" / name
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SecretHygieneError(f"the {name} hook script is missing from this install ({path})") from exc


def render(name: str, python: str) -> str:
    """Our script with the interpreter that has secret-hygiene baked in (git GUIs lack the venv's PATH)."""
    source = hook_source(name)
    if PYTHON_LINE not in source:
        raise SecretHygieneError(f"the shipped {name} hook script has no {PYTHON_LINE} line")
    return source.replace(PYTHON_LINE, f"INSTALL_PYTHON={shlex.quote(python)}", 1)


def is_ours(path: Path) -> bool:
    """True when the file at `path` is one of our hook scripts."""
    if path.is_symlink() or not path.is_file():
        return False
    with open(path, "rb") as fh:
        head = fh.read(SNIFF)
    return any(line.startswith(MARKER.encode()) for line in head.splitlines())


def plan(hooks_dir: Path, names: Sequence[str], *, force: bool, chain: bool, python: str) -> list[Step]:
    """What installing would do, refusing before anything changes when a foreign hook is in the way."""
    steps: list[Step] = []
    for name in names:
        path = hooks_dir / name
        if not os.path.lexists(path):
            steps.append(Step(name, path, "installed"))
        elif is_ours(path):
            same = path.read_text(encoding="utf-8", errors="replace") == render(name, python)
            steps.append(Step(name, path, "unchanged" if same and os.access(path, os.X_OK) else "updated"))
        elif chain:
            kept = hooks_dir / f"{name}.local"
            if os.path.lexists(kept):
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


def apply(steps: Sequence[Step], hooks_dir: Path, python: str) -> None:
    """Carry out a plan: keep chained hooks, then write our scripts executable."""
    hooks_dir.mkdir(parents=True, exist_ok=True)
    for step in steps:
        if step.action == "unchanged":
            continue
        if step.kept is not None:
            os.replace(step.path, step.kept)
        elif step.action == "replaced" and step.path.is_symlink():
            step.path.unlink()  # replace the link itself, never the file it points at
        _write_executable(step.path, render(step.hook, python))


def _write_executable(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, 0o755)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def install(hooks_dir: Path, names: Sequence[str], *, force: bool, chain: bool, python: str) -> list[Step]:
    """Install hooks `names` into `hooks_dir`; returns what was done for each."""
    steps = plan(hooks_dir, names, force=force, chain=chain, python=python)
    try:
        apply(steps, hooks_dir, python)
    except OSError as exc:
        raise SecretHygieneError(f"cannot write hooks into {hooks_dir}: {exc.strerror or exc}") from None
    return steps
