"""Format readers: notebooks read as JSON (cells and outputs) and UTF-16/32 text, in every source."""

from __future__ import annotations

import codecs
import json
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from secret_hygiene.engine.rules import load_rules
from secret_hygiene.engine.scanner import Engine
from secret_hygiene.model import Blob, Finding, Skipped
from secret_hygiene.sources.formats import decode_line, decode_string, decode_wide, notebook_view
from testing import commit, fake, git, github_token, run_cli

ENGINE = Engine(load_rules())
UPPER = string.ascii_uppercase + string.digits


def found(path: str, data: bytes) -> list[Finding]:
    return [f for f in ENGINE.scan_blob(Blob(path, data)) if isinstance(f, Finding)]


def trading_lines(seed: int) -> tuple[list[str], list[str]]:
    """Cell lines of a trading notebook, double-quoted as notebooks write them, and their keys."""
    alpaca_id, alpaca_secret = fake("AK", 18, UPPER, seed=seed), fake("", 40, seed=seed + 1)
    binance_key, binance_secret = fake("", 64, seed=seed + 2), fake("", 64, seed=seed + 3)
    lines = [
        "import alpaca_trade_api as tradeapi\n",
        f'api = tradeapi.REST("{alpaca_id}", "{alpaca_secret}", "https://api.alpaca.markets")\n',
        "import ccxt\n",
        f'exchange = ccxt.binance({{"apiKey": "{binance_key}", "secret": "{binance_secret}"}})\n',
        "from binance.client import Client\n",
        f'client = Client("{binance_key}", "{binance_secret}")',
    ]
    return lines, [alpaca_id, alpaca_secret, binance_key, binance_secret]


def notebook(cells: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "cells": cells,
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def code(source: list[str] | str, outputs: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "execution_count": 1,
        "metadata": {},
        "outputs": outputs or [],
        "source": source,
    }


def at(text: str, f: Finding) -> str:
    """The file's text from a finding's line and column on."""
    assert f.line is not None and f.column is not None
    return text.split("\n")[f.line - 1][f.column - 1 :]


def trading_notebook(seed: int) -> tuple[str, list[str], list[str], str]:
    """(notebook text, its code lines, the keys, a token printed only in an output)."""
    lines, keys = trading_lines(seed)
    printed = github_token(seed)
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Strategy\n", 'Keys "inline" for now.']},
        code(lines[:2]),
        code(lines[2:4], [{"name": "stdout", "output_type": "stream", "text": ["connected\n"]}]),
        code(lines[4:]),
        code(
            ["import os\n", 'os.environ["GH_TOKEN"]'],
            [
                {
                    "data": {"text/plain": [f"'{printed}'"]},
                    "execution_count": 5,
                    "metadata": {},
                    "output_type": "execute_result",
                }
            ],
        ),
        code(
            ["1 / 0"],
            [
                {
                    "ename": "ZeroDivisionError",
                    "evalue": "division by zero",
                    "output_type": "error",
                    "traceback": ["\u001b[0;31m----\u001b[0m", "\u001b[0;31mZeroDivisionError\u001b[0m"],
                }
            ],
        ),
    ]
    return json.dumps(notebook(cells), indent=1) + "\n", lines, keys, printed


def test_double_quoted_calls_in_cells_are_found_as_in_a_py_file() -> None:
    text, lines, keys, _ = trading_notebook(10)
    in_py = found("bot.py", "".join(lines).encode())
    in_nb = found("bot.ipynb", text.encode())
    assert in_py, "the .py spelling must be found for the parity check to mean anything"
    assert sorted(f.rule_id for f in in_nb if f.rule_id != "github-classic-personal-access-token") == sorted(
        f.rule_id for f in in_py
    )
    for f in in_nb:
        assert any(at(text, f).startswith(k) for k in [*keys, "gh" + "p_"]), f


def test_a_key_printed_in_an_output_is_found_at_its_line() -> None:
    text, _, _, printed = trading_notebook(11)
    (f,) = [f for f in found("bot.ipynb", text.encode()) if f.rule_id.startswith("github")]
    assert at(text, f).startswith(printed) and '"text/plain"' in text.split("\n")[f.line - 2]  # type: ignore[operator]  # line is set


def test_a_one_line_notebook_maps_every_finding_to_line_one_and_its_column() -> None:
    text, _, keys, printed = trading_notebook(12)
    flat = json.dumps(json.loads(text))
    results = found("bot.ipynb", flat.encode())
    assert {f.line for f in results} == {1} and len(results) == len(found("bot.ipynb", text.encode()))
    for f in results:
        assert any(flat[f.column - 1 :].startswith(k) for k in [*keys, printed])  # type: ignore[operator]  # column is set


def test_a_cell_source_as_one_string_and_non_ascii_escapes_keep_columns() -> None:
    lines, keys = trading_lines(13)
    source = "# caf\u00e9 \u2603 \U0001f600\n" + "".join(lines)
    text = json.dumps(notebook([code(source)]), indent=1, ensure_ascii=True)
    results = found("bot.ipynb", text.encode())
    assert results and all(any(at(text, f).startswith(k) for k in keys) for f in results)


