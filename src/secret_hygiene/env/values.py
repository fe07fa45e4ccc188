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

# *KEY*, *SECRET*, *TOKEN*, *PASSWORD*, *PASS, *PWD*, *CREDENTIAL*, *PRIVATE*, *AUTH*, *DSN* (issue 5).
_SECRET_NAME = re.compile(r"KEY|SECRET|TOKEN|PASSWORD|PASSWD|PASS$|PWD|CREDENTIAL|PRIVATE|AUTH(?!OR)|DSN")
# Names that hold a setting about a secret rather than the secret (AUTH_URL, TOKEN_EXPIRES_IN, ...).
_SETTING = re.compile(
    r"(?:^|_)(?:IDS?|URLS?|URI|HOST|HOSTNAME|DOMAIN|PORT|USER|USERNAME|LOGIN|EMAIL|REGION|ENABLED?"
    r"|DISABLED?|EXPIRES?(?:_IN)?|EXPIRY|EXPIRATION|TTL|TIMEOUT|LIFETIME|MAX_AGE|ALGORITHM|ALG|TYPE"
    r"|MODE|PROVIDER|STRATEGY|PATH|FILE|DIR|NAME|LENGTH|ISSUER|AUDIENCE|SCOPES?|CALLBACK|REDIRECT"
    r"|ENDPOINT|VERSION|HEADER|PREFIX|SIZE|COUNT|LIMIT|LEVEL|FORMAT|METHOD|ROUNDS|COST|LOCATION)$"
)
_PUBLIC_NAME = re.compile(r"PUBLIC|PUBLISHABLE")
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
    """True for a variable whose name says it holds a credential."""
    upper = name.upper()
    if _PUBLIC_NAME.search(upper) or not _SECRET_NAME.search(upper):
        return False
    return not _SETTING.search(upper)


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


def non_secret(value: str) -> bool:
    """True for an empty value, a placeholder or a plainly non-secret setting."""
    v = value.strip().strip("'\"").strip()
    if not v or is_placeholder(v) or v.lower() in _DEV_DEFAULTS or public_demo(v):
        return True
    if _SIMPLE.fullmatch(v) or _PATH.fullmatch(v) or _URL.fullmatch(v):
        return True  # a URL's password, if any, is judged on its own (url_passwords)
    return prose(v)


def embedded_passwords(value: str) -> list[str]:
    """Every password embedded in a URL in `value` (scheme://user:password@host)."""
    found = []
    for match in _URL.finditer(value):
        try:
            password = urlsplit(match.group(0)).password
        except ValueError:
            continue
        if password:
            found.append(password)
    return found


def url_passwords(value: str) -> list[str]:
    """Passwords embedded in URLs in `value` that are not placeholders or plainly non-secret."""
    return [p for p in embedded_passwords(value) if not non_secret(p)]


def benign(value: str) -> set[str]:
    """The parts of a value (itself, its URL passwords) that are placeholders or typed words.

    A leak rule can match a template's documented default ('postgrespassword', a phrase); those
    pass here as the issue asks that real templates pass unless they hold a key.
    """
    return {part for part in (value, *embedded_passwords(value)) if part and non_secret(part)}
