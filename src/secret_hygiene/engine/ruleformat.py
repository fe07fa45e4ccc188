"""The richer rule-pack fields: parsing and validation of each, apart from the loader in rules.py.

rules/README.md documents the format; every function here takes the `where` prefix of the
rule or pack it checks and raises RuleError with it, so a bad pack names its file and rule.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from secret_hygiene import __version__
from secret_hygiene.errors import RuleError

try:  # the regex parser, to prove a verbose pattern and its flat form are the same regex
    _sre_parse: Any = importlib.import_module("re._parser")  # Python 3.11+
except ImportError:  # pragma: no cover - Python 3.10
    _sre_parse = importlib.import_module("sre_parse")

# Pack-level `require:` may name these rule fields; every rule of the pack must then carry them.
REQUIRABLE = ("references", "revoke")
_TAG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_VERSION = re.compile(r"^\d+(?:\.\d+){0,2}$")
_LEADING_FLAGS = re.compile(r"^\(\?([aiLmsux]+)\)")
_MAX_WITHIN = 50


@dataclass(frozen=True)
class PackPolicy:
    """What a pack promises about its rules: fields each must carry, and the ids exempt from references."""

    require: tuple[str, ...] = ()
    legacy: frozenset[str] = frozenset()


def version_tuple(text: str) -> tuple[int, ...]:
    """'1.2' -> (1, 2, 0): versions compare component-wise."""
    parts = tuple(int(p) for p in text.split("."))
    return parts + (0,) * (3 - len(parts))


def check_min_version(path: Path, value: Any, current: str = __version__) -> None:
    """Refuse a pack that declares a `min-version` newer than this tool."""
    text = str(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""
    if not _VERSION.match(text):
        raise RuleError(f"{path}: min-version must be a version such as '0.2' or '1.0.3'")
    if version_tuple(text) > version_tuple(current.split("+")[0].split("rc")[0]):
        raise RuleError(
            f"{path}: this rule pack needs secret-hygiene >= {text} (this is {current}); "
            "upgrade secret-hygiene or remove the pack"
        )


def pack_policy(path: Path, doc: dict[str, Any]) -> PackPolicy:
    """The pack's `require:` list and `legacy:` ids, validated."""
    require = doc.get("require", [])
    if not isinstance(require, list) or any(r not in REQUIRABLE for r in require):
        raise RuleError(f"{path}: require must be a list of: {', '.join(REQUIRABLE)}")
    legacy = doc.get("legacy", [])
    if not isinstance(legacy, list) or not all(isinstance(i, str) for i in legacy):
        raise RuleError(f"{path}: legacy must be a list of rule ids")
    return PackPolicy(tuple(require), frozenset(legacy))


def check_legacy(path: Path, policy: PackPolicy, ids: list[str]) -> None:
    """A legacy id names a rule of this pack (a stale entry would hide a new rule's missing references)."""
    stale = policy.legacy - set(ids)
    if stale:
        raise RuleError(f"{path}: legacy names rules this pack does not have: {', '.join(sorted(stale))}")


def enforce_policy(where: str, rule_id: str, raw: dict[str, Any], policy: PackPolicy) -> None:
    """Every field the pack requires is present (legacy ids may lack references)."""
    for field in policy.require:
        if field == "references" and rule_id in policy.legacy:
            continue
        if not raw.get(field):
            raise RuleError(f"{where}: this pack requires {field} on every rule (see rules/README.md)")


def references(where: str, value: Any) -> tuple[str, ...]:
    """A list of https:// documentation URLs."""
    if value is None:
        return ()
    if not isinstance(value, list) or not value or not all(_is_url(v) for v in value):
        raise RuleError(f"{where}: references must be a non-empty list of https:// URLs")
    return tuple(value)


def revoke(where: str, value: Any) -> tuple[str, str] | None:
    """`{url: https://..., how: one line}` -> (url, how)."""
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"url", "how"}:
        raise RuleError(f"{where}: revoke must be a mapping with url and how")
    url, how = value["url"], value["how"]
    if not _is_url(url):
        raise RuleError(f"{where}: revoke url must be an https:// URL")
    if not isinstance(how, str) or not how.strip() or "\n" in how.strip():
        raise RuleError(f"{where}: revoke how must be one line of text")
    return url, how.strip()


