"""The leak check on files: the work tree's files (tracked, all, or a plain directory) or the
staged index, each secret reported with a redacted preview."""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from secret_hygiene.checks.project import Project, engine, explained, known_findings, split
from secret_hygiene.engine import scan as loop
from secret_hygiene.engine.names import path_findings
from secret_hygiene.engine.rules import Rule
from secret_hygiene.engine.scan import read_whole
from secret_hygiene.engine.scanner import Engine
from secret_hygiene.errors import NotAGitRepo, SecretHygieneError
from secret_hygiene.integrations.detect_secrets import if_asked
from secret_hygiene.model import Blob, Finding, Report, Skipped
from secret_hygiene.reporters.safety import Redactor
from secret_hygiene.sources import git as gitrepo
from secret_hygiene.sources.files import skipped_by_name, walk
from secret_hygiene.sources.filescan import scan_files
from secret_hygiene.sources.staged import staged_blobs, unchanged_blobs

if TYPE_CHECKING:
    from secret_hygiene.baseline.known import Known


def scan(
    project: Project,
    paths: Sequence[Path],
    rules: Sequence[Rule],
    *,
    staged: bool = False,
    all_files: bool = False,
    submodules: bool = False,
    jobs: int | None = None,
    second: bool = False,
    known: Known | None = None,
    now: datetime | None = None,
    explain: bool = False,
) -> Report:
    """`scan`: the files under `paths` (absolute), or with `staged` what the index adds; the
    baseline `known` applied. With `explain`, the dropped candidates are named (in one process:
    the drops are recorded by this process's engine)."""
    eng = engine(project, rules, known, explain)
    if staged:
        if not project.in_git:
            raise NotAGitRepo(f"{project.root}: not a git repository (--staged scans the git index)")
        report = staged_leaks(project, gitrepo.open_repo(project.root), eng, paths, second)
    else:
        rels = select_files(project, None, paths, all_files, submodules)
        report = files(project, rels, eng, jobs=jobs, second=second)
    return known_findings(explained(report, eng), known, now)


def files(
    project: Project,
    rels: Sequence[str],
    engine: Engine,
    *,
    jobs: int | None = None,
    second: bool = False,
    what: str = "file(s)",
) -> Report:
    """The leak scan of the work tree's files `rels`, and of their names (engine/names.py)."""
    config = project.config
    lines: list[int] = []
    # detect-secrets' second opinion reads the Blobs the scan reads; lines we report are not repeated
    opinions: list[Finding] | None = [] if second else None
    results = list(
        scan_files(
            project.root, rels, engine.rules, config.max_file_size, config.scan_generated, jobs, engine,
            lines, opinions,
        )
    )  # fmt: skip
    findings, skipped = split(results)
    findings += path_findings(rels, engine)
    findings += opinions or []
    scanned = len(rels) - len(skipped)
    checked = f"{scanned} {what}, {sum(lines)} line(s)"
    # The reporters' guard redacts with this engine: building a second one loads the packs again.
    report = Report(tuple(findings), tuple(skipped), checks=("leak",), scanned=scanned, checked=checked)
    return replace(report, redact=Redactor(engine))


def staged_leaks(
    project: Project, repo: gitrepo.Repo, engine: Engine, paths: Sequence[Path], second: bool = False
) -> Report:
    """The index against HEAD: whole staged blobs, reports limited to the added lines.

    Files named explicitly that have no staged change (pre-commit's `--all-files` run, a push-time
    run) are scanned whole from the index: a hook that was handed a file checks all of it.
    """
    rels = [_relative(project.root, p) for p in paths]
    pathspecs = [f":(literal){r}" for r in rels if r]
    named = [r for p, r in zip(paths, rels, strict=True) if r and not p.is_dir()]
    config = project.config
    tally = _Tally()
    results: list[Finding | Skipped] = []
    opinions: list[Finding] = []  # detect-secrets' findings in the same Blobs, when asked for
    names: list[str] = []  # paths the commit holds: their names are scanned too
    entries = gitrepo.staged_entries(repo, pathspecs)  # one listing for both sources
    undiffed = skipped_by_name(config.scan_generated)
    staged = staged_blobs(repo, pathspecs, entries, config.max_file_size, project.judge, undiffed)
    whole = unchanged_blobs(repo, named, [p for _, _, p in entries], config.max_file_size, project.judge)
    with if_asked(second) as opinion:
        for changed, source in ((True, staged), (False, whole)):

            def seen(blob: Blob, found: Sequence[Finding | Skipped], changed: bool = changed) -> None:
                names.append(blob.path)
                # A blob the engine skips (binary, generated) is counted as skipped only, not as checked.
                if read_whole(found):
                    tally.add(blob, changed)
                if opinion is not None:
                    opinions.extend(opinion.scan_blob(blob, (f for f in found if isinstance(f, Finding))))

            results.extend(loop.scan(source, engine, seen))
    findings, skipped = split(results)
    findings += opinions
    findings += path_findings(names, engine)
    return Report(
        tuple(findings), tuple(skipped), checks=("leak",), scanned=tally.files, checked=tally.said(),
        redact=Redactor(engine),
    )  # fmt: skip


