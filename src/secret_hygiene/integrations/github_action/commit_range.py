"""Which commits a GitHub Actions run should scan, and enough history to scan them (issue 7).

A pull_request event scans the PR's commits (base..head); a push event the pushed range
(before..after). actions/checkout clones one commit deep by default, so the two ends are fetched
and the history deepened, a bounded number of times, until they share a merge base.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from secret_hygiene.errors import GitError, SecretHygieneError
from secret_hygiene.sources import git as gitrepo

PR_EVENTS = ("pull_request", "pull_request_target")
DEEPEN = (50, 200, 1000, 5000)  # commits added per round once the first fetch is not enough
ZERO = "0" * 40


@dataclass(frozen=True)
class Scope:
    """What the event asks to scan: a range, nothing, or (None for both) the whole repository."""

    base: str | None = None
    head: str | None = None
    depth: int = 1  # commits in the range, as the event reports them (a hint for the first fetch)
    nothing: str | None = None  # why there is nothing to scan (a deleted branch)
    label: str = "repository"

    @property
    def range(self) -> str | None:
        """`base..head`, or None when the whole repository is scanned."""
        return f"{self.base}..{self.head}" if self.base and self.head else None


def event_scope(environ: Mapping[str, str]) -> Scope:
    """The scope of the current workflow event ($GITHUB_EVENT_NAME, $GITHUB_EVENT_PATH)."""
    name = environ.get("GITHUB_EVENT_NAME", "")
    if name not in (*PR_EVENTS, "push"):
        return Scope()
    event = _read_event(environ.get("GITHUB_EVENT_PATH", ""))
    if name in PR_EVENTS:
        pr = _object(event.get("pull_request"), "pull_request")
        base = _sha(_object(pr.get("base"), "pull_request.base").get("sha"), "pull_request.base.sha")
        head = _sha(_object(pr.get("head"), "pull_request.head").get("sha"), "pull_request.head.sha")
        commits = pr.get("commits")
        depth = commits if isinstance(commits, int) and commits > 0 else 1
        return Scope(
            base, head, depth, label=f"pull request #{pr.get('number', '?')} ({base[:7]}..{head[:7]})"
        )
    before, after = _sha(event.get("before"), "before"), _sha(event.get("after"), "after")
    if after == ZERO:
        return Scope(nothing="the push deleted a branch: no commits to scan")
    if before == ZERO:
        return Scope(label="new branch: whole repository")
    commits = event.get("commits")
    depth = len(commits) if isinstance(commits, list) and commits else 1
    return Scope(before, after, depth, label=f"push {before[:7]}..{after[:7]}")


def _read_event(path: str) -> dict[str, Any]:
    if not path:
        raise SecretHygieneError("GITHUB_EVENT_PATH is not set; the action needs the event JSON")
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SecretHygieneError(f"cannot read the event JSON {path}: {exc}") from None
    return _object(doc, "event")


def _object(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SecretHygieneError(f"event JSON: {what} is missing or not an object")
    return value


def _sha(value: object, what: str) -> str:
    if not isinstance(value, str) or len(value) not in (40, 64) or value.strip("0123456789abcdef"):
        raise SecretHygieneError(f"event JSON: {what} is not a commit SHA: {str(value)[:80]!r}")
    return value


def ensure_history(repo: gitrepo.Repo, scope: Scope, remote: str = "origin") -> list[str]:
    """Fetch and deepen until both ends of the range exist and share a merge base; returns notes.

    Raises SecretHygieneError when that fails within the bounded number of rounds.
    """
    assert scope.base is not None and scope.head is not None
    ends = (scope.base, scope.head)
    if _connected(repo, *ends):
        return []
    shallow = gitrepo.is_shallow(repo)
    fetch = ["fetch", "--quiet", "--no-tags", "--no-recurse-submodules"]
    _try(repo, *fetch, *([f"--depth={scope.depth + 1}"] if shallow else []), remote, *ends)
    fetched = scope.depth + 1
    for step in DEEPEN if shallow else ():
        if _connected(repo, *ends):
            break
        _try(repo, *fetch, f"--deepen={step}", remote, *ends)
        fetched += step
    if not _connected(repo, *ends):
        raise SecretHygieneError(
            f"could not find the common history of {ends[0][:12]} and {ends[1][:12]} after fetching "
            f"~{fetched} commits from {remote}; check out with `fetch-depth: 0`"
        )
    return [f"fetched history from {remote} to connect {ends[0][:12]}..{ends[1][:12]} (shallow checkout)"]


def _connected(repo: gitrepo.Repo, base: str, head: str) -> bool:
    if not (gitrepo.resolves(repo, base) and gitrepo.resolves(repo, head)):
        return False
    try:
        gitrepo.pipe(repo, "merge-base", base, head)
    except GitError:
        return False
    return True


def _try(repo: gitrepo.Repo, *args: str) -> None:
    """A fetch that may fail (a commit the remote no longer has): the caller checks the result."""
    with contextlib.suppress(GitError):
        gitrepo.pipe(repo, *args)
