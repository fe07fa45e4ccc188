"""Format readers between a Blob's bytes and the engine: UTF-16/32 text and Jupyter notebooks.

scanner.Engine.scan_blob passes every blob through here, whatever its source (work tree, index,
a history patch), so a notebook or a UTF-16 file reads the same in every command.

A notebook is JSON: a cell line `x = "abc"` is stored as `"x = \\"abc\\"\\n",`, and printed output
the same way, so rules written for source code miss it. `notebook_view` decodes every JSON string
in the file and lays the decoded text out as lines, each remembering the line of the file (and,
on demand, the column of each character) it came from. The decoding works one line of the file
at a time: a valid JSON document has no quote outside its strings and no raw newline inside one,
so the strings on a line are exactly the quoted runs found from its start. That makes the same
reader serve a whole notebook (tree scan, staged blob) and the added lines of a notebook in a
history patch, where the JSON cannot be parsed whole: each added line is decoded on its own and
keeps its line number, with no extra git call per commit.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from secret_hygiene.model import Blob

SNIFF = 8192
# UTF-32 first: its little-endian BOM starts with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_wide(data: bytes) -> bytes | None:
    """UTF-8 for UTF-32/UTF-16 text with a BOM or UTF-16 without one; None for anything else.

    Lines and characters are kept one for one, so line numbers and columns found in the UTF-8
    text are those of the file (the BOM is not counted, as editors do not show it).
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec).encode("utf-8")
            except UnicodeDecodeError:
                continue
    bomless = _bomless_utf16(data[:SNIFF])
    if bomless is None:
        return None
    try:
        return data.decode(bomless).encode("utf-8")
    except UnicodeDecodeError:
        return None


def _bomless_utf16(sample: bytes) -> str | None:
    """The UTF-16 codec when NULs fill every other byte of mostly printable text (ASCII-range text)."""
    sample = sample[: len(sample) // 2 * 2]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= 0.9 * pairs and even <= 0.02 * pairs:
        codec = "utf-16-le"
    elif even >= 0.9 * pairs and odd <= 0.02 * pairs:
        codec = "utf-16-be"
    else:
        return None
    text = sample.decode(codec, "replace")
    printable = sum(1 for c in text if c.isprintable() or c in "\t\n\r\f")
    return codec if printable >= 0.95 * len(text) else None


# A JSON string on one line of a valid document: from a quote to the next unescaped quote
# (the unrolled form, linear on a multi-megabyte base64 image line).
_STRING = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"')
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)")
_SIMPLE = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\", "/": "/"}
Columns = list[int] | None  # per decoded character, its offset in the line; None when not asked for


def decode_string(body: str, start: int | None = 0) -> tuple[str, Columns]:
    """A JSON string's body (between its quotes) decoded, and, unless `start` is None, the offset
    in the line (`start` + offset in `body`) of each decoded character. A surrogate pair is one
    character; a lone surrogate becomes U+FFFD; an escape JSON does not know is kept as written."""
    if "\\" not in body:
        return body, None if start is None else list(range(start, start + len(body)))
    out: list[str] = []
    done = 0
    escapes = list(_ESCAPE.finditer(body))
    i = 0
    while i < len(escapes):
        m = escapes[i]
        out.append(body[done : m.start()])
        char, done = _unescape(m, escapes[i + 1] if i + 1 < len(escapes) else None)
        i += 2 if done > m.end() else 1
        out.append(char)
    out.append(body[done:])
    return "".join(out), None if start is None else _columns(body, escapes, start)


def _columns(body: str, escapes: list[re.Match[str]], start: int) -> list[int]:
    """Offsets (+ start) in `body` of each character decode_string makes of it."""
    cols: list[int] = []
    done = 0
    i = 0
    while i < len(escapes):
        m = escapes[i]
        cols.extend(range(start + done, start + m.start()))
        char, done = _unescape(m, escapes[i + 1] if i + 1 < len(escapes) else None)
        i += 2 if done > m.end() else 1
        cols.extend([start + m.start()] * len(char))
    cols.extend(range(start + done, start + len(body)))
    return cols


def _unescape(m: re.Match[str], after: re.Match[str] | None) -> tuple[str, int]:
    """One escape (and the low half of a surrogate pair right after it): (text, end of what was used)."""
    code = m.group(1)
    if len(code) == 1:
        return _SIMPLE.get(code, m.group(0)), m.end()
    value = int(code[1:], 16)
    if 0xD800 <= value < 0xDC00 and after is not None and after.start() == m.end():
        low = after.group(1)
        if len(low) == 5 and 0xDC00 <= int(low[1:], 16) < 0xE000:
            return chr(0x10000 + ((value - 0xD800) << 10) + int(low[1:], 16) - 0xDC00), after.end()
    if 0xD800 <= value < 0xE000:
        return "\ufffd", m.end()
    return chr(value), m.end()


def decode_line(line: str, columns: bool = True) -> list[tuple[str, Columns]]:
    """The text lines one line of a notebook file decodes to, each with (if `columns`) the offset
    in `line` of every character. A line holding one string (a cell's source line, an output
    line) becomes that string's text; a line with several (`"key": "value"`) keeps its shape with
    the strings decoded."""
    strings = list(_STRING.finditer(line))
    if not strings:
        return [(line, list(range(len(line))) if columns else None)]
    alone = (
        len(strings) == 1
        and not line[: strings[0].start()].strip()
        and line[strings[0].end() :].strip() in ("", ",")
    )
    if alone:
        return _split(*decode_string(strings[0].group(1), strings[0].start(1) if columns else None))
    pieces: list[str] = []
    cols: list[int] = []
    done = 0
    for m in strings:
        pieces.append(line[done : m.start(1)])
        text, where = decode_string(m.group(1), m.start(1) if columns else None)
        pieces.append(text)
        if where is not None:
            cols.extend(range(done, m.start(1)))
            cols.extend(where)
        done = m.end(1)
    pieces.append(line[done:])
    cols.extend(range(done, len(line)) if columns else ())
    return _split("".join(pieces), cols if columns else None)


