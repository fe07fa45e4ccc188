"""`secret-hygiene org-audit SOURCES...`: audit many repositories, track them in SQLite, report in HTML."""

from __future__ import annotations

import argparse
import io
import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

from secret_hygiene import __version__, atomic
from secret_hygiene.cli.arguments import moment
from secret_hygiene.context import Context
from secret_hygiene.errors import SecretHygieneError
from secret_hygiene.model import Finding, Report
from secret_hygiene.org.work import Outcome

CHECKING = False  # takes the output flags itself: its JSON adds a repository field
HELP = "audit many repositories (paths, directories of repositories, git URLs, @lists) into one report"
FORMATS = ("text", "json", "sarif", "github")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """org-audit SOURCES... [--db FILE] [--html FILE] [--workers N] [--dask ADDRESS] [--cache DIR]."""
    parser.add_argument("sources", nargs="+", metavar="SOURCE",
                        help="a repository path, a directory of repositories, a git URL, "
                             "or @FILE listing them")  # fmt: skip
    parser.add_argument("--db", type=Path, default=Path("secret-hygiene-org.sqlite"), metavar="FILE",
                        help="results database (default: ./secret-hygiene-org.sqlite)")  # fmt: skip
    parser.add_argument("--html", type=Path, metavar="FILE", help="write the HTML report to FILE")
    parser.add_argument(
        "--workers", type=_positive, metavar="N", help="local worker processes (default: CPUs)"
    )
    parser.add_argument(
        "--dask", metavar="ADDRESS", help="run one task per repository on this Dask scheduler"
    )
    parser.add_argument("--cache", type=Path, metavar="DIR", help="where remote repositories are mirrored")
    parser.add_argument(
        "--full", action="store_true", help="rescan every repository whole, even unchanged ones"
    )
    parser.add_argument("--now", type=moment, metavar="DATE", help="judge key ages as of DATE (default: now)")
    parser.add_argument("--format", choices=FORMATS, help="default: text (github under GitHub Actions)")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="write the report to FILE")
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="print nothing when there is nothing to report"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="list informational findings")
    parser.add_argument("--strict", action="store_true", help="warnings fail the run too")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def run(args: argparse.Namespace, ctx: Context) -> int:
    """Audit every source, record the run, write the reports; 0, 1, or 2 when none could be audited."""
    from secret_hygiene.org import fanout, results, store, targets

    if args.workers is not None and args.dask is not None:
        raise SecretHygieneError("org-audit: --workers and --dask are alternatives; give one")
    found = targets.expand(args.sources, ctx.cwd)
    if not found:
        raise SecretHygieneError("org-audit: the sources name no repository")
    now: datetime = args.now or datetime.now(timezone.utc)
    db = store.open_db(ctx.cwd / args.db)
    try:
        previous = {} if args.full else store.previous_heads(db)
        progress = fanout.Progress(ctx.stderr, len(found), ctx.environ)
        started = datetime.now(timezone.utc).isoformat(timespec="seconds")
        outcomes = fanout.run_all(
            found, cache=str(_cache(args, ctx)), now=now.isoformat(), previous=previous,
            workers=args.workers or fanout.default_workers(), dask=args.dask, done=progress,
        )  # fmt: skip
        progress.close()
        outcomes = [results.complete(db, o) for o in outcomes]
        finished = datetime.now(timezone.utc).isoformat(timespec="seconds")
        run_id, changes = store.record_run(db, started, finished, __version__, outcomes)
        if args.html is not None:
            _write(ctx.cwd / args.html, _html(db))
    finally:
        db.close()
    report = results.report(outcomes, changes, run_id)
    return _emit(args, ctx, report, outcomes)


def _cache(args: argparse.Namespace, ctx: Context) -> Path:
    if args.cache is not None:
        given: Path = args.cache
        return ctx.cwd / given
    from secret_hygiene.engine import cache

    base: Path = cache.cache_dir()
    return base / "mirrors"


def _html(db: sqlite3.Connection) -> str:
    from secret_hygiene.org import html

    return html.render(db)


def _write(path: Path, text: str) -> None:
    """Every file the tool writes goes through atomic.write (given on the command line)."""
    try:
        atomic.write(path, text.encode("utf-8", "surrogateescape"))
    except OSError as exc:
        raise SecretHygieneError(f"cannot write {path}: {exc.strerror or exc}") from None


def _emit(args: argparse.Namespace, ctx: Context, report: Report, outcomes: Sequence[Outcome]) -> int:
    from secret_hygiene.org.results import audited, exit_code

    workflow = ctx.environ.get("GITHUB_ACTIONS") == "true"
    fmt = args.format or ("github" if workflow else "text")
    code = exit_code(report, audited(outcomes), strict=args.strict)
    if code == 2:
        ctx.stderr.write("secret-hygiene: error: org-audit: no repository could be audited (see the notes)\n")
    if args.quiet and not report.findings and args.output is None and code == 0:
        return code
    if args.output is not None:
        buffer = io.StringIO()
        _render(fmt, report, buffer, args.verbose, workflow)
        _write(ctx.cwd / args.output, buffer.getvalue())
    else:
        _render(fmt, report, ctx.stdout, args.verbose, workflow)
    return code


def _render(fmt: str, report: Report, out: TextIO, verbose: bool, workflow: bool = False) -> None:
    if fmt == "json":
        _render_json(report, out, workflow)
        return
    from secret_hygiene.reporters import REPORTERS

    REPORTERS[fmt](report, out, color=False, verbose=verbose)


def _render_json(report: Report, out: TextIO, workflow: bool) -> None:
    from secret_hygiene.reporters.json import finding_dict
    from secret_hygiene.reporters.safety import guard, json_text

    report = guard(report)  # the same last redaction as reporters/json.py: paths can hold keys

    def item(f: Finding) -> dict[str, object]:
        doc = finding_dict(f)
        doc["repository"] = f.detail("repository")
        doc["path"] = f.detail("repository_path") or f.path
        return doc

    doc = {
        "tool": "secret-hygiene",
        "version": __version__,
        "findings": [item(f) for f in report.findings],
        "summary": {
            "checks": list(report.checks),
            "failing": len(report.failing()),
            "warnings": len(report.findings) - len(report.failing()),
            "notes": list(report.notes),
        },
    }
    out.write(json_text(json.dumps(doc, indent=2), workflow=workflow) + "\n")
