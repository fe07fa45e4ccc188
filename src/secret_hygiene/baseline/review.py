"""`baseline audit` on a terminal: walk the unreviewed entries and mark each real or false positive.

Each entry is shown with its rule, place, redacted preview and a few lines of context in which
every span a rule matches is redacted (scanner.redacted_lines); a finding that is not a pattern
match (an env value judged by name, a rotation key) gets no context, so no value is ever shown.
Context lines hide, besides, the value on the line of any other finding in the same file that no
rule matched (the template check's, detect-secrets'), and in an env file or template the value of
every variable whose name says it holds a credential.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from secret_hygiene.baseline.known import entry_key
from secret_hygiene.config import Config
from secret_hygiene.engine.scanner import Engine, redacted_lines
from secret_hygiene.env.ignore import kind
from secret_hygiene.env.values import secret_like_name
from secret_hygiene.model import Finding

CONTEXT = 2  # lines shown before and after the finding's line
ANSWERS = {
    "r": "real", "real": "real", "f": "false-positive", "fp": "false-positive",
    "false-positive": "false-positive", "s": "skip", "skip": "skip", "": "skip", "q": "quit", "quit": "quit",
}  # fmt: skip
PROMPT = "[r]eal / [f]alse positive / [s]kip / [q]uit? "
# `NAME=value`, `export NAME=value`, `NAME: value`: the part kept and the name.
_ASSIGNMENT = re.compile(r"(\s*(?:export\s+)?([A-Za-z_][\w.\-]*)\s*[=:]\s*)\S")
HIDDEN = "<value hidden>"


@dataclass(frozen=True)
class Outcome:
    """What the walk changed: entries marked real and false positive, and how many were left."""

    real: int
    false_positive: int
    left: int


def walk(
    entries: list[dict[str, Any]],
    current: Mapping[tuple[str, str, str], Finding],
    source: Callable[[Finding], bytes | None],
    engine: Engine,
    streams: tuple[TextIO, TextIO],
) -> Outcome:
    """Ask about each unreviewed entry, setting its status in place; stops at quit or end of input."""
    stdin, out = streams
    todo = [e for e in entries if e.get("status", "unreviewed") not in ("real", "false-positive")]
    marked = {"real": 0, "false-positive": 0}
    for n, entry in enumerate(todo, 1):
        finding = current.get(entry_key(entry))
        out.write(f"\n[{n}/{len(todo)}] {_header(entry, finding)}\n")
        if finding is None:
            out.write("  no longer found (stale): `secret-hygiene baseline update` drops it\n")
            continue
        same_file = [g for g in current.values() if (g.path, g.commit) == (finding.path, finding.commit)]
        for line in context(finding, source, engine, same_file):
            out.write(line + "\n")
        answer = _ask(stdin, out)
        if answer == "quit":
            break
        if answer in marked:
            entry["status"] = answer
            marked[answer] += 1
    left = sum(1 for e in entries if e.get("status", "unreviewed") not in ("real", "false-positive"))
    return Outcome(marked["real"], marked["false-positive"], left)


def _header(entry: dict[str, Any], f: Finding | None) -> str:
    line = entry.get("line")
    where = f"{entry.get('path')}:{line}" if line else str(entry.get("path"))
    commit = entry.get("commit")
    head = f"{entry.get('rule_id')}  {where}  ({entry.get('check')}"
    head += f", commit {str(commit)[:12]})" if commit else ")"
    if f is not None:
        head += f"\n  {f.message}" + (f"  secret {f.secret}" if f.secret else "")
    return head


def context(
    f: Finding, source: Callable[[Finding], bytes | None], engine: Engine, others: Sequence[Finding] = ()
) -> list[str]:
    """The finding's line and its neighbours, every matched span redacted, every other flagged value
    hidden; a single note instead when that is not safe."""
    if f.line is None:
        return ["  (about the whole file: no line to show)"]
    if f.rule_id not in {r.id for r in engine.rules}:
        return ["  (no context: not a pattern match, so the line may hold the value unredacted)"]
    data = source(f)
    if data is None:
        return ["  (no context: the file could not be read)"]
    lines = redacted_lines(data, engine, f.path)
    if f.line > len(lines) or "*" * 12 not in lines[f.line - 1]:  # the secret was not re-found there
        return ["  (no context: the secret could not be located again to redact it)"]
    first, last = max(1, f.line - CONTEXT), min(len(lines), f.line + CONTEXT)
    ruled = {r.id for r in engine.rules}
    flagged = {g.line for g in others if g.line is not None and g.rule_id not in ruled}
    env_like = kind(f.path, Config()) is not None
    lines = [_hide(line, n in flagged, env_like and n != f.line) for n, line in enumerate(lines, 1)]
    width = len(str(last))
    return [
        f"  {'>' if n == f.line else ' '} {n:>{width}} | {lines[n - 1][:200]}" for n in range(first, last + 1)
    ]


def _hide(line: str, flagged: bool, env_like: bool) -> str:
    """The line with its value hidden when another finding flags it, or when it is an env-file
    line whose name says it holds a credential; a flagged line with no `name=` is hidden whole."""
    m = _ASSIGNMENT.match(line)
    if m is None:
        return "<line hidden: it holds another finding>" if flagged else line
    if flagged or (env_like and secret_like_name(m.group(2))):
        return m.group(1) + HIDDEN
    return line


def _ask(stdin: TextIO, out: TextIO) -> str:
    while True:
        out.write(PROMPT)
        out.flush()
        raw = stdin.readline()
        if not raw:
            out.write("\n")
            return "quit"
        answer = ANSWERS.get(raw.strip().lower())
        if answer is not None:
            return answer
        out.write("  please answer r, f, s or q\n")
