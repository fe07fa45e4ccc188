"""`.env` hygiene (issue 5): env files ignored by git and never committed; templates hold placeholders only.

The only package besides scanner.py and rotation.py that reads secret values in plaintext; nothing it
returns holds one (a Finding carries a redacted preview and a fingerprint).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from secret_hygiene.config import Config
from secret_hygiene.engine.rules import Rule
from secret_hygiene.engine.scanner import Engine
from secret_hygiene.env.fix import fix
from secret_hygiene.env.history import history_findings
from secret_hygiene.env.ignore import (
    IgnoreStatus,
    Layout,
    discover,
    ever_added,
    ignore_status,
    ignored_notes,
    kind,
    not_ignored_findings,
    tracked_findings,
)
from secret_hygiene.env.templates import check_template, counterparts, decode, drift, names, parse
from secret_hygiene.model import Finding, Level, Report, Skipped
from secret_hygiene.sources import git as gitrepo
from secret_hygiene.sources.files import read_file

__all__ = ["check", "fix", "kind", "parse", "run_fix"]

CHECKS = ("env-not-ignored", "env-tracked", "env-example-value", "env-example-missing")


def check(
    root: Path,
    config: Config,
    rules: Sequence[Rule] | Callable[[], Sequence[Rule]] | Engine,
    *,
    history: bool = False,
    verbose: bool = False,
    repo: gitrepo.Repo | None = None,
    excluded: Callable[[str], bool] | None = None,
) -> Report:
    """Every env check on the git repository at `root`, as one Report.

    `rules` may be a loader: loading the rule packs is most of the run time, and a repository
    without templates needs no rules unless `history` is asked for. It may also be an Engine
    already built (audit shares one between checks). `repo`, when given, is the repository at
    `root` the run already opened; `excluded`, the config's excludes the run already built.
    """
    repo = repo or gitrepo.open_repo(root)
    layout = discover(repo, config, excluded)
    statuses = ignore_status(repo, layout.ignore_paths())
    existing = frozenset((*layout.env_files, *layout.templates))
    # Nothing to protect yet (no env file or template, now or in history): warn, don't refuse.
    fresh = not existing and not ever_added(repo, config)
    level: Level = "warning" if fresh else "error"
    findings: list[Finding] = [*not_ignored_findings(statuses, existing, level), *tracked_findings(layout)]
    engine = _LazyEngine(rules)
    results = _templates_and_drift(root, config, layout, engine, verbose)
    findings.extend(r for r in results if isinstance(r, Finding))
    skipped = [r for r in results if isinstance(r, Skipped)]
    notes = [_summary(layout, statuses)]
    if verbose:
        notes.extend(ignored_notes(statuses))
    checks: tuple[str, ...] = CHECKS
    if history:
        found, gone, said = history_findings(repo, config, engine.get(), excluded)
        findings.extend(found)
        skipped.extend(gone)
        notes.extend(said)
        checks = (*CHECKS, "env-in-history")
    scanned = len(layout.env_files) + len(layout.templates)
    checked = f"{len(statuses)} env path(s) against git's ignore rules, {scanned} env file(s) and template(s)"
    return Report(tuple(findings), tuple(skipped), tuple(notes), checks, scanned=scanned, checked=checked)


def run_fix(
    root: Path,
    config: Config,
    repo: gitrepo.Repo | None = None,
    excluded: Callable[[str], bool] | None = None,
) -> list[str]:
    """`env --fix` on the repository at `root`: one line per .gitignore changed."""
    repo = repo or gitrepo.open_repo(root)
    return fix(repo, root, config, discover(repo, config, excluded))


class _LazyEngine:
    """An Engine built on first use."""

    def __init__(self, rules: Sequence[Rule] | Callable[[], Sequence[Rule]] | Engine) -> None:
        self._engine: Engine | None = rules if isinstance(rules, Engine) else None
        self._rules: Sequence[Rule] | Callable[[], Sequence[Rule]] = (
            () if isinstance(rules, Engine) else rules
        )

    def get(self) -> Engine:
        if self._engine is None:
            rules = self._rules() if callable(self._rules) else self._rules
            self._engine = Engine(rules)
        return self._engine


def _templates_and_drift(
    root: Path, config: Config, layout: Layout, engine: _LazyEngine, verbose: bool
) -> list[Finding | Skipped]:
    results: list[Finding | Skipped] = []
    on_disk = set(layout.env_files)
    for template in layout.templates:
        blob = read_file(root, template, config.max_file_size)
        if isinstance(blob, Skipped):
            results.append(blob)
            continue
        results.extend(check_template(template, blob.data, engine.get()))
        env_file = next((c for c in counterparts(template) if c in on_disk), None)
        if env_file is not None:
            results.extend(_drift(root, config, template, blob.data, env_file, verbose, engine.get()))
    return results


def _drift(
    root: Path, config: Config, template: str, data: bytes, env_file: str, verbose: bool, engine: Engine
) -> list[Finding | Skipped]:
    env_keys = _keys(root, config, env_file)
    text = decode(template, data)
    if isinstance(env_keys, Skipped) or isinstance(text, Skipped):
        return [env_keys] if isinstance(env_keys, Skipped) else []
    entries = parse(text)[0]
    shown = set(names({e.key for e in entries} | set(env_keys), engine))  # a token is no name
    template_keys = {e.key: e.line for e in entries if e.key in shown}
    return list(drift(template, env_file, template_keys, [k for k in env_keys if k in shown], verbose))


def _keys(root: Path, config: Config, env_file: str) -> list[str] | Skipped:
    """The variable names an env file sets (its values are read, never kept)."""
    blob = read_file(root, env_file, config.max_file_size)
    if isinstance(blob, Skipped):
        return blob
    text = decode(env_file, blob.data)
    return text if isinstance(text, Skipped) else [e.key for e in parse(text)[0]]


def _summary(layout: Layout, statuses: Sequence[IgnoreStatus]) -> str:
    dirs = layout.directories()
    where = "at the repo root" if dirs == ("",) else f"in {len(dirs)} director(ies)"
    checked = f"checked {len(statuses)} env path(s) against git's ignore rules {where}"
    if not layout.env_files and not layout.templates:
        return f"{checked} (.env); no env files or templates found"
    return f"{checked}; {len(layout.env_files)} env file(s), {len(layout.templates)} template(s)"
