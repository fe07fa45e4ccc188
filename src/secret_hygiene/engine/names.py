"""Keys in names: file paths, commit messages and ref names, scanned with the same Engine.

A token pasted into a file name, a commit message or a branch name is as public as one in a file,
and the reporters would print the name whole. These findings (check `leak-name`, the detail `kind`
saying where) go beside the content findings; the reporters' guard (reporters/safety.py) redacts
the matched span wherever the name is printed.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace

from secret_hygiene.engine.scanner import Engine
from secret_hygiene.model import Blob, Finding
from secret_hygiene.sources import git as gitrepo

CHECK = "leak-name"


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


def message_and_ref_findings(
    repo: gitrepo.Repo, revs: Sequence[str], engine: Engine
) -> tuple[list[Finding], list[Finding]]:
    """Keys in the commit messages of `revs` (each at its oldest commit) and in the ref names."""
    messages = list(_messages(repo, revs))  # newest first: a later (older) commit wins
    by_message: dict[str, Finding] = {}
    for i, f in _found(engine, [m for _, m in messages]):
        by_message[f.fingerprint] = _as_name(f, "commit message", "", messages[i][0], line=True)
    refs = gitrepo.run_bytes(repo, "for-each-ref", "--format=%(refname)%00%(objectname)")
    pairs = [line.partition("\0") for line in refs.decode("utf-8", "surrogateescape").splitlines()]
    by_ref: dict[tuple[str, str], Finding] = {}
    for i, f in _found(engine, [ref for ref, _, _ in pairs]):
        ref, _, sha = pairs[i]
        by_ref.setdefault((f.fingerprint, ref), _as_name(f, "ref name", ref, sha or None))
    return list(by_message.values()), list(by_ref.values())


def changed_path_findings(
    paths: Mapping[str, str | None], engine: Engine, keep: Callable[[str], bool] = lambda _: True
) -> list[Finding]:
    """Keys in the changed paths `keep` accepts, each at the commit `paths` maps it to."""
    kept = [path for path in paths if keep(path)]
    found = {
        (f.fingerprint, kept[i]): _as_name(f, "file name", kept[i], paths[kept[i]])
        for i, f in _found(engine, kept)
    }
    return list(found.values())


def combined(messages_and_refs: tuple[list[Finding], list[Finding]], changed: list[Finding]) -> list[Finding]:
    """Messages, paths, then ref names; a ref name's key already found as a path is not repeated."""
    messages, refs = messages_and_refs
    seen = {(f.fingerprint, f.path) for f in changed}
    return [*messages, *changed, *(f for f in refs if (f.fingerprint, f.path) not in seen)]


def _messages(repo: gitrepo.Repo, revs: Sequence[str]) -> Iterator[tuple[str, str]]:
    """(sha, message), newest first; a later (older) commit overwrites the caller's entry."""
    out = gitrepo.run_bytes(repo, "log", "--no-show-signature", "--format=%H%x00%B%x00", *revs, "--")
    parts = out.decode("utf-8", "surrogateescape").split("\0")
    for i in range(0, len(parts) - 1, 2):
        yield parts[i].strip(), parts[i + 1]
