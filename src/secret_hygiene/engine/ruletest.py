"""Every rule against its own examples: positives found by it, negatives by no rule."""

from __future__ import annotations

from collections.abc import Sequence

from secret_hygiene.engine.rules import Rule
from secret_hygiene.engine.scanner import Engine
from secret_hygiene.explain import Dropped
from secret_hygiene.model import Blob, Finding

MIN_EXAMPLES = 2  # positive and negative examples each rule must carry (rules/README.md)
EXAMPLE_PATH = "<example>"


def check_examples(rules: Sequence[Rule], only: Sequence[str] = ()) -> list[str]:
    """Human-readable failures; empty when every example behaves. A positive example the rule
    matched but something dropped names what dropped it (a placeholder filter, a judge check...)."""
    engine = Engine(rules, explain=True)
    failures: list[str] = []
    for rule in rules:
        if only and not any(picked(rule.id, o) for o in only):
            continue
        failures += _thin(rule)
        path = example_path(rule)
        for i, example in enumerate(rule.examples, 1):
            ids = _found(engine, example, path)
            dropped = [d for d in engine.take_dropped() if d.rule_id == rule.id]
            if rule.id not in ids:
                extra = f" (found instead by {', '.join(sorted(ids))})" if ids else ""
                why = "".join(f"; {_why(d)}" for d in dropped)
                failures.append(f"{rule.id}: example #{i} is not found by the rule{extra}{why}")
        for i, example in enumerate(rule.negative_examples, 1):
            ids = _found(engine, example) | _found(engine, example, path)
            engine.take_dropped()
            if ids:
                failures.append(f"{rule.id}: negative example #{i} is found by {', '.join(sorted(ids))}")
    return failures


def _why(d: Dropped) -> str:
    """`matched, then dropped by placeholder filter "masked-x" [ghp_************ (40 chars)]`."""
    return "matched, then dropped by " + d.describe().split(": ", 1)[1]


def _thin(rule: Rule) -> list[str]:
    out = []
    if len(rule.examples) < MIN_EXAMPLES:
        out.append(f"{rule.id}: needs at least {MIN_EXAMPLES} examples (has {len(rule.examples)})")
    if len(rule.negative_examples) < MIN_EXAMPLES:
        out.append(
            f"{rule.id}: needs at least {MIN_EXAMPLES} negative examples (has {len(rule.negative_examples)})"
        )
    return out


def example_path(rule: Rule) -> str:
    """The file name a rule's examples are scanned as: its first `paths` glob made concrete."""
    if not rule.paths:
        return EXAMPLE_PATH
    return rule.paths[0].replace("**/", "").replace("*", "example").replace("?", "x")


def _found(engine: Engine, text: str, path: str = EXAMPLE_PATH) -> set[str]:
    blob = Blob(path, text.encode("utf-8"))
    return {f.rule_id for f in engine.scan_blob(blob) if isinstance(f, Finding)}


def picked(rule_id: str, pattern: str) -> bool:
    """True when `pattern` names the id, or is a prefix ending in `*`."""
    return rule_id.startswith(pattern[:-1]) if pattern.endswith("*") else rule_id == pattern
