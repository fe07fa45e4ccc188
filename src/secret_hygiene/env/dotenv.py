"""The one dotenv reader: python-dotenv's parser, with the line numbers an editor shows.

The env check (`env/templates.py`), the rotation check (`rotation/assess.py`) and the key dates
(`rotation/keydates.py`) all read env files through `bindings`, so they agree on what a binding is
and on which line it starts.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from dotenv.parser import parse_stream

NEWLINE = re.compile(r"\r\n|\n|\r")  # as python-dotenv counts lines


@dataclass(frozen=True)
class Binding:
    """One statement of an env file: `KEY=value`, a bare `KEY`, a comment (key None) or an error."""

    key: str | None
    value: str | None = field(repr=False)
    line: int  # 1-based, where the statement starts (after leading blank lines and spaces)
    end_line: int  # the last line of a multi-line value
    column: int  # 1-based column of its first character
    body: str = field(repr=False)  # its text, from the first character on (trailing newline kept)
    error: bool = False


def bindings(text: str) -> Iterator[Binding]:
    """Every statement python-dotenv reads in `text`, with its place in the file."""
    after_cr, extra = False, 0
    for binding in parse_stream(io.StringIO(text)):
        raw = binding.original.string
        lead = raw[: len(raw) - len(raw.lstrip())]
        # python-dotenv ends a line it cannot parse at a lone \r and counts it, so the \n of that
        # \r\n starts the next binding and is counted again, here and in every later line number.
        extra += after_cr and raw.startswith("\n")
        line = binding.original.line + len(NEWLINE.findall(lead)) - extra
        after_cr = raw.endswith("\r")
        body = raw[len(lead) :]
        end = line + len(NEWLINE.findall(body.rstrip("\r\n")))
        last_break = max(lead.rfind("\n"), lead.rfind("\r"))
        yield Binding(binding.key, binding.value, line, end, len(lead) - last_break, body, binding.error)
