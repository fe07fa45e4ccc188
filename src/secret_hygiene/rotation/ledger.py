"""The rotation ledger (`.secret-rotation.yaml`): read and validate it, and record rotations in it.

The ledger is committed and holds no secret and no hash of one: per key, the date it was
last rotated, an optional owner, provider and own thresholds (issue 6). Edits go through
ruamel.yaml's round-trip mode so the file keeps its comments and key order.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from secret_hygiene import atomic
from secret_hygiene.atomic import BOM
from secret_hygiene.errors import LedgerError

HEADER = """\
# Key rotation ledger for secret-hygiene: when each key was last rotated.
# No secret and no hash of one belongs here. Record a rotation with
#   secret-hygiene rotation record KEY [--date YYYY-MM-DD]
"""
_TOP = ("max_age_days", "warn_days", "keys")
_ENTRY = ("rotated", "owner", "provider", "max_age_days", "warn_days", "note")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NAME = re.compile(r"^[^\s:#]+$")


@dataclass(frozen=True)
class LedgerEntry:
    """One key's record; `line` is where the key is named in the ledger (1-based)."""

    name: str
    line: int
    rotated: date | None = None
    owner: str | None = None
    provider: str | None = None
    max_age_days: int | None = None
    warn_days: int | None = None


@dataclass(frozen=True)
class Ledger:
    """The parsed ledger; `path` is how findings name it (repo-relative)."""

    path: str
    exists: bool = False
    max_age_days: int | None = None
    warn_days: int | None = None
    entries: Mapping[str, LedgerEntry] = field(default_factory=dict)


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


class _Map(dict[Any, Any]):
    """A mapping read from the ledger, with the (key node, value node) of each key for lines and edits."""

    def __init__(self) -> None:
        super().__init__()
        self.nodes: dict[Any, tuple[Any, Any]] = {}


def _load(text: str, shown: str) -> Any:
    """The ledger document, read with libyaml (linear and fast on a 20k-key ledger; ruamel took 20 s+)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _build(loader, node)
    except yaml.YAMLError as exc:
        raise _invalid(exc, shown) from None
    except ValueError as exc:  # a timestamp-shaped scalar that is no date, e.g. 2026-13-01
        raise LedgerError(f"{shown}: invalid date in the rotation ledger: {exc}") from None
    except TypeError:  # an unhashable key, e.g. a mapping used as a key
        raise LedgerError(f"{shown}: the rotation ledger has a key that is not a name") from None
    finally:
        loader.dispose()


def _build(loader: Any, node: Any) -> Any:
    import yaml

    if isinstance(node, yaml.MappingNode):
        mapping = _Map()
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if key in mapping:  # ruamel refused these too: the second would silently win
                raise yaml.constructor.ConstructorError(
                    None, None, f"found duplicate key {key!r}", key_node.start_mark
                )
            mapping[key] = _build(loader, value_node)
            mapping.nodes[key] = (key_node, value_node)
        return mapping
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item) for item in node.value]
    return loader.construct_object(node, deep=True)


def _parse(text: str, shown: str) -> Any:
    from ruamel.yaml.error import YAMLError

    try:
        return _yaml().load(text)
    except YAMLError as exc:
        raise _invalid(exc, shown) from None
    except ValueError as exc:  # a timestamp-shaped scalar that is no date, e.g. 2026-13-01
        raise LedgerError(f"{shown}: invalid date in the rotation ledger: {exc}") from None


def _invalid(exc: Exception, shown: str) -> LedgerError:
    """One line naming the ledger, the line and the problem; libyaml's and ruamel's errors alike."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = f"{mark.line + 1}:" if mark is not None else ""
    problem = getattr(exc, "problem", None) or "invalid YAML"
    return LedgerError(f"{shown}:{line} invalid YAML in the rotation ledger: {problem}")


def _read(path: Path, shown: str) -> bytes | None:
    """The ledger's bytes, None when there is none; an empty file was a ledger once and is an error."""
    if not path.exists() and not path.is_symlink():
        return None
    try:
        data = path.read_bytes()
        data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LedgerError(f"{shown}: cannot read the rotation ledger: {exc}") from None
    if not data.removeprefix(BOM).strip():
        raise LedgerError(
            f"{shown}: the rotation ledger is empty (cut short?); restore it from git or delete it"
        )
    return data


def load_ledger(path: Path, shown: str) -> Ledger:
    """Read and validate the ledger at `path`; a missing file is an empty ledger, an empty file an error."""
    data = _read(path, shown)
    if data is None:
        return Ledger(shown)
    return _validated(_load(data.decode("utf-8-sig"), shown), shown)


