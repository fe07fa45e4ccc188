"""What several commands share: finding the project root, its config and its rules."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, replace
from pathlib import Path

from secret_hygiene.config import Config, find_config
from secret_hygiene.context import Context
from secret_hygiene.engine.rules import Rule, load_rules
from secret_hygiene.engine.scanner import Engine
from secret_hygiene.errors import SecretHygieneError
from secret_hygiene.explain import unique
from secret_hygiene.model import Finding, Report, Skipped


@dataclass(frozen=True)
class Project:
    """A project root (the git work tree, or a plain directory) and its config."""

    root: Path
    config: Config
    in_git: bool


def discover_root(start: Path) -> Path | None:
    """The nearest directory at or above `start` holding `.git`, without starting git."""
    here = start if start.is_dir() else start.parent
    for candidate in (here, *here.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def load_project(
    args: argparse.Namespace, ctx: Context, start: Path | None = None, no_git: bool = False
) -> Project:
    """Root and config for a command; stores the config's baseline for the reporter stage."""
    start = (ctx.cwd / start) if start is not None else ctx.cwd
    if not start.exists() and not start.is_symlink():
        raise SecretHygieneError(f"{start}: no such file or directory")
    # A symlink given as the path is not followed: the project is where the link is (scan reports
    # the link as skipped), never the directory of its target.
    anchor = start.parent.resolve() if start.is_symlink() else start.resolve()
    root = None if no_git else discover_root(anchor)
    in_git = root is not None
    if root is None:
        root = anchor if anchor.is_dir() else anchor.parent
    config = find_config(root, _abs(ctx, getattr(args, "config", None)))
    if getattr(args, "baseline", None) is None and config.baseline:
        args.config_baseline = config.base_dir / config.baseline
    return Project(root, config, in_git)


def _abs(ctx: Context, path: Path | None) -> Path | None:
    return None if path is None else (ctx.cwd / path)


def project_rules(project: Project, extra: list[Path] | None = None) -> list[Rule]:
    """Built-in rules plus the config's extra packs, less the disabled ids."""
    config = project.config
    paths = [config.base_dir / p for p in config.rules] + list(extra or [])
    return load_rules(extra=paths, disabled=config.disable, builtin=config.builtin_rules)


def explained(report: Report, engine: Engine, args: argparse.Namespace) -> Report:
    """With --explain, the report carries what the engine dropped (one record per value and file)."""
    if not getattr(args, "explain", False):
        return report
    # names.py scans all file names and commit messages as one "<names>" blob: its lines are no file's.
    found = [d for d in engine.take_dropped() if d.path != "<names>"]
    return replace(report, dropped=unique([*(report.dropped or ()), *found]))


def split(results: list[Finding | Skipped]) -> tuple[list[Finding], list[Skipped]]:
    """Separate findings from skip records."""
    findings = [r for r in results if isinstance(r, Finding)]
    skipped = [r for r in results if isinstance(r, Skipped)]
    return findings, skipped


def jobs_arg(text: str) -> int:
    """A --jobs value: a number of worker processes, 1 or more."""
    try:
        jobs = int(text)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of worker processes (1 or more)")
    return jobs
