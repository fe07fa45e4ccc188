"""A matched value judged in its context: the name it is assigned to, its line, its file.

noise.py judges a value alone; these filters need what surrounds it. Each returns the name
of the filter that drops the value (for `-v`/`rules test` to show), or None to keep it.
Measured on real application repositories by bench/real_repos.py.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass

from secret_hygiene.noise import is_placeholder


@dataclass(frozen=True)
class Spot:
    """Where a value was matched: the rule's whole match, its line, the line above, the file."""

    match: str
    line: str
    previous: str
    path: str
    generic: bool


# Names that hold public values: on-chain addresses, mints, contracts, ids and symbols.
_PUBLIC_NAME = re.compile(
    r"(?i)(?:address|addr|mint|contract|pubkey|public_?key|account_?id|symbol|_id|Id|tokens?_?id)"
    r"[\"'\]]?\s*$"
)
_EVM_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
_KEY_HEX = re.compile(r"^(?:0x)?[0-9a-fA-F]{64}$")
_MARKER = re.compile(
    r"(?i)\b(?:fake|dummy|mock(?:ed)?|not[ _-]?a[ _-]?real|for[ _]example|example[ _]only|"
    r"placeholder|invalidated)\b"
)
_IDENTIFIER = re.compile(
    r"^(?:[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[a-z_][a-z0-9]*(?:_[a-z0-9]+)+|[a-z]+(?:/[a-z0-9_\-]+)+)$"
)
_EXAMPLE_HOSTS = re.compile(
    r"(?i)^(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[?::1\]?|host|hostname|server|db|database|"
    r"(?:[\w\-]+\.)*(?:example|test|invalid|localhost)|"
    r"(?:[\w\-]+\.)*example\.(?:com|org|net)|(?:www\.)?(?:acme|foo|bar|domain|host)\.com)$"
)
_URL_CREDS = re.compile(r"://(?P<user>[^:@/\s]*):(?P<password>[^@/\s]+)@(?P<host>[^:/?#\s\"'`]+)")
_SELF_DESCRIBING = re.compile(
    r"(?i)(?:^|[-_.])(?:secret|token|passphrase|password|passwd|api[-_]?key|private[-_]?key|"
    r"test|fixture|label|hash)(?:[-_.\d!]|$)"
)
_WORD_RUN = re.compile(r"[A-Z]{2,}(?![a-z])|[A-Z]?[a-z]+")
_HUMAN_SHAPE = re.compile(r"^[A-Za-z]+(?:[-_.@!#&+ ][A-Za-z]+)*[-_.@!#]?\d{0,6}[!@#$%^&*?.]{0,3}$")
_DOC_PATH = re.compile(
    r"(?i)(?:^|/)(?:docs?|documentation|examples?|tests?|__tests__|spec|fixtures?)/|"
    r"\.(?:md|mdx|rst|txt|adoc)$|(?:^|/)(?:test_[^/]*|[^/]*[._](?:test|spec)\.\w+)$"
)
_MASKED = re.compile(r"(?:X{3,}|x{3,}|\*{3,}).*(?:X{3,}|x{3,}|\*{3,})")


def drop_reason(secret: str, spot: Spot) -> str | None:
    """The filter that drops `secret` at `spot`, or None when it stays a finding."""
    value = secret.strip().strip("'\"`")
    for name, check in _FILTERS:
        if check(value, spot):
            return name
    return None


def _public_address(value: str, spot: Spot) -> bool:
    if _KEY_HEX.match(value):
        return False  # 32 bytes: a private key, whatever the name says
    if _EVM_ADDRESS.match(value):
        return True  # 20 bytes: an account or contract address
    # A provider rule names its own key (`*_client_id`); only generic rules read the name.
    name = spot.match[: max(spot.match.find(value), 0)].rstrip(" \t=:>\"'`")
    return spot.generic and bool(_PUBLIC_NAME.search(name))


def _marked(value: str, spot: Spot) -> bool:
    outside = spot.line.replace(value, " ")
    return bool(_MARKER.search(outside) or _MARKER.search(spot.previous))


def _identifier(value: str, spot: Spot) -> bool:
    # Only generic rules read an assignment's right-hand side loosely enough to take a name for a
    # value; a provider rule's prefix (os_v2_..., xoxb-...) makes snake_case-looking tokens real.
    return spot.generic and bool(_IDENTIFIER.match(value)) and not any(c.isdigit() for c in value[-6:])


