"""Shared noise control: entropy, placeholders and references that are not secrets."""

from __future__ import annotations

import functools
import math
import re
from collections import Counter

# Values that stand for a secret rather than being one (issue 3, noise control).
_PLACEHOLDER_SOURCE = r"""(?ix)
    ^\s*$
    | ^<[^<>]*>$ | ^\[[^\[\]]*\]$ | ^\{[^{}]*\}$   # <your-key>, [KEY], {key}
    | \$\{[^}]*\} | ^\$[A-Za-z_][A-Za-z0-9_]*$ | \{\{.*\}\} | ^%[A-Za-z_]+%$ | ^%\([a-z_]+\)s$
    | ^your[-_ ]? | [-_.]your[-_.] | [-_]here$ | ^insert[-_] | ^enter[-_] | replace[-_]with
    | ^replace[-_] | ^put[-_]your | <[a-z][a-z0-9 _\-]{1,40}> | ^paste[-_ ]
    | example | placeholder | changeme | change[-_]me | dummy | redacted | sample | lorem
    | ^fake | [-_]fake | ^mock[-_] | ^todo$ | ^tbd$ | ^none$ | ^null$ | ^nil$ | ^undefined$
    | ^not[-_]?set$ | ^secret$ | passw(?:or|0r)?d | ^token$ | ^api[-_]?key$   # "mypassword1" is a docs value
    | (?-i:^~?(?:/[a-z][a-z0-9_.\-]*)+/?$)                  # a lowercase path: /accounts/password/reset/
    | ^\$[A-Za-z_][\w.\-]*$ | ^(?:sha(?:1|224|256|384|512)|md5)[=:\-]  # $request.header.x, sha256=...
    | ^\d{4}-\d{2}-\d{2}(?:[T\ ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$  # a date
    | x{4,} | X{4,} | \*{3,} | \.{3,} | ^-+$ | ^_+$ | •{3,}
    | os\.environ | os\.getenv | getenv\( | process\.env | env\( | ENV\[ | System\.getenv
    | secrets\. | vault: | ^arn:aws
    | ^some[-_]?(?:user|pass|pw|pwd|password|host|db|port|secret|key|token|name|value)  # some_pass
    | ^pass[^a-z0-9] | ^(?:tiger|masterkey|hunter2)$   # pass%2Fword; scott/tiger, Firebird's default
    | ^(?-i:2YotnFZFEjr1zCsicMWpAA|tGzv3JOkF0XG5Qx2TlKWIA)$  # RFC 6749's example access/refresh tokens
    """

_SEQUENTIAL = ("12345", "abcdef", "98765", "qwerty", "asdfgh")


def shannon_entropy(value: str) -> float:
    """Shannon entropy of `value` in bits per character."""
    if not value:
        return 0.0
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


@functools.cache
def _placeholder() -> re.Pattern[str]:
    """Compiled on first use: a clean commit never needs it (hook start-up)."""
    return re.compile(_PLACEHOLDER_SOURCE)


def is_placeholder(value: str) -> bool:
    """True when `value` is a stand-in (placeholder, reference, repeated or sequential run)."""
    stripped = value.strip().strip("'\"")
    if _placeholder().search(stripped):
        return True
    if len(stripped) >= 4 and len(set(stripped.lower())) <= 2:
        return True
    lowered = stripped.lower()
    return any(run in lowered for run in _SEQUENTIAL)