class _Tally:
    """How many staged files and added lines, and how many files read whole, a staged scan checked."""

    def __init__(self) -> None:
        self.staged = self.added = self.whole = self.lines = 0

    @property
    def files(self) -> int:
        return self.staged + self.whole

    def add(self, blob: Blob, changed: bool) -> None:
        lines = blob.data.count(b"\n") + (not blob.data.endswith(b"\n") and bool(blob.data))
        if not changed:
            self.whole += 1
            self.lines += lines
        else:
            # A staged change git's diff calls binary (UTF-16 text) has no added lines: all of it is new.
            self.staged += 1
            self.added += lines if blob.only_lines is None else len(blob.only_lines)

    def said(self) -> str:
        parts = [f"{self.staged} staged file(s) ({self.added} added line(s))"]
        if self.whole:
            parts.append(f"{self.whole} file(s) with no staged change read whole ({self.lines} line(s))")
        return ", ".join(parts)


def select_files(
    project: Project,
    repo: gitrepo.Repo | None,
    paths: Sequence[Path],
    all_files: bool,
    submodules: bool = False,
) -> list[str]:
    """Repo-relative '/'-separated files to scan, less the config's excludes. A git project's
    directories are listed by git (`repo`, opened here when None and there is a directory to list)."""
    root = project.root
    rels: list[str] = []
    dirs: list[str] = []
    for path in paths:
        rel = _relative(root, path)
        if _named_file(path):
            rels.append(rel)  # a file named explicitly (a pre-commit hook) is scanned as given
        else:
            dirs.append(rel)
    if dirs:
        rels.extend(_expand(project, repo, dirs, all_files, submodules))
    unique = list(dict.fromkeys(rels))
    return [r for r in unique if not project.excluded(r)]


def _expand(
    project: Project, repo: gitrepo.Repo | None, dirs: list[str], all_files: bool, submodules: bool
) -> list[str]:
    if not project.in_git:
        found, unlisted = walk(project.root)
        # A directory walk() could not list stays in the list ("dir/"): read_file reports it.
        found += [s.path for s in unlisted]
        return [r for r in found if any(d in ("", ".") or r.startswith(d.rstrip("/") + "/") for d in dirs)]
    repo = repo or gitrepo.open_repo(project.root)
    pathspecs = [d or "." for d in dirs]
    files = gitrepo.ls_files(repo, pathspecs, submodules=submodules)
    if all_files:
        files.extend(gitrepo.ls_files(repo, pathspecs, untracked=True))
    return files


def _named_file(path: Path) -> bool:
    """True for a path named on the command line that is not a directory to expand.

    A symlink is kept as given (read_file reports it skipped, never followed, as the README says);
    a regular file that cannot be read means the run cannot do as asked: one line, exit 2.
    """
    try:
        mode = os.lstat(path).st_mode
        if stat.S_ISREG(mode):
            with open(path, "rb"):
                pass
    except FileNotFoundError:
        return False  # a pathspec git may still match (a deleted file, a glob)
    except OSError as exc:
        raise SecretHygieneError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return not stat.S_ISDIR(mode)


def _relative(root: Path, path: Path) -> str:
    absolute = Path(*path.parts) if path.is_absolute() else path
    try:
        rel = absolute.absolute().relative_to(root)
    except ValueError:
        try:
            # A symlink named as an argument is reported, not followed: resolve its parent only.
            link = absolute.is_symlink()
            resolved = absolute.absolute().parent.resolve() / absolute.name if link else absolute.resolve()
            rel = resolved.relative_to(root)
        except ValueError:
            raise SecretHygieneError(f"{path}: outside the scanned root {root}") from None
    text = rel.as_posix()
    return "" if text == "." else text
