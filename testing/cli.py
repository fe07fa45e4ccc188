"""The command line called in-process, with captured streams."""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from pathlib import Path

from secret_hygiene.cli import main
from secret_hygiene.context import Context


class Run:
    """The outcome of one in-process CLI call."""

    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


def run_cli(args: list[str], cwd: Path, stdin: str = "", environ: Mapping[str, str] | None = None) -> Run:
    """Call main() in-process with captured streams."""
    out, err = io.StringIO(), io.StringIO()
    env = dict(os.environ if environ is None else environ)
    ctx = Context(out, err, io.StringIO(stdin), env, cwd)
    code = main(args, ctx)
    return Run(code, out.getvalue(), err.getvalue())
