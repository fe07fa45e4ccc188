"""A matched value judged in its context: the name it is assigned to, its line, its file.

noise.py judges a value alone; these filters need what surrounds it. Each returns the name
of the filter that drops the value (for `-v`/`rules test` to show), or None to keep it.
Measured on real application repositories by bench/real_repos.py.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
import json
import re
from collections.abc import Collection
from dataclasses import dataclass

from secret_hygiene.engine.noise import is_placeholder


@dataclass(frozen=True)
class Spot:
    """Where a value was matched: the rule's whole match, its line, the line above, the file."""

    match: str
    line: str
    previous: str
    path: str
    generic: bool
    # The rule takes whatever follows a name (rules.py `free_value`): the value's shape is judged.
    free: bool = False
    # Lines above `line`, nearest last (scanner.ABOVE_LINES): for the text introducing a code block.
    above: tuple[str, ...] = ()


# Names that hold public values: on-chain addresses, mints, contracts, ids and symbols.
_PUBLIC_NAME = re.compile(
    r"(?i)(?:address|addr|mint|contract|pubkey|public_?key|account_?id|symbol|_id|Id|tokens?_?id)"
    r"[\"'\])]*\s*,?\s*$"
)
_EVM_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
_KEY_HEX = re.compile(r"^(?:0x)?[0-9a-fA-F]{64}$")
_MARKER = re.compile(
    r"(?i)\b(?:fake|dummy|mock(?:ed)?|not[ _-]?a[ _-]?real|for[ _]example|example[ _]only|"
    r"placeholder|invalidated)\b"
)
# On the value's own line a name may say it (`not_a_real_secret = ...`); the line above may be
# another setting (`SMTP_PASS=fake_mail_password`) and only counts in words.
_MARKER_NAME = re.compile(r"(?i)(?<![a-z])(?:fake|dummy|mock(?:ed)?|not_a_real)(?![a-z])")
_IDENTIFIER = re.compile(
    r"^(?:[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[a-z_][a-z0-9]*(?:_[a-z0-9]+)+|[a-z]+(?:/[a-z0-9_\-]+)+)$"
)
# Code read as a value: a call (`z.string()`), a regex (`([^:]+)`), a shell default (`${X:-y}`).
_CODE = re.compile(r"^[A-Za-z_][\w.]*\(.*\)[,;]?$|\[\^|\(\?|\]\+|^-\w+\}$")
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


def drop_reason(secret: str, spot: Spot, skip: Collection[str] = ()) -> str | None:
    """The filter that drops `secret` at `spot`, or None when it stays a finding.

    `skip` names checks the rule opted out of (its `filters: {skip: ...}` field).
    """
    value = secret.strip().strip("'\"`")
    for name, check in _FILTERS:
        if name not in skip and check(value, spot):
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
    if _MARKER.search(outside) or _MARKER_NAME.search(outside):
        return True
    # A template's comment above a variable documents it (`# For example: v4.5.0`); a key in a
    # provider's format under it is still a key.
    if _MARKER.search(spot.previous) and (spot.free or not _TEMPLATE_FILE.search(spot.path)):
        return True
    intro = _block_intro(spot)  # "Insert your keys (change them by fake API keys):" then ```json
    return intro is not None and bool(_INTRO_MARKER.search(intro))


# A block's introduction reaches further than the line above: "For example:" introduces real
# configurations as often as made-up ones, so only the words that say a value is not real count.
_INTRO_MARKER = re.compile(
    r"(?i)\b(?:fake|dummy|mock(?:ed)?|not[ _-]?a[ _-]?real|example[ _]only|placeholder)\b"
)


# A Markdown fence that opens a block (it names a language: a bare ``` may close one instead),
# an rst code block (`.. code-block:: python`, a paragraph ending in `::`).
_FENCE = re.compile(r"^\s*(?:```|~~~)")
_RST_BLOCK = re.compile(r"^\s*\.\. (?:code-block|code|sourcecode)::|::\s*$")


def _block_intro(spot: Spot) -> str | None:
    """The prose line introducing the code block the value is in (Markdown, rst, a docstring)."""
    lines = spot.above
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        if _FENCE.match(line):
            if not line.strip().strip("`~"):
                return None
            break
        if _RST_BLOCK.search(line):
            break
        if '"""' in line or "'''" in line:
            return None  # a docstring's start, no block opened in it
    else:
        return None
    return next((t for t in reversed(lines[:i]) if t.strip()), None)


# `Returns:`, `:returns: API response with token...`, `Example response:` above a code block.
_RESPONSE_INTRO = re.compile(r"(?i)\b(?:responses?|returns?|returned|result)\b")


def _documented_response(value: str, spot: Spot) -> bool:
    """A field of an API response shown in documentation (docs, a docstring's code block)."""
    intro = _block_intro(spot) if spot.generic else None
    return intro is not None and bool(_RESPONSE_INTRO.search(intro))


