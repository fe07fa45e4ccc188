"""Values that flow between the stages: Blob in, Finding and Skipped out, Report at the end."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from secret_hygiene.explain import Dropped

Level = Literal["error", "warning", "note"]


@dataclass(frozen=True)
class Blob:
    """Bytes to scan, from a file, the index or a commit.

    `line_map`, when set, gives the real line number of each line of `data`
    (a history scan feeds only the added lines of a diff); `only_lines`, when
    set, limits reports to those lines (a staged scan feeds the whole staged
    file but reports only what the commit adds).
    """

    path: str
    data: bytes
    commit: str | None = None
    line_map: tuple[int, ...] | None = None
    only_lines: frozenset[int] | None = None
    date: str | None = None


@dataclass(frozen=True)
class Finding:
    """One problem to report. Holds a redacted preview and a fingerprint, never a secret."""

    check: str
    rule_id: str
    path: str
    line: int | None
    column: int | None
    message: str
    fingerprint: str
    secret: str | None = None
    commit: str | None = None
    severity: str = "high"
    level: Level = "error"
    details: tuple[tuple[str, str], ...] = ()
    secret_hash: str | None = field(default=None, compare=False, repr=False)
    # sha1 of other spellings of the same secret (unquoted, the quoted string around it), and of its
    # prefixes (matched on the same line only): how detect-secrets' baselines name it (issue 7).
    secret_hashes: frozenset[str] = field(default=frozenset(), compare=False, repr=False)
    prefix_hashes: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    def detail(self, key: str) -> str | None:
        """The value of one detail, or None."""
        return dict(self.details).get(key)


@dataclass(frozen=True)
class Skipped:
    """A file or blob that was not scanned, and why."""

    path: str
    reason: str
    commit: str | None = None


@dataclass(frozen=True)
class Report:
    """Everything one command found, ready for a reporter."""

    findings: tuple[Finding, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    notes: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    suppressed: int = 0
    scanned: int = 0
    # What was checked, in words ("3 staged file(s), 12 added line(s)"); the text summary says it.
    checked: str = ""
    # The command's own rule engine as a redactor, for the reporters' last guard
    # (reporters/safety.py); None makes the guard load the built-in rules itself.
    redact: Callable[[str], str] | None = field(default=None, compare=False, repr=False)
    # --strict: warnings fail the run too, so every reporter's summary counts them as failing.
    strict: bool = False
    # --explain: every candidate value a filter, check, allow entry or the baseline dropped;
    # None when not asked for (the JSON report then has no `dropped` key).
    dropped: tuple[Dropped, ...] | None = None

    def failing(self) -> tuple[Finding, ...]:
        """Findings that make the run fail (level error; every finding under --strict)."""
        if self.strict:
            return self.findings
        return tuple(f for f in self.findings if f.level == "error")