def test_an_allow_comment_above_a_cell_line_is_honoured() -> None:
    lines, _ = trading_lines(14)
    text = json.dumps(notebook([code(["# secret-hygiene: allow\n", lines[3]])]), indent=1)
    assert found("bot.ipynb", text.encode()) == []


def test_a_notebook_that_is_not_json_is_scanned_as_bytes() -> None:
    token = github_token(15)
    text = '{"cells": [{"source": ["t = \'' + token + "'\\n\"]  <<<<<<< conflict\n"
    (f,) = found("bot.ipynb", text.encode())
    assert at(text, f).startswith(token)


@pytest.mark.parametrize("mode", ["tree", "staged", "history"])
def test_every_source_reads_a_notebook_like_its_py_twin(git_repo: Path, mode: str) -> None:
    text, lines, _, printed = trading_notebook(16)
    files = {"bot.ipynb": text, "bot.py": "".join(lines) + f"\nprint('{printed}')\n"}
    args = ["scan", "--format", "json"]
    if mode == "staged":
        commit(git_repo, {"README.md": "bot\n"})
        for name, content in files.items():
            (git_repo / name).write_text(content)
        git(git_repo, "add", ".")
        args.append("--staged")
    else:
        commit(git_repo, files)
        args = ["history", "--format", "json"] if mode == "history" else args
    result = run_cli(args, git_repo)
    assert result.code == 1, result.err
    report = json.loads(result.out)["findings"]
    by_path = {p: sorted(f["rule_id"] for f in report if f["path"] == p) for p in files}
    if mode != "history":  # history reports a secret once, in one of the files of its commit
        assert by_path["bot.ipynb"] == by_path["bot.py"] and by_path["bot.py"]
    for f in report:
        if f["path"] == "bot.ipynb":
            assert text.split("\n")[f["line"] - 1][f["column"] - 1 :][:1].isalnum()


def test_history_decodes_a_later_notebook_edit_at_its_line(git_repo: Path) -> None:
    lines, keys = trading_lines(17)
    cells = [code(["import pandas as pd\n", "df = pd.DataFrame()"]), code(lines[:2])]
    before = notebook([code(["import pandas as pd\n", "df = pd.DataFrame()"])])
    commit(git_repo, {"bot.ipynb": json.dumps(before, indent=1) + "\n"})
    text = json.dumps(notebook(cells), indent=1) + "\n"
    sha = commit(git_repo, {"bot.ipynb": text})
    result = run_cli(["history", "--format", "json"], git_repo)
    (f,) = json.loads(result.out)["findings"]
    assert f["commit"] == sha
    assert text.split("\n")[f["line"] - 1][f["column"] - 1 :].startswith(keys[1])


# --- UTF-16 / UTF-32 ---


@pytest.mark.parametrize(
    ("codec", "bom"),
    [
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-32-le", codecs.BOM_UTF32_LE),
        ("utf-32-be", codecs.BOM_UTF32_BE),
        ("utf-16-le", b""),
        ("utf-16-be", b""),
    ],
)
def test_utf16_and_utf32_text_is_decoded_with_true_lines_and_columns(codec: str, bom: bytes) -> None:
    token = github_token(20)
    text = f"# settings\r\nname = 'bot'\r\n\r\ntoken = '{token}'\r\n"
    (f,) = found("settings.py", bom + text.encode(codec))
    assert (f.line, f.column) == (4, 10)


def test_binary_with_nuls_is_still_skipped_as_binary() -> None:
    data = bytes(range(256)) * 8
    assert decode_wide(data) is None
    assert [r for r in ENGINE.scan_blob(Blob("a.bin", data)) if isinstance(r, Skipped)] == [
        Skipped("a.bin", "binary")
    ]


def test_a_utf16_file_is_scanned_by_scan_and_scan_staged(git_repo: Path) -> None:
    token = github_token(21)
    data = codecs.BOM_UTF16_LE + f"a = 1\ntoken = '{token}'\n".encode("utf-16-le")
    commit(git_repo, {"README.md": "x\n"})
    (git_repo / "win.ps1").write_bytes(data)
    git(git_repo, "add", "win.ps1")
    staged = run_cli(["scan", "--staged", "--format", "json"], git_repo)
    git(git_repo, "commit", "-qm", "add")
    tree = run_cli(["scan", "--format", "json"], git_repo)
    for result in (staged, tree):
        (f,) = json.loads(result.out)["findings"]
        assert (result.code, f["path"], f["line"], f["column"]) == (1, "win.ps1", 2, 10)


# --- invariants (Hypothesis) ---


