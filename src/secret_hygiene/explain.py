"""Why a candidate value was not reported: one record per drop, for `--explain` and `rules test`.

Every place that drops a value a rule matched gives it a stable kind and name:

| kind                 | name                                    | where                       |
| -------------------- | --------------------------------------- | --------------------------- |
| `too-short`          | `min-length`                            | scanner: under 4 characters |
| `placeholder-filter` | entry of rules/filters/placeholders.yaml | placeholders.py             |
| `entropy`            | `min-entropy`                           | the rule's `entropy`        |
| `allow-pattern`      | the rule's allow regex                  | the rule's `allow`          |
| `judge`              | a check of judge.py (`public-address`)  | judge.py                    |
| `requires`           | the companion rule id or regex          | the rule's `requires`       |
| `claimed`            | the rule that rejected the same span    | scanner: overlapping rules  |
| `inline-allow`       | the allow comment                       | suppress.py                 |
| `baseline`           | the baseline file name                  | baseline.py                 |

A record holds the value's redacted preview only, never the value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

KINDS = {
    "too-short": "shorter than the 4 characters a secret needs",
    "placeholder-filter": "placeholder filter",
    "entropy": "entropy threshold",
    "allow-pattern": "rule allow pattern",
    "judge": "judge check",
    "requires": "companion not found",
    "claimed": "span claimed by rule",
    "inline-allow": "inline allow comment",
    "baseline": "baseline",
}


@dataclass(frozen=True)
class Dropped:
    """A candidate value a rule matched and something dropped: where, by what, and a preview."""

    rule_id: str
    path: str
    line: int | None
    kind: str
    name: str
    secret: str  # redacted preview (scanner.redact), never the value
    fingerprint: str = ""
    commit: str | None = None
    detail: str = ""

    def describe(self) -> str:
        """`dropped RULE at PATH:LINE: placeholder filter "NAME" (preview)`."""
        where = self.path + (f":{self.line}" if self.line is not None else "")
        if self.commit:
            where += f" in {self.commit[:12]}"
        said = KINDS.get(self.kind, self.kind)
        name = f' "{self.name}"' if self.name else ""
        detail = f" ({self.detail})" if self.detail else ""
        return f"dropped {self.rule_id} at {where}: {said}{name}{detail} [{self.secret}]"

    def as_dict(self) -> dict[str, Any]:
        """The record for JSON output (`dropped` list, with --explain only)."""
        return {
            "rule_id": self.rule_id,
            "path": self.path,
            "line": self.line,
            "commit": self.commit,
            "kind": self.kind,
            "name": self.name,
            "detail": self.detail,
            "secret": self.secret,
            "fingerprint": self.fingerprint,
        }


def unique(records: Iterable[Dropped]) -> tuple[Dropped, ...]:
    """One record per value, file and reason (a value dropped in 40 commits is explained once),
    in file and line order."""
    seen: dict[tuple[str, str, str, str, str], Dropped] = {}
    for r in records:
        seen.setdefault((r.rule_id, r.path, r.fingerprint, r.kind, r.name), r)
    return tuple(sorted(seen.values(), key=lambda r: (r.path, r.line or 0, r.rule_id)))
