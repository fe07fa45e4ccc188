"""Property: the windowed hyperscan pass finds exactly what running every rule on the whole blob finds."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from secret_hygiene.engine.prefilter import _line_windows, _windows
from secret_hygiene.engine.rules import load_rules
from secret_hygiene.engine.scanner import Engine
from secret_hygiene.model import Blob, Finding

RULES = [r for r in load_rules() if r.id.startswith(("generic-", "aws-", "github-", "stripe-", "jwt"))]
FAST, SLOW = Engine(RULES), Engine(RULES, use_hyperscan=False)
PIECES = [e for r in RULES for e in r.examples[:2]] + ["\n", " ", "\t", "=", '"', "x" * 50, "password"]


def _found(engine: Engine, data: bytes) -> list[tuple[str, int | None, int | None, str]]:
    out = engine.scan_blob(Blob("f.txt", data))
    return [(f.rule_id, f.line, f.column, f.fingerprint) for f in out if isinstance(f, Finding)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=25))
def test_windows_lose_no_finding(pieces: list[str]) -> None:
    data = "".join(pieces).encode()
    assert _found(FAST, data) == _found(SLOW, data)


@given(st.binary(max_size=300).map(lambda b: b.replace(b"\r", b"\n")), st.data())
def test_every_end_lies_in_one_window_that_reaches_back_far_enough(data: bytes, draw: st.DataObject) -> None:
    ends = draw.draw(st.lists(st.integers(0, len(data)), max_size=20))
    width = draw.draw(st.integers(1, 40))
    lines = draw.draw(st.integers(0, 3))
    by_width, by_lines = _windows(data, ends, width), _line_windows(data, ends, lines)
    for windows in (by_width, by_lines):
        assert all(a[1] < b[0] for a, b in itertools.pairwise(windows))  # sorted, disjoint
        assert all(data[stop : stop + 1] in (b"\n", b"") for _, stop in windows)  # whole lines
    for end in ends:
        start = next(a for a, b in by_width if a <= end <= b)
        assert start <= max(0, end - width)
        start = next(a for a, b in by_lines if a <= end <= b)
        # every match start whose match holds at most `lines` newlines is inside the window
        assert all(s >= start for s in range(end + 1) if data[s:end].count(b"\n") <= lines)