def _validated(doc: Any, shown: str) -> Ledger:
    if doc is None:  # comments only
        return Ledger(shown, exists=True)
    if not _is_map(doc):
        raise LedgerError(f"{shown}:1: the rotation ledger must be a mapping with a 'keys' mapping")
    _known(doc, _TOP, shown, "")
    keys = doc.get("keys")
    if keys is not None and not _is_map(keys):
        raise LedgerError(f"{shown}:{_line(doc, 'keys')}: 'keys' must map key names to entries")
    entries = {}
    for name in keys or {}:
        entries[str(name)] = _entry(keys, name, shown)
    return Ledger(
        shown,
        exists=True,
        max_age_days=_days(doc, "max_age_days", shown, ""),
        warn_days=_days(doc, "warn_days", shown, "", zero=True),
        entries=entries,
    )


def _entry(keys: Any, name: Any, shown: str) -> LedgerEntry:
    line = _line(keys, name)
    if not isinstance(name, str) or not _NAME.match(name):
        raise LedgerError(f"{shown}:{line}: key names must be variable names, not {name!r}")
    raw = keys[name]
    if raw is None:
        return LedgerEntry(name, line)
    if not _is_map(raw):
        raise LedgerError(f"{shown}:{line}: keys.{name} must be a mapping (rotated, owner, ...)")
    where = f"keys.{name}."
    _known(raw, _ENTRY, shown, where)
    return LedgerEntry(
        name,
        line,
        rotated=_date(raw, shown, where),
        owner=_text(raw, "owner", shown, where),
        provider=_text(raw, "provider", shown, where),
        max_age_days=_days(raw, "max_age_days", shown, where),
        warn_days=_days(raw, "warn_days", shown, where, zero=True),
    )


def _is_map(value: Any) -> bool:
    return isinstance(value, dict)


def _line(mapping: Any, key: Any) -> int:
    return int(mapping.nodes[key][0].start_mark.line) + 1


def _value_line(mapping: Any, key: Any) -> int:
    return int(mapping.nodes[key][1].start_mark.line) + 1


def _known(mapping: Any, allowed: tuple[str, ...], shown: str, where: str) -> None:
    for key in mapping:
        if key not in allowed:
            raise LedgerError(
                f"{shown}:{_line(mapping, key)}: unknown ledger key {where}{key} "
                f"(known: {', '.join(allowed)})"
            )


def _date(raw: Any, shown: str, where: str) -> date | None:
    value = raw.get("rotated")
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _DATE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise LedgerError(f"{shown}:{_value_line(raw, 'rotated')}: {where}rotated must be a date YYYY-MM-DD")


def _text(raw: Any, key: str, shown: str, where: str) -> str | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, str):
        raise LedgerError(f"{shown}:{_value_line(raw, key)}: {where}{key} must be a string")
    return value


def _days(raw: Any, key: str, shown: str, where: str, zero: bool = False) -> int | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < (0 if zero else 1):
        least = "0" if zero else "1"
        raise LedgerError(f"{shown}:{_value_line(raw, key)}: {where}{key} must be a whole number >= {least}")
    return int(value)


def record_rotation(
    path: Path,
    shown: str,
    name: str,
    when: date,
    defaults: tuple[int, int],
    *,
    root: Path | None = None,
    given: bool = False,
) -> bool:
    """Set `name`'s rotated date to `when`, keeping comments, order, BOM and line endings.

    True when the ledger was created; a missing one gets a header and `defaults` (max_age_days,
    warn_days). The write is atomic and refused through a symlink or outside `root` unless the
    path was `given` on the command line (see atomic.py).
    """
    if not _NAME.match(name):
        raise LedgerError(f"{name!r} is not a key name")
    atomic.check_target(path, root, given=given)  # before reading what a link may point at
    original = _read(path, shown)  # a malformed ledger is reported, never overwritten
    created = original is None
    text = f"{HEADER}max_age_days: {defaults[0]}\nwarn_days: {defaults[1]}\nkeys: {{}}\n"
    if original is not None:
        text = original.decode("utf-8-sig").replace("\r\n", "\n")
    doc = _load(text, shown)
    before = _validated(doc, shown)
    out = _edited(text, doc, name, when, shown, before)
    if out is None:  # a flow-style `keys: {...}` or an unusual layout: ruamel's round trip
        out = _round_trip(text, name, when, shown)
    try:
        atomic.write(path, atomic.restyle(original, out), root=root, given=given)
    except OSError as exc:
        raise LedgerError(f"{shown}: cannot write the rotation ledger: {exc.strerror or exc}") from None
    return created


