"""Which rules are worth running on a blob: one multi-literal pass over its bytes.

Hyperscan compiles every rule keyword into one database and reports each
keyword at most once per blob, so the cost is one pass at memory speed however
many rules there are (issue 2, speed). Where hyperscan is not installable the
same answer comes from lowering the bytes and searching each keyword.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from typing import Any

from secret_hygiene.rules import Rule

hyperscan: ModuleType | None
try:  # hyperscan wheels exist for x86_64 and aarch64 Linux/macOS only.
    import hyperscan
except ImportError:  # pragma: no cover - exercised only where no wheel exists
    hyperscan = None


class Prefilter:
    """Maps the keywords present in a blob to the indices of the rules to run."""

    def __init__(self, rules: Sequence[Rule], use_hyperscan: bool = True) -> None:
        self.keywords = sorted({kw for rule in rules for kw in rule.keywords})
        index = {kw: i for i, kw in enumerate(self.keywords)}
        self.rules_of: list[list[int]] = [[] for _ in self.keywords]
        for ri, rule in enumerate(rules):
            for kw in set(rule.keywords):
                self.rules_of[index[kw]].append(ri)
        self._db: Any = None
        if use_hyperscan and hyperscan is not None and self.keywords:
            self._db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            flag = hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_SINGLEMATCH
            self._db.compile(
                expressions=[kw.encode("utf-8") for kw in self.keywords],
                ids=list(range(len(self.keywords))),
                flags=[flag] * len(self.keywords),
                literal=True,
            )
        self._encoded = [kw.encode("utf-8") for kw in self.keywords]

    @property
    def accelerated(self) -> bool:
        """True when hyperscan does the pass."""
        return self._db is not None

    def keyword_hits(self, data: bytes) -> list[int]:
        """Indices of the keywords that occur in `data`, case-insensitively."""
        if self._db is None:
            lowered = data.lower()
            return [i for i, kw in enumerate(self._encoded) if kw in lowered]
        hits: list[int] = []
        self._db.scan(data, match_event_handler=_collect, context=hits)
        return hits

    def candidates(self, data: bytes) -> list[int]:
        """Sorted indices of the rules whose keywords occur in `data`."""
        found: set[int] = set()
        for k in self.keyword_hits(data):
            found.update(self.rules_of[k])
        return sorted(found)


def _collect(kw_id: int, start: int, end: int, flags: int, hits: object) -> None:
    assert isinstance(hits, list)
    hits.append(kw_id)
