"""The world a command runs in, passed in rather than read from globals."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

from secret_hygiene.model import Report


@dataclass(frozen=True)
class Context:
    """Streams, environment and working directory of one invocation."""

    stdout: TextIO
    stderr: TextIO
    stdin: TextIO
    environ: Mapping[str, str]
    cwd: Path


def is_terminal(stream: object) -> bool:
    """True when `stream` is a terminal (a stream without isatty, a StringIO in a test, is not)."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def colour(stream: object, environ: Mapping[str, str]) -> bool:
    """True when text for `stream` may be coloured: a terminal, and NO_COLOR unset or empty."""
    return not environ.get("NO_COLOR") and is_terminal(stream)


class Command(Protocol):
    """A subcommand module: declares its arguments and runs."""

    CHECKING: bool  # takes --format/--output/--config/--baseline and returns a Report
    HELP: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace, ctx: Context) -> Report | int: ...