def _split(text: str, cols: Columns) -> list[tuple[str, Columns]]:
    """Decoded text split at its newlines; the newline that ends a cell line opens no new line."""
    if text.endswith("\n"):
        text = text[:-1]
        cols = cols[:-1] if cols is not None else None
    if cols is None:
        return [(part, None) for part in text.split("\n")]
    out: list[tuple[str, Columns]] = []
    start = 0
    for part in text.split("\n"):
        out.append((part, cols[start : start + len(part)]))
        start += len(part) + 1
    return out


@dataclass(frozen=True)
class NotebookView:
    """The decoded text of a notebook as a Blob for the engine, and the way back to the file."""

    blob: Blob
    lines: Sequence[bytes]  # the lines of the original data
    origin: Sequence[tuple[int, int]]  # per decoded line: (line of the data, index among its pieces)

    def columns(self, line: int) -> list[int]:
        """For a 1-based line of the decoded text, the 0-based column in the file of each character."""
        data_line, piece = self.origin[line - 1]
        raw = self.lines[data_line - 1].decode("utf-8", "replace")
        return decode_line(raw)[piece][1] or []

    def column(self, line: int, column: int) -> int:
        """The 1-based column in the file of a 1-based (line, column) in the decoded text."""
        cols = self.columns(line)
        return cols[column - 1] + 1 if 0 < column <= len(cols) else column

    def masked(self, spans: Iterable[tuple[int, int]]) -> bytes:
        """The file's data with the characters behind byte spans of the decoded text turned to `*`
        (as many as they were, so lines and columns stay): what a rule matches in the decoded
        text may not match in the file's escaped spelling, yet must never be shown."""
        text = self.blob.data
        lines = [raw.decode("utf-8", "replace") for raw in self.lines]
        hidden: dict[int, set[int]] = {}
        for start, end in spans:
            line = text.count(b"\n", 0, start) + 1
            line_start = text.rfind(b"\n", 0, start) + 1
            while line_start < end:
                line_end = _end_of_line(text, line_start)
                first = len(text[line_start : max(start, line_start)].decode("utf-8", "replace"))
                last = len(text[line_start : min(end, line_end)].decode("utf-8", "replace"))
                number = self.origin[line - 1][0]
                hidden.setdefault(number, set()).update(
                    _raw_chars(lines[number - 1], self.columns(line), first, last)
                )
                line, line_start = line + 1, line_end + 1
        for number, cols in hidden.items():
            chars = list(lines[number - 1])
            for col in cols:
                chars[col] = "*"
            lines[number - 1] = "".join(chars)
        return "\n".join(lines).encode("utf-8")


def _raw_chars(raw: str, cols: list[int], first: int, last: int) -> set[int]:
    """The columns of `raw` that spell decoded characters first..last-1, escapes whole."""
    out: set[int] = set()
    for i in range(first, min(last, len(cols))):
        stop = cols[i + 1] if i + 1 < len(cols) and cols[i + 1] > cols[i] else cols[i] + 1
        escape = _ESCAPE.match(raw, cols[i])
        if escape is not None:
            stop = max(stop, escape.end())
            if escape.group(1)[:2].lower() == "ud":  # a surrogate pair: the low half too
                low = _ESCAPE.match(raw, escape.end())
                stop = max(stop, low.end()) if low is not None else stop
        out.update(range(cols[i], min(stop, len(raw))))
    return out


def _end_of_line(data: bytes, pos: int) -> int:
    end = data.find(b"\n", pos)
    return len(data) if end < 0 else end


def notebook_view(blob: Blob) -> NotebookView | None:
    """The decoded view of a notebook; None for a whole file that is not JSON (scan its bytes).

    A blob with a line_map is a history patch's lines, never a whole document: it is decoded
    line by line without the JSON check.
    """
    if blob.line_map is None and not _is_json(blob.data):
        return None
    lines = blob.data.split(b"\n")
    texts: list[str] = []
    origin: list[tuple[int, int]] = []
    for number, raw in enumerate(lines, 1):
        for piece, (text, _) in enumerate(decode_line(raw.decode("utf-8", "replace"), columns=False)):
            texts.append(text)
            origin.append((number, piece))
    data = "\n".join(texts).encode("utf-8", "replace")
    view = replace(blob, data=data, line_map=_line_map(blob, origin), only_lines=_only(blob, origin))
    return NotebookView(view, lines, origin)


def _is_json(data: bytes) -> bool:
    try:
        json.loads(data)
    except (ValueError, RecursionError):
        return False
    return True


def _line_map(blob: Blob, origin: list[tuple[int, int]]) -> tuple[int, ...]:
    real = blob.line_map
    if real is None:
        return tuple(line for line, _ in origin)
    # The data's last piece ends in a newline: the empty line after it has no number of its own.
    return tuple(real[line - 1] if line <= len(real) else (real[-1] if real else line) for line, _ in origin)


def _only(blob: Blob, origin: list[tuple[int, int]]) -> frozenset[int] | None:
    if blob.only_lines is None:
        return None
    return frozenset(i for i, (line, _) in enumerate(origin, 1) if line in blob.only_lines)
