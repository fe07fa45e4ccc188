"""Where bytes come from: the work tree, the index, git history; git.py is the only module that runs git.

Every source is a `Source`: an iterable of Blobs to scan and Skipped records for what it could
not read. `files.read_files` (a tree), `staged.staged_blobs` and `staged.unchanged_blobs` (the
index), and `history.commit_blobs` (the patches of `git log -p`) are the sources; each is handed
to the one scan loop, `engine/scan.py: scan`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from secret_hygiene.model import Blob, Skipped


class Source(Protocol):
    """Blobs to scan, and a Skipped record for each thing not read (binary, too big, excluded...).

    A generator function's result is one: sources are plain functions over their inputs (a root
    and paths, a repository and pathspecs, a `git log` stream), not classes.
    """

    def __iter__(self) -> Iterator[Blob | Skipped]: ...
