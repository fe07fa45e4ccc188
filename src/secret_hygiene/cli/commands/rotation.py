"""`secret-hygiene rotation status|check|record KEY`: key ages against the rotation threshold (issue 6)."""

from __future__ import annotations

import argparse
import io
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TextIO

from secret_hygiene import atomic
from secret_hygiene.checks.project import Project, known_findings, project_rules
from secret_hygiene.checks.rotation import CHECKS, assessed, require_git, rotation
from secret_hygiene.cli.arguments import day, moment
from secret_hygiene.cli.commands.common import baseline_of, project_of
from secret_hygiene.context import Context, colour
from secret_hygiene.errors import SecretHygieneError
from secret_hygiene.model import Report
from secret_hygiene.rotation.assess import Assessment, assess, in_ci
from secret_hygiene.rotation.keyage import STATES, KeyAge, by_urgency, key_findings
from secret_hygiene.rotation.record import record
from secret_hygiene.sources import git as gitrepo

CHECKING = True
HELP = "key rotation: a status table, a check that fails on overdue keys, and record KEY"
__all__ = ["CHECKS", "add_arguments", "render_table", "run"]
_COLORS = {"overdue": "\033[31m", "due-soon": "\033[33m", "unknown": "\033[36m", "ok": ""}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """status | check | record KEY, with --now, --strict, --date and --file."""
    parser.add_argument(
        "action",
        choices=("status", "check", "record"),
        help="status: a table of keys; check: exit 1 on overdue keys; record: note a rotation",
    )
    parser.add_argument("key", nargs="?", metavar="KEY", help="the key whose rotation to record (record)")
    parser.add_argument(
        "--now", type=moment, metavar="DATE", help="judge ages as of DATE (YYYY-MM-DD; default: today, UTC)"
    )
    parser.add_argument(
        "--date", type=day, metavar="D", help="record: the day the key was rotated (default: today)"
    )
    parser.add_argument("--file", type=Path, metavar="ENVFILE", help="only the keys of this env file")
    parser.add_argument(
        "--new", action="store_true", help="record: add a KEY found in no env file, template or the ledger"
    )
    parser.add_argument(
        "--fail-on",
        choices=("overdue", "never"),
        default=None,
        help="check: exit 1 on overdue keys (default), or never (report them as warnings)",
    )
    parser.add_argument(
        "--at-commit",
        action="store_true",
        help="check, as a pre-commit hook: overdue keys warn at commit time and fail in CI and at pre-push",
    )


def run(args: argparse.Namespace, ctx: Context) -> Report | int:
    """Assess every key (status, check) or record one rotation."""
    now: datetime = args.now or datetime.now(timezone.utc)
    _validate(args, now)
    project = project_of(args, ctx)
    require_git(project)
    repo = gitrepo.open_repo(project.root)
    only = None if args.file is None else _env_file(project, ctx.cwd / args.file)
    if args.action == "record":
        return _record(args, ctx, project, repo, only, now)
    if args.action == "check":
        return rotation(
            repo, project, project_rules(project), now=now, environ=ctx.environ, strict=args.strict,
            only_file=only, fail=_fail_on(args, ctx) != "never", known=baseline_of(args, ctx, project),
        )  # fmt: skip
    result = assess(
        repo, project.root, project.config, project_rules(project),
        now=now, environ=ctx.environ, only_file=only, excluded=project.excluded,
    )  # fmt: skip
    report = assessed(result, key_findings(result.keys, strict=False, inventory=True))
    fmt = args.format or ("github" if ctx.environ.get("GITHUB_ACTIONS") == "true" else "text")
    if fmt != "text":
        return known_findings(report, baseline_of(args, ctx, project), now)
    if not (args.quiet and not result.keys):
        _write_table(args, ctx, result, now.astimezone(timezone.utc).date())
    return 0


def _fail_on(args: argparse.Namespace, ctx: Context) -> str:
    """--fail-on, else for --at-commit: never at commit time, overdue in CI and in a pre-push run.

    pre-commit exports PRE_COMMIT_REMOTE_NAME / PRE_COMMIT_TO_REF only when it runs hooks for a push.
    """
    if args.fail_on is not None:
        return str(args.fail_on)
    pushing = any(ctx.environ.get(v) for v in ("PRE_COMMIT_REMOTE_NAME", "PRE_COMMIT_TO_REF"))
    if args.at_commit and not pushing and not in_ci(ctx.environ):
        return "never"
    return "overdue"


