"""detect-secrets as a second opinion (issue 3): its plugins and filters over our blobs.

detect-secrets is imported lazily, only when the opt-in flag is on: importing it costs
start-up time every hook run would pay. Its settings are a process-wide singleton, so
every use runs inside `transient_settings`, which restores the previous state on exit.
Like scanner.py this module holds matched secrets in plaintext, and nothing else does:
a Finding carries only a redacted preview, a fingerprint and a hash.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, nullcontext
from types import TracebackType
from typing import Any

from secret_hygiene.engine.scanner import BINARY_SNIFF, fingerprint, redact, sha1_hex
from secret_hygiene.engine.suppress import line_allowed
from secret_hygiene.model import Blob, Finding

PREFIX = "detect-secrets:"
# The file-existence filter checks the disk; our blobs come from memory, the index or history.
_DISK_FILTER = "detect_secrets.filters.common.is_invalid_file"


class SecondOpinion:
    """detect-secrets' default plugins and filters, configured for the life of a `with` block."""

    def __init__(self) -> None:
        self._stack = ExitStack()
        self._names: dict[str, str] = {}

    def __enter__(self) -> SecondOpinion:
        from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
        from detect_secrets.settings import get_filters, transient_settings

        mapping: dict[str, type] = get_mapping_from_secret_type_to_class()
        plugins = [{"name": cls.__name__} for cls in mapping.values()]
        settings = self._stack.enter_context(transient_settings({"plugins_used": plugins}))
        settings.disable_filters(_DISK_FILTER)
        get_filters.cache_clear()
        self._names = {kind: cls.__name__ for kind, cls in mapping.items()}
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stack.close()

    def scan_blob(self, blob: Blob, ours: Iterable[Finding] = ()) -> list[Finding]:
        """detect-secrets' findings in one blob, less those on a line we already report."""
        taken = {f.line for f in ours if f.path == blob.path and f.commit == blob.commit}
        found: dict[int | None, list[Finding]] = {}
        for line, column, kind, secret in _potential(blob):
            finding = self._finding(blob, line, column, kind, secret)
            if finding is not None and finding.line not in taken:
                found.setdefault(finding.line, []).append(finding)
        return [f for group in found.values() for f in _unique(group)]

    def _finding(self, blob: Blob, line: int, column: int, kind: str, secret: str) -> Finding | None:
        if blob.only_lines is not None and line not in blob.only_lines:
            return None
        if blob.line_map is not None and line <= len(blob.line_map):
            line = blob.line_map[line - 1]
        name = self._names.get(kind) or _slug(kind)
        rule_id = PREFIX + name
        return Finding(
            check="leak",
            rule_id=rule_id,
            path=blob.path,
            line=line,
            column=column,
            message=f"{kind} (detect-secrets)",
            fingerprint=fingerprint(rule_id, secret),
            secret=redact(secret),
            commit=blob.commit,
            severity="medium",
            details=(("family", "detect-secrets"), ("provider", kind)),
            secret_hash=sha1_hex(secret),
        )


def if_asked(asked: bool) -> AbstractContextManager[SecondOpinion | None]:
    """A SecondOpinion to use in a scan loop's `with`, or None when it was not asked for."""
    return SecondOpinion() if asked else nullcontext(None)


def second_opinion(blobs: Iterable[Blob], ours: Sequence[Finding] = ()) -> list[Finding]:
    """detect-secrets' findings in `blobs`, less any on a line that `ours` already reports."""
    out: list[Finding] = []
    with SecondOpinion() as opinion:
        for blob in blobs:
            out.extend(opinion.scan_blob(blob, ours))
    return out


def _potential(blob: Blob) -> Iterator[tuple[int, int, str, str]]:
    """(line, column, type, secret) of what detect-secrets reports, as its `scan` would."""
    from detect_secrets.core.scan import _is_filtered_out, _process_line_based_plugins
    from detect_secrets.transformers import get_transformed_file

    if b"\0" in blob.data[:BINARY_SNIFF]:
        return
    try:
        text = blob.data.decode("utf-8")
    except UnicodeDecodeError:
        return  # detect-secrets ignores undecodable files too
    if _is_filtered_out(required_filter_parameters=["filename"], filename=blob.path):
        return
    original = text.splitlines()
    for eager in (False, True):
        lines = _transformed(get_transformed_file, text, blob.path, eager)
        if lines is None and eager:
            return
        numbered = list(enumerate(lines if lines is not None else text.splitlines(True), start=1))
        found = [
            (s.line_number, s.type, s.secret_value) for s in _process_line_based_plugins(numbered, blob.path)
        ]
        secrets: list[tuple[int, str, str]] = [(n, t, v) for n, t, v in found if v]
        hits = [_hit(original, n, t, v) for n, t, v in secrets]
        kept = [h for h in hits if not _allowed(original, h[0])]
        if secrets:  # detect-secrets tries the eager transformers only when nothing was found
            yield from kept
            return


def _transformed(transform: Any, text: str, path: str, eager: bool) -> list[str] | None:
    handle = io.StringIO(text)
    handle.name = path  # transformers choose by file name
    lines: list[str] | None = transform(handle, use_eager_transformers=eager)
    return lines


def _hit(original: list[str], line: int, kind: str, secret: str) -> tuple[int, int, str, str]:
    text = original[line - 1] if 0 < line <= len(original) else ""
    index = text.find(secret)
    return line, (len(text[:index]) + 1 if index >= 0 else 1), kind, secret


def _allowed(original: list[str], line: int) -> bool:
    """Our own allow comments (`secret-hygiene: allow`) hold for their findings too."""
    here = original[line - 1] if 0 < line <= len(original) else ""
    previous = original[line - 2] if 1 < line <= len(original) + 1 else ""
    return line_allowed(here.encode("utf-8"), previous.encode("utf-8"))


def _unique(group: list[Finding]) -> list[Finding]:
    """One finding per secret on a line (several plugins may flag the same value)."""
    seen: dict[str | None, Finding] = {}
    for f in group:
        seen.setdefault(f.secret_hash, f)
    return list(seen.values())


def _slug(kind: str) -> str:
    return "-".join(kind.lower().split())
