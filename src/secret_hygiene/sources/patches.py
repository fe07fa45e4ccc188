"""Streaming `git log -p` / `git diff` output -> one Blob of added lines per file per commit (issue 4).

Nothing here holds a whole history: the parser reads one line at a time and keeps only the file
being parsed. A Blob holds the hunk lines of one file in one commit: the added lines plus one line
of context above and below, so that an allow comment on the line above an added key still counts.
`only_lines` marks the added lines (the only ones reported) and `line_map` gives each line its
number in the file as of that commit.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from io import BufferedIOBase
from typing import IO, TypeAlias

from secret_hygiene.model import Blob, Skipped

# `git -c ...` settings that pin the output format whatever the user's config says.
PATCH_CONFIG = ("core.quotepath=off", "diff.suppressBlankEmpty=false", "diff.noprefix=false")
# Options that pin the patch format: our prefixes, no colour, no external or textconv drivers, no
# rename detection (a renamed file is re-scanned whole; fingerprints dedupe it and it saves git the
# similarity search), submodules as one "Subproject commit" line, which the parser drops.
PATCH_OPTIONS = (
    "-p", "-U1", "--no-renames", "--no-color", "--no-ext-diff", "--no-textconv",
    "--src-prefix=a/", "--dst-prefix=b/", "--submodule=short",
)  # fmt: skip
# One line that starts each commit: NUL, full SHA, author date (strict ISO 8601).
COMMIT_FORMAT = "--format=%x00%H %aI"

_PLUS, _MINUS, _SPACE, _NEWLINE = 43, 45, 32, 10
_DRAIN = 1 << 20  # bytes per read while dropping the rest of an over-long line


class Drop(enum.Enum):
    """A path left out without a word: no finding, no Skipped record (config exclude, a submodule)."""

    SILENTLY = "drop"


DROP = Drop.SILENTLY
# What happens to a path: None scans it, DROP leaves it out silently, text skips it with that reason.
PathVerdict: TypeAlias = "str | Drop | None"
Verdict = Callable[[str], PathVerdict]


@dataclass(frozen=True)
class CommitStart:
    """The start of one commit in the stream."""

    sha: str
    date: str


def log_args(revs: Iterable[str], merges: bool) -> list[str]:
    """`git log` arguments for the patches of `revs`, newest first, in the format parse() reads.

    Merges: `--diff-merges=remerge` (git 2.36+) shows only what a merge adds beyond re-doing it
    (conflict resolutions, "evil" edits), so each line is counted in the commit that wrote it and
    never again in the merge that brought it in. Without it, `git log -p` shows no merge diffs,
    which is `--no-merges` for content. `--date-order` puts every child before its parents, so the
    last commit seen for a secret is the oldest that introduced it (`--reverse` would be simpler,
    but git 2.39 computes remerge diffs wrongly under it). `--root` shows the first commit (or a
    shallow clone's boundary) as added lines, whatever `log.showRoot` says.
    """
    merge_opt = "--diff-merges=remerge" if merges else "--diff-merges=off"
    return [
        "log", *PATCH_OPTIONS, "--root", "--date-order", merge_opt,
        "--no-show-signature", COMMIT_FORMAT, *revs, "--",
    ]  # fmt: skip


def parse(
    lines: Iterable[bytes] | IO[bytes],
    max_size: int,
    verdict: Verdict = lambda _: None,
    date: str | None = None,
) -> Iterator[CommitStart | Blob | Skipped]:
    """CommitStarts, then a Blob (or Skipped) for each file with added lines in that commit.

    Given a stream (git's stdout), lines are read with a bound, so memory stays flat whatever
    the longest line: a line over the cap only needs enough of it to know it is over.
    """
    state = _File("", None, date, max_size, DROP)
    stream = bounded_lines(lines, max_size + 2) if isinstance(lines, BufferedIOBase) else iter(lines)
    for line in stream:
        if line.startswith(b"diff --git "):
            yield from state.done()
            path = diff_path(line[11:].rstrip(b"\n"))
            state = _File(path, state.commit, state.date, max_size, verdict(path))
        elif line.startswith(b"@@ "):
            state.hunk(stream, *_hunk(line))
        elif line[:1] == b"\0":
            yield from state.done()
            sha, _, when = line[1:].rstrip(b"\n").decode("ascii", "replace").partition(" ")
            state = _File("", sha, when or None, max_size, DROP)
            yield CommitStart(sha, when)
        else:
            state.header(line)
    yield from state.done()


def bounded_lines(stream: BufferedIOBase, limit: int) -> Iterator[bytes]:
    """The lines of `stream`, each cut to its first `limit` bytes (plus its newline).

    A diff line cut here holds a marker byte and more than the size cap: an added line makes its
    file "larger than the size cap", a removed one is not kept, and a context line keeps its
    head; the newline keeps every later line in its place.
    """
    readline = stream.readline
    while line := readline(limit):
        if len(line) == limit and not line.endswith(b"\n"):
            while (rest := readline(_DRAIN)) and not rest.endswith(b"\n"):
                pass  # the rest of an over-long line, read and dropped in bounded pieces
            line += b"\n"
        yield line


class _File:
    """The hunks of one file in one commit, as they are read."""

    def __init__(self, path: str, commit: str | None, date: str | None, max_size: int, skip: PathVerdict):
        self.path, self.commit, self.date, self.max_size = path, commit, date, max_size
        self.skip = skip
        self.pieces: list[bytes] = []
        self.line_map: list[int] = []
        self.added: list[int] = []
        self.size = 0

    def hunk(self, lines: Iterator[bytes], old: int, new: int, lineno: int) -> None:
        """Consume one hunk's lines from `lines` (the hot loop: locals only)."""
        if old <= 0 and new <= 0:
            return
        keep = self.skip is None
        pieces, line_map, added = self.pieces, self.line_map, self.added
        size, cap = self.size, self.max_size
        for line in lines:
            c = line[0]
            if c == _PLUS:
                if keep:
                    pieces.append(line[1:])
                    line_map.append(lineno)
                    added.append(len(pieces))
                    size += len(line) - 1
                    if size > cap:
                        keep = self._too_big()
                lineno += 1
                new -= 1
            elif c in (_SPACE, _NEWLINE):  # _NEWLINE: an empty context line (suppressBlankEmpty)
                if keep:
                    pieces.append(line[1:] if c == _SPACE else line)
                    line_map.append(lineno)
                lineno += 1
                old -= 1
                new -= 1
            elif c == _MINUS:
                old -= 1
            # "\ No newline at end of file" counts as neither side
            if old <= 0 and new <= 0:
                break
        self.size = size

    def _too_big(self) -> bool:
        self.skip = f"added lines larger than the size cap (over {self.max_size} bytes)"
        self.pieces.clear()
        self.line_map.clear()
        self.added.clear()
        return False

    def header(self, line: bytes) -> None:
        if line.startswith(b"Binary files ") and self.skip is None:
            self.skip = "binary"
        elif line.startswith((b"new file mode 160000", b"new mode 160000")) or (
            line.startswith(b"index ") and line.rstrip().endswith(b" 160000")
        ):
            self.skip = DROP  # a submodule commit pointer: submodules are not entered

    def done(self) -> Iterator[Blob | Skipped]:
        if not self.path or self.skip is DROP:
            return
        if self.skip is not None:
            yield Skipped(self.path, self.skip, self.commit)
        elif self.added:
            data = b"".join(self.pieces)
            yield Blob(self.path, data, self.commit, tuple(self.line_map), frozenset(self.added), self.date)


def _hunk(line: bytes) -> tuple[int, int, int]:
    """(old count, new count, new start) from `@@ -a[,b] +c[,d] @@`."""
    old, new = line[3 : line.index(b" @@", 3)].split(b" ")[:2]
    old_count = int(old.partition(b",")[2] or 1)
    start, _, count = new[1:].partition(b",")
    return old_count, int(count or 1), int(start)


def diff_path(rest: bytes) -> str:
    """The file's path from what follows `diff --git `; names are the same on both sides (no renames)."""
    if rest.startswith(b'"'):
        _, end = unquote(rest, 0)
        b_side = rest[end + 2 :]
        raw = unquote(b_side, 0)[0] if b_side.startswith(b'"') else b_side
    else:
        half = (len(rest) - 5) // 2  # "a/" + P + " b/" + P
        if rest[2 : 2 + half] == rest[5 + half :] and rest[2 + half : 5 + half] == b" b/":
            raw = b"b/" + rest[5 + half :]
        else:
            raw = b"b/" + rest.rpartition(b" b/")[2]
    return raw[2:].decode("utf-8", "surrogateescape")


_ESCAPES = {ord(k): v for k, v in zip('abtnvfr"\\', b'\a\b\t\n\v\f\r"\\', strict=True)}


def unquote(text: bytes, start: int) -> tuple[bytes, int]:
    """A C-quoted git path starting at `start` (the opening quote): (bytes, index of closing quote)."""
    out = bytearray()
    i = start + 1
    while i < len(text) and text[i] != ord('"'):
        c = text[i]
        if c == ord("\\") and i + 1 < len(text):
            nxt = text[i + 1]
            if 48 <= nxt <= 55:  # \ooo: one byte in octal
                out.append(int(text[i + 1 : i + 4], 8))
                i += 4
                continue
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        out.append(c)
        i += 1
    return bytes(out), i


def commit_blobs(
    items: Iterable[CommitStart | Blob | Skipped], on_commit: Callable[[CommitStart], None]
) -> Iterator[Blob | Skipped]:
    """The Source of a `parse` stream: its Blobs and Skipped records; `on_commit` at each commit."""
    for item in items:
        if isinstance(item, CommitStart):
            on_commit(item)
        else:
            yield item
