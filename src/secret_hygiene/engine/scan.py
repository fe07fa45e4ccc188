"""The one scan loop: the Blobs of any Source through the Engine, in order.

`scan` is what a tree scan (`sources/filescan.py`, in each worker of its pool too), a staged scan
and a history walk (`sources/history.py`) run; what differs between them is the Source and what
they count, which `seen` is told for each Blob read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

from secret_hygiene.engine.scanner import Engine
from secret_hygiene.model import Blob, Finding, Skipped

# Called with each Blob and what the engine made of it (its findings, or a Skipped record when the
# engine could not read it: binary, a rule over its time budget, a match cap).
Seen = Callable[[Blob, Sequence[Finding | Skipped]], None]


def scan(
    source: Iterable[Blob | Skipped], engine: Engine, seen: Seen | None = None
) -> Iterator[Finding | Skipped]:
    """The findings of every Blob of `source`, and every Skipped record (the source's and the engine's)."""
    for item in source:
        if isinstance(item, Skipped):
            yield item
            continue
        found = list(engine.scan_blob(item))
        if seen is not None:
            seen(item, found)
        yield from found


def read_whole(found: Sequence[Finding | Skipped]) -> bool:
    """True when the engine read the Blob (no Skipped record for it: binary, over budget or capped)."""
    return not any(isinstance(r, Skipped) for r in found)


def line_count(data: bytes) -> int:
    """Lines in `data`, a last line without a newline included."""
    return data.count(b"\n") + (not data.endswith(b"\n") and bool(data))
