"""`secret-hygiene baseline create|update|audit`: a reviewed list of known findings (issue 7).

A baseline lets a team adopt the tool in a repository that already has findings: scans given
`--baseline FILE` (or the config's `baseline`) fail only on findings not in it. Entries hold the
check, rule id, path, line, commit and fingerprint of each finding, and a review status
(unreviewed, real, false-positive); never a secret. Every entry suppresses, whatever its status,
as a detect-secrets baseline does: the status records the team's review.

The default checks are all four: leak, history, env and rotation. A rotation finding is accepted
only for a while: its entry records `accepted_until` (the day it was recorded plus `--grace-days`,
default 30), after which the overdue key fails again. `update` keeps each entry's day (it never
extends one silently); `update --grace-days N` sets a new one for every rotation entry.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from secret_hygiene import atomic
from secret_hygiene.baseline import known as store
from secret_hygiene.baseline.review import walk
from secret_hygiene.checks.audit import PARTS, Audit, Options, collect
from secret_hygiene.checks.project import Project, git_project
from secret_hygiene.cli.commands.common import extra_rules
from secret_hygiene.context import Context, is_terminal
from secret_hygiene.errors import BaselineError, GitError, SecretHygieneError
from secret_hygiene.model import Finding, Skipped
from secret_hygiene.sources import git as gitrepo
from secret_hygiene.sources.files import read_file

CHECKING = False
HELP = "baselines of known findings: create, update, and audit (review entries, report stale ones)"
DEFAULT_FILE = ".secret-hygiene-baseline.json"
DEFAULT_CHECKS = PARTS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """baseline create|update [REPO] | audit [FILE], with --output, --checks, --force, --strict."""
    parser.add_argument("action", choices=("create", "update", "audit"),
                        help="create: write a new baseline; update: re-run and refresh it; "
                             "audit: review entries (a terminal) or report stale ones")  # fmt: skip
    parser.add_argument("target", nargs="?", type=Path, metavar="REPO|FILE",
                        help="create, update: the repository (default: .); audit: the file")  # fmt: skip
    parser.add_argument("-o", "--output", type=Path, metavar="FILE",
                        help=f"create, update: the baseline file (default: the config's baseline, else "
                             f"{DEFAULT_FILE} at the repository root)")  # fmt: skip
    parser.add_argument("--checks", type=_checks, metavar="LIST",
                        help=f"comma-separated checks among {','.join(PARTS)} "
                             f"(default: {','.join(DEFAULT_CHECKS)}; update, audit: as created)")  # fmt: skip
    parser.add_argument("--grace-days", type=_grace, metavar="N",
                        help=f"create, update: rotation findings are accepted for N days (default: "
                             f"{store.GRACE_DAYS}; update keeps each entry's day unless given)")  # fmt: skip
    parser.add_argument("--force", action="store_true", help="create: overwrite an existing file")
    parser.add_argument("--strict", action="store_true", help="audit: exit 1 when an entry is stale")
    parser.add_argument("--config", type=Path, metavar="FILE", help="config file")
    parser.add_argument("--rules", type=Path, action="append", default=[], metavar="FILE",
                        help="an extra rule pack (file or directory); repeatable")  # fmt: skip


def _checks(text: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(c.strip() for c in text.split(",") if c.strip()))
    unknown = [c for c in chosen if c not in PARTS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"{text!r}: choose among {', '.join(PARTS)}")
    return chosen


def _grace(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        days = -1
    if not 0 <= days <= 3650:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days (0 to 3650)")
    return days


def run(args: argparse.Namespace, ctx: Context) -> int:
    """Create, update or audit a baseline."""
    if args.action != "audit" and args.strict:
        raise SecretHygieneError(f"baseline {args.action}: --strict is for 'audit'")
    if args.action == "audit":
        if args.output is not None or args.force or args.grace_days is not None:
            raise SecretHygieneError(
                "baseline audit: --output, --force and --grace-days are for create and update"
            )
        return _audit(args, ctx)
    project = git_project(ctx.cwd, args.target, args.config, "baseline")
    path = _path(args, ctx, project, args.output)
    if args.action == "create":
        return _create(args, ctx, project, path)
    return _update(args, ctx, project, path)


def _path(args: argparse.Namespace, ctx: Context, project: Project, given: Path | None) -> Path:
    if given is not None:
        return ctx.cwd / given
    return project.baseline if project.baseline is not None else project.root / DEFAULT_FILE


def _create(args: argparse.Namespace, ctx: Context, project: Project, path: Path) -> int:
    atomic.check_target(path, project.root, given=args.output is not None)  # before the checks run
    if path.exists() and not args.force:
        raise BaselineError(f"{path} exists; use 'baseline update' to refresh it, or --force to replace it")
    checks = args.checks or DEFAULT_CHECKS
    found = _known(_run_checks(args, ctx, project, checks))
    doc = store.build(found, None, checks, today=_today(), grace_days=args.grace_days)
    store.write(path, doc, root=project.root, given=args.output is not None)
    ctx.stdout.write(f"wrote {path}: {len(doc['entries'])} known finding(s) {_by_check(doc['entries'])}\n")
    return 0


def _update(args: argparse.Namespace, ctx: Context, project: Project, path: Path) -> int:
    atomic.check_target(path, project.root, given=args.output is not None)
    old = _ours(path)
    checks = args.checks or tuple(old.get("checks") or DEFAULT_CHECKS)
    found = _known(_run_checks(args, ctx, project, checks))
    doc = store.build(found, old, checks, today=_today(), grace_days=args.grace_days)
    before = {store.entry_key(e) for e in old["entries"]}
    after = {store.entry_key(e) for e in doc["entries"]}
    store.write(path, doc, root=project.root, given=args.output is not None)
    ctx.stdout.write(
        f"updated {path}: {len(after)} known finding(s); {len(after & before)} kept with their review "
        f"status, {len(after - before)} new (unreviewed), {len(before - after)} stale dropped\n"
    )
    return 0


def _audit(args: argparse.Namespace, ctx: Context) -> int:
    path = ctx.cwd / args.target if args.target is not None else None
    project = git_project(ctx.cwd, path.parent if path is not None else None, args.config, "baseline audit")
    path = path or _path(args, ctx, project, None)
    doc = _ours(path)
    checks = args.checks or tuple(doc.get("checks") or DEFAULT_CHECKS)
    repo = gitrepo.open_repo(project.root)
    audit = _run_checks(args, ctx, project, checks, repo)
    entries: list[dict[str, Any]] = doc["entries"]
    if _interactive(ctx):
        # As in the baseline, a finding in the work tree wins over the same one in a commit.
        ordered = sorted(_known(audit), key=lambda f: f.commit is None)
        current = {(f.rule_id, f.path, f.fingerprint): f for f in ordered}
        try:
            done = walk(
                entries, current, lambda f: _source(project, repo, f), audit.engine, (ctx.stdin, ctx.stdout)
            )
        finally:
            store.write(path, doc, root=project.root, given=args.target is not None)
        ctx.stdout.write(
            f"\nmarked {done.real} real, {done.false_positive} false positive; "
            f"{done.left} left unreviewed; saved {path}\n"
        )
        return 0
    return _report(args, ctx, path, entries, _known(audit))


def _report(
    args: argparse.Namespace, ctx: Context, path: Path, entries: list[dict[str, Any]], found: list[Finding]
) -> int:
    stale = store.stale(entries, found)
    counts = store.status_counts(entries)
    listed = {store.entry_key(e) for e in entries}
    new = {(f.rule_id, f.path, f.fingerprint) for f in found} - listed
    for e in stale:
        line = f":{e['line']}" if e.get("line") else ""
        ctx.stdout.write(
            f"stale: {e.get('rule_id')} {e.get('path')}{line} ({e.get('check')}): no longer found\n"
        )
    today = _today().isoformat()
    for e in entries:
        if str(e.get("accepted_until", "9999")) < today:
            ctx.stdout.write(
                f"expired: {e.get('rule_id')} {e.get('path')} was accepted until {e['accepted_until']}; "
                "it fails again until the key is rotated\n"
            )
    summary = ", ".join(f"{n} {status}" for status, n in counts.items())
    ctx.stdout.write(f"{path}: {len(entries)} entries ({summary}); {len(stale)} stale\n")
    if new:
        ctx.stdout.write(
            f"{len(new)} current finding(s) not in the baseline (run 'baseline update' to add them)\n"
        )
    if stale:
        ctx.stdout.write("run 'secret-hygiene baseline update' to drop the stale entries\n")
    return 1 if stale and args.strict else 0


def _today() -> date:
    return datetime.now(timezone.utc).date()


def _interactive(ctx: Context) -> bool:
    return is_terminal(ctx.stdin)


def _run_checks(
    args: argparse.Namespace,
    ctx: Context,
    project: Project,
    checks: tuple[str, ...],
    repo: gitrepo.Repo | None = None,
) -> Audit:
    repo = repo or gitrepo.open_repo(project.root)
    return collect(
        project,
        repo,
        Options(parts=checks),
        stderr=ctx.stderr,
        environ=ctx.environ,
        extra=extra_rules(args, ctx),
    )


def _known(audit: Audit) -> list[Finding]:
    """What a baseline records: every part's findings before merging (so `scan`, `history`, `env`
    and `audit` given the baseline all find theirs), less informational notes."""
    return [f for f in audit.raw if f.level != "note"]


def _ours(path: Path) -> dict[str, Any]:
    doc = store.read(path)
    if store.is_detect_secrets(doc):
        raise BaselineError(
            f"{path} is a detect-secrets baseline: scans accept it as --baseline, but review it with "
            "'detect-secrets audit', or run 'secret-hygiene baseline create' to start one of ours"
        )
    store.entries_of(path, doc)
    return doc


def _by_check(entries: list[dict[str, Any]]) -> str:
    counts: dict[str, int] = {}
    for e in entries:
        label = "history" if e.get("commit") and e.get("check") == "leak" else str(e.get("check"))
        counts[label] = counts.get(label, 0) + 1
    return "(" + ", ".join(f"{c}: {n}" for c, n in counts.items()) + ")" if counts else ""


def _source(project: Project, repo: gitrepo.Repo, f: Finding) -> bytes | None:
    """The bytes of the file a finding is in: at its commit for a history finding, else on disk."""
    if f.commit:
        try:
            return gitrepo.run_bytes(repo, "show", f"{f.commit}:{f.path}")
        except GitError:
            return None
    blob = read_file(project.root, f.path, project.config.max_file_size)
    return None if isinstance(blob, Skipped) else blob.data
