"""Rewrite rule packs so no line is over 160 characters, without changing what they load to.

    python bench/fold_rules.py rules/*.yaml

A long `regex` becomes a `(?x)` verbose literal block, broken before `(`, `|` or `[` (literal
spaces and `#` escaped), proved the same regex by comparing parse trees; a long description
a folded block; a long flow list a block list; any other long string a double-quoted scalar
with escaped line breaks, which YAML reads back byte for byte. Each file is re-read after the
rewrite and must load to exactly the same data, or it is left alone. Re-run it after editing
packs by hand: tests/engine/test_rules.py fails on a line over the limit.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from secret_hygiene.engine.ruleformat import flatten

LIMIT = 160
WIDTH = 120  # target width of folded content


def main(paths: list[str]) -> int:
    """Fold every long line of each pack; report what could not be folded."""
    bad = 0
    for name in paths:
        path = Path(name)
        text = path.read_text(encoding="utf-8")
        new = fold(text)
        if _normal(new) != _normal(text):
            print(f"{path}: the rewrite would change the pack; left alone", file=sys.stderr)
            bad += 1
            continue
        if new != text:
            path.write_text(new, encoding="utf-8")
        left = [i for i, line in enumerate(new.splitlines(), 1) if len(line) > LIMIT]
        for line in left:
            print(f"{path}:{line}: still over {LIMIT} characters", file=sys.stderr)
        bad += bool(left)
    return 1 if bad else 0


def _normal(text: str) -> Any:
    """The pack's data with each regex replaced by the parse tree of its flat form."""
    from secret_hygiene.engine import ruleformat

    doc = yaml.safe_load(text) or {}
    for rule in doc.get("rules", []):
        rule["regex"] = ruleformat._tree(flatten("", rule["regex"]))
    return doc


def fold(text: str) -> str:
    """The pack text with each long line's scalars rewritten (later edits first)."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    long_lines = {i for i, line in enumerate(text.splitlines()) if len(line) > LIMIT}
    edits: list[tuple[int, int, str]] = []
    for node, key, column in _walk(root, None, 0):
        lines = set(range(node.start_mark.line, node.end_mark.line + 1))
        if lines & long_lines and not any(s <= node.start_mark.index < e for s, e, _ in edits):
            rewritten = _rewrite(text, node, key, column)
            if rewritten is not None:
                edits.append((node.start_mark.index, node.end_mark.index, rewritten))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _walk(node: Any, key: str | None, column: int) -> Any:
    """(node, mapping key above it, indentation of its block) for every node, outermost first."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            yield v, k.value, k.start_mark.column
            if not isinstance(v, yaml.ScalarNode) and not (isinstance(v, yaml.SequenceNode) and v.flow_style):
                yield from _walk(v, k.value, k.start_mark.column)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield item, key, item.start_mark.column
            if not isinstance(item, yaml.ScalarNode):
                yield from _walk(item, key, item.start_mark.column)


def _rewrite(text: str, node: Any, key: str | None, column: int) -> str | None:
    if isinstance(node, yaml.SequenceNode) and node.flow_style:
        pad = " " * (column + 2)
        items = [_item(text, i, column + 4) for i in node.value]
        return "".join(f"\n{pad}- {item}" for item in items)
    if not isinstance(node, yaml.ScalarNode):
        return None
    tail = "\n" if node.style in ("|", ">") else ""
    if key == "regex" and node.start_mark.line == node.end_mark.line:
        return _verbose(node.value, column + 2)
    if key == "description" and "\n" not in node.value and "  " not in node.value:
        return _folded(node.value, column + 2)
    return _quoted(node.value, node.start_mark.column) + tail


def _item(text: str, node: Any, column: int) -> str:
    source = text[node.start_mark.index : node.end_mark.index]
    return source if len(source) + column <= LIMIT else _quoted(node.value, column)


def _folded(value: str, indent: int) -> str:
    lines, line = [], ""
    for word in value.split(" "):
        if line and len(line) + 1 + len(word) > WIDTH:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    pad = " " * indent
    return ">-\n" + "\n".join(pad + ln for ln in lines)


def _verbose(regex: str, indent: int) -> str:
    """The regex as a `(?x)` literal block: tokens joined into lines, broken before ( and |."""
    flags, body = "", regex
    if body.startswith("(?") and ")" in body[:8] and body[2 : body.index(")")].isalpha():
        flags, body = body[2 : body.index(")")], body[body.index(")") + 1 :]
    pieces, current, in_class, i = [], "", False, 0
    while i < len(body):
        ch = body[i]
        token = body[i : i + 2] if ch == "\\" else ch
        i += len(token)
        if not in_class and ((ch in "(|" and len(current) > 40) or (ch == "[" and len(current) > 100)):
            pieces.append(current)
            current = ""
        if in_class:
            in_class = token != "]" or current.endswith(("[", "[^"))
        elif token == "[":
            in_class = True
        elif token in (" ", "#") or (len(token) == 1 and token.isspace()):
            token = "\\" + token if token in (" ", "#") else token
        current += token
    pieces.append(current)
    lines, line = [], ""
    for piece in pieces:
        if line and len(line) + len(piece) > WIDTH:
            lines.append(line)
            line = piece
        else:
            line += piece
    lines.append(line)
    pad = " " * indent
    return "|-\n" + "\n".join(pad + ln for ln in [f"(?{flags}x)", *lines])


def _quoted(value: str, indent: int) -> str:
    """A double-quoted scalar broken with escaped line breaks (YAML drops the break and the indent)."""
    tokens = [_escape(ch) for ch in value]
    chunks, chunk = [], ""
    for token in tokens:
        if len(chunk) + len(token) > WIDTH:
            chunks.append(chunk)
            chunk = ""
        chunk += token
    chunks.append(chunk)
    pad = " " * indent
    fixed = [c[:-1] + "\\ " if c.endswith(" ") else c for c in chunks]
    fixed = [("\\ " + c[1:] if c.startswith(" ") and n else c) for n, c in enumerate(fixed)]
    return '"' + ("\\\n" + pad).join(fixed) + '"'


def _escape(ch: str) -> str:
    named = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
    if ch in named:
        return named[ch]
    return ch if ch.isprintable() else f"\\x{ord(ch):02x}"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