@given(st.text(), st.booleans())
def test_decode_string_agrees_with_json(text: str, ascii_only: bool) -> None:
    body = json.dumps(text, ensure_ascii=ascii_only)[1:-1]
    decoded, cols = decode_string(body)
    assert decoded == text and cols is not None and len(cols) == len(decoded)
    assert all(0 <= c < len(body) for c in cols) and cols == sorted(cols)
    assert decode_string(body, None) == (text, None)


@given(st.text(max_size=200))
def test_decode_line_never_fails_and_columns_stay_on_the_line(line: str) -> None:
    line = line.replace("\n", " ")
    decoded = decode_line(line)
    for text, cols in decoded:
        assert cols is not None and len(cols) == len(text) and all(0 <= c < max(len(line), 1) for c in cols)
    assert [text for text, _ in decode_line(line, columns=False)] == [text for text, _ in decoded]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(st.text(max_size=40), max_size=5), min_size=1, max_size=4),
    JSON,
    st.data(),
    st.sampled_from([None, 1, 2]),
    st.booleans(),
)
def test_a_key_planted_in_any_cell_of_any_notebook_is_found_at_its_line(
    sources: list[list[str]], extra: Any, data: st.DataObject, indent: int | None, ascii_only: bool
) -> None:
    token = github_token(data.draw(st.integers(0, 10**6)))
    cell = data.draw(st.integers(0, len(sources) - 1))
    where = data.draw(st.integers(0, len(sources[cell])))
    sources[cell].insert(where, f'token = "{token}"\n')
    nb = notebook([code(s, [{"output_type": "stream", "name": "stdout", "text": s}]) for s in sources])
    nb["metadata"]["extra"] = extra
    text = json.dumps(nb, indent=indent, ensure_ascii=ascii_only)
    results = [f for f in found("n.ipynb", text.encode()) if f.rule_id.startswith("github")]
    count = len(text.split("\n"))
    assert all(f.line is not None and 1 <= f.line <= count for f in results)
    assert any(at(text, f).startswith(token) for f in results)


@settings(max_examples=60, deadline=None)
@given(JSON)
def test_any_json_in_a_notebook_file_scans_without_error(value: Any) -> None:
    text = json.dumps(value, indent=1)
    view = notebook_view(Blob("n.ipynb", text.encode()))
    assert view is not None
    count = len(text.split("\n"))
    assert view.blob.line_map is not None and all(1 <= n <= count for n in view.blob.line_map)
    list(ENGINE.scan_blob(Blob("n.ipynb", text.encode())))


def test_a_notebook_with_a_large_image_output_scans_in_time_and_memory_near_its_size() -> None:
    import base64
    import random
    import time
    import tracemalloc

    image = base64.b64encode(random.Random(5).randbytes(3_000_000)).decode()
    lines, keys = trading_lines(30)
    figure = {
        "output_type": "display_data",
        "metadata": {},
        "data": {"image/png": image, "text/plain": ["<Figure>"]},
    }
    data = (json.dumps(notebook([code(lines, [figure])]), indent=1) + "\n").encode()
    tracemalloc.start()
    started = time.perf_counter()
    results = found("plot.ipynb", data)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert results and all(any(at(data.decode(), f).startswith(k) for k in keys) for f in results)
    assert peak < 8 * len(data), f"peak {peak} bytes for a {len(data)}-byte notebook"
    assert elapsed < 5, f"{elapsed:.1f} s for a {len(data)}-byte notebook"


def test_context_lines_of_a_notebook_never_show_a_key_rules_find_only_decoded() -> None:
    from secret_hygiene.engine.scanner import redacted_lines

    lines, keys = trading_lines(31)
    text = json.dumps(notebook([code([*lines[2:4], "print(exchange)\n"])]), indent=1)
    assert all(k not in "\n".join(redacted_lines(text.encode(), ENGINE)) for k in keys[2:]) is False
    shown = "\n".join(redacted_lines(text.encode(), ENGINE, "bot.ipynb"))
    assert len(shown.split("\n")) == len(text.split("\n"))
    assert all(k not in shown for k in keys[2:]) and "print(exchange)" in shown
    for f in found("bot.ipynb", text.encode()):  # every finding's own line is shown masked
        assert f.line is not None and "*" * 12 in shown.split("\n")[f.line - 1]


def test_masking_covers_whole_escapes_and_surrogate_pairs() -> None:
    body = "ab" + "\\u00e9" + "\\ud83d\\ude00" + '\\"' + "z"  # ab, é, a surrogate pair, ", z
    raw_line = '  "k = ' + body + '\\n"'
    text = '{"source": [\n' + raw_line + "\n]}"
    view = notebook_view(Blob("n.ipynb", text.encode()))
    assert view is not None
    value = 'ab\u00e9\U0001f600"z'.encode()
    start = view.blob.data.index(value)
    masked = view.masked([(start, start + len(value))]).decode().split("\n")[1]
    left = raw_line.index("ab")
    assert masked == raw_line[:left] + "*" * (len(raw_line) - left - 3) + raw_line[-3:]
