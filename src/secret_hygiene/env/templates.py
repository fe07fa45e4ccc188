"""Templates (.env.example and kin) hold placeholders only; drift between .env and its template (issue 5)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from secret_hygiene.engine.scanner import BINARY_SNIFF, Engine, find_in_text, fingerprint, redact, sha1_hex
from secret_hygiene.engine.suppress import line_allowed
from secret_hygiene.env.dotenv import NEWLINE, bindings
from secret_hygiene.env.values import (
    benign,
    non_secret,
    prose,
    public_demo,
    secret_like_name,
    url_passwords,
)
from secret_hygiene.model import Blob, Finding, Level, Skipped

# `KEY= # comment`: python-dotenv keeps "# comment" as the value; shells and node's dotenv read it empty.
_COMMENT_ONLY = re.compile(r"[^=]*=[^\S\r\n]*#")
_FIX = "replace the value with a placeholder (empty, <your-value-here>, changeme); rotate it if it was real"
# A variable name as shells and dotenv readers take it. A line python-dotenv reads as a bare name
# (no `=`) must also look like one, upper-case words: otherwise it is a pasted value (a token), which is
# never printed as a name (see parse and names).
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_BARE_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")
_MARKERS = re.compile(r"(?:^|[.\-_])(?:example|sample|template|dist|defaults|tmpl|tpl)(?=$|[.\-_])", re.I)


@dataclass(frozen=True)
class Entry:
    """One `KEY=value` binding: where it starts (1-based line, column) and ends (multi-line values)."""

    key: str
    value: str | None
    line: int
    end_line: int
    column: int


def parse(text: str) -> tuple[list[Entry], list[int]]:
    """Bindings of an env file (env/dotenv.py), and the lines it could not parse."""
    entries: list[Entry] = []
    bad: list[int] = []
    for binding in bindings(text):
        if binding.error:
            bad.append(binding.line)
            continue
        if binding.key is None or not _is_name(binding.key, binding.value):
            continue
        value = "" if _COMMENT_ONLY.match(binding.body) else binding.value
        entries.append(Entry(binding.key, value, binding.line, binding.end_line, binding.column))
    return entries, bad


def _is_name(key: str, value: str | None) -> bool:
    if value is not None:
        return bool(_NAME.fullmatch(key))
    return bool(_BARE_NAME.fullmatch(key)) and prose(key.replace("_", " "))  # words, not random


def names(keys: Iterable[str], engine: Engine) -> list[str]:
    """The keys no leak rule matches: a key that is a token is not printed as a variable name."""
    return [k for k in keys if not find_in_text(k, engine)]


def decode(path: str, data: bytes, commit: str | None = None) -> str | Skipped:
    """The text of an env file, or why it cannot be read as one."""
    if b"\0" in data[:BINARY_SNIFF]:
        return Skipped(path, "binary", commit)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Skipped(path, "not UTF-8 text", commit)


def check_template(path: str, data: bytes, engine: Engine) -> Iterator[Finding | Skipped]:
    """env-example-value for every value in a template that is not a placeholder or a plain setting.

    A key in a provider's format (a leak rule with a fixed shape: `ghp_`, AKIA) is always
    reported; a value a rule took only for its name is judged by its shape like any other.
    """
    text = decode(path, data)
    if isinstance(text, Skipped):
        yield text
        return
    entries, _ = parse(text)
    leaks = [f for f in engine.scan_blob(Blob(path, data)) if isinstance(f, Finding)]
    free = {r.id for r in engine.rules if r.free_value}
    lines = data.split(b"\n")
    scanned = _scanned_lines(text)
    claimed: set[int] = set()
    for entry in entries:
        first, last = scanned[entry.line - 1], scanned[entry.end_line - 1]
        mine = [f for f in leaks if f.line is not None and first <= f.line <= last]
        claimed.update(id(f) for f in mine)
        if entry.value == "" or (entry.value is not None and public_demo(entry.value)):
            continue  # an empty value holds no key: a rule that read on matched the next line's text
        harmless = {sha1_hex(part) for part in benign(entry.value or "", entry.key)}
        mine = [f for f in mine if f.rule_id not in free or f.secret_hash not in harmless]
        if mine:
            key = entry.key if names([entry.key], engine) else None
            yield from (_from_leak(f, key) for f in mine)
            continue
        finding = _judge(path, entry) if names([entry.key], engine) else None
        if finding is not None and not _allowed(lines, first):
            yield finding
    yield from (_from_leak(f, None) for f in leaks if id(f) not in claimed)


def _scanned_lines(text: str) -> list[int]:
    """For each line as parse() numbers them (a lone \\r ends one too, as dotenv reads it), the
    line the engine's findings name (only \\n ends one): a template with old Mac line ends must
    not hand a key's finding to the empty value lines above it."""
    out = [1]
    for end in NEWLINE.findall(text):
        out.append(out[-1] + end.endswith("\n"))
    return out


