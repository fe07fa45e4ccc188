"""Which files to scan, and their bytes as Blobs (work tree, plain directory)."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from secret_hygiene.model import Blob, Finding, Skipped
from secret_hygiene.sources.patches import DROP, PathVerdict

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
# The same as gitattributes patterns (a pattern without `/` matches the file name at any depth).
GENERATED_PATTERNS = (*sorted(GENERATED_NAMES), *(f"*{suffix}" for suffix in GENERATED_SUFFIXES))


def skipped_by_name(scan_generated: bool) -> tuple[str, ...]:
    """gitattributes patterns of the files verdict() skips whatever they hold (generated ones,
    unless `scan_generated`): git need not diff them (gitrepo.stream's `undiffed`)."""
    return () if scan_generated else GENERATED_PATTERNS


def generated(path: str) -> bool:
    """True for lockfiles, minified bundles and source maps."""
    name = path.rpartition("/")[2]
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


def excluder(exclude: Iterable[str]) -> Callable[[str], bool]:
    """The config's excludes as a predicate over repo paths: built once per run and passed to
    every check (checks/project.py builds it with `verdict`; this is for callers without one)."""
    spec = exclusion(exclude)
    return lambda path: spec is not None and bool(spec.match_file(path))


GENERATED_REASON = "generated file (lockfile, minified or source map)"


def verdict(exclude: Iterable[str], scan_generated: bool) -> Callable[[str], PathVerdict]:
    """A judge of repo paths for git sources: None scans, DROP drops (config exclude), text skips."""
    spec = exclusion(exclude)

    def judge(path: str) -> PathVerdict:
        if spec is not None and spec.match_file(path):
            return DROP
        if not scan_generated and generated(path):
            return GENERATED_REASON
        return None

    return judge


def walk(root: Path) -> tuple[list[str], list[Skipped]]:
    """Files under a plain directory, honouring every .gitignore on the way; no symlinks followed.

    git lists them when it can say it plainly (`gitrepo.plain_tree_files`), else walk_tree does.
    """
    from secret_hygiene.sources import git as gitrepo

    listed = gitrepo.plain_tree_files(root)
    return (listed, []) if listed is not None else walk_tree(root)


def walk_tree(root: Path) -> tuple[list[str], list[Skipped]]:
    """walk() in Python: every directory listed, each .gitignore matched with pathspec.

    Iterative (a tree 1,200 directories deep must not exhaust Python's stack); a directory that
    cannot be listed (no permission, a path longer than the system allows) is returned as Skipped.
    """
    found: list[str] = []
    skipped: list[Skipped] = []
    # A stack of (directory, the .gitignore specs above it); reversed pushes keep sorted order.
    stack: list[tuple[str, list[tuple[str, _Ignore]]]] = [("", [])]
    while stack:
        rel, specs = stack.pop()
        directory = root / rel if rel else root
        try:
            specs = _with_ignore(directory, rel, specs)
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            skipped.append(Skipped(f"{rel}/" if rel else "./", unreadable_reason(exc)))
            continue
        subdirs: list[str] = []
        for entry in entries:
            path = f"{rel}/{entry.name}" if rel else entry.name
            if entry.name == ".git":
                continue
            is_dir = entry.is_dir(follow_symlinks=False)
            if _ignored(path + ("/" if is_dir else ""), specs):
                continue
            if is_dir:
                subdirs.append(path)
            else:
                found.append(path)
        stack.extend((sub, specs) for sub in reversed(subdirs))
    return sorted(found), skipped


def _with_ignore(directory: Path, rel: str, specs: list[tuple[str, _Ignore]]) -> list[tuple[str, _Ignore]]:
    """`specs` plus the directory's own .gitignore, if it has one (a symlinked one is not read)."""
    ignore = directory / ".gitignore"
    try:
        st = os.lstat(ignore)
    except FileNotFoundError:
        return specs
    if not stat.S_ISREG(st.st_mode):
        return specs
    with open(ignore, "rb") as fh:
        lines = fh.read().decode("utf-8", "replace").splitlines()
    return [*specs, (rel, _Ignore(lines))]


UNREADABLE = "unreadable"
UNREADABLE_CHECK = "unreadable-file"


def unreadable_reason(exc: OSError) -> str:
    """The Skipped reason for a file or directory the operating system would not open."""
    if exc.errno == errno.ENAMETOOLONG:
        return f"{UNREADABLE}: path longer than the operating system allows"
    return f"{UNREADABLE}: {exc.strerror or exc}"


def _ignored(path: str, specs: list[tuple[str, _Ignore]]) -> bool:
    ignored = False
    for base, spec in specs:
        sub = path[len(base) + 1 :] if base else path
        if spec.any is not None and spec.any.match(sub) is None:
            continue  # no pattern of this file matches: it decides nothing (most paths)
        result = spec.spec.check_file(sub)
        if result.include is not None:
            ignored = bool(result.include)
    return ignored


class _Ignore:
    """One .gitignore: one regex that matches where any of its patterns does, and pathspec's
    matcher, built only when that regex matches.

    pathspec tries each pattern in turn for every path (moby: 370,000 tries for 13,000 files
    under 100 .gitignore files, 1.9 s); the one alternation answers "no pattern matches" in one
    `re` call, and only a path some pattern matches goes through pathspec's precedence rules.
    The union is made from pathspec's translations without compiling each pattern: compiling
    moby's 1,317 patterns one by one cost 0.15 s of a 0.27 s walk, and most .gitignore files
    never match a path.
    """

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self._spec: pathspec.GitIgnoreSpec | None = None
        self.any: re.Pattern[str] | None = None
        regexes = _translations(lines)
        if regexes is None:
            return  # pathspec alone decides
        # pathspec names the directory marker group in every pattern: unnamed in the union
        union = "|".join(f"(?:{r.replace('(?P<ps_d>', '(?:')})" for r in regexes)
        try:
            self.any = re.compile(union or "(?!)")
        except re.error:
            self.any = None

    @property
    def spec(self) -> pathspec.GitIgnoreSpec:
        if self._spec is None:
            self._spec = gitignore_spec(self.lines)
        return self._spec


def _translations(lines: list[str]) -> list[str] | None:
    """The regex of each pattern line that is one (comments and blanks are not), as pathspec
    translates it; None when this pathspec cannot say."""
    try:
        from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern
    except ImportError:  # pathspec before 1.0
        return None
    out = []
    for line in lines:
        try:
            regex, include = GitIgnoreSpecPattern.pattern_to_regex(line)
        except ValueError:  # an invalid pattern: pathspec raises it again when it builds the spec
            return None
        if include is not None:
            if not isinstance(regex, str):
                return None
            out.append(regex)
    return out


def unreadable_warning(skip: Skipped) -> Finding | None:
    """A warning for a file or directory that could not be read, else None.

    A Skipped record alone lets the run pass; an unread file may hold a key, so it is also a
    warning finding: listed in every format, and failing the run under --strict (cli.emit).
    """
    if not skip.reason.startswith(UNREADABLE):
        return None
    return Finding(
        check=UNREADABLE_CHECK,
        rule_id=UNREADABLE_CHECK,
        path=skip.path,
        line=None,
        column=None,
        message=f"not scanned, {skip.reason}",
        fingerprint=hashlib.sha256(f"{UNREADABLE_CHECK}\0{skip.path}".encode()).hexdigest()[:40],
        commit=skip.commit,
        severity="medium",
        level="warning",
    )


def read_file(root: Path, rel: str, max_size: int) -> Blob | Skipped:
    """One file's bytes, or why it was skipped (symlink, not a file, too big, unreadable).

    A `rel` ending in "/" is a directory walk() could not list: it is Skipped with the reason.
    """
    full = os.path.join(root, rel)  # not pathlib: its parsing was 1 s of a 13,000-file scan
    if rel.endswith("/"):
        try:
            os.scandir(full).close()
        except OSError as exc:
            return Skipped(rel, unreadable_reason(exc))
        return Skipped(rel, f"{UNREADABLE}: directory could not be listed")
    try:
        st = os.lstat(full)
    except OSError as exc:
        return Skipped(rel, unreadable_reason(exc))
    if stat.S_ISLNK(st.st_mode):
        return Skipped(rel, "symlink (not followed)")
    if not stat.S_ISREG(st.st_mode):
        return Skipped(rel, "not a regular file")
    if st.st_size > max_size:
        return Skipped(rel, f"larger than the size cap ({st.st_size} > {max_size} bytes)")
    try:
        with open(full, "rb", buffering=0) as fh:  # one read of the whole file, no buffer copy
            return Blob(rel, fh.read())
    except OSError as exc:
        return Skipped(rel, unreadable_reason(exc))


def read_files(
    root: Path, rels: Iterable[str], max_size: int, scan_generated: bool = False
) -> Iterator[Blob | Skipped]:
    """Blobs for files under root; generated files are skipped unless asked for."""
    for rel in rels:
        if not scan_generated and generated(rel):
            yield Skipped(rel, GENERATED_REASON)
        else:
            yield read_file(root, rel, max_size)
