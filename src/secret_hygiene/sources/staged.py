"""The index as Blobs: what the next commit will hold, not the work tree (issue 4).

Each added or modified file is read whole from its staged blob (so allow comments on the line
above still work and line numbers are the staged file's), and reports are limited to the lines
the commit adds (`git diff --cached -U0`). Nothing here writes the index or the work tree.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence

from secret_hygiene.model import Blob, Skipped
from secret_hygiene.sources import git as gitrepo
from secret_hygiene.sources import patches

SUBMODULE, SYMLINK = "160000", "120000"
BINARY = "binary"


def staged_blobs(
    repo: gitrepo.Repo,
    pathspecs: Sequence[str],
    entries: Sequence[tuple[str, str, str]],
    max_size: int,
    verdict: patches.Verdict = lambda _: None,
    undiffed: Sequence[str] = (),
) -> Iterator[Blob | Skipped]:
    """A Blob (with only_lines) or a Skipped for each file the index adds or changes; `entries`
    are `gitrepo.staged_entries` of `pathspecs` (the caller lists them once for both sources).
    `undiffed`: gitattributes patterns of files `verdict` skips whatever they hold (generated
    files), which git need not diff (gitrepo.stream)."""
    added = _added_lines(repo, pathspecs, max_size, verdict, undiffed)
    wanted: list[tuple[str, str]] = []
    for mode, sha, path in entries:
        reason = verdict(path)
        lines = added.get(path)
        if mode == SUBMODULE or reason is patches.DROP or lines is None:
            continue  # a submodule pointer, an excluded file, or a change that adds no line
        if isinstance(lines, Skipped) and lines.reason != BINARY:
            yield lines
        elif reason is not None or mode == SYMLINK:
            yield Skipped(path, reason or "symlink (not followed)")
        else:
            wanted.append((sha, path))
    yield from _read(repo, wanted, added, max_size)


def unchanged_blobs(
    repo: gitrepo.Repo,
    files: Sequence[str],
    staged: Collection[str],
    max_size: int,
    verdict: patches.Verdict = lambda _: None,
) -> Iterator[Blob | Skipped]:
    """The whole index blob of each of `files` that has no staged change (lines None).

    pre-commit hands a hook file names that are not staged changes in an `--all-files` run and at
    push time; the index then holds them as committed, and all of their lines are what is checked.
    Files with a staged change (even one adding no line) are left out; a file not in the index
    becomes a Skipped record (the commit will not hold it, but it was named: say it was not read).
    `staged` holds the staged paths (at least those of `files`); at commit time every named file
    is usually staged, and the index is then not asked.
    """
    changed = set(staged)
    if all(f in changed for f in files):
        return
    specs = [f":(literal){f}" for f in files]
    wanted: list[tuple[str, str]] = []
    entries = _index_entries(repo, specs)
    indexed = {path for _, _, path in entries}
    for path in dict.fromkeys(files):
        if path not in indexed and path not in changed:
            yield Skipped(path, "not in the index (git add it, or scan the work-tree file: scan -- FILE)")
    for mode, sha, path in entries:
        reason = verdict(path)
        if path in changed or mode == SUBMODULE or reason is patches.DROP:
            continue
        if reason is not None or mode == SYMLINK:
            yield Skipped(path, reason or "symlink (not followed)")
        else:
            wanted.append((sha, path))
    yield from _read(repo, wanted, dict.fromkeys((p for _, p in wanted), None), max_size)


def _index_entries(repo: gitrepo.Repo, specs: Sequence[str]) -> list[tuple[str, str, str]]:
    """(mode, blob sha, path) of the index entries matching `specs` (stage 0: no merge conflict)."""
    if not specs:
        return []
    out = gitrepo.pipe(repo, "ls-files", "-s", "-z", "--", *specs)
    entries = []
    for record in out.split(b"\0"):
        meta, _, path = record.partition(b"\t")
        parts = meta.decode("ascii", "replace").split()
        if len(parts) == 3 and parts[2] == "0":
            entries.append((parts[0], parts[1], path.decode("utf-8", "surrogateescape")))
    return entries


def _read(
    repo: gitrepo.Repo,
    wanted: list[tuple[str, str]],
    added: Mapping[str, frozenset[int] | Skipped | None],
    max_size: int,
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
            # such a blob (or skips it as binary) and the whole staged file is reported. (The
            # repository's .gitattributes are not read for this diff: a `-diff` text file
            # still gives its added lines.)
            only = None if isinstance(lines, Skipped) else lines
            yield Blob(path, contents[sha], only_lines=only)


def _added_lines(
    repo: gitrepo.Repo,
    pathspecs: Sequence[str],
    max_size: int,
    verdict: patches.Verdict,
    undiffed: Sequence[str],
) -> dict[str, frozenset[int] | Skipped]:
    """Line numbers each staged file adds, or the Skipped record git's diff calls for (binary).

    The diff is read without the repository's .gitattributes (gitrepo.stream), so a text file
    marked `-diff` or `binary` there still gives its added lines; the .gitattributes files the
    index holds are overridden only when git called a file binary that is to be read, which
    costs a listing.
    """
    added = _diff_lines(repo, pathspecs, max_size, (), undiffed)
    binary = [
        f":(literal){path}"
        for path, lines in added.items()
        if isinstance(lines, Skipped) and verdict(path) is None
    ]
    if binary:
        added.update(_diff_lines(repo, binary, max_size, gitrepo.attribute_dirs(repo), undiffed))
    return added


def _diff_lines(
    repo: gitrepo.Repo,
    pathspecs: Sequence[str],
    max_size: int,
    overridden: Sequence[str],
    undiffed: Sequence[str],
) -> dict[str, frozenset[int] | Skipped]:
    args = ["diff", "--cached", *patches.PATCH_OPTIONS, "-U0", "--", *pathspecs]
    added: dict[str, frozenset[int] | Skipped] = {}
    # Only the line numbers are used (the staged blob is what gets scanned); added lines over the
    # cap mean a blob over it, which would be skipped anyway.
    with gitrepo.stream(
        repo, *args, config=patches.PATCH_CONFIG, overridden=overridden, undiffed=undiffed
    ) as out:
        for item in patches.parse(out, max_size):
            if isinstance(item, Blob):
                added[item.path] = frozenset(item.line_map or ())
            elif isinstance(item, Skipped):
                added[item.path] = item
    return added
