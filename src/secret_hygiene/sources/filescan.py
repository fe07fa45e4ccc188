"""Read and scan many files, in a process pool when there is enough work for it."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from secret_hygiene.engine.decode import DEFAULT_DEPTH
from secret_hygiene.engine.rules import Rule
from secret_hygiene.engine.scanner import Engine
from secret_hygiene.model import Finding, Skipped
from secret_hygiene.sources.files import read_files, unreadable_warning

# Below this many bytes a pool costs more (fork, result pickling) than it saves.
PARALLEL_MIN_BYTES = 16 * 1024 * 1024
CHUNK_BYTES = 2 * 1024 * 1024

_worker: tuple[Engine, Path, int, bool] | None = None  # per-process state of a pool worker


def scan_files(
    root: Path,
    rels: Sequence[str],
    rules: Sequence[Rule],
    max_size: int,
    scan_generated: bool = False,
    jobs: int | None = None,
    engine: Engine | None = None,
    lines: list[int] | None = None,
) -> Iterator[Finding | Skipped]:
    """Findings and skips for the files `rels` under `root`; `engine`, if given, is built from `rules`.
    `lines`, if given, gets the number of lines of each file read (for the report's summary)."""
    counted = lines if lines is not None else []
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    chunks = _chunks(root, rels) if jobs > 1 else []
    if len(chunks) < 2:
        yield from _scan(engine or Engine(rules), root, rels, max_size, scan_generated, counted)
        return
    import multiprocessing  # only large trees pay for the pool machinery

    ctx = multiprocessing.get_context("fork")
    depth = engine.decode_depth if engine is not None else DEFAULT_DEPTH
    hashes = engine is not None and engine.baseline_hashes
    with ctx.Pool(jobs, _init, (rules, root, max_size, scan_generated, depth, hashes)) as pool:
        for results, chunk_lines in pool.imap(_scan_chunk, chunks):
            counted.append(chunk_lines)
            yield from results


def _chunks(root: Path, rels: Sequence[str]) -> list[list[str]]:
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


def _init(
    rules: Sequence[Rule], root: Path, max_size: int, scan_generated: bool, depth: int, hashes: bool
) -> None:
    global _worker
    _worker = (Engine(rules, decode_depth=depth, baseline_hashes=hashes), root, max_size, scan_generated)


def _scan_chunk(rels: list[str]) -> tuple[list[Finding | Skipped], int]:
    assert _worker is not None
    engine, root, max_size, scan_generated = _worker
    lines: list[int] = []
    return list(_scan(engine, root, rels, max_size, scan_generated, lines)), sum(lines)


def _scan(
    engine: Engine, root: Path, rels: Sequence[str], max_size: int, scan_generated: bool, lines: list[int]
) -> Iterator[Finding | Skipped]:
    for blob in read_files(root, rels, max_size, scan_generated):
        if isinstance(blob, Skipped):
            yield blob
            warning = unreadable_warning(blob)
            if warning is not None:
                yield warning
        else:
            found = list(engine.scan_blob(blob))
            if not any(isinstance(r, Skipped) for r in found):  # binary: skipped, not checked
                data = blob.data
                lines.append(data.count(b"\n") + (not data.endswith(b"\n") and bool(data)))
            yield from found