def _example_url(value: str, spot: Spot) -> bool:
    for m in _URL_CREDS.finditer(spot.line):
        if value not in m.group("password"):
            continue
        user, host = m.group("user"), m.group("host").split("@")[-1]
        return user == m.group("password") or bool(_EXAMPLE_HOSTS.match(host))
    return False


def _non_ascii(value: str, spot: Spot) -> bool:
    return spot.generic and any(ord(c) > 127 for c in value)


def _self_describing(value: str, spot: Spot) -> bool:
    return spot.generic and bool(_SELF_DESCRIBING.search(value)) and len(value) <= 64


def _human_password(value: str, spot: Spot) -> bool:
    """Words, digits and a symbol chosen by a person (`strongpass123`, `Correct-Horse1`)."""
    if not spot.generic or not _HUMAN_SHAPE.match(value):
        return False
    words = _WORD_RUN.findall(value)
    if not words or sum(map(len, words)) / len(words) < 3.5:
        return False  # case flips every few letters: `npTZPZrZUjLE` is random, not words
    if any(len(w) >= 4 and not re.search(r"[aeiouyAEIOUY]", w) for w in words):
        return False
    if any(re.search(r"[bcdfghjklmnpqrstvwxz]{5,}", w, re.I) for w in words):
        return False
    return len(value) <= (48 if _DOC_PATH.search(spot.path) else 24)


def _lockfile(value: str, spot: Spot) -> bool:
    """A generated lock file (`i18n.lock`, `poetry.lock`) holds hashes, not assignments."""
    return spot.generic and spot.path.endswith(".lock")


def _masked(value: str, spot: Spot) -> bool:
    return bool(_MASKED.search(value))


def _minified(value: str, spot: Spot) -> bool:
    """A line of a bundle: very long, dense code (`a=b,c=d;function(){...}`)."""
    line = spot.line
    if not spot.generic or len(line) < 1000:
        return False
    return line.count(" ") / len(line) < 0.08 or line.count(";") + line.count(",") > len(line) / 40


def _jwt_payload(value: str) -> dict[str, object] | None:
    parts = value.split(".")
    if len(parts) != 3 or not parts[0].startswith("eyJ"):
        return None
    try:
        raw = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        payload = json.loads(raw)
    except (binascii.Error, ValueError):
        return None
    return payload if isinstance(payload, dict) else None


def _sample_jwt(value: str, spot: Spot) -> bool:
    """jwt.io's sample (`John Doe`, sub 1234567890) or an expired token in documentation."""
    payload = _jwt_payload(value)
    if payload is None:
        return False
    if any(isinstance(v, str) and is_placeholder(v) for v in payload.values()):
        return True
    if payload.get("name") == "John Doe" or str(payload.get("sub")) == "1234567890":
        return True
    expires = payload.get("exp")
    documented = bool(re.search(r"(?i)(?:^|/)docs?/|\.(?:md|mdx|rst)$", spot.path))
    return documented and isinstance(expires, int) and expires < _DOCS_EXPIRED_BEFORE


# A token in documentation that expired before this date (2024-01-01) is a recorded sample.
_DOCS_EXPIRED_BEFORE = 1704067200

_FILTERS = (
    ("public-address", _public_address),
    ("marked-example", _marked),
    ("identifier", _identifier),
    ("example-url-credentials", _example_url),
    ("localised-text", _non_ascii),
    ("self-describing", _self_describing),
    ("human-chosen-password", _human_password),
    ("masked", _masked),
    ("generated-lockfile", _lockfile),
    ("minified-bundle", _minified),
    ("sample-jwt", _sample_jwt),
)


# The first accounts of Hardhat's and Anvil's default mnemonic ("test test ... junk"): printed
# by both tools at start-up and in their documentation, so public. A warning, not an error.
_PUBLIC_TEST_KEYS = frozenset(
    {
        "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
        "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
        "7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
        "47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
        "8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
        "92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
        "4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
        "dbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
        "2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
    }
)


def public_test_key(secret: str) -> bool:
    """True for a well-known development-chain private key (Hardhat, Anvil)."""
    return secret.strip().strip("'\"").lower().removeprefix("0x") in _PUBLIC_TEST_KEYS


# Keys their provider publishes on purpose (a Sentry DSN only lets a client send events):
# reported as a note, shown with -v, never failing a run.
PUBLIC_BY_DESIGN = frozenset({"sentry-dsn"})
