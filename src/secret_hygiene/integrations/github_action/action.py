"""The GitHub Action's logic, run by action.yml as
`python -m secret_hygiene.integrations.github_action.action` (issue 7).

Inputs arrive as INPUT_* environment variables (action.yml maps them through `env:`, never into
the script). In a pull_request event the leak scan covers the PR's commits, in a push event the
pushed commits; otherwise the chosen command runs on the whole repository. The run writes the
report to the log (`::error` annotations by default), a SARIF file, a Markdown table to
$GITHUB_STEP_SUMMARY and the finding count to $GITHUB_OUTPUT.
"""

from __future__ import annotations

import io
import os
import shlex
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from secret_hygiene import atomic
from secret_hygiene.checks import env as env_check
from secret_hygiene.checks import history as history_check
from secret_hygiene.checks import leaks
from secret_hygiene.checks import rotation as rotation_check
from secret_hygiene.checks.audit import PARTS, Options, audit
from secret_hygiene.checks.project import (
    Project,
    git_project,
    known_findings,
    load_known,
    load_project,
    project_rules,
)
from secret_hygiene.context import Context
from secret_hygiene.errors import SecretHygieneError
from secret_hygiene.integrations.github_action import commit_range as action_range
from secret_hygiene.integrations.github_action import config as action_config
from secret_hygiene.integrations.github_action import summary as action_summary
from secret_hygiene.model import Report
from secret_hygiene.reporters import REPORTERS
from secret_hygiene.reporters.github import escape_data
from secret_hygiene.reporters.json import document
from secret_hygiene.sources import git as gitrepo
from secret_hygiene.sources.git import find_root

if TYPE_CHECKING:
    from secret_hygiene.baseline.known import Known

COMMAND_CHOICES = ("audit", "scan", "history", "env", "rotation")
FAIL_ON = ("error", "warning", "never")
FORMATS = ("github", "text", "json", "sarif")


@dataclass(frozen=True)
class Inputs:
    """The action's inputs, validated."""

    command: str = "audit"
    paths: tuple[str, ...] = ()
    format: str = "github"
    baseline: str = ""
    fail_on: str = "error"
    sarif_file: str = "secret-hygiene.sarif"


def read_inputs(environ: Mapping[str, str]) -> Inputs:
    """INPUT_COMMAND, INPUT_PATHS, INPUT_FORMAT, INPUT_BASELINE, INPUT_FAIL_ON, INPUT_SARIF_FILE."""
    inputs = Inputs(
        command=_get(environ, "COMMAND", "audit"),
        paths=_split_paths(_get(environ, "PATHS", "")),
        format=_get(environ, "FORMAT", "github"),
        baseline=_get(environ, "BASELINE", ""),
        fail_on=_get(environ, "FAIL_ON", "error"),
        sarif_file=environ.get("INPUT_SARIF_FILE", "secret-hygiene.sarif").strip(),
    )
    for name, value, allowed in (
        ("command", inputs.command, COMMAND_CHOICES),
        ("format", inputs.format, FORMATS),
        ("fail-on", inputs.fail_on, FAIL_ON),
    ):
        if value not in allowed:
            raise SecretHygieneError(f"input {name}: {value!r} is not one of {', '.join(allowed)}")
    if any(c in inputs.sarif_file for c in "\r\n\0"):
        # GITHUB_OUTPUT is read line by line: a newline here would add outputs of its own
        raise SecretHygieneError("input sarif-file: a file name with a line break or NUL is refused")
    if inputs.command != "scan" and len(inputs.paths) > 1:
        raise SecretHygieneError(
            f"input paths: {inputs.command} takes one repository, got {len(inputs.paths)}"
        )
    return inputs


def _split_paths(text: str) -> tuple[str, ...]:
    """Shell-like words; they reach the command after `--`, so none is read as an option."""
    try:
        return tuple(shlex.split(text))
    except ValueError as exc:
        raise SecretHygieneError(f"input paths: {exc} in {text[:80]!r}") from None


def _get(environ: Mapping[str, str], name: str, default: str) -> str:
    return environ.get(f"INPUT_{name}", "").strip() or default


def plan(inputs: Inputs, scope: action_range.Scope) -> list[str]:
    """The checks to run: the leak part limited to the event's range ("range") when there is one."""
    whole = [inputs.command]
    if scope.range is None or inputs.command in ("env", "rotation"):
        return whole
    if inputs.command == "audit":  # the PR's commits, plus the repository-wide env and rotation checks
        return ["range", "env", "rotation"]
    return ["range"]


