"""Is an env value a placeholder or a plainly non-secret setting, or does it look real? (issue 5)

Pure functions over one name and one value; the caller (envfiles.py) holds the plaintext.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from urllib.parse import urlsplit

from secret_hygiene.engine.noise import is_placeholder
from secret_hygiene.env.shape import random_looking, stand_in, words

# Words of a name that say it holds a credential (STRIPE_SECRET_KEY, apiToken, SENTRY_DSN). Whole
# words, not substrings: MONKEY and KEYBOARD_LAYOUT hold no key.
_SECRET_WORDS = frozenset({
    "KEY", "KEYS", "SECRET", "SECRETS", "TOKEN", "TOKENS", "PASSWORD", "PASSWORDS", "PASSWD", "PWD",
    "PASS", "PASSPHRASE", "CREDENTIAL", "CREDENTIALS", "CREDS", "APIKEY", "PRIVATE", "AUTH", "SIGNATURE",
    "SALT", "DSN",
})  # fmt: skip
_PUBLIC_WORDS = frozenset({"PUBLIC", "PUBLISHABLE", "PUB"})
# A last word naming a place or a property of a secret, not the secret (TOKEN_URL, SECRET_FILE).
_REFERENCE_SUFFIX = frozenset({
    "URL", "URI", "PATH", "FILE", "DIR", "HOST", "PORT", "ENDPOINT", "REGION", "NAME", "USER", "USERNAME",
    "TYPE", "ALG", "ALGORITHM", "TTL", "EXPIRY", "EXPIRES", "TIMEOUT", "HEADER", "ENABLED", "LENGTH", "ID",
})  # fmt: skip
_NAME_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")  # SNAKE_CASE, camelCase, digits
# Names that hold a setting about a secret rather than the secret (AUTH_URL, TOKEN_EXPIRES_IN, ...).
_SETTING = re.compile(
    r"(?:^|_)(?:IDS?|URLS?|URI|HOST|HOSTNAME|DOMAIN|PORT|USER|USERNAME|LOGIN|EMAIL|REGION|ENABLED?"
    r"|DISABLED?|EXPIRES?(?:_IN)?|EXPIRY|EXPIRATION|TTL|TIMEOUT|LIFETIME|MAX_AGE|ALGORITHM|ALG|TYPE"
    r"|MODE|PROVIDER|STRATEGY|PATH|FILE|DIR|NAME|LENGTH|ISSUER|AUDIENCE|SCOPES?|CALLBACK|REDIRECT"
    r"|ENDPOINT|VERSION|HEADER|PREFIX|SIZE|COUNT|LIMIT|LEVEL|FORMAT|METHOD|ROUNDS|COST|LOCATION)$"
)
_SIMPLE = re.compile(
    r"(?i)true|false|yes|no|on|off|enabled?|disabled?|null|none|nil|\d+(?:\.\d+)?(?:ms|[smhdwy])?"
)
_PATH = re.compile(
    r"(?:\.{1,2}/|~/|/)[\w.\-/]*|[\w.\-]+(?:/[\w.\-]+)+\.[A-Za-z0-9]{1,5}|[\w.\-]+\.(?:pem|json|p12|pfx|crt|key|jks)"
)
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]{1,20}://[^\s\"'<>]+")
_WORD = re.compile(r"(?:[a-z]+|[A-Z]+|[A-Z][a-z]+)(?:[A-Z][a-z]+)*\d{0,4}|\d{1,4}")  # toBeModified1
_TOKENS = re.compile(r"[\s\-_.,:;!?\[\]()`'\"]+")
# Well-known development defaults that stand for a credential rather than being one.
_DEV_DEFAULTS = frozenset({"s3cr3t", "p@ssw0rd", "p@ssword", "pa55word", "pa$$word", "passw0rd!"})


def secret_like_name(name: str) -> bool:
    """True for a variable whose name says it holds a credential: STRIPE_SECRET_KEY or apiToken, not
    PUBLIC_KEY, TOKEN_URL or JWT_EXPIRES_IN. The env and rotation checks both ask this."""
    words = [w.upper() for w in _NAME_WORD.findall(name)]
    if not words or _PUBLIC_WORDS.intersection(words) or not _SECRET_WORDS.intersection(words):
        return False
    return words[-1] not in _REFERENCE_SUFFIX and not _SETTING.search("_".join(words))


def prose(value: str) -> bool:
    """True for words a person typed ('keyboard cat', 'change-in-production'), not random characters."""
    tokens = [t for t in _TOKENS.split(value) if t]
    if not tokens:
        return True
    for token in tokens:
        if not _WORD.fullmatch(token) or len(token) > 24:
            return False
        letters = token.rstrip("0123456789").lower()
        if len(letters) > 4 and not any(v in letters for v in "aeiouy"):  # jwt, db, smtp are words
            return False
    return True


def public_demo(value: str) -> bool:
    """True for a well-known public demo credential (the Supabase local-stack JWTs, iss=supabase-demo)."""
    parts = value.strip().split(".")
    if len(parts) != 3 or not parts[0].startswith("eyJ"):
        return False
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (binascii.Error, ValueError):
        return False
    return isinstance(payload, dict) and payload.get("iss") == "supabase-demo"


def non_secret(value: str, name: str = "") -> bool:
    """True for an empty value, a placeholder, a plainly non-secret setting, or a value whose shape
    says a person typed it (shape.py); `name`, the variable's, is context (an address under *_EMAIL)."""
    v = value.strip().strip("'\"").strip()
    if not v or is_placeholder(v) or v.lower() in _DEV_DEFAULTS or public_demo(v):
        return True
    if _SIMPLE.fullmatch(v) or _PATH.fullmatch(v) or _URL.fullmatch(v):
        return True  # a URL's password, if any, is judged on its own (url_passwords)
    return (prose(v) and not _random_capitals(v)) or stand_in(name, v) is not None