def _type_name(value: str, spot: Spot) -> bool:
    """`DERIBIT_CLIENT_ID: LazyLock<ClientId> =`: a type annotation read as the value."""
    if not spot.free or not re.fullmatch(r"(?:[A-Z][a-z]+)+\d?", value):
        return False
    return bool(re.search(r":[ \t]*" + re.escape(value) + r"(?=[ \t]*(?:<|\[|=(?!=)))", spot.line))


def _identifier(value: str, spot: Spot) -> bool:
    # Only generic rules read an assignment's right-hand side loosely enough to take a name for a
    # value; a provider rule's prefix (os_v2_..., xoxb-...) makes snake_case-looking tokens real.
    if not spot.free:
        return False
    if _word_path(value) or _CODE.search(value):
        return True
    return bool(_IDENTIFIER.match(value)) and not any(c.isdigit() for c in value[-6:])


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
    return spot.free and bool(_SELF_DESCRIBING.search(value)) and len(value) <= 64


def _human_password(value: str, spot: Spot) -> bool:
    """Words, digits and a symbol chosen by a person (`strongpass123`, `Correct-Horse1`)."""
    # Generic rules only: a provider may generate lowercase passphrases (Coinbase's 11 letters).
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


# Words people put into made-up credentials (`THis~iS4faKe.53CreTvALu3`, `Sup3rSecret!`): a value
# that reads, once its digits are read as letters, as a run of these is a sentence, not a key.
_VOCABULARY = frozenset(
    w
    for line in (
        "a an the this that is it its my our your not no real fake dummy sample test tests testing",
        "example demo mock secret secrets super duper password passwords pass passwd passphrase word",
        "key keys api token tokens value val string complex strong weak simple very long short random",
        "user users admin root org level account app client server service local dev prod staging",
        "default change me please here goes your new old one two three four five first second hello",
        "world foo bar baz breached valid invalid wrong right good bad some any other private public",
        "access auth login sign signing label name id ids my-secret open sesame let in top letmein",
        "qwerty abc xyz do use only for of to and or with without set get put data db database mail",
        "email hash salt session cookie jwt bearer fa two user i",
    )
    for w in line.split()
)
_LEET = str.maketrans("0134579@$!", "oieastgasi")


def _spelled(letters: str) -> bool:
    """Whether `letters` (lower case, no separators) splits wholly into _VOCABULARY words."""
    reach = [True] + [False] * len(letters)
    for end in range(1, len(letters) + 1):
        reach[end] = any(reach[i] and letters[i:end] in _VOCABULARY for i in range(max(0, end - 12), end))
    return reach[-1]


def _vocabulary_words(value: str, spot: Spot) -> bool:
    """`TH!Si$ASup3RSeCreTAP!KEy`, `P4ssw0rd-breached`: made-up words in leetspeak, any case."""
    if not spot.free or len(value) > 64:
        return False
    decoded = _base64_text(value)
    if decoded is not None:
        value = decoded
    lower = value.lower()
    # Trailing digits and symbols are either a suffix (`Secret!`, `Key456`) or leetspeak (`valu3`).
    return any(_sentence(t.translate(_LEET)) for t in (lower.rstrip("0123456789!@#$%^&*()?."), lower))


