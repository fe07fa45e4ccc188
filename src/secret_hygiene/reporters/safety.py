"""The last guard before anything is printed: redaction and escaping shared by every reporter.

Strings in a report come from the scanned repository (paths, env-variable names, commit messages,
notes naming files), and a checker upstream can miss one: `guard` runs the leak rules over every
field a reporter prints and redacts what any rule matches. `printable` makes a string safe for a
line-oriented output: no line breaks, no terminal escapes, no undecodable bytes, and under GitHub
Actions nothing that the runner would read as a workflow command (`::`, `%`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from secret_hygiene.engine.scanner import Engine, redact
from secret_hygiene.explain import Dropped
from secret_hygiene.model import Finding, Report, Skipped

# C0/C1 controls, DEL, Unicode line/paragraph separators and bidi overrides (a name that reorders
# the rest of the line), and lone surrogates (bytes of a non-UTF-8 file name, see sources/git.py).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(m: re.Match[str]) -> str:
    char = m.group(0)
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, workflow: bool = False) -> str:
    """`text` on one line, escaped; with `workflow`, nothing GitHub's runner would act on."""
    text = _UNPRINTABLE.sub(_escape_char, text)
    if workflow:
        text = text.replace("%", "%25").replace("::", "%3A%3A")
    return text


class Redactor:
    """Redacts every span a rule matches in a string; one per report, remembering repeats."""

    def __init__(self, engine: Engine | None = None) -> None:
        self._engine = engine
        self._seen: dict[str, str] = {}

    def engine(self) -> Engine:
        """The engine given, or the built-in rule packs (loaded only when something is checked)."""
        if self._engine is None:
            from secret_hygiene.engine.rules import load_rules  # only a report with text pays for the rules

            self._engine = Engine(load_rules())
        return self._engine

    def __call__(self, text: str) -> str:
        if text not in self._seen:
            self._seen[text] = redact_spans(text, self.engine())
        return self._seen[text]


def redact_spans(text: str, engine: Engine) -> str:
    """`text` with every span any rule matches replaced by its redacted preview."""
    data = text.encode("utf-8", "surrogateescape")
    found = engine.prefilter.candidates(data).items()
    spans = sorted((h.start, h.end) for ri, w in found for h in engine._matches(ri, data, w))
    if not spans:
        return text
    out: list[bytes] = []
    done = 0
    for start, end in spans:
        start = max(start, done)
        if end <= start:
            continue
        preview = redact(data[start:end].decode("utf-8", "surrogateescape"))
        out += [data[done:start], preview.encode("utf-8", "surrogateescape")]
        done = end
    out.append(data[done:])
    return b"".join(out).decode("utf-8", "surrogateescape")


def guard(report: Report, engine: Engine | None = None, escape: Callable[[str], str] | None = None) -> Report:
    """The report every reporter prints: rule-matched spans redacted in every field that can hold
    text from the repository (path, message, details such as the fix text, notes, skip records),
    then `escape` (for example `printable`) applied to the same fields."""
    redactor = report.redact or Redactor(engine)

    def clean(text: str) -> str:
        text = redactor(text)
        return escape(text) if escape is not None else text

    def escaped(text: str) -> str:
        return escape(text) if escape is not None else text

    return replace(
        report,
        findings=tuple(_finding(f, clean, escaped) for f in report.findings),
        skipped=tuple(_skipped(s, clean) for s in report.skipped),
        notes=tuple(clean(n) for n in report.notes),
        dropped=None
        if report.dropped is None
        else tuple(_dropped(d, clean, escaped) for d in report.dropped),
    )


def _dropped(d: Dropped, clean: Callable[[str], str], escaped: Callable[[str], str]) -> Dropped:
    """An --explain record: its path cleaned like a finding's; names and the preview only escaped."""
    return replace(
        d, path=clean(d.path), rule_id=escaped(d.rule_id), name=escaped(d.name), detail=escaped(d.detail),
        secret=escaped(d.secret),
    )  # fmt: skip


def _finding(f: Finding, clean: Callable[[str], str], escaped: Callable[[str], str]) -> Finding:
    """Text that can come from the repository is cleaned; the rule id (a rule's name, which the
    generic rules would take for a token) and the preview (made by scanner.redact) only escaped."""
    details = tuple((key, clean(value)) for key, value in f.details)
    secret = escaped(f.secret) if f.secret is not None else None
    return replace(
        f, path=clean(f.path), message=clean(f.message), details=details, secret=secret,
        rule_id=escaped(f.rule_id),
    )  # fmt: skip


def _skipped(s: Skipped, clean: Callable[[str], str]) -> Skipped:
    return replace(s, path=clean(s.path), reason=clean(s.reason))


def json_text(text: str, *, workflow: bool) -> str:
    """Serialized JSON as printed: under GitHub Actions no `::` even inside a string (the same
    document once parsed; a colon written as \\u003a)."""
    return text.replace("::", ":\\u003a") if workflow else text