@dataclass(frozen=True)
class _Run:
    """What every check of one action run shares."""

    ctx: Context
    inputs: Inputs
    config: Path | None  # the base commit's config for a pull request, else the repository's own
    baseline: str  # the baseline input, else the first check's config baseline
    rev_range: str | None


def collect(steps: Sequence[str], run: _Run) -> tuple[Report, Known | None]:
    """Run each check in-process, the baseline applied, and merge their reports; also returns the
    baseline (the baseline input, else the first check's project's), loaded once."""
    projects = [_project(step, run) for step in steps]
    given = run.ctx.cwd / run.baseline if run.baseline else projects[0].baseline
    known = load_known(given)
    return merge([_check(s, p, run, known) for s, p in zip(steps, projects, strict=True)]), known


def _project(step: str, run: _Run) -> Project:
    cwd, paths = run.ctx.cwd, run.inputs.paths
    if step == "scan":
        return load_project(cwd, Path(paths[0]) if paths else Path("."), run.config)
    if step == "rotation":
        return load_project(cwd, None, run.config)
    start = cwd / paths[0] if paths else cwd
    if step == "audit":
        return git_project(cwd, start, run.config, "audit")
    return load_project(cwd, start, run.config)


def _check(step: str, project: Project, run: _Run, known: Known | None) -> Report:
    """One check as its command runs it with no options but the repository, range and config."""
    ctx = run.ctx
    if step == "audit":
        repo = gitrepo.open_repo(project.root)
        options = Options(PARTS, None, None, False, False)
        return audit(project, repo, options, stderr=ctx.stderr, environ=ctx.environ, known=known)
    if step == "scan":
        paths = [ctx.cwd / p for p in run.inputs.paths] or [ctx.cwd / "."]
        second = project.config.with_detect_secrets
        return leaks.scan(project, paths, project_rules(project), second=second, known=known)
    if step == "env":
        env_check.require_git(project)
        repo = gitrepo.open_repo(project.root)
        return env_check.env(project, repo, lambda: project_rules(project), known=known)
    if step == "rotation":
        rotation_check.require_git(project)
        repo = gitrepo.open_repo(project.root)
        now = datetime.now(timezone.utc)
        return rotation_check.rotation(
            repo, project, project_rules(project), now=now, environ=ctx.environ, known=known
        )
    repo = history_check.open_repo(ctx.cwd / run.inputs.paths[0] if run.inputs.paths else ctx.cwd)
    notes: list[str] = []
    revs = history_check.revisions(repo, rev_range=run.rev_range if step == "range" else None, notes=notes)
    rules = project_rules(project) if revs is not None else []
    return history_check.history(repo, project, revs, rules, notes=notes, stderr=ctx.stderr, known=known)


def merge(reports: Sequence[Report]) -> Report:
    """One report holding every part's findings, skips, notes and checks."""
    return Report(
        findings=tuple(f for r in reports for f in r.findings),
        skipped=tuple(s for r in reports for s in r.skipped),
        notes=tuple(n for r in reports for n in r.notes),
        checks=tuple(dict.fromkeys(c for r in reports for c in r.checks)),
        suppressed=sum(r.suppressed for r in reports),
        scanned=sum(r.scanned for r in reports),
        redact=next((r.redact for r in reports if r.redact is not None), None),
    )


def render(report: Report, fmt: str, environ: Mapping[str, str]) -> str:
    """The report in one format, as the CLI prints it to a file (no colour, not verbose)."""
    out = io.StringIO()
    workflow = environ.get("GITHUB_ACTIONS") == "true"  # repository text escaped for the runner
    REPORTERS[fmt](report, out, color=False, verbose=False, workflow=workflow)
    return out.getvalue()


