"""File-name globs as the project reads them: a glob without `/` matches a file's name, one with
`/` its whole repository path (fnmatch syntax, case-sensitive).

One compiled regex per kind of glob, so a test of a path costs one or two `re` calls whatever the
number of globs (a per-glob fnmatch on every file of kafka's tree cost 0.3 s per commit hook).
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Callable


@functools.lru_cache(maxsize=64)
def path_matcher(globs: tuple[str, ...]) -> Callable[[str], bool]:
    """A test of a repository path that is True when one of `globs` matches it."""
    by_name = _union([g for g in globs if "/" not in g])
    by_path = _union([g for g in globs if "/" in g])
    return lambda path: bool(
        (by_name is not None and by_name(path.rpartition("/")[2])) or (by_path is not None and by_path(path))
    )


def _union(globs: list[str]) -> Callable[[str], re.Match[str] | None] | None:
    return re.compile("|".join(f"(?:{fnmatch.translate(g)})" for g in globs)).match if globs else None
