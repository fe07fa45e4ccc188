"""Fresh synthetic credentials of documented shapes, one generator per provider (issue 3 benchmark).

Each generator returns the settings a project would hold for that provider: (name, value,
is_secret) triples in UPPER_SNAKE form, which the file renderers turn into each language's
spelling. Shapes come from the providers' documentation of their key formats (prefixes,
lengths, alphabets) and the variable names their SDKs and docs use; the values are random,
so nothing here is a real key and nothing is copied from any scanner's rule examples.
"""

from __future__ import annotations

import base64
import json
import random
import string
import uuid
from collections.abc import Callable
from dataclasses import dataclass

B62 = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
UHEX = HEX.upper()
UPPER_ALNUM = string.ascii_uppercase + string.digits
LOWER_ALNUM = string.ascii_lowercase + string.digits
URLSAFE = B62 + "-_"
AWS_SECRET = B62 + "/+"
PASSWORD_CHARS = B62 + "!#%^*-_+=~"
URL_PASSWORD = B62 + "-._~"  # RFC 3986 unreserved: other characters would be percent-encoded in a URL

Setting = tuple[str, str, bool]


def rs(rng: random.Random, n: int, alphabet: str = B62) -> str:
    """n random characters of an alphabet."""
    return "".join(rng.choice(alphabet) for _ in range(n))


def uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def b64(rng: random.Random, nbytes: int) -> str:
    return base64.b64encode(rng.randbytes(nbytes)).decode()


def password(rng: random.Random) -> str:
    """A random human-chosen-looking password: letters, digits and a few symbols."""
    core = rs(rng, rng.randint(14, 22), PASSWORD_CHARS)
    return core[:3] + rng.choice(string.digits) + rng.choice("!#%^*") + core[3:]


def pem(rng: random.Random, kind: str, nbytes: int) -> str:
    """A PEM block with a random body (the shape scanners look for; not a usable key)."""
    body = b64(rng, nbytes)
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "\n".join([f"-----BEGIN {kind}-----", *lines, f"-----END {kind}-----"])