def tags(where: str, value: Any) -> tuple[str, ...]:
    """A list of lowercase kebab-case tags."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(t, str) and _TAG.match(t) for t in value):
        raise RuleError(f"{where}: tags must be a list of lowercase kebab-case words")
    return tuple(value)


def paths(where: str, value: Any) -> tuple[str, ...]:
    """A list of file-name globs (fnmatch syntax)."""
    if value is None:
        return ()
    if not isinstance(value, list) or not value or not all(isinstance(p, str) and p.strip() for p in value):
        raise RuleError(f"{where}: paths must be a non-empty list of file-name globs")
    return tuple(value)


def secret_group(where: str, value: Any, pattern: re.Pattern[bytes]) -> str | None:
    """The named group that holds the secret; it must exist in the regex."""
    if value is None:
        return None
    if not isinstance(value, str) or value not in pattern.groupindex:
        raise RuleError(f"{where}: secret-group must name a group of the regex, e.g. (?P<secret>...)")
    return value


def requires(where: str, value: Any) -> tuple[str | None, str | None, int] | None:
    """`{id: RULE | regex: PATTERN, within: N}` -> (rule id, regex, N)."""
    if value is None:
        return None
    if (
        not isinstance(value, dict)
        or len(set(value) & {"id", "regex"}) != 1
        or set(value) - {"id", "regex", "within"}
    ):
        raise RuleError(f"{where}: requires is a mapping with one of id or regex, and within")
    within = value.get("within")
    if isinstance(within, bool) or not isinstance(within, int) or not 0 <= within <= _MAX_WITHIN:
        raise RuleError(f"{where}: requires.within must be a number of lines from 0 to {_MAX_WITHIN}")
    companion, regex = value.get("id"), value.get("regex")
    if companion is not None and not isinstance(companion, str):
        raise RuleError(f"{where}: requires.id must be a rule id")
    if regex is not None:
        regex = flatten(where, regex)
        try:
            re.compile(regex.encode("utf-8"))
        except re.error as exc:
            raise RuleError(f"{where}: bad requires.regex: {exc}") from None
    return companion, regex, within


SKIP_ALL = "*"  # `filters: {skip: all}`: the rule opts out of every shared filter


def filters(where: str, value: Any) -> tuple[str, ...]:
    """`{skip: [NAME, ...]}` or `{skip: all}` -> the names of the shared filters the rule opts out of.

    A name is an entry of rules/filters/placeholders.yaml or a context check of judge.py; an
    unknown name is refused, so a renamed filter cannot silently stop applying.
    """
    if value is None:
        return ()
    skip = value.get("skip") if isinstance(value, dict) and set(value) == {"skip"} else None
    if skip == "all":
        return (SKIP_ALL,)
    if not isinstance(skip, list) or not skip or not all(isinstance(n, str) for n in skip):
        raise RuleError(f"{where}: filters must be {{skip: [NAME, ...]}} or {{skip: all}}")
    from secret_hygiene.engine import judge, placeholders  # only when a pack is parsed (a cache miss)

    known = placeholders.builtin().names | set(judge.CHECKS)
    unknown = sorted(set(skip) - known)
    if unknown:
        raise RuleError(
            f"{where}: filters.skip names unknown filters: {', '.join(unknown)} (the names are in "
            "rules/filters/placeholders.yaml and `secret-hygiene rules filters`)"
        )
    return tuple(dict.fromkeys(skip))


def flatten(where: str, regex: Any) -> str:
    """A `(?x)` verbose pattern as the same regex without the flag, whitespace and comments.

    The hyperscan prefilter (prefilter.py) and its `relax()` read patterns as plain text, so
    every rule's regex is stored flat. The flat form is checked against the verbose one by
    comparing their parse trees: a rewrite that changed the meaning is refused, not shipped.
    """
    if not isinstance(regex, str):
        raise RuleError(f"{where}: regex must be a string")
    lead = _LEADING_FLAGS.match(regex)
    if lead is None or "x" not in lead.group(1):
        if re.search(r"\(\?[aiLmsu]*x", regex):
            raise RuleError(f"{where}: the verbose flag is only allowed as a leading (?x)")
        return regex
    flags = lead.group(1).replace("x", "")
    flat = (f"(?{flags})" if flags else "") + _strip_verbose(regex[lead.end() :])
    try:
        same = _tree(regex) == _tree(flat)
    except re.error as exc:
        raise RuleError(f"{where}: bad regex: {exc}") from None
    if not same:
        raise RuleError(f"{where}: verbose regex could not be flattened; escape literal spaces and #")
    return flat


def _strip_verbose(body: str) -> str:
    """Drop unescaped whitespace and `#` comments outside character classes, as re.VERBOSE does."""
    out: list[str] = []
    i, in_class = 0, False
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            out.append(body[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]" or out[-1] in ("[", "[^")
        elif ch == "[":
            in_class = True
            if body.startswith("[^", i):
                out.append("[^")
                i += 2
                continue
        elif ch.isspace():
            i += 1
            continue
        elif ch == "#":
            nl = body.find("\n", i)
            i = len(body) if nl < 0 else nl + 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _tree(pattern: str) -> Any:
    parsed = _sre_parse.parse(pattern.encode("utf-8"), 0)
    return (_plain(parsed.data), parsed.state.flags & ~re.VERBOSE, dict(parsed.state.groupdict))


def _plain(node: Any) -> Any:
    if isinstance(node, (list, tuple)):
        return tuple(_plain(n) for n in node)
    if hasattr(node, "data"):
        return _plain(node.data)
    return node


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("https://") and " " not in value and len(value) > 12
