"""The index as Blobs: what the next commit will hold, not the work tree (issue 4).

Each added or modified file is read whole from its staged blob (so allow comments on the line
above still work and line numbers are the staged file's), and reports are limited to the lines
the commit adds (`git diff --cached -U0`). Nothing here writes the index or the work tree.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from secret_hygiene import gitrepo
from secret_hygiene import history as patches
from secret_hygiene.model import Blob, Skipped

SUBMODULE, SYMLINK = "160000", "120000"
BINARY = "binary"


def staged_blobs(
    repo: Any, pathspecs: Sequence[str], max_size: int, verdict: patches.Verdict = lambda _: None
) -> Iterator[Blob | Skipped]:
    """A Blob (with only_lines) or a Skipped for each file the index adds or changes."""
    added = _added_lines(repo, pathspecs, max_size)
    wanted: list[tuple[str, str]] = []
    for mode, sha, path in gitrepo.staged_entries(repo, pathspecs):
        reason = verdict(path)
        lines = added.get(path)
        if mode == SUBMODULE or reason == "" or lines is None:
            continue  # a submodule pointer, an excluded file, or a change that adds no line
        if isinstance(lines, Skipped) and lines.reason != BINARY:
            yield lines
        elif reason is not None or mode == SYMLINK:
            yield Skipped(path, reason or "symlink (not followed)")
        else:
            wanted.append((sha, path))
    yield from _read(repo, wanted, added, max_size)


def _read(
    repo: Any, wanted: list[tuple[str, str]], added: dict[str, frozenset[int] | Skipped], max_size: int
) -> Iterator[Blob | Skipped]:
    sizes = gitrepo.blob_sizes(repo, [sha for sha, _ in wanted]) if wanted else {}
    small = [sha for sha, _ in wanted if sha in sizes and sizes[sha] <= max_size]
    contents = gitrepo.read_blobs(repo, small) if small else {}
    for sha, path in wanted:
        if sha not in sizes:
            yield Skipped(
                path, "staged blob missing from the object store (a partial clone or damaged index)"
            )
        elif sha not in contents:
            yield Skipped(path, f"larger than the size cap ({sizes[sha]} > {max_size} bytes)")
        else:
            lines = added[path]
            # git's diff calls UTF-16 text binary and gives no added lines: the engine decodes
            # such a blob (or skips it as binary) and the whole staged file is reported.
            only = None if isinstance(lines, Skipped) else lines
            yield Blob(path, contents[sha], only_lines=only)


def _added_lines(repo: Any, pathspecs: Sequence[str], max_size: int) -> dict[str, frozenset[int] | Skipped]:
    """Line numbers each staged file adds, or the Skipped record git's diff calls for (binary)."""
    args = ["diff", "--cached", *patches.PATCH_OPTIONS, "-U0", "--", *pathspecs]
    added: dict[str, frozenset[int] | Skipped] = {}
    # Only the line numbers are used (the staged blob is what gets scanned); added lines over the
    # cap mean a blob over it, which would be skipped anyway.
    with gitrepo.stream(repo, *args, config=patches.PATCH_CONFIG) as out:
        for item in patches.parse(out, max_size):
            if isinstance(item, Blob):
                added[item.path] = frozenset(item.line_map or ())
            elif isinstance(item, Skipped):
                added[item.path] = item
    return added
