"""Shared noise control: entropy, placeholders and references that are not secrets."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection

from secret_hygiene.engine import placeholders


def shannon_entropy(value: str) -> float:
    """Shannon entropy of `value` in bits per character."""
    if not value:
        return 0.0
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


def placeholder_reason(value: str, skip: Collection[str] = ()) -> str | None:
    """The name of the shared placeholder filter (rules/filters/placeholders.yaml) that drops
    `value`, or None; `skip` names entries a rule opted out of."""
    return placeholders.builtin().reason(value, skip)


def is_placeholder(value: str) -> bool:
    """True when `value` is a stand-in (placeholder, reference, repeated or sequential run)."""
    return placeholder_reason(value) is not None
