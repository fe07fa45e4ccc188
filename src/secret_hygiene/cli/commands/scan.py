"""`secret-hygiene scan [PATH...]`: leaked keys in files."""

from __future__ import annotations

import argparse
import os
import stat
from dataclasses import replace
from pathlib import Path

from secret_hygiene.cli.commands.common import (
    Project,
    explained,
    jobs_arg,
    load_project,
    project_rules,
    split,
)
from secret_hygiene.context import Context
from secret_hygiene.engine.names import path_findings
from secret_hygiene.engine.scanner import Engine
from secret_hygiene.errors import NotAGitRepo, SecretHygieneError
from secret_hygiene.integrations.detect_secrets import second_opinion
from secret_hygiene.model import Blob, Finding, Report, Skipped
from secret_hygiene.reporters.safety import Redactor
from secret_hygiene.sources import git as gitrepo
from secret_hygiene.sources.files import exclusion, read_files, verdict, walk
from secret_hygiene.sources.filescan import scan_files
from secret_hygiene.sources.staged import staged_blobs, unchanged_blobs

CHECKING = True
HELP = "scan files for leaked keys (tracked files of a git repository by default)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """scan [PATH...] [--all-files | --no-git] [--rules FILE] [--jobs N]."""
    parser.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="files or directories (default: .)"
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--all-files", action="store_true", help="also scan untracked, not-ignored files")
    mode.add_argument("--no-git", action="store_true", help="walk a plain directory, honouring .gitignore")
    mode.add_argument("--staged", action="store_true",
                      help="scan what the index adds for the next commit, not the work tree")  # fmt: skip
    parser.add_argument("--rules", type=Path, action="append", default=[], metavar="FILE",
                        help="an extra rule pack (file or directory); repeatable")  # fmt: skip
    parser.add_argument(
        "--jobs", type=jobs_arg, default=None, metavar="N", help="worker processes (default: CPU count)"
    )
    parser.add_argument("--recurse-submodules", action="store_true",
                        help="also scan the tracked files of checked-out submodules")  # fmt: skip
    parser.add_argument("--with-detect-secrets", action="store_true",
                        help="also run detect-secrets' plugins as a second opinion (slower; "
                             "config key with-detect-secrets)")  # fmt: skip


def run(args: argparse.Namespace, ctx: Context) -> Report:
    """Select files, scan them, and report."""
    paths: list[Path] = args.paths or [Path(".")]
    project = load_project(args, ctx, paths[0], no_git=args.no_git)
    rules = project_rules(project, [ctx.cwd / p for p in args.rules])
    second = args.with_detect_secrets or project.config.with_detect_secrets
    config = project.config
    if args.staged:
        engine = Engine(rules, decode_depth=config.decode_depth, explain=args.explain)
        return explained(scan_staged(project, engine, [ctx.cwd / p for p in paths], second), engine, args)
    rels = select_files(project, [(ctx.cwd / p) for p in paths], args.all_files, args.recurse_submodules)
    # Also scans the file names (names.py); workers of a pool build their own.
    engine = Engine(rules, decode_depth=config.decode_depth, explain=args.explain)
    jobs = 1 if args.explain else args.jobs  # the drops are recorded by this process's engine
    lines: list[int] = []
    results = list(
        scan_files(
            project.root, rels, rules, config.max_file_size, config.scan_generated, jobs, engine, lines
        )
    )
    findings, skipped = split(results)
    findings += path_findings(rels, engine)
    if second:  # issue 3: detect-secrets over the same files; lines we report are not repeated
        blobs = read_files(project.root, rels, config.max_file_size, config.scan_generated)
        findings += second_opinion((b for b in blobs if not isinstance(b, Skipped)), findings)
    scanned = len(rels) - len(skipped)
    checked = f"{scanned} file(s), {sum(lines)} line(s)"
    # The reporters' guard redacts with this engine: building a second one loads the packs again.
    report = Report(tuple(findings), tuple(skipped), checks=("leak",), scanned=scanned, checked=checked)
    return explained(replace(report, redact=Redactor(engine)), engine, args)


def scan_staged(project: Project, engine: Engine, paths: list[Path], second: bool = False) -> Report:
    """The index against HEAD: whole staged blobs, reports limited to the added lines (issue 4).

    Files named explicitly that have no staged change (pre-commit's `--all-files` run, a push-time
    run) are scanned whole from the index: a hook that was handed a file checks all of it.
    """
    if not project.in_git:
        raise NotAGitRepo(f"{project.root}: not a git repository (--staged scans the git index)")
    repo = gitrepo.open_repo(project.root)
    rels = [_relative(project.root, p) for p in paths]
    pathspecs = [f":(literal){r}" for r in rels if r]
    named = [r for p, r in zip(paths, rels, strict=True) if r and not p.is_dir()]
    config = project.config
    judge = verdict(config.exclude, config.scan_generated)
    tally = _Tally()
    results: list[Finding | Skipped] = []
    blobs: list[Blob] = []  # kept only for the second opinion
    names: list[str] = []  # paths the commit holds: their names are scanned too
    staged = staged_blobs(repo, pathspecs, config.max_file_size, judge)
    whole = unchanged_blobs(repo, named, config.max_file_size, judge)
    for changed, blob in (*((True, b) for b in staged), *((False, b) for b in whole)):
        if isinstance(blob, Skipped):
            results.append(blob)
        else:
            names.append(blob.path)
            found = list(engine.scan_blob(blob))
            results.extend(found)
            # A blob the engine skips (binary, generated) is counted as skipped only, not as checked.
            if not any(isinstance(r, Skipped) for r in found):
                tally.add(blob, changed)
            blobs.extend([blob] if second else [])
    findings, skipped = split(results)
    findings += second_opinion(blobs, findings) if second else []
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


def select_files(project: Project, paths: list[Path], all_files: bool, submodules: bool = False) -> list[str]:
    """Repo-relative '/'-separated files to scan, less the config's excludes."""
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
        rels.extend(_expand(project, dirs, all_files, submodules))
    spec = exclusion(project.config.exclude)
    unique = list(dict.fromkeys(rels))
    return [r for r in unique if spec is None or not spec.match_file(r)]


def _expand(project: Project, dirs: list[str], all_files: bool, submodules: bool) -> list[str]:
    if not project.in_git:
        found, unlisted = walk(project.root)
        # A directory walk() could not list stays in the list ("dir/"): read_file reports it.
        found += [s.path for s in unlisted]
        return [r for r in found if any(d in ("", ".") or r.startswith(d.rstrip("/") + "/") for d in dirs)]
    repo = gitrepo.open_repo(project.root)
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
