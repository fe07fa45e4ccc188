"""Hypothesis properties of the dotenv reader (env/templates.py parse, decode, check_template).

Whatever bytes an env file or template holds: reading never raises, a name is always a variable
name (never a pasted token), a value spans lines only when it is quoted, and a key planted as a
value among arbitrary lines is found and never shown whole.
(The notebook reader's properties are in tests/sources/test_formats.py, the prefilter windows' in
tests/engine/test_prefilter_windows_property.py.)
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from secret_hygiene.engine.rules import load_rules
from secret_hygiene.engine.scanner import Engine
from secret_hygiene.env.templates import check_template, decode, parse
from secret_hygiene.model import Finding, Skipped

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
# Lines an env file really holds, and the characters that trip a parser: quotes, escapes, `=`,
# `#`, `export`, line breaks of every kind, a BOM, NUL.
PIECES = st.sampled_from(
    [
        "A",
        "_",
        "=",
        "'",
        '"',
        "\\",
        "#",
        " ",
        "\t",
        "\n",
        "\r\n",
        "\r",
        "export ",
        "$",
        "{",
        "}",
        "\ufeff",
        "\0",
        "é",
    ]
)
LINE = st.one_of(
    st.text(st.characters(codec="utf-8"), max_size=40),
    st.lists(PIECES, max_size=12).map("".join),
    st.builds(
        lambda k, v: f"{k}={v}", st.from_regex(NAME, fullmatch=True), st.text(ALNUM + " '\"#", max_size=20)
    ),
)
TEXT = st.lists(LINE, max_size=12).map("\n".join)
SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_rules())


@SETTINGS
@given(TEXT)
def test_parse_never_raises_and_yields_only_variable_names(text: str) -> None:
    entries, bad = parse(text)
    lines = re.split(r"\r\n|\n|\r", text)
    for entry in entries:
        assert NAME.fullmatch(entry.key), entry.key
        assert 1 <= entry.line <= entry.end_line <= len(lines)
        if entry.end_line > entry.line:  # only a quoted value runs on to the next line
            assert "'" in lines[entry.line - 1] or '"' in lines[entry.line - 1]
        if entry.value is not None and entry.end_line == entry.line:
            assert "\n" not in entry.value and "\r" not in entry.value
    assert all(line >= 1 for line in bad)


@SETTINGS
@given(st.binary(max_size=300))
def test_decode_never_raises(data: bytes) -> None:
    text = decode(".env", data)
    assert isinstance(text, (str, Skipped))
    if isinstance(text, str):
        parse(text)


@SETTINGS
@given(TEXT, TEXT, st.text(ALNUM, min_size=24, max_size=24), st.sampled_from(["", "export ", "  "]))
def test_a_key_planted_among_arbitrary_lines_is_found_and_redacted(
    engine: Engine, before: str, after: str, body: str, prefix: str
) -> None:
    key = "sk_" + "live_" + body
    # A NUL byte makes the file binary, which the template check skips (scan still reads it).
    before, after = before.replace("\0", ""), after.replace("\0", "")
    # Arbitrary text before can open a quote that swallows the planted line; close any with a
    # line of its own, as a file a human edits would.
    data = f"{before}\n\"'\n{prefix}STRIPE_SECRET_KEY={key}\n{after}\n".encode()
    results = list(check_template(".env.example", data, engine))
    found = [r for r in results if isinstance(r, Finding)]
    assert found, data
    printed = " ".join(f"{f.path} {f.message} {f.secret} {dict(f.details)}" for f in found)
    assert key not in printed


@pytest.mark.parametrize("before", ["\r\rA=", "\rA=", "x\rA=", "A="])
@pytest.mark.parametrize("body", ["0" * 24, "aZ3" * 8])
def test_old_mac_line_ends_above_a_key_do_not_hide_it(engine: Engine, before: str, body: str) -> None:
    """dotenv ends a line at a lone \\r, the engine only at \\n: the key's finding must stay with
    its own line, not go to the empty `A=` above it (found by the property test above)."""
    key = "sk_" + "live_" + body
    data = f"{before}\n\"'\nSTRIPE_SECRET_KEY={key}\n\n".encode()
    found = [r for r in check_template(".env.example", data, engine) if isinstance(r, Finding)]
    assert [(f.check, f.line) for f in found] == [("env-example-value", 3)]


@pytest.mark.parametrize(("text", "line"), [("=\r\nA=1", 2), ("0 0\r\n0\nA=1", 3), ("=\r\n=\r\nB=2\nA=1", 4)])
def test_a_line_after_an_unparsable_crlf_line_keeps_its_number(text: str, line: int) -> None:
    entries, _ = parse(text)
    assert [(e.key, e.line) for e in entries if e.key == "A"] == [("A", line)]
