"""Keys in names: file paths, commit messages and ref names, scanned with the same Engine.

A token pasted into a file name, a commit message or a branch name is as public as one in a file,
and the reporters would print the name whole. These findings (check `leak-name`, the detail `kind`
saying where) go beside the content findings; the reporters' guard (reporters/safety.py) redacts
the matched span wherever the name is printed.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace

from secret_hygiene.engine.scanner import Engine
from secret_hygiene.model import Blob, Finding
from secret_hygiene.sources import git as gitrepo

CHECK = "leak-name"
_SHA = re.compile(r"[0-9a-f]{40,64}")


def _found(engine: Engine, texts: Sequence[str]) -> Iterator[tuple[int, Finding]]:
    """(index into `texts`, finding with its line in that text) for every key in `texts`.

    One blob for all of them, so that a history of a million commits is one prefilter pass, not
    a million: each text starts on a line of its own after a blank line (no text is the line above
    another's, where an allow comment would count)."""
    starts: list[int] = []
    parts: list[bytes] = []
    line = 1
    for text in texts:
        starts.append(line)
        encoded = text.encode("utf-8", "surrogateescape")
        parts.append(encoded + b"\n\n")
        line += encoded.count(b"\n") + 2
    blob = Blob("<names>", b"".join(parts))
    for f in engine.scan_blob(blob):
        if isinstance(f, Finding) and f.line is not None:
            index = bisect.bisect_right(starts, f.line) - 1
            yield index, replace(f, line=f.line - starts[index] + 1)


def _as_name(f: Finding, kind: str, path: str, commit: str | None, line: bool = False) -> Finding:
    return replace(
        f, check=CHECK, path=path, commit=commit, line=f.line if line else None,
        column=f.column if line else None, message=f"{f.message} in a {kind}",
        details=(*f.details, ("kind", kind)),
    )  # fmt: skip


def path_findings(paths: Iterable[str], engine: Engine, commit: str | None = None) -> list[Finding]:
    """A finding for each key in a file path (each path once)."""
    unique = list(dict.fromkeys(paths))
    return [_as_name(f, "file name", unique[i], commit) for i, f in _found(engine, unique)]


def history_findings(
    repo: gitrepo.Repo, revs: Sequence[str], engine: Engine, keep: Callable[[str], bool] = lambda _: True
) -> list[Finding]:
    """Keys in the commit messages and changed paths (those `keep` accepts) of `revs`, and in the
    repository's ref names; each key once per place, at the oldest commit that holds it."""
    found: dict[tuple[str, str], Finding] = {}
    messages = list(_messages(repo, revs))  # newest first: a later (older) commit wins
    for i, f in _found(engine, [m for _, m in messages]):
        found[(f.fingerprint, "")] = _as_name(f, "commit message", "", messages[i][0], line=True)
    oldest = {path: sha for sha, path in _paths(repo, revs) if keep(path)}
    paths = list(oldest)
    for i, f in _found(engine, paths):
        found[(f.fingerprint, paths[i])] = _as_name(f, "file name", paths[i], oldest[paths[i]])
    refs = gitrepo.run_bytes(repo, "for-each-ref", "--format=%(refname)%00%(objectname)")
    pairs = [line.partition("\0") for line in refs.decode("utf-8", "surrogateescape").splitlines()]
    for i, f in _found(engine, [ref for ref, _, _ in pairs]):
        ref, _, sha = pairs[i]
        found.setdefault((f.fingerprint, ref), _as_name(f, "ref name", ref, sha or None))
    return list(found.values())


def _messages(repo: gitrepo.Repo, revs: Sequence[str]) -> Iterator[tuple[str, str]]:
    """(sha, message), newest first; a later (older) commit overwrites the caller's entry."""
    out = gitrepo.run_bytes(repo, "log", "--no-show-signature", "--format=%H%x00%B%x00", *revs, "--")
    parts = out.decode("utf-8", "surrogateescape").split("\0")
    for i in range(0, len(parts) - 1, 2):
        yield parts[i].strip(), parts[i + 1]


def _paths(repo: gitrepo.Repo, revs: Sequence[str]) -> Iterator[tuple[str, str]]:
    """(sha, path) for every path each commit adds or changes."""
    out = gitrepo.run_bytes(
        repo, "log", "-z", "--no-renames", "--diff-filter=AMT", "--name-only", "--format=%x00%H", *revs, "--"
    )
    sha, after_break, first = "", False, False
    for token in out.decode("utf-8", "surrogateescape").split("\0"):
        if after_break and _SHA.fullmatch(token):
            sha, after_break, first = token, False, True
        elif token == "":
            after_break = True
        else:  # git puts a line break between a commit's header and its first path
            yield sha, token[1:] if first and token.startswith("\n") else token
            after_break = first = False