def _edited(text: str, doc: Any, name: str, when: date, shown: str, before: Ledger) -> str | None:
    """`text` with `name`'s rotated date set by a splice at the nodes' marks: linear, keeps every other byte.

    None when the layout is not a plain block mapping or the result does not read back as exactly
    that change (the caller then uses ruamel's round trip).
    """
    import yaml

    day, starts = when.isoformat(), _line_starts(text)

    def at(mark: Any) -> int:
        return starts[int(mark.line)] + int(mark.column)

    def end_of_line(index: int) -> int:
        nl = text.find("\n", index)
        return len(text) if nl < 0 else nl

    if doc is None or "keys" not in doc:
        sep = "" if not text or text.endswith("\n") else "\n"
        out = f"{text}{sep}keys:\n  {name}:\n    rotated: {day}\n"
    else:
        key_node, node = doc.nodes["keys"]
        if doc["keys"] is None or (isinstance(node, yaml.MappingNode) and not node.value and node.flow_style):
            cut = (at(node.start_mark), at(node.end_mark)) if doc["keys"] is not None else (0, 0)
            text = text[: cut[0]].rstrip(" \t") + text[cut[1] :] if cut[1] else text
            pos = end_of_line(at(key_node.end_mark))
            out = f"{text[:pos]}\n  {name}:\n    rotated: {day}{text[pos:]}"
        elif not isinstance(node, yaml.MappingNode) or node.flow_style:
            return None
        elif name in doc["keys"]:
            spliced = _splice_entry(text, doc["keys"].nodes[name], day, at, end_of_line)
            if spliced is None:
                return None
            out = spliced
        else:
            column = int(node.value[0][0].start_mark.column)
            last = node.value[-1][1]
            while isinstance(last, (yaml.MappingNode, yaml.SequenceNode)) and last.value:
                last = last.value[-1][1] if isinstance(last, yaml.MappingNode) else last.value[-1]
            pos = end_of_line(at(last.end_mark))
            head = text[:pos] + "\n"
            out = f"{head}{' ' * column}{name}:\n{' ' * (column + 2)}rotated: {day}\n{text[pos + 1 :]}"
    return out if _reads_back(out, shown, before, name, when) else None


def _splice_entry(text: str, nodes: tuple[Any, Any], day: str, at: Any, end_of_line: Any) -> str | None:
    import yaml

    key_node, entry = nodes
    indent = " " * (int(key_node.start_mark.column) + 2)
    if isinstance(entry, yaml.ScalarNode) and entry.value == "" and entry.tag.endswith(":null"):
        pos = end_of_line(at(key_node.end_mark))
        return f"{text[:pos]}\n{indent}rotated: {day}{text[pos:]}"
    if not isinstance(entry, yaml.MappingNode) or entry.flow_style or not entry.value:
        return None
    for k, v in entry.value:
        if (
            isinstance(k, yaml.ScalarNode)
            and k.value == "rotated"
            and isinstance(v, yaml.ScalarNode)
            and v.value
        ):
            return text[: at(v.start_mark)] + day + text[at(v.end_mark) :]
    first = entry.value[0][0]
    start = at(first.start_mark) - int(first.start_mark.column)
    if text[start : at(first.start_mark)].strip():
        return None
    return f"{text[:start]}{' ' * int(first.start_mark.column)}rotated: {day}\n{text[start:]}"


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(i + 1 for i, ch in enumerate(text) if ch == "\n")
    return starts


def _reads_back(out: str, shown: str, before: Ledger, name: str, when: date) -> bool:
    """True when `out` is the old ledger with only `name`'s rotated date set to `when`."""
    try:
        after = _validated(_load(out, shown), shown)
    except LedgerError:
        return False

    def plain(ledger: Ledger) -> dict[str, tuple[Any, ...]]:
        return {
            k: (e.rotated, e.owner, e.provider, e.max_age_days, e.warn_days)
            for k, e in ledger.entries.items()
            if k != name
        }

    entry = after.entries.get(name)
    same_top = (before.max_age_days, before.warn_days) == (after.max_age_days, after.warn_days)
    return same_top and entry is not None and entry.rotated == when and plain(before) == plain(after)


def _round_trip(text: str, name: str, when: date, shown: str) -> str:
    doc = _parse(text, shown)
    _set_rotated(doc, name, when)
    buffer = io.StringIO()
    _yaml().dump(doc, buffer)
    return buffer.getvalue()


def _set_rotated(doc: Any, name: str, when: date) -> None:
    from ruamel.yaml.comments import CommentedMap

    keys = doc.get("keys")
    if keys is None or (not keys and keys.fa.flow_style()):
        keys = CommentedMap()
        doc["keys"] = keys
    entry = keys.get(name)
    if entry is None:
        keys[name] = CommentedMap([("rotated", when)])
    else:
        entry["rotated"] = when
