"""Streaming `git log -p` / `git diff` output -> one Blob of added lines per file per commit (issue 4).

Nothing here holds a whole history: the parser reads a block of lines at a time and keeps only
the file being parsed. A Blob holds the hunk lines of one file in one commit: the added lines plus
one line of context above and below, so that an allow comment on the line above an added key still
counts. `only_lines` marks the added lines (the only ones reported) and `line_map` gives each line
its number in the file as of that commit.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from io import BufferedIOBase
from itertools import compress, count, islice, repeat
from operator import itemgetter
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

_PLUS, _MINUS, _SPACE, _NEWLINE, _BACKSLASH, _AT = 43, 45, 32, 10, 92, 64
_BLOCK = 1 << 16  # bytes per read of git's output (a pipe holds 64 KiB)
_BATCH = 4096  # lines per block when parsing lines given one by one
_AFTER_MARKER = itemgetter(slice(1, None))  # a hunk line less its first byte


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
    changed: dict[str, str | None] | None = None,
) -> Iterator[CommitStart | Blob | Skipped]:
    """CommitStarts, then a Blob (or Skipped) for each file with added lines in that commit.

    `changed`, if given, gets each path the stream adds or changes (not deletes), mapped to its
    commit; a later (older) commit overwrites, so a newest-first log leaves each path's oldest.
    History scans the names in it (engine/names.py) instead of asking git for them again.

    Given a stream (git's stdout), lines are read with a bound, so memory stays flat whatever
    the longest line: a line over the cap only needs enough of it to know it is over.

    A history is millions of lines, and per-line Python work is most of this parser's cost, so
    hunk lines, most of them, go through one tight loop that tells them apart by their first byte
    and keeps them as they are (done() strips the markers). A file's hunks run from its first
    "@@ " line to the next "diff --git " or commit line: no other line git writes there starts
    with a hunk line's marker, so hunk counts are not needed to find where they end. The size
    cap and memory are checked once per block of lines.
    """
    if isinstance(lines, BufferedIOBase):
        blocks = line_blocks(lines, max_size + 2)
    else:
        it = (line for line in lines if line)
        blocks = iter(lambda: list(islice(it, _BATCH)), [])
    file = _File("", None, date, max_size, DROP, changed)
    kept, size = file.lines, 0  # the file's kept hunk lines; bytes of its added lines
    in_hunk, start, first = False, 0, 0  # in a hunk; its first line's number and index in kept
    for block in blocks:
        for line in block:
            c = line[0]
            if in_hunk:
                if c == _PLUS:
                    kept.append(line)
                    size += len(line) - 1
                    continue
                if c == _SPACE:
                    kept.append(line)
                    continue
                if c == _MINUS:
                    continue
                if c == _NEWLINE:  # an empty context line (suppressBlankEmpty)
                    kept.append(b" \n")
                    continue
                if c == _BACKSLASH:  # "\ No newline at end of file"
                    continue
                in_hunk = False
                file.line_map += range(start, start + len(kept) - first)  # the new side's lines
            if c == _AT and line.startswith(b"@@ "):
                in_hunk, start, first = True, _new_start(line), len(kept)
            elif line.startswith(b"diff --git "):
                yield from file.done(size)
                path = diff_path(line[11:].rstrip(b"\n"))
                file = _File(path, file.commit, file.date, max_size, verdict(path), changed)
                kept, size = file.lines, 0
            elif c == 0:
                yield from file.done(size)
                sha, _, when = line[1:].rstrip(b"\n").decode("ascii", "replace").partition(" ")
                file = _File("", sha, when or None, max_size, DROP, changed)
                kept, size = file.lines, 0
                yield CommitStart(sha, when)
            # the headers that matter: "Binary files", "new [file] mode", "index", "deleted file mode"
            elif c in b"Bind":
                file.header(line)
        file.cap(size)
        if file.skip is not None:  # a skipped file's lines are read and dropped
            kept.clear()
            file.line_map.clear()
            first = 0
    if in_hunk:
        file.line_map += range(start, start + len(kept) - first)
    yield from file.done(size)


def line_blocks(stream: BufferedIOBase, limit: int) -> Iterator[list[bytes]]:
    """The lines of `stream`, each cut to its first `limit` bytes (plus its newline), in lists,
    one per block read.

    A diff line cut here holds a marker byte and more than the size cap: an added line makes its
    file "larger than the size cap", a removed one is not kept, and a context line keeps its
    head; the newline keeps every later line in its place. A last line without a newline comes
    as it is (if not cut).

    Reading a block at a time and splitting it in C costs far less than a readline() per line.
    Only the head of an unfinished line is carried to the next block, at most `limit` bytes;
    the rest of an over-long line is read and dropped, so memory stays bounded.
    """
    read = stream.read1
    head = b""  # the start of a line that goes on in the next block
    over = False  # head is cut: the rest of its line is dropped
    while block := read(_BLOCK):
        if over:
            nl = block.find(b"\n")
            if nl < 0:
                continue
            block, over = block[nl:], False  # its newline ends head's line
        last = block.rfind(b"\n") + 1  # the end of the block's last whole line
        if not last:
            head += block[: limit - len(head)]
            over = len(head) >= limit
            continue
        whole = block[:last]
        if b"\r" not in whole or whole.count(b"\r") == whole.count(b"\r\n"):
            lines = whole.splitlines(keepends=True)  # the same as a split at "\n" without a lone \r
        else:
            lines = [line + b"\n" for line in whole[:-1].split(b"\n")]
        if head:
            lines[0] = head + lines[0]
        if len(head) + last > limit + 1 and max(map(len, lines)) > limit + 1:  # a line to cut
            lines = [line if len(line) <= limit + 1 else line[:limit] + b"\n" for line in lines]
        yield lines
        head = block[last : last + limit]
        over = len(head) >= limit
    if head:
        yield [head + b"\n" if over else head]


class _File:
    """The hunks of one file in one commit, as parse() reads them."""

    def __init__(
        self, path: str, commit: str | None, date: str | None, max_size: int, skip: PathVerdict,
        changed: dict[str, str | None] | None = None,
    ):  # fmt: skip
        self.path, self.commit, self.date, self.max_size = path, commit, date, max_size
        self.skip = skip
        self.changed = changed  # parse()'s `changed`
        self.deleted = False
        self.lines: list[bytes] = []  # the kept hunk lines as read: "+" added, " " context
        self.line_map: list[int] = []  # each kept line's number in the file

    def cap(self, size: int) -> None:
        """Skip the file if `size`, the bytes of its added lines so far, is over the size cap."""
        if size > self.max_size and self.skip is None:
            self.skip = f"added lines larger than the size cap (over {self.max_size} bytes)"

    def header(self, line: bytes) -> None:
        if line.startswith(b"Binary files ") and self.skip is None:
            self.skip = "binary"
        elif line.startswith(b"deleted file mode "):
            self.deleted = True
        elif line.startswith((b"new file mode 160000", b"new mode 160000")) or (
            line.startswith(b"index ") and line.rstrip().endswith(b" 160000")
        ):
            self.skip = DROP  # a submodule commit pointer: submodules are not entered

    def done(self, size: int) -> Iterator[Blob | Skipped]:
        """The file's Blob or Skipped record, if any; `size` is the bytes of its added lines."""
        if self.changed is not None and self.path and not self.deleted:
            self.changed[self.path] = self.commit
        self.cap(size)
        if not self.path or self.skip is DROP:
            return
        if self.skip is not None:
            yield Skipped(self.path, self.skip, self.commit)
        elif added := frozenset(compress(count(1), map(bytes.startswith, self.lines, repeat(b"+")))):
            data = b"".join(map(_AFTER_MARKER, self.lines))
            yield Blob(self.path, data, self.commit, tuple(self.line_map), added, self.date)


def _new_start(line: bytes) -> int:
    """The new side's first line number, c, from `@@ -a[,b] +c[,d] @@`."""
    new = line[line.index(b" +", 3) + 2 : line.index(b" @@", 3)]
    return int(new.partition(b",")[0])


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
