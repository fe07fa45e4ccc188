"""What every check starts from: the project root, its config and rules, the engine, the baseline."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from secret_hygiene.config import Config, find_config
from secret_hygiene.engine.rules import Rule, load_rules
from secret_hygiene.engine.scanner import Engine
from secret_hygiene.errors import NotAGitRepo, SecretHygieneError
from secret_hygiene.explain import unique
from secret_hygiene.model import Finding, Report, Skipped
from secret_hygiene.sources.files import verdict
from secret_hygiene.sources.git import find_root
from secret_hygiene.sources.patches import DROP, PathVerdict

if TYPE_CHECKING:  # a run without a baseline does not import baseline/
    from secret_hygiene.baseline.known import Known


@dataclass(frozen=True)
class Project:
    """A project root (the git work tree, or a plain directory), its config, and what it excludes."""

    root: Path
    config: Config
    in_git: bool
    # The config's excludes and generated-file rule, built once per run (sources/files.py: verdict):
    # None scans a path, DROP drops it (excluded), any text skips it with that reason.
    judge: Callable[[str], PathVerdict] = lambda path: None
    baseline: Path | None = None  # the config's baseline file, when it names one

    def excluded(self, path: str) -> bool:
        """True for a path the config excludes from every check."""
        return self.judge(path) is DROP


def load_project(
    cwd: Path, start: Path | None = None, config: Path | None = None, no_git: bool = False
) -> Project:
    """Root and config for a check started at `start` (default `cwd`), with `config` if given."""
    start = (cwd / start) if start is not None else cwd
    if not start.exists() and not start.is_symlink():
        raise SecretHygieneError(f"{start}: no such file or directory")
    # A symlink given as the path is not followed: the project is where the link is (scan reports
    # the link as skipped), never the directory of its target.
    anchor = start.parent.resolve() if start.is_symlink() else start.resolve()
    root = None if no_git else find_root(anchor)
    in_git = root is not None
    if root is None:
        root = anchor if anchor.is_dir() else anchor.parent
    found = find_config(root, None if config is None else cwd / config)
    baseline = found.base_dir / found.baseline if found.baseline else None
    return Project(root, found, in_git, verdict(found.exclude, found.scan_generated), baseline)


def git_project(cwd: Path, start: Path | None, config: Path | None, command: str) -> Project:
    """The project at `start`, which must be a git repository."""
    project = load_project(cwd, start, config)
    if not project.in_git:
        raise NotAGitRepo(
            f"{project.root}: not a git repository ({command} checks a repository's files and history; "
            "run it inside one)"
        )
    return project


def project_rules(project: Project, extra: Sequence[Path] = ()) -> list[Rule]:
    """Built-in rules plus the config's extra packs, less the disabled ids."""
    config = project.config
    paths = [config.base_dir / p for p in config.rules] + list(extra)
    return load_rules(extra=paths, disabled=config.disable, builtin=config.builtin_rules)


def engine(
    project: Project, rules: Sequence[Rule], known: Known | None = None, explain: bool = False
) -> Engine:
    """The run's one Engine; it hashes each secret's other spellings only for a detect-secrets
    baseline, the one thing that matches on them (baseline/known.py). With `explain` it records
    every candidate value it drops (--explain)."""
    hashes = known is not None and known.hashes_secrets
    return Engine(rules, decode_depth=project.config.decode_depth, baseline_hashes=hashes, explain=explain)


def explained(report: Report, engine: Engine) -> Report:
    """With an explaining engine, the report carries what it dropped (one record per value and file)."""
    if engine.dropped is None:
        return report
    # names.py scans all file names and commit messages as one "<names>" blob: its lines are no file's.
    found = [d for d in engine.take_dropped() if d.path != "<names>"]
    return replace(report, dropped=unique([*(report.dropped or ()), *found]))


def split(results: list[Finding | Skipped]) -> tuple[list[Finding], list[Skipped]]:
    """Separate findings from skip records."""
    findings = [r for r in results if isinstance(r, Finding)]
    skipped = [r for r in results if isinstance(r, Skipped)]
    return findings, skipped


def load_known(path: Path | None) -> Known | None:
    """The baseline at `path` (ours or detect-secrets'), or None without one."""
    if path is None:
        return None
    from secret_hygiene.baseline import known as store  # only runs given a baseline pay for it

    return store.load(path)


def known_findings(report: Report, known: Known | None, now: datetime | None = None) -> Report:
    """The report less the findings the baseline covers (as of `now`'s UTC day), with a note per
    rotation finding whose accepted day has passed."""
    if known is None:
        return report
    from secret_hygiene.baseline import known as store

    return store.apply(report, known, (now or datetime.now(timezone.utc)).astimezone(timezone.utc).date())