def _allowed(lines: list[bytes], line: int) -> bool:
    previous = lines[line - 2] if line >= 2 else b""
    return line_allowed(lines[line - 1] if line <= len(lines) else b"", previous)


def _judge(path: str, entry: Entry) -> Finding | None:
    value = entry.value or ""
    passwords = url_passwords(value)
    if passwords:
        return _finding(
            path, entry, "env-example-url-password", "a URL with a real-looking password", passwords[0]
        )
    if secret_like_name(entry.key) and not non_secret(value, entry.key):
        return _finding(path, entry, "env-example-secret-value", "a real-looking value", value)
    return None


def _finding(path: str, entry: Entry, rule_id: str, what: str, secret: str) -> Finding:
    return Finding(
        check="env-example-value", rule_id=rule_id, path=path, line=entry.line, column=entry.column,
        message=f"{entry.key} holds {what}; templates hold placeholders only",
        fingerprint=fingerprint(rule_id, secret), secret=redact(secret),
        details=(("variable", entry.key), ("fix", _FIX)),
    )  # fmt: skip


def _from_leak(leak: Finding, key: str | None) -> Finding:
    where = f"{key} holds " if key else "holds "
    return Finding(
        check="env-example-value", rule_id=leak.rule_id, path=leak.path, line=leak.line, column=leak.column,
        message=f"{where}a key the leak scan recognises ({leak.message}); templates hold placeholders only",
        fingerprint=leak.fingerprint, secret=leak.secret, severity=leak.severity,
        details=(*leak.details, *((("variable", key),) if key else ()), ("fix", _FIX)),
        secret_hash=leak.secret_hash,
    )  # fmt: skip


def counterparts(template: str) -> tuple[str, ...]:
    """The env files a template stands for: `.env.example` -> `.env` (then `.env.local`)."""
    directory, _, name = template.rpartition("/")
    base = _MARKERS.sub("", name) or ".env"
    base = ".env" if base in ("env", ".env") else base
    names = (base, ".env.local") if base == ".env" else (base,)
    return tuple(f"{directory}/{n}" if directory else n for n in names)


def drift(
    template: str, env_file: str, template_keys: dict[str, int], env_keys: list[str], verbose: bool
) -> list[Finding]:
    """env-example-missing for variables set in the env file but absent from its template."""
    findings = [
        _missing(template, env_file, key) for key in dict.fromkeys(env_keys) if key not in template_keys
    ]
    if verbose:
        extra = [k for k in template_keys if k not in set(env_keys)]
        findings.extend(_unset(template, env_file, k, template_keys[k]) for k in extra)
    return findings


def _missing(template: str, env_file: str, key: str) -> Finding:
    return Finding(
        check="env-example-missing", rule_id="env-example-missing", path=template, line=None, column=None,
        message=f"{key} is set in {PurePosixPath(env_file).name} but missing from this template "
        "(a new teammate would not know to set it)",
        fingerprint=fingerprint("env-example-missing", f"{template}\0{key}"), severity="low", level="warning",
        details=(("variable", key), ("env_file", env_file), ("fix", f"add '{key}=' to {template}")),
    )  # fmt: skip


def _unset(template: str, env_file: str, key: str, line: int) -> Finding:
    level: Level = "note"
    return Finding(
        check="env-example-missing", rule_id="env-example-unset", path=template, line=line, column=1,
        message=f"{key} is in this template but not set in {PurePosixPath(env_file).name}",
        fingerprint=fingerprint("env-example-unset", f"{template}\0{key}"), severity="low", level=level,
        details=(("variable", key), ("env_file", env_file)),
    )  # fmt: skip
