"""Rule packs (YAML) -> validated, compiled Rule objects."""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from secret_hygiene import __version__
from secret_hygiene.engine import cache, placeholders, ruleformat
from secret_hygiene.errors import RuleError

try:  # the regex parser, for a pattern's maximum width; typeshed has no stub for it
    _sre_parse: Any = importlib.import_module("re._parser")  # Python 3.11+
except ImportError:  # pragma: no cover - Python 3.10
    _sre_parse = importlib.import_module("sre_parse")

SEVERITIES = ("critical", "high", "medium", "low")
_REQUIRED = ("id", "description", "regex", "keywords", "severity", "examples")
_OPTIONAL = ("provider", "entropy", "allow", "negative_examples")
# The richer fields (ruleformat.py, documented in rules/README.md).
_FORMAT = ("references", "revoke", "tags", "secret-group", "paths", "requires", "filters")
_PACK_KEYS = {"family", "rules", "min-version", "require", "legacy"}
_CACHE_FORMAT = 4  # bump when Rule's fields change: cache entries are Rule's fields as JSON
_ID = re.compile(r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$")


@dataclass(frozen=True)
class Rule:
    """One validated detection rule; its regex is compiled (for bytes) on first use."""

    id: str
    description: str
    family: str
    severity: str
    keywords: tuple[str, ...]
    regex: bytes
    width: int | None  # the longest match the regex can make; None when unbounded
    newlines: int | None = None  # the most newlines a match can hold; None when unbounded
    entropy: float | None = None
    allow: tuple[str, ...] = ()
    provider: str | None = None
    examples: tuple[str, ...] = ()
    negative_examples: tuple[str, ...] = ()
    source: str = ""
    references: tuple[str, ...] = ()
    revoke: tuple[str, str] | None = None  # (url, how): where and how the key is revoked or rotated
    tags: tuple[str, ...] = ()
    secret_group: str | None = None  # None: the first group named secret..., else group 1
    paths: tuple[str, ...] = ()  # file-name globs; empty: every file
    requires_id: str | None = None  # a companion rule whose regex must match within `within` lines
    requires_regex: bytes | None = None  # the companion's regex (resolved from requires_id by load_rules)
    within: int = 0
    skip_filters: tuple[str, ...] = ()  # shared filters the rule opts out of ("*": all of them)

    @cached_property
    def pattern(self) -> re.Pattern[bytes]:
        """The compiled regex: a run compiles only the rules the prefilter asks for."""
        return re.compile(self.regex)

    @cached_property
    def allow_patterns(self) -> tuple[re.Pattern[str], ...]:
        """The compiled allow patterns."""
        return tuple(re.compile(p) for p in self.allow)

    @property
    def generic(self) -> bool:
        """Generic rules yield to a provider rule that matches the same secret."""
        return self.family == "generic"

    @cached_property
    def free_value(self) -> bool:
        """The secret is whatever follows a name (`bitget_passphrase = ...`), with no format of its own.

        judge.py reads such a value's shape (an identifier, words a person chose) as it does for
        generic rules; a value with a fixed prefix (`ghp_`, `xoxb-`) is never judged that way.
        """
        m = re.search(rb"\(\?P<secret\w*>", self.regex)
        rest = self.regex[m.end() :] if m else b""
        return self.generic or rest.startswith((b"[", b"(?:[", b"(?<", b".", b"\\S", b"\\w"))


def builtin_rules_dir() -> Path:
    """The shipped rules: inside the wheel, or `rules/` of a source checkout."""
    packaged = Path(__file__).resolve().parents[1] / "rules"  # where the wheel puts them
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "rules"


def load_rules(extra: Iterable[Path] = (), disabled: Iterable[str] = (), builtin: bool = True) -> list[Rule]:
    """Load the built-in packs plus `extra` files or directories; drop `disabled` ids."""
    files: list[Path] = []
    if builtin:
        files.extend(_pack_files(builtin_rules_dir()))
    for path in extra:
        files.extend(_pack_files(path) if path.is_dir() else [path])
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path in files:
        for rule in load_pack(path):
            if rule.id in seen:
                raise RuleError(f"{path}: rule {rule.id!r} is already defined in {seen[rule.id]}")
            seen[rule.id] = str(path)
            rules.append(rule)
    off = set(disabled)
    unknown = off - seen.keys()
    if unknown:
        raise RuleError(f"config disables unknown rule ids: {', '.join(sorted(unknown))}")
    rules = resolve_companions(rules)
    return [r for r in rules if r.id not in off]


def resolve_companions(rules: list[Rule]) -> list[Rule]:
    """Give each composite rule its companion rule's regex (the companion may be disabled later)."""
    by_id = {r.id: r for r in rules}
    out: list[Rule] = []
    for rule in rules:
        if rule.requires_id is not None and rule.requires_regex is None:
            companion = by_id.get(rule.requires_id)
            if companion is None:
                raise RuleError(f"{rule.source}: rule {rule.id!r} requires unknown rule {rule.requires_id!r}")
            rule = replace(rule, requires_regex=companion.regex)
        out.append(rule)
    return out


def _pack_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise RuleError(f"{directory}: rules directory not found")
    return sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml"))


def load_pack(path: Path) -> list[Rule]:
    """Parse and validate one rule pack file (validated packs are cached by content)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RuleError(f"{path}: cannot read rule pack: {exc}") from None
    # A rule's `filters.skip` is checked against the filters file: a change to it rebuilds the entry.
    made_by = repr((__version__, _CACHE_FORMAT, sys.version, str(path), placeholders.digest())).encode()
    key = hashlib.sha256(made_by + data).hexdigest()[:32]
    entry = cache.cache_dir() / f"rules-{key}.json"
    cached = cache.read(entry)
    if cached is not None:
        rules = _from_json(cached)
        if rules is not None:
            return rules
    rules = _parse_pack(path, data)
    cache.write(entry, _to_json(rules))
    return rules


def _to_json(rules: list[Rule]) -> bytes:
    """Rules as plain JSON data: a cache entry is read back without running anything."""
    items = [
        {
            **dataclasses.asdict(r),
            "regex": r.regex.decode("utf-8"),
            "requires_regex": None if r.requires_regex is None else r.requires_regex.decode("utf-8"),
        }
        for r in rules
    ]
    return json.dumps(items).encode("utf-8")


def _from_json(data: bytes) -> list[Rule] | None:
    """The rules of a cache entry, or None when it is not what _to_json writes (it is rebuilt)."""
    try:
        return [_rule_from(item) for item in json.loads(data)]
    except (ValueError, TypeError, AttributeError, KeyError):
        return None


def _rule_from(item: dict[str, Any]) -> Rule:
    fields: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in item.items()}
    fields["regex"] = fields["regex"].encode("utf-8")
    if fields.get("requires_regex") is not None:
        fields["requires_regex"] = fields["requires_regex"].encode("utf-8")
    return Rule(**fields)


def _parse_pack(path: Path, data: bytes) -> list[Rule]:
    import yaml  # only on a cache miss; libyaml's loader is ~10x faster than the pure-Python one

    try:
        doc = yaml.load(data.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except UnicodeDecodeError as exc:
        raise RuleError(f"{path}: cannot read rule pack: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise RuleError(f"{path}:{where} invalid YAML in rule pack") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("rules"), list):
        raise RuleError(f"{path}: a rule pack is a mapping with a 'rules' list")
    extra_keys = set(doc) - _PACK_KEYS
    if extra_keys:
        raise RuleError(f"{path}: unknown top-level keys: {', '.join(sorted(extra_keys))}")
    if "min-version" in doc:
        ruleformat.check_min_version(path, doc["min-version"])
    policy = ruleformat.pack_policy(path, doc)
    family = str(doc.get("family") or path.stem)
    rules = [_build(path, family, raw, i, policy) for i, raw in enumerate(doc["rules"])]
    ruleformat.check_legacy(path, policy, [r.id for r in rules])
    return rules


def _build(path: Path, family: str, raw: Any, index: int, policy: ruleformat.PackPolicy) -> Rule:
    where = f"{path}: rule #{index + 1}"
    if not isinstance(raw, dict):
        raise RuleError(f"{where}: a rule is a mapping")
    rid = raw.get("id")
    if isinstance(rid, str):
        where = f"{path}: rule {rid!r}"
    unknown = set(raw) - set(_REQUIRED) - set(_OPTIONAL) - set(_FORMAT)
    if unknown:
        raise RuleError(f"{where}: unknown keys: {', '.join(sorted(map(str, unknown)))}")
    missing = [k for k in _REQUIRED if k not in raw]
    if missing:
        raise RuleError(f"{where}: missing {', '.join(missing)}")
    if not isinstance(rid, str) or not _ID.match(rid):
        raise RuleError(f"{where}: id must be lowercase kebab-case")
    if raw["severity"] not in SEVERITIES:
        raise RuleError(f"{where}: severity must be one of {', '.join(SEVERITIES)}")
    ruleformat.enforce_policy(where, rid, raw, policy)
    regex = ruleformat.flatten(where, raw["regex"])
    pattern = _compile(where, regex)
    return Rule(
        id=rid,
        description=_text(where, raw, "description"),
        family=family,
        severity=raw["severity"],
        keywords=_keywords(where, raw["keywords"]),
        regex=regex.encode("utf-8"),
        width=_width(pattern),
        newlines=max_newlines(pattern),
        entropy=_entropy(where, raw.get("entropy")),
        allow=tuple(_compile_str(where, p).pattern for p in _strings(where, raw, "allow")),
        provider=str(raw["provider"]) if raw.get("provider") else None,
        examples=_strings(where, raw, "examples"),
        negative_examples=_strings(where, raw, "negative_examples"),
        source=str(path),
        **_format_fields(where, raw, pattern),
    )


def _format_fields(where: str, raw: dict[str, Any], pattern: re.Pattern[bytes]) -> dict[str, Any]:
    """The richer fields of a rule (ruleformat.py), as Rule keyword arguments."""
    requires = ruleformat.requires(where, raw.get("requires"))
    companion, companion_regex, within = requires if requires else (None, None, 0)
    return {
        "references": ruleformat.references(where, raw.get("references")),
        "revoke": ruleformat.revoke(where, raw.get("revoke")),
        "tags": ruleformat.tags(where, raw.get("tags")),
        "secret_group": ruleformat.secret_group(where, raw.get("secret-group"), pattern),
        "paths": ruleformat.paths(where, raw.get("paths")),
        "requires_id": companion,
        "requires_regex": companion_regex.encode("utf-8") if companion_regex is not None else None,
        "within": within,
        "skip_filters": ruleformat.filters(where, raw.get("filters")),
    }


def _text(where: str, raw: dict[str, Any], key: str) -> str:
    value = raw[key]
    if not isinstance(value, str) or not value.strip():
        raise RuleError(f"{where}: {key} must be a non-empty string")
    return value.strip()


def _strings(where: str, raw: dict[str, Any], key: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleError(f"{where}: {key} must be a list of strings")
    return tuple(value)


def _keywords(where: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(k, str) for k in value):
        raise RuleError(f"{where}: keywords must be a non-empty list of strings")
    if any(len(k.strip()) < 2 for k in value):
        raise RuleError(f"{where}: each keyword needs at least 2 characters")
    return tuple(k.lower() for k in value)


def _compile(where: str, regex: Any) -> re.Pattern[bytes]:
    if not isinstance(regex, str):
        raise RuleError(f"{where}: regex must be a string")
    try:
        return re.compile(regex.encode("utf-8"))
    except re.error as exc:
        raise RuleError(f"{where}: bad regex: {exc}") from None


def _width(pattern: re.Pattern[bytes]) -> int | None:
    width = int(_sre_parse.parse(pattern.pattern, pattern.flags).getwidth()[1])
    return width if width < _sre_parse.MAXREPEAT else None


def max_newlines(pattern: re.Pattern[bytes]) -> int | None:
    """The most newline characters one match can hold; None when unbounded.

    The prefilter runs a rule of unbounded width in whole-line windows when this is small
    (`[ \\t]*` is unbounded but never crosses a line; `\\s*` can).
    """
    tree = _sre_parse.parse(pattern.pattern, pattern.flags)
    count = _count(tree, bool(pattern.flags & re.DOTALL))
    return None if count >= _sre_parse.MAXREPEAT else count


def _count(items: Any, dotall: bool) -> int:
    """Newlines the parsed `items` can consume at most (MAXREPEAT and above: unbounded)."""
    c = _sre_parse  # the opcode names live on the parser module (re._constants re-exported)
    infinite = int(c.MAXREPEAT)
    total = 0
    for op, arg in items:
        if op in (c.LITERAL, c.NOT_LITERAL, c.ANY, c.IN):
            total += 1 if _takes_newline(op, arg, dotall) else 0
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)):
            _, high, sub = arg
            inner = _count(sub, dotall)
            total += 0 if inner == 0 else infinite if high >= infinite else inner * int(high)
        elif op is c.SUBPATTERN:
            total += _count(arg[3], dotall or bool(arg[1] & re.DOTALL))
        elif op is c.BRANCH:
            total += max(_count(b, dotall) for b in arg[1])
        elif op is getattr(c, "ATOMIC_GROUP", None):
            total += _count(arg, dotall)
        elif op is c.GROUPREF_EXISTS:
            total += max(_count(arg[1], dotall), _count(arg[2] or [], dotall))
        elif op not in (c.AT, c.ASSERT, c.ASSERT_NOT):
            return infinite  # a back-reference, or an opcode this walk does not know
    return min(total, infinite)


def _takes_newline(op: Any, arg: Any, dotall: bool) -> bool:
    c = _sre_parse
    if op is c.LITERAL:
        return bool(arg == 10)
    if op is c.NOT_LITERAL:
        return bool(arg != 10)
    if op is c.ANY:
        return dotall
    negate, found = False, False
    newline_categories = (c.CATEGORY_SPACE, c.CATEGORY_NOT_DIGIT, c.CATEGORY_NOT_WORD, c.CATEGORY_LINEBREAK)
    for kind, value in arg:
        if kind is c.NEGATE:
            negate = True
        elif kind is c.LITERAL:
            found = found or value == 10
        elif kind is c.RANGE:
            found = found or value[0] <= 10 <= value[1]
        elif kind is c.CATEGORY:
            found = found or value in newline_categories
        else:
            return True  # a charset form this walk does not know: assume it may
    return found != negate


def _compile_str(where: str, regex: str) -> re.Pattern[str]:
    try:
        return re.compile(regex)
    except re.error as exc:
        raise RuleError(f"{where}: bad allow pattern {regex!r}: {exc}") from None


def _entropy(where: str, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 8:
        raise RuleError(f"{where}: entropy must be a number from 0 to 8")
    return float(value)
