"""Does a template's value stand in for a key, or is it one? Judged by shape and randomness.

A template (`.env.example` and kin) ships values a person typed: words that describe the value
(`SomeRandomStringOf32CharsExactly`, `super-duper-s3cret`), a unit repeated (`0000…`,
`AABBCCDD…`), a dummy padded with one character (`GKtest000000…`), an e-mail address under
`*_ADDRESS`. A generated key has none of these shapes: its characters are random. Only the
variable's name is used as context; no list of known values is consulted. Pure functions: the
caller (templates.py, rotation.py) holds the plaintext.
"""

from __future__ import annotations

import re

from secret_hygiene.engine.noise import shannon_entropy

# Names whose value is an address or a place (`SMTP_FROM_ADDRESS`, `REDIS_HOST`, `ADMIN_EMAIL`).
_ADDRESS_NAME = re.compile(
    r"(?:^|_)(?:ADDRESS|ADDR|EMAIL|E_MAIL|MAIL|FROM|SENDER|RECIPIENT|TO|HOST|HOSTNAME|DOMAIN|URL|URI"
    r"|ENDPOINT|SERVER|ORIGIN)$"
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_HOSTNAME = re.compile(r"(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,}(?::\d{1,5})?", re.I)
# A letter spelled as a digit or sign between two letters (`s3cret`, `p@ss`, `acc3ss`).
_LEET_SIGN = re.compile(r"(?<=[A-Za-z])[013457@$](?=[A-Za-z])")
_LEET = str.maketrans("013457@$", "oieastas")
# Runs a word splits into: an acronym, a (capitalised) lower-case word, digits, anything else.
_PIECE = re.compile(r"[A-Z]{2,}(?![a-z])|[A-Z]?[a-z]+|[A-Z]|\d+|[^A-Za-z\d]+")
_HEX = re.compile(r"[0-9a-fA-F]+")
# The letter pairs that make up 95% of the pairs inside English words (counted over the comments
# and docstrings of CPython's standard library); a random letter string has about a third of its
# pairs here, typed words nearly all.
_PAIRS = """
ab ac ad ag ai ak al am an ap ar as at au av aw ay ba be bi bj bl bo br bu ca ce ch ci ck cl co
cr ct cu cy da dd de di dl do dr ds du ea ec ed ee ef eg el em en ep eq er es et ev ex ey fa fe
ff fi fl fo fr ft fu ge gh gi gl gn gr gs gu ha he hi ho ht ia ib ic id ie if ig il im in io ip
ir is it iv iz je ke la ld le lf li ll lo ls lt lu ly ma mb me mi mm mo mp mu na nc nd ne nf ng
ni no ns nt nu ob oc od ol om on oo op or os ot ou ov ow ox pa pe pi pl po pp pr pt pu py qu ra
rc rd re rg ri rk rm rn ro rr rs rt ru ry sa sc se sh si sm so sp ss st su sy ta tc te th ti tl
to tr ts tt tu ty ua ub ue ui ul um un up ur us ut va ve vi wa wh wi wo xc xt yp yr ys yt ze
"""
_COMMON_PAIRS = frozenset(_PAIRS.split())


def address(name: str, value: str) -> bool:
    """An e-mail address or a host name under a name that says it holds one (`*_FROM_ADDRESS`)."""
    shaped = _EMAIL.fullmatch(value) or _HOSTNAME.fullmatch(value)
    return bool(_ADDRESS_NAME.search(name.upper())) and bool(shaped)


def repeated(value: str) -> bool:
    """A short unit over and over (`0000…`, `abcabc…`, `AABBCCDDAABBCCDD`, `AABBCCDDEEFF`)."""
    n = len(value)
    if n < 6:
        return False
    period = next((p for p in range(1, n // 2 + 1) if value == (value[:p] * (n // p + 1))[:n]), n)
    doubled = n >= 8 and n % 2 == 0 and value[0::2] == value[1::2]
    return period <= min(8, n // 2) or doubled


def padded(value: str) -> bool:
    """A dummy filled up with one character (`GKtest000000000000`, `s3secrettest0000…`)."""
    longest = max((len(m.group(0)) for m in re.finditer(r"(.)\1*", value)), default=0)
    return longest >= 6


def words(value: str) -> bool:
    """Words a person typed, in any case and spelling (`SomeRandomStringOf32CharsExactly`, `Sup3r-S3cret`).

    A generated key flips case and mixes in digits every few characters, so its letter runs are
    short, and its letter pairs are as often rare in English as common; typed words are long runs
    of common pairs.
    """
    if len(value) >= 20 and _HEX.fullmatch(value):
        return False  # hex is a generated shape, whatever letters it happens to spell
    text = _LEET_SIGN.sub(lambda m: m.group(0).translate(_LEET), value)
    letters = [p for p in _PIECE.findall(text) if p.isalpha()]
    covered = sum(map(len, letters))
    if not letters or covered < 0.6 * len(text) or covered / len(letters) < 3.5:
        return False
    if sum(len(p) <= 2 for p in letters) > max(1, len(letters) // 3):
        return False  # `rZTFtfNuSMaj…`: a letter or two between every case flip
    # Words run together without a separator or a case change (`supersecretpassword`) must read
    # better still: a long random run of letters reaches 70% common pairs now and then.
    return _common(letters) >= 0.7 and all(_common([p]) >= 0.8 for p in letters if len(p) > 12)


def _common(pieces: list[str]) -> float:
    """The share of letter pairs inside `pieces` that are common in English."""
    pairs = [p[i : i + 2].lower() for p in pieces for i in range(len(p) - 1)]
    return sum(pair in _COMMON_PAIRS for pair in pairs) / len(pairs) if pairs else 1.0


def random_looking(value: str) -> bool:
    """Long and varied enough to have been generated (a password in a URL, a key)."""
    return len(value) >= 16 and shannon_entropy(value) >= 3.5 and not (words(value) or repeated(value))


def stand_in(name: str, value: str) -> str | None:
    """Why `value`, assigned to `name` in a template, is no key (a reason), or None when it may be one.

    Placeholders, settings and URLs are values.py's business; this judges the rest by shape.
    """
    if address(name, value):
        return "an address"
    if repeated(value):
        return "a repeated unit"
    if padded(value):
        return "a padded dummy"
    if words(value):
        return "words"
    return None
