"""`secret-hygiene baseline`: registered now, built by its own issue."""

from __future__ import annotations

import argparse

from secret_hygiene.context import Context
from secret_hygiene.errors import SecretHygieneError
from secret_hygiene.model import Report

CHECKING = True
HELP = "baseline (being built)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No arguments yet."""


def run(args: argparse.Namespace, ctx: Context) -> Report | int:
    """Refuses clearly until the command is built."""
    raise SecretHygieneError("'baseline' is not available in this build")
