"""Scan time stays linear in the input: long lines, many matches, and slow custom rules."""

from __future__ import annotations

import time
from pathlib import Path

from secret_hygiene.engine.prefilter import _line_windows, _windows
from secret_hygiene.engine.rules import load_rules
from secret_hygiene.engine.scanner import MATCH_CAP, Engine
from secret_hygiene.model import Blob, Finding, Skipped

ENGINE = Engine(load_rules())


def _timed(data: bytes) -> tuple[float, list[Finding | Skipped]]:
    start = time.perf_counter()
    out = list(ENGINE.scan_blob(Blob("big.txt", data)))
    return time.perf_counter() - start, out


def test_window_computation_touches_each_byte_a_bounded_number_of_times() -> None:
    """A million match ends on one 4 MB line: one window, found without a search per end."""
    line = b"x" * 4_000_000
    ends = list(range(100, len(line), 4))
    start = time.perf_counter()
    assert _windows(line, ends, 40) == [(0, len(line))]
    assert _line_windows(line, ends, 2) == [(0, len(line))]
    assert time.perf_counter() - start < 10  # was hours: a search to the line's ends per end


def test_windows_are_whole_lines_reaching_back_the_width_or_the_newlines() -> None:
    data = b"aaaa\nbbbb\ncccc\ndddd"
    assert _windows(data, [12], 2) == [(9, 14)]
    assert _windows(data, [12], 6) == [(4, 14)]
    assert _line_windows(data, [12], 0) == [(9, 14)]
    assert _line_windows(data, [12], 1) == [(4, 14)]
    assert _line_windows(data, [2, 12], 0) == [(0, 4), (9, 14)]
    assert _line_windows(data, [2, 7], 0) == [(0, 9)]


def test_a_long_line_of_key_prefixes_scans_in_linear_time() -> None:
    """One 4.8 MB line of `AKIA` took 234 s; twice the size must take about twice the time."""
    unit = b"AK" + b"IA"
    small, _ = _timed(unit * 1_200_000)
    large, _ = _timed(unit * 2_400_000)
    assert small < 30
    assert large < 3 * small + 2


def test_many_matches_on_one_line_are_capped_with_a_note() -> None:
    key = "AK" + "IA" + "IOSFODNN7EXAMPL3"
    elapsed, out = _timed((key + " ").encode() * 60_000)
    findings = [f for f in out if isinstance(f, Finding)]
    notes = [s.reason for s in out if isinstance(s, Skipped)]
    assert elapsed < 30
    assert 0 < len(findings) <= MATCH_CAP + 1
    assert any("partly scanned" in n and "aws-access-key-id" in n for n in notes)


def test_a_backtracking_custom_rule_is_stopped_and_reported(tmp_path: Path) -> None:
    pack = tmp_path / "custom.yaml"
    pack.write_text(
        "rules:\n"
        "  - id: slow-rule\n"
        "    description: backtracks exponentially\n"
        "    regex: '(a|aa)+b'\n"
        "    keywords: [aa]\n"
        "    severity: low\n"
        "    examples: []\n"
    )
    engine = Engine(load_rules([pack], builtin=False), use_hyperscan=False)
    start = time.perf_counter()
    first = list(engine.scan_blob(Blob("a.txt", b"a" * 42)))
    second = list(engine.scan_blob(Blob("b.txt", b"a" * 42)))
    assert time.perf_counter() - start < 15  # 99 s before
    assert [s.path for s in first if isinstance(s, Skipped) and "slow-rule" in s.reason] == ["a.txt"]
    assert second == []  # not run again
