"""When a key's value was first committed: the oldest commit that held it, and blame for tracked lines.

Values arrive here only to be compared: `value_id` is an in-memory sha256, never stored or printed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING

from secret_hygiene.engine.noise import is_placeholder
from secret_hygiene.env.dotenv import bindings
from secret_hygiene.errors import GitError
from secret_hygiene.sources import git as gitrepo

if TYPE_CHECKING:  # rotation.py imports this module
    from secret_hygiene.rotation.assess import EnvKey


def value_id(value: str) -> str:
    """How a value is compared with its past copies in git (kept in memory only, never stored)."""
    return hashlib.sha256(value.encode("utf-8", "surrogateescape")).hexdigest()


def values_of(text: str) -> Iterable[str]:
    """The non-placeholder values of one version of an env file, for `value_id`."""
    for binding in bindings(text):
        if (
            binding.key is not None
            and not binding.error
            and binding.value
            and not is_placeholder(binding.value)
        ):
            yield binding.value


class GitDates:
    """When a value was first committed: the oldest commit that held it in its file, tracked or not today.

    A value committed once and untracked later (`git rm --cached .env`, as the env check advises)
    is as old as that commit: untracking must not turn an overdue key into an unknown one. For a
    tracked file, blame dates the current lines too (a value whose file history was rewritten).
    """

    def __init__(self, repo: gitrepo.Repo, max_size: int) -> None:
        self.repo, self.max_size = repo, max_size
        self.blame: dict[str, dict[int, datetime | None]] = {}
        self.history: dict[str, dict[str, date]] = {}

    def date_of(self, key: EnvKey) -> date | None:
        if key.placeholder or key.value_id is None:
            return None
        if key.path not in self.history:
            self.history[key.path] = self._history(key.path)
        dates = [d for d in (self.history[key.path].get(key.value_id), self._blamed(key)) if d is not None]
        return min(dates, default=None)

    def _blamed(self, key: EnvKey) -> date | None:
        if not key.tracked:
            return None
        if key.path not in self.blame:
            try:
                self.blame[key.path] = gitrepo.blame_dates(self.repo, key.path)
            except GitError:
                self.blame[key.path] = {}
        found = [self.blame[key.path].get(n) for n in range(key.line, key.end_line + 1)]
        if not found or any(d is None for d in found):
            return None
        return max(d for d in found if d is not None).astimezone(timezone.utc).date()

    def _history(self, path: str) -> dict[str, date]:
        """value id -> author date (UTC) of the oldest commit reachable from HEAD whose `path` held it."""
        try:
            versions = _versions(self.repo, path)
            sizes = gitrepo.blob_sizes(self.repo, list(dict.fromkeys(b for _, b in versions)))
            wanted = [b for b in dict.fromkeys(b for _, b in versions) if sizes.get(b, 0) <= self.max_size]
            blobs = gitrepo.read_blobs(self.repo, wanted) if wanted else {}
        except GitError:
            return {}
        oldest: dict[str, date] = {}
        for when, blob in versions:  # newest first: the last write per value is its oldest commit
            data = blobs.get(blob)
            if data is None or b"\0" in data:
                continue
            for value in values_of(data.decode("utf-8-sig", "surrogateescape")):
                oldest[value_id(value)] = when
        return oldest


def _versions(repo: gitrepo.Repo, path: str) -> list[tuple[date, str]]:
    """(author date, blob) of each commit reachable from HEAD that added or changed `path`, newest first.

    Commits at a shallow-clone boundary are left out: their author date is not the value's first.
    """
    if not gitrepo.has_head(repo):
        return []
    out = gitrepo.run_bytes(
        repo, "log", "--no-renames", "--diff-filter=AM", "--raw", "--no-abbrev", "-z",
        "--format=%x01%H %at", "HEAD", "--", path,
    )  # fmt: skip
    shallow = gitrepo.git_path(repo, "shallow")
    boundary = set(shallow.read_text(encoding="ascii").split()) if shallow.is_file() else set()
    found: list[tuple[date, str]] = []
    for chunk in out.split(b"\x01")[1:]:
        header, _, rest = chunk.partition(b"\0")
        sha, _, stamp = header.decode("ascii", "replace").strip().partition(" ")
        meta = rest.lstrip(b"\n").split(b"\0")[0].decode("ascii", "replace").lstrip(":").split()
        if sha in boundary or len(meta) != 5 or meta[1] not in ("100644", "100755"):
            continue
        found.append((datetime.fromtimestamp(int(stamp), timezone.utc).date(), meta[3]))
    return found