def _sentence(text: str) -> bool:
    parts = [p for p in re.split(r"[^a-z]+", text) if p]
    letters = sum(map(len, parts))
    if letters < 6 or len(text) - letters > max(4, len(text) // 3):
        return False
    # A short fragment (a key prefix such as `fbk_`) carries no randomness either way.
    return all(len(p) <= 3 or _spelled(p) for p in parts) and any(len(p) > 3 for p in parts)


def _base64_text(value: str) -> str | None:
    """The text a short base64 value encodes (`bXktc2VjcmV0LWtleQ==`), or None."""
    if len(value) % 4 or not re.fullmatch(r"[A-Za-z0-9+/]+={0,2}", value):
        return None
    try:
        raw = base64.b64decode(value, validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return raw if raw.isprintable() else None


def _word_path(value: str) -> bool:
    """`organizations/test-org/apiKeys/test-key`, `access_token/label_too_short`: a path of words."""
    parts = [p for p in value.split("/") if p]
    if len(parts) < 2:
        return False
    pieces = [q for p in parts for q in re.split(r"[-_.:]+", p) if q]
    return all(_WORD_PIECE.fullmatch(q) for q in pieces) and sum(c.isdigit() for c in value) <= 6


# One piece of a path of words: a number, or lower/camel-case words of two or more letters.
_WORD_PIECE = re.compile(r"\d+|[A-Za-z][a-z]+(?:[A-Z][a-z]+)*")


def _sequential(value: str, spot: Spot) -> bool:
    """`a1B2c3D4e5F6...`: letters (and digits) counting up, a typed pattern."""
    letters = [c.lower() for c in value if c.isalpha()]
    steps = sum(ord(b) - ord(a) == 1 for a, b in itertools.pairwise(letters))
    return spot.generic and len(letters) >= 8 and steps >= 0.8 * (len(letters) - 1)


def _repeated_words(value: str, spot: Spot) -> bool:
    """A mnemonic repeating a run of three words is a published test vector, not a wallet."""
    words = value.split()
    runs = [tuple(words[i : i + 3]) for i in range(len(words) - 2)]
    mnemonic = 12 <= len(words) <= 24 and all(w.isalpha() and w.islower() for w in words)
    return mnemonic and len(set(runs)) < len(runs)


# Names whose value is not a credential though they hold a secret word: `resetPasswordLink`,
# `tokenNamePrefix`, `tokenizerModel`.
_DESCRIPTIVE_NAME = re.compile(
    r"(?i)(?:link|url|uri|prefix|suffix|name|label|model|type|path|route|endpoint|field|column|"
    r"header|length|len|size|count|format|regex|pattern|tokenizer\w*)[\"'\]]*\s*$"
)


def _descriptive_name(value: str, spot: Spot) -> bool:
    name = spot.match[: max(spot.match.find(value), 0)].rstrip(" \t=:>\"'`,")
    return spot.generic and bool(_DESCRIPTIVE_NAME.search(name))


# `"token": "..."` inside documentation or a test: a recorded or documented API payload. Provider
# rules still report real key formats there; only the name-based generic rules stand down.
_PAYLOAD_KEY = re.compile(r"""["']token["']\s*:\s*["']""")


def _example_payload(value: str, spot: Spot) -> bool:
    if not spot.generic or not _DOC_PATH.search(spot.path):
        return False
    return any(m.end() == spot.line.find(value, m.end()) for m in _PAYLOAD_KEY.finditer(spot.line))


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


def _template_stand_in(value: str, spot: Spot) -> bool:
    """In a template (`.env.example`), what a name-based rule took is judged as templates are."""
    if not spot.free or not _TEMPLATE_FILE.search(spot.path):
        return False
    # Imported here: the envfiles package imports the scanner, which imports this module.
    from secret_hygiene.env.values import template_stand_in

    return template_stand_in(spot.line, spot.match, value)


# The default template names of config.py (`.env.example`, `example.env`, `.env.test.sample`, ...).
_TEMPLATE_FILE = re.compile(
    r"(?:^|/)(?:[^/]*\.)?env(?:\.[^/]*)?[.\-_](?:example|sample|template|dist|defaults|tmpl|tpl)$"
    r"|(?:^|/)(?:[^/]*\.)?(?:example|sample|template)\.env$"
)

_FILTERS = (
    ("public-address", _public_address),
    ("marked-example", _marked),
    ("identifier", _identifier),
    ("example-url-credentials", _example_url),
    ("localised-text", _non_ascii),
    ("self-describing", _self_describing),
    ("human-chosen-password", _human_password),
    ("vocabulary-words", _vocabulary_words),
    ("sequential", _sequential),
    ("repeated-words", _repeated_words),
    ("descriptive-name", _descriptive_name),
    ("example-payload", _example_payload),
    ("documented-response", _documented_response),
    ("type-name", _type_name),
    ("masked", _masked),
    ("generated-lockfile", _lockfile),
    ("minified-bundle", _minified),
    ("sample-jwt", _sample_jwt),
    ("template-stand-in", _template_stand_in),
)
CHECKS = tuple(name for name, _ in _FILTERS)  # the stable names a rule's `filters.skip` may use


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


# Write-only keys a provider expects in front-end code (PostHog's phc_ project key): they belong
# in config, so they are reported, but as a warning; a leaked one only lets a caller send events.
PUBLIC_WRITE_ONLY = frozenset({"posthog-project-api-key"})


def public_test_key(secret: str) -> bool:
    """True for a well-known development-chain private key (Hardhat, Anvil)."""
    return secret.strip().strip("'\"").lower().removeprefix("0x") in _PUBLIC_TEST_KEYS


# Development emulators' published keys (sha256): Azurite's devstoreaccount1 account key, printed
# in Microsoft's Azurite documentation, works against the local emulator only. A note (-v).
_PUBLIC_EMULATOR_KEYS = frozenset({"0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059"})


def public_emulator_key(secret: str) -> bool:
    """True for a key an emulator publishes for local use (Azurite's account key)."""
    value = secret.strip().strip("'\"")
    return hashlib.sha256(value.encode()).hexdigest() in _PUBLIC_EMULATOR_KEYS


# Keys their provider publishes on purpose (a Sentry DSN only lets a client send events):
# reported as a note, shown with -v, never failing a run.
PUBLIC_BY_DESIGN = frozenset({"sentry-dsn"})
