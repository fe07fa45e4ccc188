"""Encoded text inside a blob: base64 runs (standard and URL-safe) and JWT segments.

A key is often stored encoded: a PEM private key base64-encoded into an environment variable
or a Kubernetes Secret, an access key inside a JWT's payload, one base64 inside another. The
engine (scanner.py) asks `encoded_runs` for the runs of a blob whose decoded bytes are text,
scans that text with the same rules, and reports what it finds at the encoded run's place,
with the detail `decoded` saying how it was decoded. The engine bounds the depth (config
`decode-depth`, default 2, as gitleaks' decode depth); this module bounds the cost:

- only runs of MIN_RUN or more base64 characters are looked at, delimited by characters
  outside both alphabets (a JWT's dots split it into its segments);
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
from collections.abc import Iterator
from dataclasses import dataclass

DEFAULT_DEPTH = 2
MIN_RUN = 24  # 18 decoded bytes: shorter runs hold no key worth the decode
HEAD_CHARS = 512
MAX_RUN = 256 * 1024
BLOB_BUDGET = 1024 * 1024
PRINTABLE_SHARE = 0.95

# A run starts where no base64 character precedes it; `=` padding ends it.
_RUN = re.compile(rb"(?<![A-Za-z0-9+/_\-])[A-Za-z0-9+/_\-]{%d,}={0,2}" % MIN_RUN)
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


def encoded_runs(data: bytes, budget: int = BLOB_BUDGET) -> Iterator[Decoded]:
    """The runs of `data` that decode to printable text, at most `budget` decoded bytes in all."""
    spent = 0
    for m in _RUN.finditer(data):
        run = m.group()
        if len(run) > MAX_RUN:
            continue
        text = _text(run[:HEAD_CHARS]) if len(run) > HEAD_CHARS else None
        if len(run) > HEAD_CHARS and text is None:
            continue
        text = _text(run)
        if text is None:
            continue
        spent += len(text)
        if spent > budget:
            return
        yield Decoded(m.start(), m.end(), _kind(data, m.start()), text)


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