def jwt(rng: random.Random) -> str:
    def enc(obj: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")

    head = enc({"alg": "HS256", "typ": "JWT"})
    body = enc({"sub": uid(rng), "iat": 1_700_000_000 + rng.randint(0, 10**7), "role": "service"})
    return f"{head}.{body}.{rs(rng, 43, URLSAFE)}"


BIP39 = [
    "abandon",
    "ability",
    "able",
    "about",
    "above",
    "absent",
    "absorb",
    "abstract",
    "absurd",
    "abuse",
    "access",
    "accident",
    "account",
    "accuse",
    "achieve",
    "acid",
    "acoustic",
    "acquire",
    "across",
    "act",
    "action",
    "actor",
    "actress",
    "actual",
    "adapt",
    "add",
    "addict",
    "address",
    "adjust",
    "admit",
    "adult",
    "advance",
    "advice",
    "aerobic",
    "affair",
    "afford",
    "afraid",
    "again",
    "age",
    "agent",
    "agree",
    "ahead",
    "aim",
    "air",
    "airport",
    "aisle",
    "alarm",
    "album",
    "alcohol",
    "alert",
    "alien",
    "all",
    "alley",
    "allow",
    "almost",
    "alone",
    "alpha",
    "already",
    "also",
    "alter",
    "always",
    "amateur",
    "amazing",
    "among",
    "amount",
    "amused",
    "analyst",
    "anchor",
    "ancient",
    "anger",
    "angle",
    "angry",
    "animal",
    "ankle",
    "announce",
    "annual",
    "another",
    "answer",
    "antenna",
    "antique",
    "anxiety",
    "any",
    "apart",
    "apology",
    "appear",
    "apple",
    "approve",
    "april",
    "arch",
    "arctic",
    "area",
    "arena",
    "argue",
    "arm",
    "armed",
    "armor",
    "army",
    "around",
    "arrange",
    "arrest",
    "arrive",
    "arrow",
    "art",
    "artefact",
    "artist",
    "artwork",
    "ask",
    "aspect",
    "assault",
    "asset",
    "assist",
    "assume",
    "asthma",
    "athlete",
    "atom",
    "attack",
    "attend",
    "attitude",
    "attract",
    "auction",
    "audit",
    "august",
    "aunt",
    "author",
    "auto",
    "autumn",
    "average",
    "avocado",
    "avoid",
    "awake",
    "aware",
    "away",
    "awesome",
    "awful",
    "awkward",
    "axis",
]


@dataclass(frozen=True)
class Provider:
    """A provider, its family, and a generator of the settings that hold its credentials."""

    name: str
    family: str
    make: Callable[[random.Random], list[Setting]]
    sdk: str = ""  # a Python call-site template over the settings' values ({0}, {1}, ...)


def _p(
    name: str, family: str, sdk: str = ""
) -> Callable[[Callable[[random.Random], list[Setting]]], Provider]:
    def wrap(fn: Callable[[random.Random], list[Setting]]) -> Provider:
        return Provider(name, family, fn, sdk)

    return wrap


def _s(*items: tuple[str, str] | tuple[str, str, bool]) -> list[Setting]:
    return [(i[0], i[1], i[2] if len(i) == 3 else True) for i in items]  # type: ignore[misc]


PROVIDERS: list[Provider] = [
    _p("github-classic", "source")(lambda r: _s(("GITHUB_TOKEN", "ghp_" + rs(r, 36)))),
    _p("github-fine-grained", "source")(
        lambda r: _s(("GH_PAT", "github_pat_" + rs(r, 22) + "_" + rs(r, 59)))
    ),
    _p("github-oauth", "source")(lambda r: _s(("GITHUB_OAUTH_TOKEN", "gho_" + rs(r, 36)))),
    _p("gitlab", "source", 'gitlab.Gitlab("https://gitlab.com", private_token="{0}")')(
        lambda r: _s(("GITLAB_TOKEN", "glpat-" + rs(r, 20, URLSAFE)))
    ),
    _p("aws", "cloud", 'boto3.client("s3", aws_access_key_id="{0}", aws_secret_access_key="{1}")')(
        lambda r: _s(
            ("AWS_ACCESS_KEY_ID", "AKIA" + rs(r, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")),
            ("AWS_SECRET_ACCESS_KEY", rs(r, 40, AWS_SECRET)),
            ("AWS_DEFAULT_REGION", r.choice(["us-east-1", "eu-west-1", "ap-southeast-2"]), False),
        )
    ),
    _p("stripe", "payments", 'stripe.api_key = "{0}"')(
        lambda r: _s(("STRIPE_SECRET_KEY", "sk_live_51" + rs(r, 97)))
    ),
    _p("stripe-restricted", "payments")(lambda r: _s(("STRIPE_API_KEY", "rk_live_51" + rs(r, 97)))),
    _p("slack-bot", "communication", 'WebClient(token="{0}")')(
        lambda r: _s(
            ("SLACK_BOT_TOKEN", f"xoxb-{rs(r, 12, string.digits)}-{rs(r, 13, string.digits)}-{rs(r, 24)}")
        )
    ),
    _p("slack-webhook", "communication")(
        lambda r: _s(
            (
                "SLACK_WEBHOOK_URL",
                f"https://hooks.slack.com/services/T{rs(r, 8, UPPER_ALNUM)}/B{rs(r, 10, UPPER_ALNUM)}/{rs(r, 24)}",
            )
        )
    ),
    _p("openai", "ai", 'OpenAI(api_key="{0}")')(
        lambda r: _s(("OPENAI_API_KEY", "sk-proj-" + rs(r, 74, URLSAFE) + "T3BlbkFJ" + rs(r, 74, URLSAFE)))
    ),
    _p("anthropic", "ai", 'anthropic.Anthropic(api_key="{0}")')(
        lambda r: _s(("ANTHROPIC_API_KEY", "sk-ant-api03-" + rs(r, 93, URLSAFE) + "AA"))
    ),
    _p("google-api", "cloud")(lambda r: _s(("GOOGLE_API_KEY", "AIza" + rs(r, 35, URLSAFE)))),
    _p("sendgrid", "communication", 'SendGridAPIClient("{0}")')(
        lambda r: _s(("SENDGRID_API_KEY", f"SG.{rs(r, 22, URLSAFE)}.{rs(r, 43, URLSAFE)}"))
    ),
    _p("twilio", "communication")(
        lambda r: _s(("TWILIO_API_KEY", "SK" + rs(r, 32, HEX)), ("TWILIO_AUTH_TOKEN", rs(r, 32, HEX)))
    ),
    _p("npm", "registry")(lambda r: _s(("NPM_TOKEN", "npm_" + rs(r, 36)))),
    _p("pypi", "registry")(lambda r: _s(("PYPI_API_TOKEN", "pypi-AgEIcHlwaS5vcmc" + rs(r, 120, URLSAFE)))),
    _p("jwt", "generic")(lambda r: _s(("SERVICE_JWT", jwt(r)))),
    _p("huggingface", "ai")(lambda r: _s(("HF_TOKEN", "hf_" + rs(r, 34, string.ascii_letters)))),
    _p("groq", "ai")(lambda r: _s(("GROQ_API_KEY", "gsk_" + rs(r, 52)))),
    _p("replicate", "ai")(lambda r: _s(("REPLICATE_API_TOKEN", "r8_" + rs(r, 37)))),
    _p("digitalocean", "cloud")(lambda r: _s(("DIGITALOCEAN_TOKEN", "dop_v1_" + rs(r, 64, HEX)))),
    _p("shopify", "payments")(lambda r: _s(("SHOPIFY_ACCESS_TOKEN", "shpat_" + rs(r, 32, HEX)))),
    _p("dockerhub", "registry")(lambda r: _s(("DOCKERHUB_TOKEN", "dckr_pat_" + rs(r, 27, URLSAFE)))),
    _p("terraform-cloud", "infrastructure")(
        lambda r: _s(("TFE_TOKEN", rs(r, 14) + ".atlasv1." + rs(r, 67, URLSAFE)))
    ),
    _p("vault", "infrastructure")(lambda r: _s(("VAULT_TOKEN", "hvs." + rs(r, 95, URLSAFE)))),
    _p("pulumi", "infrastructure")(lambda r: _s(("PULUMI_ACCESS_TOKEN", "pul-" + rs(r, 40, HEX)))),
    _p("newrelic", "observability")(lambda r: _s(("NEW_RELIC_API_KEY", "NRAK-" + rs(r, 27, UPPER_ALNUM)))),
    _p("sentry", "observability", 'sentry_sdk.init(dsn="{0}")')(
        lambda r: _s(
            (
                "SENTRY_DSN",
                f"https://{rs(r, 32, HEX)}@o{rs(r, 6, string.digits)}.ingest.sentry.io/{rs(r, 7, string.digits)}",
            )
        )
    ),
    _p("datadog", "observability")(
        lambda r: _s(("DD_API_KEY", rs(r, 32, HEX)), ("DD_APP_KEY", rs(r, 40, HEX)))
    ),
    _p("mailgun", "communication")(lambda r: _s(("MAILGUN_API_KEY", "key-" + rs(r, 32, HEX)))),
    _p("mailchimp", "communication")(
        lambda r: _s(("MAILCHIMP_API_KEY", rs(r, 32, HEX) + f"-us{r.randint(1, 21)}"))
    ),
    _p("telegram", "communication")(
        lambda r: _s(("TELEGRAM_BOT_TOKEN", f"{r.randint(10**9, 8 * 10**9)}:AA{rs(r, 33, URLSAFE)}"))
    ),
    _p("discord", "communication")(
        lambda r: _s(("DISCORD_BOT_TOKEN", f"M{rs(r, 23)}.{rs(r, 6, URLSAFE)}.{rs(r, 38, URLSAFE)}"))
    ),
    _p("square", "payments")(lambda r: _s(("SQUARE_ACCESS_TOKEN", "EAAA" + rs(r, 60, URLSAFE)))),
    _p("artifactory", "registry")(lambda r: _s(("ARTIFACTORY_API_KEY", "AKCp" + rs(r, 69)))),
    _p("okta", "identity")(lambda r: _s(("OKTA_API_TOKEN", "00" + rs(r, 40, URLSAFE)))),
    _p("azure-storage", "cloud")(
        lambda r: _s(
            (
                "AZURE_STORAGE_CONNECTION_STRING",
                "DefaultEndpointsProtocol=https;AccountName=acme"
                + rs(r, 6, string.ascii_lowercase)
                + ";AccountKey="
                + b64(r, 64)
                + ";EndpointSuffix=core.windows.net",
            )
        )
    ),
    _p("heroku", "cloud")(lambda r: _s(("HEROKU_API_KEY", uid(r)))),
    _p("cloudflare", "cloud")(lambda r: _s(("CLOUDFLARE_API_TOKEN", rs(r, 40, URLSAFE)))),
    _p("braintree", "payments")(
        lambda r: _s(
            ("BRAINTREE_ACCESS_TOKEN", f"access_token$production${rs(r, 16, LOWER_ALNUM)}${rs(r, 32, HEX)}")
        )
    ),
    _p("plaid", "payments")(
        lambda r: _s(("PLAID_CLIENT_ID", rs(r, 24, HEX), False), ("PLAID_SECRET", rs(r, 30, HEX)))
    ),
    _p("binance", "trading", 'Client(api_key="{0}", api_secret="{1}")')(
        lambda r: _s(("BINANCE_API_KEY", rs(r, 64)), ("BINANCE_API_SECRET", rs(r, 64)))
    ),
    _p("kraken", "trading", "ccxt.kraken({{'apiKey': '{0}', 'secret': '{1}'}})")(
        lambda r: _s(("KRAKEN_API_KEY", b64(r, 42)), ("KRAKEN_PRIVATE_KEY", b64(r, 64)))
    ),
    _p("alpaca", "trading", 'TradingClient("{0}", "{1}", paper=False)')(
        lambda r: _s(("APCA_API_KEY_ID", "AK" + rs(r, 18, UPPER_ALNUM)), ("APCA_API_SECRET_KEY", rs(r, 40)))
    ),
    _p("alpaca-paper", "trading")(
        lambda r: _s(("ALPACA_API_KEY", "PK" + rs(r, 18, UPPER_ALNUM)), ("ALPACA_SECRET_KEY", rs(r, 40)))
    ),
    _p("polygon", "market-data", 'RESTClient(api_key="{0}")')(lambda r: _s(("POLYGON_API_KEY", rs(r, 32)))),
    _p("okx", "trading")(
        lambda r: _s(
            ("OKX_API_KEY", uid(r)),
            ("OKX_SECRET_KEY", rs(r, 32, UHEX)),
            ("OKX_PASSPHRASE", password(r)),
        )
    ),
    _p("kucoin", "trading")(
        lambda r: _s(
            ("KUCOIN_API_KEY", rs(r, 24, HEX)),
            ("KUCOIN_API_SECRET", uid(r)),
            ("KUCOIN_API_PASSPHRASE", password(r)),
        )
    ),
    _p("bybit", "trading", 'HTTP(testnet=False, api_key="{0}", api_secret="{1}")')(
        lambda r: _s(("BYBIT_API_KEY", rs(r, 18)), ("BYBIT_API_SECRET", rs(r, 36)))
    ),
    _p("bitfinex", "trading")(lambda r: _s(("BFX_API_KEY", rs(r, 43)), ("BFX_API_SECRET", rs(r, 43)))),
    _p("gemini", "trading")(
        lambda r: _s(("GEMINI_API_KEY", "account-" + rs(r, 20)), ("GEMINI_API_SECRET", rs(r, 28)))
    ),
    _p("oanda", "trading")(lambda r: _s(("OANDA_ACCESS_TOKEN", rs(r, 32, HEX) + "-" + rs(r, 32, HEX)))),
    _p("finnhub", "market-data", 'finnhub.Client(api_key="{0}")')(
        lambda r: _s(("FINNHUB_API_KEY", rs(r, 20, LOWER_ALNUM)))
    ),
    _p("alphavantage", "market-data")(lambda r: _s(("ALPHAVANTAGE_API_KEY", rs(r, 16, UPPER_ALNUM)))),
    _p("tiingo", "market-data")(lambda r: _s(("TIINGO_API_KEY", rs(r, 40, HEX)))),
    _p("iex-cloud", "market-data")(lambda r: _s(("IEX_TOKEN", "sk_" + rs(r, 32, HEX)))),
    _p("databento", "market-data", 'db.Historical("{0}")')(
        lambda r: _s(("DATABENTO_API_KEY", "db-" + rs(r, 28)))
    ),
    _p("coingecko", "market-data")(lambda r: _s(("COINGECKO_API_KEY", "CG-" + rs(r, 25)))),
    _p("coinmarketcap", "market-data")(lambda r: _s(("CMC_PRO_API_KEY", uid(r)))),
    _p("twelvedata", "market-data")(lambda r: _s(("TWELVE_DATA_API_KEY", rs(r, 32, HEX)))),
    _p("fmp", "market-data")(lambda r: _s(("FMP_API_KEY", rs(r, 32)))),
    _p("ethereum", "wallet")(lambda r: _s(("PRIVATE_KEY", "0x" + rs(r, 64, HEX)))),
    _p("mnemonic", "wallet")(lambda r: _s(("MNEMONIC", " ".join(r.choice(BIP39) for _ in range(12))))),
    _p("postgres", "database")(
        lambda r: _s(
            (
                "DATABASE_URL",
                f"postgresql://app_{rs(r, 4, string.ascii_lowercase)}:{rs(r, 20)}@db.internal:5432/prod",
            )
        )
    ),
    _p("mysql", "database")(
        lambda r: _s(
            (
                "MYSQL_URL",
                f"mysql://root:{rs(r, 18, URL_PASSWORD)}@10.0.{r.randint(0, 255)}.{r.randint(1, 254)}:3306/shop",
            )
        )
    ),
    _p("mongodb", "database")(
        lambda r: _s(
            (
                "MONGO_URI",
                f"mongodb+srv://svc:{rs(r, 18)}@cluster0.{rs(r, 5, LOWER_ALNUM)}.mongodb.net/app?retryWrites=true",
            )
        )
    ),
    _p("redis", "database")(lambda r: _s(("REDIS_URL", f"redis://:{rs(r, 24)}@cache.internal:6379/0"))),
    _p("amqp", "database")(
        lambda r: _s(("BROKER_URL", f"amqp://worker:{rs(r, 16)}@rabbitmq.internal:5672/jobs"))
    ),
    _p("db-password", "generic")(
        lambda r: _s(
            ("DB_HOST", "db.internal", False), ("DB_USER", "app", False), ("DB_PASSWORD", password(r))
        )
    ),
    _p("client-secret", "generic")(
        lambda r: _s(
            ("OAUTH_CLIENT_ID", "svc-" + rs(r, 8, LOWER_ALNUM), False),
            ("OAUTH_CLIENT_SECRET", rs(r, 40, URLSAFE)),
        )
    ),
    # the trading long tail (rules/crypto-exchanges-2.yaml, brokers-2, market-data-2, onchain, notifications)
    _p("bingx", "trading")(lambda r: _s(("BINGX_API_KEY", rs(r, 64)), ("BINGX_SECRET_KEY", rs(r, 64)))),
    _p("bitmart", "trading")(
        lambda r: _s(
            ("BITMART_API_KEY", rs(r, 40, HEX)),
            ("BITMART_SECRET", rs(r, 64, HEX)),
            ("BITMART_MEMO", "bot1", False),
        )
    ),
    _p("phemex", "trading")(lambda r: _s(("PHEMEX_API_KEY", uid(r)), ("PHEMEX_API_SECRET", b64(r, 64)))),
    _p("poloniex", "trading")(
        lambda r: _s(
            ("POLONIEX_API_KEY", "-".join(rs(r, 8, UPPER_ALNUM) for _ in range(4))),
            ("POLONIEX_SECRET", rs(r, 64, HEX)),
        )
    ),
    _p("upbit", "trading")(lambda r: _s(("UPBIT_ACCESS_KEY", rs(r, 40)), ("UPBIT_SECRET_KEY", rs(r, 40)))),
    _p("whitebit", "trading")(
        lambda r: _s(("WHITEBIT_API_KEY", rs(r, 32, HEX)), ("WHITEBIT_SECRET_KEY", rs(r, 32, HEX)))
    ),
    _p("luno", "trading")(
        lambda r: _s(("LUNO_API_KEY_ID", rs(r, 13, LOWER_ALNUM)), ("LUNO_API_KEY_SECRET", rs(r, 43, URLSAFE)))
    ),
    _p("coinex", "trading")(
        lambda r: _s(("COINEX_ACCESS_ID", rs(r, 32, UHEX), False), ("COINEX_SECRET_KEY", rs(r, 64, UHEX)))
    ),
    _p("dhan", "trading")(
        lambda r: _s(
            ("DHAN_CLIENT_ID", "11000" + rs(r, 5, "0123456789"), False), ("DHAN_ACCESS_TOKEN", jwt(r))
        )
    ),
    _p("fyers", "trading")(
        lambda r: _s(
            ("FYERS_APP_ID", rs(r, 10, UPPER_ALNUM) + "-100", False),
            ("FYERS_SECRET_KEY", rs(r, 10, UPPER_ALNUM)),
        )
    ),
    _p("upstox", "trading")(
        lambda r: _s(("UPSTOX_API_KEY", uid(r), False), ("UPSTOX_API_SECRET", rs(r, 10, LOWER_ALNUM)))
    ),
    _p("quantconnect", "trading")(
        lambda r: _s(("QC_USER_ID", rs(r, 6, "0123456789"), False), ("QC_API_TOKEN", rs(r, 64, HEX)))
    ),
    _p("fred", "market-data")(lambda r: _s(("FRED_API_KEY", rs(r, 32, LOWER_ALNUM)))),
    _p("helius", "wallet")(lambda r: _s(("HELIUS_API_KEY", uid(r)))),
    _p("quicknode", "wallet")(
        lambda r: _s(
            (
                "RPC_URL",
                f"https://{rs(r, 6, string.ascii_lowercase)}-{rs(r, 5, string.ascii_lowercase)}.quiknode.pro/{rs(r, 40, HEX)}/",
            )
        )
    ),
    _p("thegraph", "wallet")(lambda r: _s(("THE_GRAPH_API_KEY", rs(r, 32, HEX)))),
    _p("covalent", "wallet")(lambda r: _s(("COVALENT_API_KEY", "cqt_" + rs(r, 26)))),
    _p("bscscan", "wallet")(lambda r: _s(("BSCSCAN_API_KEY", rs(r, 34, UPPER_ALNUM)))),
    _p("pushover", "communication")(
        lambda r: _s(("PUSHOVER_USER_KEY", "u" + rs(r, 29), False), ("PUSHOVER_APP_TOKEN", "a" + rs(r, 29)))
    ),
    _p("ntfy", "communication")(lambda r: _s(("NTFY_TOKEN", "tk_" + rs(r, 29)))),
]

# Multi-line secrets: (provider, family, kind) rendered as a PEM block or a JSON document.
PEM_KINDS = [
    ("rsa", "RSA PRIVATE KEY", 1190),
    ("ec", "EC PRIVATE KEY", 121),
    ("pkcs8", "PRIVATE KEY", 1218),
    ("openssh", "OPENSSH PRIVATE KEY", 400),
]
