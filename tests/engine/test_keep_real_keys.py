"""Real-format keys found in real repositories must stay found (recall), each on a realistic
multi-line file with a twin that must stay quiet: Alpaca key ids under plain names, private keys
indented under YAML block scalars, PostHog keys, Hardhat's and Anvil's public test keys.
"""

from __future__ import annotations

import textwrap

import pytest

from secret_hygiene.engine.rules import load_rules
from secret_hygiene.engine.scanner import Engine
from secret_hygiene.model import Blob, Finding
from testing import fake

ENGINE = Engine(load_rules())
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
# Account #0 and #1 of the "test test ... junk" mnemonic Hardhat and Anvil both start with: public.
HARDHAT_0 = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
ANVIL_1 = "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"


def findings(text: str, path: str) -> list[Finding]:
    return [f for f in ENGINE.scan_blob(Blob(path, text.encode())) if isinstance(f, Finding)]


def where(text: str, path: str) -> list[tuple[str, int | None]]:
    return [(f.rule_id, f.line) for f in findings(text, path)]


# --- Alpaca key ids under plain names, in a file that uses Alpaca -------------------------------

BOT = """\
\"\"\"Momentum strategy: buys the day's strongest names at the open.\"\"\"
import logging
from datetime import datetime, timedelta

{imports}

log = logging.getLogger(__name__)
{filler}
api = "{key_id}"
secret = os.environ["SECRET"]


def rebalance(client, symbols):
    for symbol in symbols:
        log.info("rebalancing %s at %s", symbol, datetime.now())
"""


def bot(imports: str, key_id: str) -> str:
    # 60 lines between the import and the key: further than `requires` could look.
    filler = "".join(f"WINDOW_{i} = timedelta(days={i})\n" for i in range(60))
    return BOT.format(imports=imports, key_id=key_id, filler=filler)


@pytest.mark.parametrize(
    ("imports", "prefix", "rule"),
    [
        ("import alpaca_trade_api as tradeapi", "PK", "alpaca-paper-key-id-in-alpaca-code"),
        ("from alpaca.trading.client import TradingClient", "AK", "alpaca-live-key-id-in-alpaca-code"),
        ("from alpaca.broker import BrokerClient", "CK", "alpaca-live-key-id-in-alpaca-code"),
        ('BASE_URL = "https://paper-api.alpaca.markets"', "PK", "alpaca-paper-key-id-in-alpaca-code"),
    ],
)
def test_alpaca_key_id_under_a_plain_name_in_an_alpaca_module(imports: str, prefix: str, rule: str) -> None:
    key_id = fake(prefix, 18, UPPER, seed=len(imports))
    assert where(bot(imports, key_id), "strategies/momentum.py") == [(rule, 69)]
    # The twin: the same module talking to another service holds no Alpaca key.
    assert where(bot("import requests", key_id), "strategies/momentum.py") == []
    # "alpaca" alone (an LLM dataset) is no Alpaca context either.
    llm = bot('DATASET = "tatsu-lab/alpaca"  # instruction tuning data', key_id)
    assert where(llm, "train/finetune.py") == []


def test_alpaca_key_ids_in_js_and_yaml_config() -> None:
    live, broker = fake("AK", 18, UPPER, seed=1), fake("CK", 18, UPPER, seed=2)
    js = (
        "// order router\n"
        "const Alpaca = require('@alpacahq/alpaca-trade-api')\n\n"
        f"const keyId = '{live}'\n"
        "const alpaca = new Alpaca({ keyId, secretKey: process.env.ALPACA_SECRET, paper: false })\n\n"
        "module.exports = alpaca\n"
    )
    assert where(js, "src/broker.js") == [("alpaca-live-key-id-in-alpaca-code", 4)]
    yaml = (
        "broker:\n"
        "  name: alpaca\n"
        "  base_url: https://broker-api.sandbox.alpaca.markets\n"
        f"  username: {broker}\n"
        "  password: ${BROKER_SECRET}\n"
        "accounts:\n"
        "  default_currency: USD\n"
    )
    assert where(yaml, "config/broker.yaml") == [("alpaca-live-key-id-in-alpaca-code", 4)]
    assert where(yaml.replace("alpaca.markets", "example.org").replace("alpaca", "acme"), "c.yaml") == []


# --- Private keys indented under a YAML block scalar: one finding each --------------------------


def pgp_block(seed: int) -> str:
    body = (
        fake("lQdGBGX", 57, B64, seed=seed)
        + "\n"
        + "\n".join(textwrap.wrap(fake("", 2400, B64, seed=seed + 1), 64))
    )
    checksum = fake("", 4, B64, seed=seed + 2)
    armour = f"-----BEGIN PGP PRIVATE KEY BLOCK-----\nComment: release signing key\n\n{body}\n={checksum}\n"
    return armour + "-----END PGP PRIVATE KEY BLOCK-----\n"


