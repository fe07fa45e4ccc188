"""Inline allow comments (baseline subtraction lives in baseline.py)."""

from __future__ import annotations

ALLOW_MARKERS = (b"secret-hygiene: allow", b"pragma: allowlist secret")


def line_allowed(line: bytes, previous: bytes = b"") -> bool:
    """True when the line, or the line above it, carries an allow comment."""
    return any(m in line or m in previous for m in ALLOW_MARKERS)