def _random_capitals(value: str) -> bool:
    """A long run of capitals that spells nothing (`QXJRWNDKTPZBGMHV`): prose() takes it for a word."""
    return any(len(t) >= 12 and t.isupper() and not words(t) for t in _TOKENS.split(value))


def embedded_passwords(value: str) -> list[str]:
    """Every password embedded in a URL in `value` (scheme://user:password@host)."""
    return [password for password, _, _ in _credentials(value)]


def _credentials(value: str) -> list[tuple[str, str, str]]:
    """(password, user, host) of every URL in `value` that carries a password."""
    found = []
    for match in _URL.finditer(value):
        try:
            parts = urlsplit(match.group(0))
            password, user, host = parts.password, parts.username, parts.hostname
        except ValueError:
            continue
        if password:
            found.append((password, user or "", host or ""))
    return found


# Hosts that only exist on the developer's machine or in documentation: loopback, a compose
# service (one label: `db`, `postgres`, `redis`), mDNS and Docker's names, RFC 2606/6761 names.
_LOCAL_HOST = re.compile(
    r"(?i)localhost|[\w\-]+\.localhost|127(?:\.\d{1,3}){3}|0\.0\.0\.0|::1?|host\.docker\.internal"
    r"|[a-z][a-z0-9_\-]*|[\w.\-]+\.(?:local|test|example|invalid)|(?:[\w\-]+\.)*example\.(?:com|org|net)"
)


def url_passwords(value: str) -> list[str]:
    """Passwords embedded in URLs in `value` that look real.

    Not real: a placeholder or typed words, a password equal to its user (`postgres:postgres`),
    and a password that is not random for a host only a developer's machine has (`@localhost`,
    a compose service `@db:5432`).
    """
    return [
        password
        for password, user, host in _credentials(value)
        if not (non_secret(password) or password == user)
        and not (_LOCAL_HOST.fullmatch(host) and not random_looking(password))
    ]


def benign(value: str, name: str = "") -> set[str]:
    """The parts of a value (itself, its URL passwords) that are placeholders or typed words.

    A leak rule can match a template's documented default ('postgrespassword', a phrase); those
    pass here as the issue asks that real templates pass unless they hold a key.
    """
    real = set(url_passwords(value))
    parts = {p for p in embedded_passwords(value) if p not in real}
    return parts | ({value} if value and not real and non_secret(value, name) else set())


# One `NAME=value` line of a template: its name, and its value with quotes and a trailing comment cut.
_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][\w.]*)\s*=[^\S\r\n]*(.*?)\s*$")
_QUOTED = re.compile(r"""^(["'])(.*?)\1""")


def template_stand_in(line: str, match: str, secret: str) -> bool:
    """Whether `secret`, taken by a name-based rule (whole `match`) from a template's `line`, is no key.

    The check of templates judges it the same way (check_template); this is for the scans of
    files and history, which meet the same lines. A match that runs from a name's `=` over a
    line end read past an empty value into the next line.
    """
    head = match[: match.find(secret)].lstrip() if secret in match else ""
    if "\n" in head or "\r" in head:
        return True
    # A rule may start its match at the end of the line above (`(?:^|\n)NAME=`): judge its own line.
    m = _ASSIGNMENT.match(line if secret in line else match.lstrip())
    if m is None:
        return False
    name, raw = m.groups()
    quoted = _QUOTED.match(raw)
    value = quoted.group(2) if quoted else raw.split(" #", 1)[0].strip()
    if secret in embedded_passwords(value):
        return secret not in url_passwords(value)
    return secret in value and non_secret(value, name) and not url_passwords(value)