def _validate(args: argparse.Namespace, now: datetime) -> None:
    if args.action != "check" and (args.fail_on is not None or args.at_commit):
        raise SecretHygieneError(f"rotation {args.action}: --fail-on and --at-commit are for 'check'")
    if args.action != "record" and args.new:
        raise SecretHygieneError(f"rotation {args.action}: --new is for 'record'")
    if args.action == "record" and not args.key:
        raise SecretHygieneError("rotation record: name the KEY to record (see --help)")
    if args.action != "record" and args.key:
        raise SecretHygieneError(f"rotation {args.action}: takes no KEY (KEY is for 'record')")
    if args.action != "record" and args.date is not None:
        raise SecretHygieneError(f"rotation {args.action}: --date is for 'record'; use --now to set the day")
    today = now.astimezone(timezone.utc).date()
    if args.date is not None and args.date > today:
        raise SecretHygieneError(f"rotation record: --date {args.date} is after today ({today})")


def _env_file(project: Project, path: Path) -> str:
    if not path.is_file():
        raise SecretHygieneError(f"--file {path}: no such file")
    try:
        return path.resolve().relative_to(project.root.resolve()).as_posix()
    except ValueError:
        raise SecretHygieneError(f"--file {path}: outside the repository {project.root}") from None


def _record(
    args: argparse.Namespace,
    ctx: Context,
    project: Project,
    repo: gitrepo.Repo,
    only: str | None,
    now: datetime,
) -> int:
    when: date = args.date or now.astimezone(timezone.utc).date()
    done = record(
        repo, project.root, project.config, project_rules(project), args.key, when,
        environ=ctx.environ, only_file=only, new=args.new,
    )  # fmt: skip
    created = " (created the ledger)" if done.created else ""
    ctx.stdout.write(f"recorded {args.key} as rotated on {when} in {done.ledger}{created}\n")
    if not done.files:
        ctx.stdout.write(f"note: {args.key} is in no env file or template here; the ledger alone tracks it\n")
    for note in done.notes:
        ctx.stderr.write(f"secret-hygiene: note: {note}\n")
    for path in done.unchanged:
        ctx.stderr.write(
            f"secret-hygiene: warning: {args.key} in {path} has the same value as at its previous record; "
            "was it really rotated?\n"
        )
    return 0


def _write_table(args: argparse.Namespace, ctx: Context, result: Assessment, today: date) -> None:
    if args.output is None:
        color = colour(ctx.stdout, ctx.environ)
        render_table(result, ctx.stdout, today, color=color)
        return
    buffer = io.StringIO()
    render_table(result, buffer, today, color=False)
    try:
        atomic.write(ctx.cwd / args.output, buffer.getvalue().encode("utf-8", "surrogateescape"))
    except OSError as exc:
        raise SecretHygieneError(f"cannot write {args.output}: {exc.strerror or exc}") from None


def render_table(result: Assessment, out: TextIO, today: date, *, color: bool) -> None:
    """Keys by urgency: name, file, age in days, source, due date, state; then warnings and a summary."""
    ages = by_urgency(result.keys)
    if not ages:
        out.write("no keys found in env files, templates or the rotation ledger\n")
    else:
        rows = [("KEY", "FILE", "AGE", "SOURCE", "DUE", "STATE"), *(_row(a) for a in ages)]
        widths = [max(len(r[i]) for r in rows) for i in range(5)]
        for n, row in enumerate(rows):
            cells = [
                c.rjust(w) if i == 2 else c.ljust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=False))
            ]
            state = row[5]
            if color and n and _COLORS[ages[n - 1].state]:
                state = f"{_COLORS[ages[n - 1].state]}{state}\033[0m"
            out.write("  ".join([*cells, state]) + "\n")
        for a in (a for a in ages if a.revoke):
            out.write(f"revoke {a.name}: {a.revoke}\n")
    for w in result.warnings:
        out.write(f"warning[{w.check}] {w.path}:{w.line}: {w.message}\n  fix: {w.detail('fix')}\n")
    for note in result.notes:
        out.write(f"note: {note}\n")
    for skip in result.skipped:
        out.write(f"skipped {skip.path}: {skip.reason}\n")
    counts = {s: sum(1 for a in ages if a.state == s) for s in STATES}
    summary = ", ".join(f"{counts[s]} {s}" for s in STATES if counts[s])
    out.write(f"\n{len(ages)} key(s){': ' + summary if summary else ''} (as of {today})\n")


def _row(a: KeyAge) -> tuple[str, str, str, str, str, str]:
    age = "-" if a.age_days is None else str(a.age_days)
    due = "-" if a.due is None else a.due.isoformat()
    state = a.state
    if a.state == "overdue" and a.days_left is not None:
        state += f" ({-a.days_left}d late)"
    elif a.state == "due-soon" and a.days_left is not None:
        state += " (today)" if a.days_left == 0 else f" (in {a.days_left}d)"
    return a.name, a.path + (f":{a.line}" if a.line else ""), age, a.source or "-", due, state
