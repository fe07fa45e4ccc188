"""Encoded text inside a blob: base64 runs (standard and URL-safe) and JWT segments.

A key is often stored encoded: a PEM private key base64-encoded into an environment variable
or a Kubernetes Secret, an access key inside a JWT's payload, one base64 inside another. The
engine (scanner.py) asks `encoded_runs` for the runs of a blob whose decoded bytes are text,
scans that text with the same rules, and reports what it finds at the encoded run's place,
with the detail `decoded` saying how it was decoded. The engine bounds the depth (config
`decode-depth`, default 2, as gitleaks' decode depth); this module bounds the cost:

- only runs of MIN_RUN or more base64 characters are looked at, delimited by characters
  outside both alphabets (a JWT's dots split it into its segments), and only those whose
  leading 4-character groups can encode ASCII (checked without decoding);
- each run's first HEAD_CHARS characters are decoded first, and the run is dropped unless
  they decode to UTF-8 text that is mostly printable: a multi-megabyte image or data URI
  costs one small decode, not a large one;
- a run longer than MAX_RUN is not decoded (no key is that long; a bundle or image is), and
  a blob stops being decoded once BLOB_BUDGET decoded bytes have been produced.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

DEFAULT_DEPTH = 2
MIN_RUN = 24  # 18 decoded bytes: shorter runs hold no key worth the decode
HEAD_CHARS = 512
MAX_RUN = 256 * 1024
BLOB_BUDGET = 1024 * 1024
PRINTABLE_SHARE = 0.95

_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_"
# Runs are found in a copy of the blob where base64 characters read `a` and all others a line
# feed: bytes.find then does in C what a regex would do a character at a time (7x faster).
_MASK = bytes(0x61 if i in _ALPHABET else 0x0A for i in range(256))
_NEEDLE = b"a" * MIN_RUN
# The first character of each 4-character group encodes the top 6 bits of a byte; a byte of
# ASCII text is below 0x80, so that character is A-Z or a-f. A run with more than a tenth of
# its first groups starting elsewhere is not base64 of ASCII text (an identifier, a hash, a
# path): it is dropped without being decoded.
_QUAD_START = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef"
QUADS_CHECKED = 64
_STRICT = MIN_RUN // 4  # the first groups of a run must all pass
# The same test as a hyperscan pattern, for the prefilter's single pass over a blob
# (prefilter.py): a run start, then _STRICT groups that can each start with an ASCII byte. It
# matches once per qualifying run, ending MIN_RUN bytes after the run's start.
START_PATTERN = rb"(?:^|[^A-Za-z0-9+/_\-])" + rb"[A-Za-f][A-Za-z0-9+/_\-]{3}" * _STRICT
_TAIL = re.compile(rb"[A-Za-z0-9+/_\-]*")
# Control characters other than tab, line feed, carriage return: binary when there are many.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
_JWT_HEADER = re.compile(rb"eyJ[A-Za-z0-9_\-]{8,}\.\Z")


@dataclass(frozen=True)
class Decoded:
    """One encoded run of a blob and the text it decodes to."""

    start: int  # offset of the run in the blob
    end: int
    kind: str  # "base64" or "jwt"
    text: bytes  # UTF-8


def encoded_runs(
    data: bytes, starts: Sequence[int] | None = None, budget: int = BLOB_BUDGET
) -> Iterator[Decoded]:
    """The runs of `data` that decode to printable text, at most `budget` decoded bytes in all.

    `starts`: where candidate runs start, as the prefilter's START_PATTERN found them; without
    it (no hyperscan) the runs are found here, with the same answer.
    """
    spent = 0
    for start, end in _runs(data) if starts is None else _runs_at(data, starts):
        if end - start > MAX_RUN:
            continue
        run = data[start:end]
        if len(run) > HEAD_CHARS and _text(run[:HEAD_CHARS]) is None:
            continue
        text = _text(run)
        if text is None:
            continue
        spent += len(text)
        if spent > budget:
            return
        yield Decoded(start, end, _kind(data, start), text)


def _runs(data: bytes) -> Iterator[tuple[int, int]]:
    """(start, end) of each candidate run: MIN_RUN or more base64 characters, `=` padding
    included, whose leading 4-character groups can start groups of ASCII bytes (one loop: it
    runs for every long word of every file, so it does the least Python work it can)."""
    mask = data.translate(_MASK)
    find = mask.find
    size = len(data)
    pos = find(_NEEDLE)
    while pos >= 0:
        end = find(b"\n", pos + MIN_RUN)
        end = size if end < 0 else end
        if not data[pos : pos + MIN_RUN : 4].translate(None, _QUAD_START) and _ascii_head(data, pos, end):
            yield pos, _padded(data, end)
        pos = find(_NEEDLE, end)


def _runs_at(data: bytes, starts: Sequence[int]) -> Iterator[tuple[int, int]]:
    """(start, end) of the candidate runs starting at `starts` (see _runs)."""
    for pos in starts:
        m = _TAIL.match(data, pos)
        end = m.end() if m else pos
        if _ascii_head(data, pos, end):
            yield pos, _padded(data, end)


def _ascii_head(data: bytes, start: int, end: int) -> bool:
    """Whether at most a tenth of the run's first QUADS_CHECKED groups cannot start with ASCII."""
    firsts = data[start : min(end, start + 4 * QUADS_CHECKED) : 4]
    return len(firsts.translate(None, _QUAD_START)) <= len(firsts) // 10


def _padded(data: bytes, end: int) -> int:
    """The end of a run with its `=` padding (at most two)."""
    stop = end
    while stop < len(data) and stop - end < 2 and data[stop] == 0x3D:
        stop += 1
    return stop


def _text(run: bytes) -> bytes | None:
    """The decoded bytes of a base64 run when they are mostly printable UTF-8 text, else None."""
    raw = _b64decode(run)
    if raw is None or len(raw) < MIN_RUN * 3 // 4 - 2:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        # A head cut inside a multi-byte character: judge the whole characters before it.
        try:
            text = raw[:-3].decode("utf-8") if len(raw) > 3 else ""
        except UnicodeDecodeError:
            return None
        if not text:
            return None
    if len(_CONTROL.findall(text)) > (1 - PRINTABLE_SHARE) * len(text):
        return None
    if not any(c.isalnum() for c in text):
        return None
    return raw


def _b64decode(run: bytes) -> bytes | None:
    """Standard or URL-safe base64, padded or not; None for a run that is neither."""
    body = run.rstrip(b"=")
    standard = b"+" in body or b"/" in body
    if standard and (b"-" in body or b"_" in body):
        return None  # both alphabets: an identifier or a path, not base64
    body = body[: len(body) - len(body) % 4] if len(body) % 4 == 1 else body
    body += b"=" * (-len(body) % 4)
    try:
        if standard:
            return base64.b64decode(body, validate=True)
        return base64.urlsafe_b64decode(body)
    except (binascii.Error, ValueError):
        return None


def _kind(data: bytes, start: int) -> str:
    """ "jwt" for the payload segment of a JWT (a run after `eyJ...` and a dot), else "base64"."""
    if start and data[start - 1 : start] == b".":
        head = data[max(0, start - 2048) : start]
        if _JWT_HEADER.search(head):
            return "jwt"
    return "base64"
