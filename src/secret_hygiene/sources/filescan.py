"""Read and scan many files, with forked workers beside this process when there is enough work.

The files Source (`files.read_files`) goes through the one scan loop (`engine/scan.py`), in this
process or, for a big tree, in this process and jobs - 1 forked workers, each taking chunks of
the files from a shared counter; results come back in chunk order. detect-secrets' second
opinion, when asked for, runs on the same Blobs in the same loop: each file is read once.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from secret_hygiene.engine.decode import DEFAULT_DEPTH
from secret_hygiene.engine.rules import Rule
from secret_hygiene.engine.scan import line_count, read_whole, scan
from secret_hygiene.engine.scanner import Engine
from secret_hygiene.integrations.detect_secrets import if_asked
from secret_hygiene.model import Blob, Finding, Skipped
from secret_hygiene.sources.files import read_files, unreadable_warning

# Below this many bytes a pool costs more (fork, result pickling) than it saves.
PARALLEL_MIN_BYTES = 16 * 1024 * 1024
CHUNK_BYTES = 2 * 1024 * 1024
# From this many files a pool pays whatever their sizes; chunks are then this many files.
PARALLEL_MIN_FILES = 2048
CHUNK_FILES = 256

# One chunk's findings and skips, lines read, detect-secrets' findings.
_Scanned = tuple[list[Finding | Skipped], int, list[Finding]]


class _Run(NamedTuple):
    """The run's state, set before the fork: every process scanning takes chunks from `taken`."""

    engine: Engine
    root: Path
    max_size: int
    scan_generated: bool
    second: bool  # detect-secrets' second opinion asked for
    chunks: list[list[str]]
    taken: Any  # a multiprocessing Value: the index of the next chunk to take


_worker: _Run | None = None


def scan_files(
    root: Path,
    rels: Sequence[str],
    rules: Sequence[Rule],
    max_size: int,
    scan_generated: bool = False,
    jobs: int | None = None,
    engine: Engine | None = None,
    lines: list[int] | None = None,
    second: list[Finding] | None = None,
) -> Iterator[Finding | Skipped]:
    """Findings and skips for the files `rels` under `root`; `engine`, if given, is built from `rules`.
    `lines`, if given, gets the number of lines of each file read (for the report's summary);
    `second`, if given, gets detect-secrets' findings in the same files (integrations/detect_secrets.py)."""
    counted = lines if lines is not None else []
    engine = engine or Engine(rules, decode_depth=DEFAULT_DEPTH)
    # An explaining engine records its drops in this process: a pool's workers would lose them.
    jobs = 1 if engine.dropped is not None else jobs if jobs is not None else (os.cpu_count() or 1)
    chunks = _chunks(root, rels) if jobs > 1 else []
    if len(chunks) < 2:
        yield from _scan(engine, root, rels, max_size, scan_generated, counted, second)
        return
    import multiprocessing  # only large trees pay for the pool machinery

    ctx = multiprocessing.get_context("fork")
    # The workers inherit this process's engine through the fork rather than building their own:
    # its rules and hyperscan databases are then shared pages, not one copy per worker (peak RSS
    # of the process tree on moby: 195 MiB with an engine per worker). This process scans too,
    # beside jobs - 1 workers, taking chunks from the same shared counter: one process fewer to
    # hold an interpreter and an engine (moby: 138 -> 97 MiB summed over the tree), none idle.
    engine.prefilter.load_all()
    global _worker
    _worker = _Run(engine, root, max_size, scan_generated, second is not None, chunks, ctx.Value("i", 0))
    try:
        with ctx.Pool(jobs - 1) as pool:
            others = [pool.apply_async(_take_chunks) for _ in range(jobs - 1)]
            done = _take_chunks()
            for other in others:
                done.update(other.get())
    finally:
        _worker = None
    for i in sorted(done):
        results, chunk_lines, opinions = done[i]
        counted.append(chunk_lines)
        if second is not None:
            second.extend(opinions)
        yield from results


def _chunks(root: Path, rels: Sequence[str]) -> list[list[str]]:
    """The files cut into chunks for the workers, or [] when a pool would not pay.

    A tree of many files is cut by count, without a stat of each file first (moby's 13,000:
    0.06 s before the pool could start); chunks are taken one at a time, so a chunk holding a
    big file does not hold the others up. A short list is cut by bytes.
    """
    if len(rels) >= PARALLEL_MIN_FILES:
        return [list(rels[i : i + CHUNK_FILES]) for i in range(0, len(rels), CHUNK_FILES)]
    sizes = []
    for rel in rels:
        try:
            sizes.append(os.lstat(os.path.join(root, rel)).st_size)
        except OSError:
            sizes.append(0)
    if sum(sizes) < PARALLEL_MIN_BYTES:
        return []
    chunks: list[list[str]] = [[]]
    filled = 0
    for rel, size in zip(rels, sizes, strict=True):
        if filled >= CHUNK_BYTES:
            chunks.append([])
            filled = 0
        chunks[-1].append(rel)
        filled += size
    return chunks


def _take_chunks() -> dict[int, _Scanned]:
    """Scan chunks, each taken from the shared counter, until none is left; their results by index."""
    assert _worker is not None
    engine, root, max_size, scan_generated, second, chunks, taken = _worker
    done: dict[int, _Scanned] = {}
    while True:
        with taken.get_lock():
            i = taken.value
            taken.value += 1
        if i >= len(chunks):
            return done
        lines: list[int] = []
        opinions: list[Finding] | None = [] if second else None
        results = list(_scan(engine, root, chunks[i], max_size, scan_generated, lines, opinions))
        done[i] = (results, sum(lines), opinions or [])


def _scan(
    engine: Engine,
    root: Path,
    rels: Sequence[str],
    max_size: int,
    scan_generated: bool,
    lines: list[int],
    second: list[Finding] | None = None,
) -> Iterator[Finding | Skipped]:
    with if_asked(second is not None) as opinion:

        def seen(blob: Blob, found: Sequence[Finding | Skipped]) -> None:
            if read_whole(found):  # binary: skipped, not checked
                lines.append(line_count(blob.data))
            if opinion is not None and second is not None:
                second.extend(opinion.scan_blob(blob, (f for f in found if isinstance(f, Finding))))

        for result in scan(read_files(root, rels, max_size, scan_generated), engine, seen):
            yield result
            warning = unreadable_warning(result) if isinstance(result, Skipped) else None
            if warning is not None:
                yield warning
