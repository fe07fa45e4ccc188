"""No rule's value runs across a line end (issue 12, pattern 7), checked over every loaded rule.

`KUCOIN_PASSWORD=` followed by a blank line once gave a "secret" made of the next line
(`KUCOIN_KEY=`): the `\\s` after `=` crossed the line end. For each rule, each example's name
and separator are kept and its value is moved to the next line, alone and as another setting
(`NAME=\\nNEXT_SETTING=value`); no match may then take a value on the line after its
separator or auth scheme (`Bearer`, `-t`). Multi-line formats (PEM blocks, JSON keystores:
rules whose own examples hold a line end inside the secret, and .netrc) are exempt; their
context may still span lines (`venue: {` on one line, `secret: ...` on the next).
"""

from __future__ import annotations

import re
from functools import cache

import pytest

from secret_hygiene.engine.rules import Rule, load_rules

_SEPARATORS = (b"=", b":", b">", b",")


@cache
def _rules() -> tuple[Rule, ...]:
    return tuple(load_rules())


def _secret_span(rule: Rule, m: re.Match[bytes]) -> tuple[int, int] | None:
    names = [g for g in m.re.groupindex if g.startswith("secret") and m.group(g) is not None]
    group: str | int = rule.secret_group or (names[0] if names else 1 if m.re.groups else 0)
    return m.span(group) if m.group(group) is not None else None


def crossings(rule: Rule, text: bytes) -> list[bytes]:
    """Secrets a match takes from the line after its name, separator or auth scheme.

    A line end right before a value counts unless it follows an opening bracket: wrapped call
    arguments and arrays (`fromWIF(`, `accounts: [`, then the value indented) are one statement.
    """
    out = []
    for m in rule.pattern.finditer(text):
        span = _secret_span(rule, m)
        if span is None:
            continue
        before = text[m.start() : span[0]]
        lead = before.rstrip(b" \t\r\n\"'`")
        wrapped = lead.endswith((b"(", b"[", b"{"))
        if (b"\n" in before[len(lead) :] and not wrapped) or b"\n" in text[span[0] : span[1]]:
            out.append(text[span[0] : span[1]])
    return out


def moved_values(rule: Rule) -> list[bytes]:
    """Each example with its value moved to the line after its name; [] for multi-line formats."""
    texts = []
    for example in rule.examples:
        data = example.encode()
        m = rule.pattern.search(data)
        span = _secret_span(rule, m) if m else None
        if span is None:
            continue
        secret = data[span[0] : span[1]]
        if b"\n" in secret:
            return []  # a multi-line format
        if b"machine " in data:
            continue  # .netrc: whitespace-separated tokens, line ends included
        name = data[: span[0]].rstrip(b" \t\"'`")
        if name.endswith(_SEPARATORS):  # NAME=, name:, key =>
            texts += [name + b"\n" + secret + b"\n", name + b"\nNEXT_SETTING=" + secret + b"\n"]
        elif name and data[len(name) : span[0]].strip(b"\"'`"):
            texts.append(name + b"\n" + secret + b"\n")  # Bearer <token>, -t <token>
    return texts


def test_no_rule_takes_a_value_from_the_next_line() -> None:
    offenders = {r.id: text[:60] for r in _rules() for text in moved_values(r) if crossings(r, text)}
    assert offenders == {}


def test_the_check_sees_a_value_that_runs_into_the_next_line() -> None:
    loose = Rule(
        id="loose",
        description="",
        family="demo",
        severity="high",
        keywords=("demo",),
        regex=rb"(?i)demo_key\s{0,5}=\s{0,5}(?P<secret>[A-Za-z0-9_=]{8,})",
        width=None,
        examples=("DEMO_KEY=Qm3xT8vWk2Lp",),
    )
    assert crossings(loose, b"DEMO_KEY=\nNEXT_SETTING=Qm3xT8vWk2Lp\n") == [b"NEXT_SETTING=Qm3xT8vWk2Lp"]
    assert moved_values(loose) and all(crossings(loose, t) for t in moved_values(loose))


@pytest.mark.parametrize(
    ("rule_id", "text"),
    [
        # Nested settings span lines by design: the venue's name above, the value after its key.
        # secret-hygiene: allow (a synthetic value: this table is the rule's own example)
        ("ascendex-api-secret", 'exchanges:\n  ascendex:\n    secret: "Zk8pQ2rT7vX1mN4bW6yH3jL9sD5fG0aC"\n'),
        # secret-hygiene: allow (synthetic, as above)
        ("kucoin-api-passphrase", '{\n  "kucoin": {\n    "password": "Tr9vQm2xLp7K"\n  }\n}\n'),
    ],
)
def test_nested_settings_still_span_lines(rule_id: str, text: str) -> None:
    (rule,) = [r for r in _rules() if r.id == rule_id]
    assert rule.pattern.search(text.encode())