def run(environ: Mapping[str, str], stdout: TextIO, stderr: TextIO, cwd: Path) -> int:
    """The whole action; returns the exit code of the step."""
    inputs = read_inputs(environ)
    workspace = Path(environ.get("GITHUB_WORKSPACE") or cwd)
    ctx = Context(stdout, stderr, io.StringIO(), environ, workspace)
    scope = action_range.event_scope(environ)
    if scope.nothing:
        stdout.write(f"::notice title=secret-hygiene::{scope.nothing}\n")
        _finish(environ, {"findings": [], "summary": {"notes": [scope.nothing]}}, inputs, scope.label)
        return 0
    notes: list[str] = []
    ranged = scope.range is not None and inputs.command not in ("env", "rotation")
    if ranged and not _is_workspace_repo(workspace, inputs.paths):
        scope, ranged = action_range.Scope(label="repository (not the one the event is about)"), False
    # A pull request's scan obeys the base commit's config (github_action/config.py), whatever the command.
    pull = environ.get("GITHUB_EVENT_NAME") in action_range.PR_EVENTS and scope.base is not None
    pull = pull and (ranged or _is_workspace_repo(workspace, inputs.paths))
    extra = Report()
    with tempfile.TemporaryDirectory(dir=environ.get("RUNNER_TEMP") or None) as temp:
        config = ""
        if ranged or pull:
            repo = gitrepo.open_repo(workspace)
            notes = action_range.ensure_history(repo, scope)
            if ranged and inputs.command == "scan" and inputs.paths:
                notes.append("paths: the event's commits are scanned whole, not limited to the given paths")
            if pull and scope.base:
                config, extra = _base_config(repo, workspace, scope.base, Path(temp))
        run = _Run(ctx, inputs, Path(config) if config else None, inputs.baseline, scope.range)
        report, known = collect(plan(inputs, scope), run)
    report = merge([report, known_findings(extra, known)])
    if ranged:  # the range is connected: history's warning about a shallow clone does not apply to it
        report = replace(report, notes=tuple(n for n in report.notes if n != history_check.SHALLOW_NOTE))
    report = merge([report, Report(notes=tuple(notes))])
    stdout.write(render(report, inputs.format, environ))
    if inputs.sarif_file:
        _write(workspace, inputs.sarif_file, render(report, "sarif", environ))
    _finish(environ, document(report), inputs, scope.label)
    return fails((f.level for f in report.findings), inputs.fail_on)


def _write(workspace: Path, name: str, text: str) -> None:
    """Write `name` (relative to the workspace) atomically, as the CLI writes --output."""
    try:
        atomic.write(workspace / name, text.encode("utf-8", "surrogateescape"))
    except OSError as exc:
        raise SecretHygieneError(f"cannot write {name}: {exc.strerror or exc}") from None


def _base_config(repo: gitrepo.Repo, workspace: Path, base: str, temp: Path) -> tuple[str, Report]:
    """The base commit's config written to `temp` for --config, and warnings for what the pull
    request's own config would have skipped (github_action/config.py)."""
    import yaml

    config = action_config.base_config(repo, workspace.resolve(), base)
    path = temp / "base-config.yaml"
    path.write_text(yaml.safe_dump(action_config.as_yaml(config), sort_keys=False), encoding="utf-8")
    warnings = tuple(action_config.weakened(config, workspace.resolve()))
    note = f"config: read from the base commit {base[:12]}, not from the pull request"
    return str(path), Report(warnings, notes=(note,), checks=("config-change",) if warnings else ())


def _is_workspace_repo(workspace: Path, paths: Sequence[str]) -> bool:
    """True when the scanned repository is the checked-out one the event's commits belong to."""
    target = find_root((workspace / paths[0]).resolve()) if paths else None
    return not paths or target == find_root(workspace.resolve())


def verdict(findings: Sequence[Mapping[str, Any]], fail_on: str) -> int:
    """1 when a finding (as the JSON report has it) reaches the fail-on level, else 0."""
    return fails((str(f["level"]) for f in findings), fail_on)


def fails(levels: Iterable[str], fail_on: str) -> int:
    """1 when one of the findings' levels reaches the fail-on level, else 0."""
    reach = {"error": ("error",), "warning": ("error", "warning"), "never": ()}[fail_on]
    return 1 if any(level in reach for level in levels) else 0


def _finish(environ: Mapping[str, str], doc: Mapping[str, Any], inputs: Inputs, label: str) -> None:
    findings = doc["findings"]
    _append(environ.get("GITHUB_OUTPUT"), f"findings={len(findings)}\nsarif-file={inputs.sarif_file}\n")
    _append(environ.get("GITHUB_STEP_SUMMARY"), action_summary.markdown(doc, inputs.command, label))


def _append(path: str | None, text: str) -> None:
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise SecretHygieneError(f"cannot write {path}: {exc.strerror or exc}") from None


def main(environ: Mapping[str, str] | None = None) -> int:
    """Entry point: one `::error` line and exit 2 when the action cannot run as configured."""
    environ = os.environ if environ is None else environ
    try:
        return run(environ, sys.stdout, sys.stderr, Path.cwd())
    except SecretHygieneError as exc:
        sys.stdout.write(f"::error title=secret-hygiene::{escape_data(str(exc))}\n")
        return 2
    except Exception as exc:  # a bug: still one annotation and exit 2, never a traceback in the log
        if environ.get("SECRET_HYGIENE_DEBUG"):
            raise
        what = escape_data(f"internal error: {type(exc).__name__}: {exc}")
        sys.stdout.write(f"::error title=secret-hygiene::{what}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
