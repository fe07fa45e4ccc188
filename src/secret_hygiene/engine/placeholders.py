"""The shared placeholder filters: named entries of rules/filters/placeholders.yaml, matched
against a whole value or its words, never against letters inside a random-looking token.

A value is dropped by the first entry that matches it; `reason` names that entry so `--explain`
and `rules test` can say why. A rule opts out of entries with its `filters: {skip: ...}` field
(ruleformat.py). The file is parsed once and cached by content (cache.py), like the packs.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import string
from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from secret_hygiene import __version__
from secret_hygiene.engine import cache
from secret_hygiene.errors import RuleError

FILE = Path("filters") / "placeholders.yaml"  # under the rules directory (rules.builtin_rules_dir)
MATCHERS = ("equals", "regex", "words", "first-word", "last-word", "shape")
SHAPES = ("repeated", "sequential")
_CACHE_FORMAT = 1
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A word of four or more letters at either end of a one-case run of letters counts (`mypassword1`).
AFFIX_MIN = 4


@dataclass(frozen=True)
class Filter:
    """One entry: what it drops (`matcher` is one of MATCHERS, `values` its argument) and why."""

    name: str
    description: str
    matcher: str
    values: tuple[str, ...]


class Filters:
    """The entries of one file, compiled for matching."""

    def __init__(self, entries: Iterable[Filter]) -> None:
        self.entries = tuple(entries)
        self.names = frozenset(e.name for e in self.entries)
        regexes = [(i, e.values[0]) for i, e in enumerate(self.entries) if e.matcher == "regex"]
        alternation = "|".join(f"(?P<f{i}>{_scoped(p)})" for i, p in regexes)
        self._regex = re.compile(alternation) if regexes else None
        self._vocab = {i: _Vocab(e.values) for i, e in enumerate(self.entries) if e.matcher in _WORD_MATCHERS}

    def reason(self, value: str, skip: Collection[str] = ()) -> str | None:
        """The name of the first entry (not in `skip`) that drops `value`, or None."""
        stripped = value.strip().strip("'\"")
        first_regex = self._first_regex(stripped, skip)
        words: _Words | None = None
        for i, entry in enumerate(self.entries):
            if i == first_regex:
                return entry.name
            if entry.matcher == "regex" or entry.name in skip:
                continue
            if entry.matcher in ("equals", "shape"):
                if _matches(entry, stripped):
                    return entry.name
                continue
            words = words or _Words(split_words(stripped))
            if words.has(entry.matcher, self._vocab[i]):
                return entry.name
        return None

    def _first_regex(self, value: str, skip: Collection[str]) -> int | None:
        """The index of the first regex entry not in `skip` that matches the whole of `value`."""
        m = self._regex.fullmatch(value) if self._regex is not None else None
        if m is None or m.lastgroup is None:
            return None
        first = int(m.lastgroup[1:])
        if self.entries[first].name not in skip:
            return first  # one alternation finds the first entry that matches: the usual case
        for i, e in enumerate(self.entries):
            if e.matcher == "regex" and e.name not in skip and re.fullmatch(e.values[0], value):
                return i
        return None


def _scoped(pattern: str) -> str:
    """`(?i)abc` as `(?i:abc)`: leading flags apply to that entry alone inside the alternation."""
    lead = re.match(r"\(\?([aiLmsux]+)\)", pattern)
    return f"(?{lead.group(1)}:{pattern[lead.end() :]})" if lead else pattern


def _matches(entry: Filter, value: str) -> bool:
    if entry.matcher == "equals":
        return value.lower() in entry.values
    return _SHAPES[entry.values[0]](value)


_WORD_MATCHERS = ("words", "first-word", "last-word")


@dataclass(frozen=True)
class _Vocab:
    """A words entry compiled: single words, phrases of several, and words long enough to count
    at the start or end of a one-case run of letters (`mypassword1`)."""

    singles: frozenset[str]
    phrases: tuple[tuple[str, ...], ...]
    affixes: tuple[str, ...]

    def __init__(self, values: Iterable[str]) -> None:
        split = [tuple(v.split()) for v in values]
        singles = frozenset(p[0] for p in split if len(p) == 1)
        object.__setattr__(self, "singles", singles)
        object.__setattr__(self, "phrases", tuple(p for p in split if len(p) > 1))
        object.__setattr__(self, "affixes", tuple(w for w in sorted(singles) if len(w) >= AFFIX_MIN))


class _Words:
    """The words of one value, for every words entry."""

    def __init__(self, words: list[str]) -> None:
        self.words = words
        self.unique = frozenset(words)
        self.letters = [w for w in words if w.isalpha()]

    def has(self, matcher: str, vocab: _Vocab) -> bool:
        if not self.words:
            return False
        if matcher == "first-word":
            first = self.words[0]
            return first in vocab.singles or (first.isalpha() and first.startswith(vocab.affixes))
        if matcher == "last-word":
            last = self.words[-1]
            return last in vocab.singles or (last.isalpha() and last.endswith(vocab.affixes))
        if self.unique & vocab.singles:
            return True
        if any(w.startswith(vocab.affixes) or w.endswith(vocab.affixes) for w in self.letters):
            return True
        n = len(self.words)
        return any(
            tuple(self.words[i : i + len(p)]) == p for p in vocab.phrases for i in range(n - len(p) + 1)
        )


# A segment that reads as words: camelCase or PascalCase, or one case of letters; digits at the end.
_CAMEL = re.compile(r"[A-Za-z][a-z]*(?:[A-Z][a-z]+)+\d*|[a-z]+\d*|[A-Z]+\d*|[A-Z][a-z]+\d*")
_LEET = str.maketrans("013457", "oieast")
_CAMEL_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+|\d+")


def split_words(value: str) -> list[str]:
    """The words of `value`, lower-cased: split at every character that is not a letter or digit,
    and inside a segment only when the segment reads as words (`myDummyKey`, `mypassword1`).

    A random-looking segment (`k3Xv12345SampleQz`) stays one word, so `Sample` in it is no word.
    """
    out: list[str] = []
    for segment in re.split(r"[^A-Za-z0-9]+", value):
        if not segment:
            continue
        if _CAMEL.fullmatch(segment):
            out += [w.lower() for w in _CAMEL_WORD.findall(segment)]
            continue
        # Digits written for letters (`LegacyPassw0rd`): words when, read as letters, it reads as words.
        letters = segment.translate(_LEET)
        if letters != segment and letters.isalpha() and _CAMEL.fullmatch(letters):
            out += [w.lower() for w in _CAMEL_WORD.findall(letters)]
        else:
            out.append(segment.lower())
    return out


def _repeated(value: str) -> bool:
    """Four or more characters with at most two distinct ones (`aaaa`, `0000`, `abab`)."""
    return len(value) >= 4 and len(set(value.lower())) <= 2


_KEYBOARD = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890")


def _step_pairs() -> frozenset[str]:
    """Two characters one step apart: neighbours in the alphabet or digits (either way), or along a
    keyboard row left to right."""
    pairs = {row[i : i + 2] for row in _KEYBOARD for i in range(len(row) - 1)}
    for run in (string.ascii_lowercase, string.digits):
        pairs |= {run[i : i + 2] for i in range(len(run) - 1)}
        pairs |= {run[i + 1] + run[i] for i in range(len(run) - 1)}
    return frozenset(pairs)


@functools.cache
def _steps() -> re.Pattern[str]:
    """Counts overlapping step pairs in one C-level scan (a lookahead per position); compiled on
    first use, not at import (hook start-up)."""
    return re.compile("(?=(" + "|".join(sorted(_step_pairs())) + "))")


def _sequential(value: str) -> bool:
    """A segment of 8+ characters whose neighbours are mostly one step apart (`abc123def456`)."""
    segments = re.split(r"[^A-Za-z0-9]+", value.lower())
    for segment in {*segments, "".join(segments)}:
        if len(segment) >= 8 and len(_steps().findall(segment)) >= 0.7 * (len(segment) - 1):
            return True
    return False


_SHAPES = {"repeated": _repeated, "sequential": _sequential}


def load(path: Path) -> Filters:
    """The filters of `path`, validated (cached by content, as rule packs are)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RuleError(f"{path}: cannot read the placeholder filters: {exc}") from None
    key = hashlib.sha256(repr((__version__, _CACHE_FORMAT)).encode() + data).hexdigest()[:32]
    entry = cache.cache_dir() / f"filters-{key}.json"
    cached = cache.read(entry)
    if cached is not None:
        try:
            return Filters(Filter(**{**e, "values": tuple(e["values"])}) for e in json.loads(cached))
        except (ValueError, TypeError, KeyError):
            pass
    entries = parse(path, data)
    cache.write(entry, json.dumps([asdict(e) for e in entries]).encode("utf-8"))
    return Filters(entries)


