"""Every rule against its own examples: positives found by it, negatives by no rule."""

from __future__ import annotations

from collections.abc import Sequence

from secret_hygiene.model import Blob, Finding
from secret_hygiene.rules import Rule
from secret_hygiene.scanner import Engine


def check_examples(rules: Sequence[Rule], only: Sequence[str] = ()) -> list[str]:
    """Human-readable failures; empty when every example behaves."""
    engine = Engine(rules)
    failures: list[str] = []
    for rule in rules:
        if only and not any(picked(rule.id, o) for o in only):
            continue
        if len(rule.examples) < 1:
            failures.append(f"{rule.id}: has no examples")
        for i, example in enumerate(rule.examples, 1):
            ids = _found(engine, example)
            if rule.id not in ids:
                extra = f" (found instead by {', '.join(sorted(ids))})" if ids else ""
                failures.append(f"{rule.id}: example #{i} is not found by the rule{extra}")
        for i, example in enumerate(rule.negative_examples, 1):
            ids = _found(engine, example)
            if ids:
                failures.append(f"{rule.id}: negative example #{i} is found by {', '.join(sorted(ids))}")
    return failures


def _found(engine: Engine, text: str) -> set[str]:
    blob = Blob("<example>", text.encode("utf-8"))
    return {f.rule_id for f in engine.scan_blob(blob) if isinstance(f, Finding)}


def picked(rule_id: str, pattern: str) -> bool:
    """True when `pattern` names the id, or is a prefix ending in `*`."""
    return rule_id.startswith(pattern[:-1]) if pattern.endswith("*") else rule_id == pattern