def openssh_block(seed: int) -> str:
    body = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW" + fake(
        "", 330, B64, seed=seed
    )
    lines = "\n".join(textwrap.wrap(body, 70))
    return f"-----BEGIN OPENSSH PRIVATE KEY-----\n{lines}\n-----END OPENSSH PRIVATE KEY-----\n"


@pytest.mark.parametrize("style", ["|", "|-", ">-"])
@pytest.mark.parametrize(
    ("block", "rule", "line"),
    [(pgp_block, "private-key-pgp-wrapped", 10), (openssh_block, "private-key-openssh", 8)],
)
def test_private_key_under_a_yaml_block_scalar_is_one_finding(
    style: str, block: object, rule: str, line: int
) -> None:
    # One finding at the key's first line of base64 (after the BEGIN line and armour headers).
    assert callable(block)
    workflow = (
        "name: release\n"
        "on:\n"
        "  push:\n"
        '    tags: ["v*"]\n'
        "env:\n"
        f"  SIGNING_KEY: {style}\n" + textwrap.indent(block(3), "    ") + "  SIGNING_KEY_ID: 5A1C3F0E\n"
        "jobs:\n"
        "  publish:\n"
        "    runs-on: ubuntu-latest\n"
    )
    assert where(workflow, ".github/workflows/release.yml") == [(rule, line)]
    kind = "PGP PRIVATE KEY BLOCK" if "pgp" in rule else "OPENSSH PRIVATE KEY"
    placeholder = f"-----BEGIN {kind}-----\n<paste the armoured key here>\n-----END {kind}-----\n"
    twin = workflow.replace(textwrap.indent(block(3), "    "), textwrap.indent(placeholder, "    "))
    assert where(twin, ".github/workflows/release.yml") == []


# --- PostHog: the phc_ project key is public by design, the phx_ personal key is a secret ------


def test_posthog_project_key_is_a_warning_and_personal_key_an_error() -> None:
    project = fake("ph" + "c_", 43, seed=5)
    provider = (
        '"use client";\n'
        'import posthog from "posthog-js";\n'
        'import { PostHogProvider } from "posthog-js/react";\n\n'
        "if (typeof window !== 'undefined') {\n"
        f'  posthog.init("{project}", {{ api_host: "https://us.i.posthog.com" }});\n'
        "}\n\n"
        "export function Providers({ children }) {\n"
        "  return <PostHogProvider client={posthog}>{children}</PostHogProvider>;\n"
        "}\n"
    )
    (f,) = findings(provider, "app/providers.jsx")
    assert (f.rule_id, f.line, f.level) == ("posthog-project-api-key", 6, "warning")
    personal = fake("ph" + "x_", 47, seed=6)
    script = (
        "import requests\n\n"
        'POSTHOG_HOST = "https://us.posthog.com"\n'
        f'POSTHOG_PERSONAL_API_KEY = "{personal}"\n\n'
        "def export_events(project_id):\n"
        '    headers = {"Authorization": f"Bearer {POSTHOG_PERSONAL_API_KEY}"}\n'
        '    return requests.get(f"{POSTHOG_HOST}/api/projects/{project_id}/events", headers=headers)\n'
    )
    (g,) = findings(script, "scripts/export_events.py")
    assert (g.rule_id, g.line, g.level) == ("posthog-personal-api-key", 4, "error")
    placeholder = provider.replace(project, "phc_" + "x" * 43)
    assert findings(placeholder, "app/providers.jsx") == []


# --- Hardhat's and Anvil's default accounts: reported, as a warning that says why ---------------


def test_hardhat_and_anvil_default_keys_are_warnings_saying_they_are_public() -> None:
    config = (
        'require("@nomicfoundation/hardhat-toolbox");\n\n'
        "module.exports = {\n"
        '  solidity: "0.8.24",\n'
        "  networks: {\n"
        "    localhost: {\n"
        '      url: "http://127.0.0.1:8545",\n'
        f'      accounts: ["0x{HARDHAT_0}"],\n'
        "    },\n"
        "  },\n"
        "};\n"
    )
    (f,) = findings(config, "hardhat.config.js")
    assert (f.line, f.level) == (8, "warning") and "public test key" in f.message
    foundry = (
        "# local anvil deployment: forge script script/Deploy.s.sol --broadcast\n"
        "RPC_URL=http://127.0.0.1:8545\n"
        f"PRIVATE_KEY=0x{ANVIL_1}\n"
        "CHAIN_ID=31337\n"
    )
    (g,) = findings(foundry, "contracts/.env.local")
    assert (g.line, g.level) == (3, "warning") and "Anvil" in g.message
    # The twin: a key nobody published is an error, and says nothing about test keys.
    real = fake("", 64, "0123456789abcdef", seed=8)
    (h,) = findings(config.replace(HARDHAT_0, real), "hardhat.config.js")
    assert h.level == "error" and "public test key" not in h.message
