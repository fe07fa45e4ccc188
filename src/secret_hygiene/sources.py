"""Which files to scan, and their bytes as Blobs (work tree, plain directory)."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from secret_hygiene.model import Blob, Skipped

if TYPE_CHECKING:  # pathspec is imported only where patterns are matched (hook start-up)
    import pathspec

# Generated files: scanning them is slow and noisy, and a key in one comes from a source file.
GENERATED_NAMES = frozenset(
    {
        "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lockb",
        "poetry.lock", "Pipfile.lock", "pdm.lock", "uv.lock", "Cargo.lock", "composer.lock",
        "Gemfile.lock", "go.sum", "mix.lock", "pubspec.lock", "packages.lock.json",
        "Podfile.lock", "flake.lock", "gradle.lockfile",
    }
)  # fmt: skip
GENERATED_SUFFIXES = (".min.js", ".min.css", ".min.mjs", ".js.map", ".css.map", ".bundle.js")


def generated(path: str) -> bool:
    """True for lockfiles, minified bundles and source maps."""
    name = PurePosixPath(path).name
    return name in GENERATED_NAMES or name.endswith(GENERATED_SUFFIXES)


def exclusion(patterns: Iterable[str]) -> pathspec.GitIgnoreSpec | None:
    """A gitignore-syntax matcher for config `exclude`, or None when there are none."""
    patterns = list(patterns)
    if not patterns:
        return None
    return gitignore_spec(patterns)


def gitignore_spec(lines: Iterable[str]) -> pathspec.GitIgnoreSpec:
    """A gitignore matcher on pathspec's pure-Python backend.

    pathspec 1.x picks hyperscan when it is installed and compiles a database per spec: a
    tree with 100 .gitignore files spent 2.7 s compiling them (moby). A .gitignore holds a few
    patterns, matched against each path once; `re` does that faster than a compile.
    """
    import pathspec

    try:
        return pathspec.GitIgnoreSpec.from_lines(lines, backend="simple")
    except TypeError:  # pathspec before 1.0: no backends, always `re`
        return pathspec.GitIgnoreSpec.from_lines(lines)


GENERATED_REASON = "generated file (lockfile, minified or source map)"


def verdict(exclude: Iterable[str], scan_generated: bool) -> Callable[[str], str | None]:
    """A judge of repo paths for git sources: None scans, "" drops (config exclude), text skips."""
    spec = exclusion(exclude)

    def judge(path: str) -> str | None:
        if spec is not None and spec.match_file(path):
            return ""
        if not scan_generated and generated(path):
            return GENERATED_REASON
        return None

    return judge


def walk(root: Path) -> list[str]:
    """Files under a plain directory, honouring every .gitignore on the way; no symlinks followed."""
    found: list[str] = []
    _walk(root, "", [], found)
    return found


def _walk(root: Path, rel: str, specs: list[tuple[str, pathspec.GitIgnoreSpec]], out: list[str]) -> None:
    directory = root / rel if rel else root
    ignore = directory / ".gitignore"
    if ignore.is_file() and not ignore.is_symlink():
        lines = ignore.read_text(encoding="utf-8", errors="replace").splitlines()
        specs = [*specs, (rel, gitignore_spec(lines))]
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        path = f"{rel}/{entry.name}" if rel else entry.name
        if entry.name == ".git":
            continue
        is_dir = entry.is_dir(follow_symlinks=False)
        if _ignored(path + ("/" if is_dir else ""), specs):
            continue
        if is_dir:
            _walk(root, path, specs, out)
        else:
            out.append(path)


def _ignored(path: str, specs: list[tuple[str, pathspec.GitIgnoreSpec]]) -> bool:
    ignored = False
    for base, spec in specs:
        sub = path[len(base) + 1 :] if base else path
        result = spec.check_file(sub)
        if result.include is not None:
            ignored = bool(result.include)
    return ignored


def read_file(root: Path, rel: str, max_size: int) -> Blob | Skipped:
    """One file's bytes, or why it was skipped (symlink, not a file, too big, unreadable)."""
    full = root / rel
    try:
        st = os.lstat(full)
    except OSError as exc:
        return Skipped(rel, f"unreadable: {exc.strerror or exc}")
    if stat.S_ISLNK(st.st_mode):
        return Skipped(rel, "symlink (not followed)")
    if not stat.S_ISREG(st.st_mode):
        return Skipped(rel, "not a regular file")
    if st.st_size > max_size:
        return Skipped(rel, f"larger than the size cap ({st.st_size} > {max_size} bytes)")
    try:
        with open(full, "rb") as fh:
            return Blob(rel, fh.read())
    except OSError as exc:
        return Skipped(rel, f"unreadable: {exc.strerror or exc}")


def read_files(
    root: Path, rels: Iterable[str], max_size: int, scan_generated: bool = False
) -> Iterator[Blob | Skipped]:
    """Blobs for files under root; generated files are skipped unless asked for."""
    for rel in rels:
        if not scan_generated and generated(rel):
            yield Skipped(rel, GENERATED_REASON)
        else:
            yield read_file(root, rel, max_size)
