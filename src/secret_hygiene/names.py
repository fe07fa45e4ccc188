"""Keys in names: file paths, commit messages and ref names, scanned with the same Engine.

A token pasted into a file name, a commit message or a branch name is as public as one in a file,
and the reporters would print the name whole. These findings (check `leak-name`, the detail `kind`
saying where) go beside the content findings; the reporters' guard (reporters/safety.py) redacts
the matched span wherever the name is printed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from typing import Any

from secret_hygiene import gitrepo
from secret_hygiene.model import Blob, Finding
from secret_hygiene.scanner import Engine

CHECK = "leak-name"
_SHA = re.compile(r"[0-9a-f]{40,64}")


def _found(engine: Engine, text: str, where: str) -> Iterator[Finding]:
    blob = Blob(where, text.encode("utf-8", "surrogateescape"))
    yield from (f for f in engine.scan_blob(blob) if isinstance(f, Finding))


def _as_name(f: Finding, kind: str, path: str, commit: str | None, line: bool = False) -> Finding:
    return replace(
        f, check=CHECK, path=path, commit=commit, line=f.line if line else None,
        column=f.column if line else None, message=f"{f.message} in a {kind}",
        details=(*f.details, ("kind", kind)),
    )  # fmt: skip


def path_findings(paths: Iterable[str], engine: Engine, commit: str | None = None) -> list[Finding]:
    """A finding for each key in a file path (each path once)."""
    return [
        _as_name(f, "file name", path, commit)
        for path in dict.fromkeys(paths)
        for f in _found(engine, path, path)
    ]


def history_findings(
    repo: Any, revs: Sequence[str], engine: Engine, keep: Callable[[str], bool] = lambda _: True
) -> list[Finding]:
    """Keys in the commit messages and changed paths (those `keep` accepts) of `revs`, and in the
    repository's ref names; each key once per place, at the oldest commit that holds it."""
    found: dict[tuple[str, str], Finding] = {}
    for sha, message in _messages(repo, revs):
        for f in _found(engine, message, ""):
            found[(f.fingerprint, "")] = _as_name(f, "commit message", "", sha, line=True)
    for sha, path in filter(lambda item: keep(item[1]), _paths(repo, revs)):
        for f in path_findings([path], engine, sha):
            found[(f.fingerprint, path)] = f
    refs = gitrepo.run_bytes(repo, "for-each-ref", "--format=%(refname)%00%(objectname)")
    for line in refs.decode("utf-8", "surrogateescape").splitlines():
        ref, _, sha = line.partition("\0")
        for f in _found(engine, ref, ref):
            found.setdefault((f.fingerprint, ref), _as_name(f, "ref name", ref, sha or None))
    return list(found.values())


def _messages(repo: Any, revs: Sequence[str]) -> Iterator[tuple[str, str]]:
    """(sha, message), newest first; a later (older) commit overwrites the caller's entry."""
    out = gitrepo.run_bytes(repo, "log", "--no-show-signature", "--format=%H%x00%B%x00", *revs, "--")
    parts = out.decode("utf-8", "surrogateescape").split("\0")
    for i in range(0, len(parts) - 1, 2):
        yield parts[i].strip(), parts[i + 1]


def _paths(repo: Any, revs: Sequence[str]) -> Iterator[tuple[str, str]]:
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
