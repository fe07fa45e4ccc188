"""The `git log -p` reader: bounded lines read in blocks, and parse() over them."""

from __future__ import annotations

import io
import random
import tracemalloc
from collections.abc import Iterator
from itertools import chain

import pytest

from secret_hygiene.model import Blob, Skipped
from secret_hygiene.sources import patches
from secret_hygiene.sources.patches import CommitStart, line_blocks, parse


def reference_lines(data: bytes, limit: int) -> Iterator[bytes]:
    """line_blocks' contract (its lines flattened), one readline() at a time: each line cut to
    `limit` bytes plus "\\n"."""
    stream = io.BytesIO(data)
    while line := stream.readline(limit):
        if len(line) == limit and not line.endswith(b"\n"):
            while (rest := stream.readline(limit)) and not rest.endswith(b"\n"):
                pass
            line += b"\n"
        yield line


def lines(data: bytes, limit: int, block: int, monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    monkeypatch.setattr(patches, "_BLOCK", block)
    return list(chain.from_iterable(line_blocks(io.BufferedReader(io.BytesIO(data)), limit)))


def test_a_line_longer_than_the_limit_is_cut_even_across_read_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"short\n" + b"x" * 50 + b"\nnext\n"
    for block in (3, 7, 10, 11, 64):
        assert lines(data, 10, block, monkeypatch) == [b"short\n", b"x" * 10 + b"\n", b"next\n"]


def test_a_last_line_without_newline_comes_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    for block in (2, 4, 64):
        assert lines(b"a\nlast", 10, block, monkeypatch) == [b"a\n", b"last"]
        assert lines(b"no newline at all", 100, block, monkeypatch) == [b"no newline at all"]
        assert lines(b"", 10, block, monkeypatch) == []


def test_an_over_long_line_at_the_very_end_is_cut_and_ended(monkeypatch: pytest.MonkeyPatch) -> None:
    for block in (3, 10, 64):
        assert lines(b"a\n" + b"y" * 40, 10, block, monkeypatch) == [b"a\n", b"y" * 10 + b"\n"]
        assert lines(b"a\n" + b"y" * 40 + b"\n", 10, block, monkeypatch) == [b"a\n", b"y" * 10 + b"\n"]
        assert lines(b"y" * 10, 10, block, monkeypatch) == [b"y" * 10 + b"\n"]  # as readline(10) did


def test_crlf_and_a_lone_cr_stay_inside_their_line(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"+a = 1\r\n+b\rc = 2\n \r\n\r\r\n+\x0bd\x0c\x1c\n"
    want = [b"+a = 1\r\n", b"+b\rc = 2\n", b" \r\n", b"\r\r\n", b"+\x0bd\x0c\x1c\n"]
    for block in (1, 2, 5, 64):
        assert lines(data, 100, block, monkeypatch) == want


def test_blocks_and_limits_of_all_sizes_match_one_readline_per_line(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(4)
    for _ in range(300):
        data = bytes(rng.choice(b"ab\r\n\n+") for _ in range(rng.randrange(60)))
        limit, block = rng.randrange(1, 12), rng.randrange(1, 20)
        assert lines(data, limit, block, monkeypatch) == list(reference_lines(data, limit)), (
            data,
            limit,
            block,
        )


class Endless(io.RawIOBase):
    """A raw stream of `size` bytes of one line made on the fly, then "\\nend\\n", never held whole."""

    def __init__(self, size: int) -> None:
        self.left = size
        self.tail = b"\nend\n"

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        n = min(len(buffer), self.left)
        if n:
            buffer[:n] = b"z" * n
            self.left -= n
            return n
        n = min(len(buffer), len(self.tail))
        buffer[:n], self.tail = self.tail[:n], self.tail[n:]
        return n


def test_a_line_of_hundreds_of_megabytes_is_never_held_whole() -> None:
    tracemalloc.start()
    got = list(chain.from_iterable(line_blocks(io.BufferedReader(Endless(200 << 20), 1 << 16), 1 << 20)))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert got == [b"z" * (1 << 20) + b"\n", b"end\n"]
    assert peak < 8 << 20, f"peak {peak} bytes"


PATCH = b"".join(
    [
        b"\0" + b"a" * 40 + b" 2026-01-01T00:00:00+00:00\n",
        b"\n",
        b"diff --git a/new.txt b/new.txt\nnew file mode 100644\nindex 0000000..1111111\n",
        b"--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1,3 @@\n+one\r\n+two\rstill two\n+++three\n",
        b"\\ No newline at end of file\n",
        b"diff --git a/mod.py b/mod.py\nindex 1111111..2222222 100644\n--- a/mod.py\n+++ b/mod.py\n",
        b"@@ -3,3 +3,3 @@ def f():\n ctx\n-old\n+new\n \n@@ -20,2 +20,0 @@\n-gone\n--- not a header\n",
        b"@@ -30,0 +29,2 @@\n+--- added\n+@@ added\n",
        b"\0" + b"b" * 40 + b" 2026-01-02T00:00:00+00:00\n",
        b"\n",
        b"diff --git a/gone.txt b/gone.txt\ndeleted file mode 100644\nindex 3333333..0000000\n",
        b"--- a/gone.txt\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-x\n-y\n",
        b"diff --git a/big.txt b/big.txt\n--- a/big.txt\n+++ b/big.txt\n@@ -0,0 +1,3 @@\n",
        b"+" + b"B" * 30 + b"\n+" + b"B" * 30 + b"\n+" + b"B" * 30 + b"\n",
        b"diff --git a/last.txt b/last.txt\n--- a/last.txt\n+++ b/last.txt\n@@ -1 +1 @@\n-a\n+b",
    ]
)


def test_parse_reads_the_same_whatever_the_read_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    items = list(parse(reference_lines(PATCH, 1000), 70))
    assert [type(i).__name__ for i in items] == [
        "CommitStart",
        "Blob",
        "Blob",
        "CommitStart",
        "Skipped",
        "Blob",
    ]
    _, new, mod, second, big, last = items
    assert isinstance(new, Blob) and isinstance(mod, Blob) and isinstance(last, Blob)
    assert new.data == b"one\r\ntwo\rstill two\n++three\n" and new.line_map == (1, 2, 3)
    assert mod.data == b"ctx\nnew\n\n--- added\n@@ added\n"
    assert mod.line_map == (3, 4, 5, 29, 30) and mod.only_lines == frozenset({2, 4, 5})
    assert second == CommitStart("b" * 40, "2026-01-02T00:00:00+00:00")
    assert big == Skipped("big.txt", "added lines larger than the size cap (over 70 bytes)", "b" * 40)
    assert last.data == b"b" and last.line_map == (1,)
    for block in (1, 5, 16, 100, 1 << 16):
        monkeypatch.setattr(patches, "_BLOCK", block)
        assert list(parse(io.BufferedReader(io.BytesIO(PATCH)), 70)) == items, block


def test_parse_cuts_an_over_long_line_that_spans_read_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(patches, "_BLOCK", 8)
    patch = b"\0" + b"c" * 40 + b" 2026-01-01T00:00:00+00:00\ndiff --git a/f b/f\n@@ -1,2 +1,2 @@\n "
    patch += b"C" * 100 + b"\n-x\n+k = 1\n"
    (_, blob) = parse(io.BufferedReader(io.BytesIO(patch)), 20)
    assert isinstance(blob, Blob)
    assert blob.data == b"C" * 21 + b"\nk = 1\n"  # the context line, cut to the limit less its marker
    assert blob.line_map == (1, 2) and blob.only_lines == frozenset({2})