def parse(path: Path, data: bytes) -> list[Filter]:
    """Validate the YAML of a filters file: a `filters` list of named entries, one matcher each."""
    import yaml  # only on a cache miss (hook start-up)

    try:
        doc = yaml.load(data.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (UnicodeDecodeError, yaml.YAMLError):
        raise RuleError(f"{path}: invalid YAML in the placeholder filters") from None
    if not isinstance(doc, dict) or set(doc) != {"filters"} or not isinstance(doc["filters"], list):
        raise RuleError(f"{path}: a filters file is a mapping with one key, 'filters', holding a list")
    entries = [_entry(path, raw, i) for i, raw in enumerate(doc["filters"])]
    seen = [e.name for e in entries]
    twice = sorted({n for n in seen if seen.count(n) > 1})
    if twice:
        raise RuleError(f"{path}: filter names must be unique: {', '.join(twice)}")
    return entries


def _entry(path: Path, raw: Any, index: int) -> Filter:
    where = f"{path}: filter #{index + 1}"
    if not isinstance(raw, dict):
        raise RuleError(f"{where}: a filter is a mapping")
    name = raw.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise RuleError(f"{where}: name must be lowercase kebab-case")
    where = f"{path}: filter {name!r}"
    description = raw.get("description")
    if not isinstance(description, str) or not description.strip():
        raise RuleError(f"{where}: description must say why the filter drops a value")
    matchers = [k for k in raw if k in MATCHERS]
    unknown = set(raw) - {"name", "description", *MATCHERS}
    if unknown or len(matchers) != 1:
        raise RuleError(f"{where}: needs exactly one of {', '.join(MATCHERS)} (and name, description)")
    matcher = matchers[0]
    return Filter(name, " ".join(description.split()), matcher, _values(where, matcher, raw[matcher]))


def _values(where: str, matcher: str, value: Any) -> tuple[str, ...]:
    if matcher == "shape":
        if value not in SHAPES:
            raise RuleError(f"{where}: shape must be one of {', '.join(SHAPES)}")
        return (value,)
    if matcher == "regex":
        if not isinstance(value, str):
            raise RuleError(f"{where}: regex must be a string")
        try:
            re.compile(value)
        except re.error as exc:
            raise RuleError(f"{where}: bad regex: {exc}") from None
        if re.search(r"\(\?P<", value):
            raise RuleError(f"{where}: a filter regex may not name groups")
        return (value,)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise RuleError(f"{where}: {matcher} must be a non-empty list of strings")
    return tuple(" ".join(v.lower().split()) for v in value)


@functools.cache
def builtin() -> Filters:
    """The shipped filters (rules/filters/placeholders.yaml), loaded on first use."""
    from secret_hygiene.engine.rules import builtin_rules_dir  # rules.py imports this module

    return load(builtin_rules_dir() / FILE)


@functools.cache
def digest() -> str:
    """A hash of the shipped filters file: rule cache entries depend on its names."""
    from secret_hygiene.engine.rules import builtin_rules_dir

    try:
        return hashlib.sha256((builtin_rules_dir() / FILE).read_bytes()).hexdigest()[:16]
    except OSError:
        return "missing"
