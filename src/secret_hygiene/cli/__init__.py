"""argparse subcommands: parse, call, turn the outcome into an exit code."""

from __future__ import annotations

import argparse
import importlib
import io
import os
import sys
import traceback
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import NoReturn, TextIO

from secret_hygiene import __version__, atomic
from secret_hygiene.context import Command, Context, colour
from secret_hygiene.errors import SecretHygieneError
from secret_hygiene.explain import Dropped
from secret_hygiene.model import Report
from secret_hygiene.reporters import REPORTERS
from secret_hygiene.reporters.safety import guard, printable

# Subcommand -> module. Only the module of the command being run is imported: a pre-commit
# hook should not pay for the env, rotation and audit machinery at every commit (issue 7).
COMMANDS: dict[str, str] = {
    "scan": "secret_hygiene.cli.commands.scan",
    "history": "secret_hygiene.cli.commands.history",
    "env": "secret_hygiene.cli.commands.env",
    "rotation": "secret_hygiene.cli.commands.rotation",
    "audit": "secret_hygiene.cli.commands.audit",
    "pre-commit": "secret_hygiene.cli.commands.precommit",
    "baseline": "secret_hygiene.cli.commands.baseline",
    "install-hooks": "secret_hygiene.cli.commands.install_hooks",
    "rules": "secret_hygiene.cli.commands.rules_cmd",
    "org-audit": "secret_hygiene.cli.commands.org_audit",
}

EXIT_OK, EXIT_FOUND, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130


class _Parser(argparse.ArgumentParser):
    """Usage errors are one line on stderr and exit code 2."""

    def error(self, message: str) -> NoReturn:
        where = self.prog.removeprefix("secret-hygiene").strip()
        raise SecretHygieneError(f"{where + ': ' if where else ''}{message} (see --help)")


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command line; with `argv`, only the subcommand it names (all when it names none)."""
    parser = _Parser(prog="secret-hygiene", description="Keep API keys out of git.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subs = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subs.required = True
    named = next((a for a in argv or () if not a.startswith("-")), None)
    for name in [named] if named in COMMANDS else list(COMMANDS):
        module: Command = importlib.import_module(COMMANDS[name])
        sub = subs.add_parser(name, help=module.HELP, description=module.HELP)
        if module.CHECKING:
            add_common(sub)
        module.add_arguments(sub)
        sub.set_defaults(_module=module)
    return parser


def add_common(parser: argparse.ArgumentParser) -> None:
    """The flags every checking command takes (CONTRACT.md)."""
    group = parser.add_argument_group("output")
    group.add_argument(
        "--format", choices=sorted(REPORTERS), help="default: text (github under GitHub Actions)"
    )
    group.add_argument("-o", "--output", type=Path, metavar="FILE", help="write the report to FILE")
    group.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="config file (default: .secret-hygiene.yaml or pyproject.toml)",
    )
    group.add_argument(
        "--baseline", type=Path, metavar="FILE", help="known findings that do not fail the run"
    )
    group.add_argument(
        "-q", "--quiet", action="store_true", help="print nothing when there is nothing to report"
    )
    group.add_argument(
        "-v", "--verbose", action="store_true", help="list skipped files and informational findings"
    )
    group.add_argument("--strict", action="store_true", help="warnings fail the run too (exit 1)")
    group.add_argument(
        "--explain",
        action="store_true",
        help="scan, history, audit, pre-commit: say which filter, check, allow entry or baseline "
        "dropped each candidate value (on stderr; a `dropped` list in JSON); scans in one process",
    )


def main(argv: Sequence[str] | None = None, ctx: Context | None = None) -> int:
    """Run the command line; returns the exit code."""
    ctx = ctx or Context(sys.stdout, sys.stderr, sys.stdin, os.environ, Path.cwd())
    try:
        argv = sys.argv[1:] if argv is None else list(argv)
        args = build_parser(argv).parse_args(argv)
        outcome = args._module.run(args, ctx)
        if isinstance(outcome, int):
            return outcome
        return emit(outcome, args, ctx)
    except SecretHygieneError as exc:
        ctx.stderr.write(f"secret-hygiene: error: {_one_line(str(exc), ctx)}\n")
        return EXIT_ERROR
    except BrokenPipeError:  # the reader went away (| head): nothing more to say
        return EXIT_ERROR
    except KeyboardInterrupt:
        ctx.stderr.write("secret-hygiene: interrupted\n")
        return EXIT_INTERRUPTED
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    except Exception as exc:  # an unexpected exception is a bug: one line, no traceback
        if ctx.environ.get("SECRET_HYGIENE_DEBUG"):
            traceback.print_exc(file=ctx.stderr)
        ctx.stderr.write(
            f"secret-hygiene: internal error: {type(exc).__name__}: {_one_line(str(exc), ctx)} "
            "(set SECRET_HYGIENE_DEBUG=1 for a traceback)\n"
        )
        return EXIT_ERROR


def emit(report: Report, args: argparse.Namespace, ctx: Context) -> int:
    """Render the report (the checks applied the baseline) and return 0 or 1."""
    workflow = ctx.environ.get("GITHUB_ACTIONS") == "true"  # repository text escaped for the runner
    fmt = args.format or ("github" if workflow else "text")
    if getattr(args, "strict", False):
        report = replace(report, strict=True)
    code = EXIT_FOUND if report.failing() else EXIT_OK
    if report.dropped is not None and fmt != "json":
        explain_to(guard(report).dropped or (), ctx)
    if args.quiet and not report.findings and args.output is None:
        return code
    if args.output is not None:
        buffer = io.StringIO()
        REPORTERS[fmt](report, buffer, color=False, verbose=args.verbose, workflow=workflow)
        try:
            atomic.write(ctx.cwd / args.output, buffer.getvalue().encode("utf-8", "surrogateescape"))
        except OSError as exc:
            raise SecretHygieneError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    else:
        color = _color(ctx.stdout, ctx)
        REPORTERS[fmt](report, ctx.stdout, color=color, verbose=args.verbose, workflow=workflow)
    return code


def explain_to(dropped: Sequence[Dropped], ctx: Context) -> None:
    """--explain in text: one line per dropped value on stderr, escaped as reports are."""
    for record in dropped:
        ctx.stderr.write(f"secret-hygiene: {_one_line(record.describe(), ctx)}\n")
    ctx.stderr.write(f"secret-hygiene: explain: {len(dropped)} candidate value(s) dropped\n")


def _one_line(message: str, ctx: Context) -> str:
    """An error message that may name a file from the repository: one line, escaped as reports are."""
    return printable(message, workflow=ctx.environ.get("GITHUB_ACTIONS") == "true")


def _color(stream: TextIO, ctx: Context) -> bool:
    return colour(stream, ctx.environ)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
