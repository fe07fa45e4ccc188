"""Noise filters that judge a value in its context, on realistic multi-line files.

Each case has a twin that differs by the one thing that makes the value a real key, so a
filter that drops too much fails here as surely as one that drops too little.
"""

from __future__ import annotations

import base64
import hashlib
import json

import pytest

from secret_hygiene.engine import judge
from secret_hygiene.engine.judge import Spot, drop_reason
from secret_hygiene.engine.rules import load_rules
from secret_hygiene.engine.scanner import Engine
from secret_hygiene.model import Blob, Finding
from testing import fake

ENGINE = Engine(load_rules())
HEX = "0123456789abcdef"


def findings(text: str, path: str = "app/settings.py") -> list[Finding]:
    return [f for f in ENGINE.scan_blob(Blob(path, text.encode())) if isinstance(f, Finding)]


def key_hex(seed: int) -> str:
    return fake("", 64, HEX[:10] + "abcdef", seed=seed)


def test_evm_addresses_under_token_names_are_public_but_a_64_hex_key_is_not() -> None:
    address = "0x" + fake("", 40, HEX, seed=1)
    text = (
        "from web3 import Web3\n\n"
        f'BTCB_TOKEN_ADDRESS = "{address}"\n'
        f'pool = {{"quoteTokenAddress": "{address}", "api_key": "{address}"}}\n'
    )
    assert findings(text) == []
    twin = text + f'WALLET_TOKEN_ADDRESS = "0x{key_hex(2)}"\n'
    assert [f.line for f in findings(twin)] == [5]


def test_human_chosen_test_passwords_are_dropped_random_ones_kept() -> None:
    text = (
        "import pytest\n\n"
        "def test_wallet(backend):\n"
        '    backend.create_wallet(name="Alice", passphrase="strongpass123")\n'
        '    admin = {"password": "Correct-Horse1", "email": "a@example.org"}\n'
        '    VAULT_PASSWORD = "hunter42"\n'
    )
    assert findings(text, "tests/test_wallet.py") == []
    random_pw = fake("", 18, seed=3)
    twin = text + f'    DB_PASSWORD = "{random_pw}"\n'
    assert [f.line for f in findings(twin, "tests/test_wallet.py")] == [7]


def test_marker_words_on_the_line_or_above_drop_a_generic_value() -> None:
    value = fake("", 32, seed=4)
    text = f'# fake credentials for the docs\napi_secret = "{value}"\n'
    assert findings(text) == []
    assert len(findings(f'# production credentials\napi_secret = "{value}"\n')) == 1


def test_credentials_in_example_urls_and_user_equal_password() -> None:
    text = (
        "engines:\n"
        '  a: "postgresql+psycopg2://scott123:scott123@host:1245/dbname"\n'
        '  b: "postgresql://user:Rk8vQ2mZp4Lx@www.example.com/app"\n'
        '  c: "postgresql://plane:plane@plane-db/plane"\n'
    )
    assert findings(text, "config/db.yaml") == []
    real = fake("", 20, seed=5)
    twin = text + f'  d: "postgresql://svc:{real}@db.internal.corp.net:5432/app"\n'
    assert [f.line for f in findings(twin, "config/db.yaml")] == [5]


def test_same_secret_is_reported_once_per_file_with_its_other_lines() -> None:
    token = fake("ghp_", 36, seed=6)
    text = "".join(f"step{i}: curl -H 'Authorization: token {token}'\n" for i in range(5))
    (f,) = findings(text, "ci/run.yaml")
    assert f.line == 1 and f.detail("other_lines") == "2,3,4,5"


def test_identifiers_are_not_values() -> None:
    text = (
        "class Connector:\n"
        "    def __init__(self, dydx_v4_secret_phrase):\n"
        "        self._secret_phrase = dydx_v4_secret_phrase\n"
        "        l2_source_token_symbol = l2_source_token_symbol\n"
        '        TOKEN_EXPIRED = "auth/token_expired"\n'
        '        SECRET_NAME = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"\n'
    )
    assert findings(text, "connector.py") == []
    value = fake("", 30, seed=7)
    assert len(findings(text + f'        self._secret = "{value}"\n', "connector.py")) == 1


def test_values_after_a_comma_are_not_assignments() -> None:
    row = fake("cl", 23, "abcdefghijklmnopqrstuvwxyz0123456789", seed=8)
    text = (
        "INSERT INTO models (id, name, tokenizer) VALUES\n"
        f"  ('x', 'tokens', '{row}', 'gpt-3.5-turbo-1106', 'openai');\n"
    )
    assert findings(text, "migrations/001.sql") == []
    value = fake("", 32, seed=9)
    assert len(findings(f'key = os.getenv("API_SECRET", "{value}")\n')) == 1


def test_minified_bundle_lines_are_not_read_as_assignments() -> None:
    chunk = "".join(f"var a{i}={{token:`t{i}`}},b{i}=c({i});" for i in range(80))
    value = fake("", 24, seed=10)
    line = chunk + f'secretKey:"{value}",' + chunk
    assert findings(line + "\n", "static/_nuxt/DezsRK8O2.js") == []
    assert len(findings(f'const secretKey = "{value}";\n', "src/client.js")) == 1


def test_masked_values_are_dropped() -> None:
    text = "resp = {'data': {'api_key': '2fFZuXXX_CXB5XXXDGMRXXXDiCKTer'}}\n"
    assert findings(text, "connector/auth.py") == []


def test_empty_template_value_never_takes_the_next_line() -> None:
    text = "KUCOIN_KEY=\nKUCOIN_PASSWORD=\n\nKUCOIN_SECRET=\nKUCOIN_IS_PROXIED=true\n"
    assert findings(text, "tests/.env.template") == []
    passphrase = fake("", 16, seed=11)
    assert len(findings(f"KUCOIN_PASSWORD={passphrase}\nKUCOIN_KEY=\n", ".env.template")) == 1


def _jwt(payload: dict[str, object]) -> str:
    def part(obj: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(payload)}.{fake('', 43, seed=12)}"


def test_expired_jwt_in_docs_is_dropped_a_live_one_in_code_is_kept() -> None:
    expired = _jwt({"iat": 1589119681, "exp": 1591711681, "identity": {"u": "Freqtrader"}})
    doc = f'## Login\n\n```\n{{"access_token":"{expired}"}}\n```\n'
    assert findings(doc, "docs/rest-api.md") == []
    live = _jwt({"iss": "supabase", "role": "anon", "exp": 4102444800})
    assert len(findings(f'KEY = os.getenv("KEY", "{live}")\n', "app/constants.py")) == 1


def test_hardhat_default_key_is_a_warning_not_an_error() -> None:
    hardhat = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
    (f,) = findings(f'_TEST_PRIVATE_KEY = "{hardhat}"\n', "tests/test_accounts.py")
    assert f.level == "warning"
    (g,) = findings(f'PRIVATE_KEY = "0x{key_hex(13)}"\n', "deploy/config.py")
    assert g.level == "error"


def test_translations_and_lock_files_are_not_secrets() -> None:
    text = '{\n  "password": "Contraseña",\n  "new_password": "新しいパスワード"\n}\n'
    assert findings(text, "public/intl/messages/es-ES.json") == []
    lock = "auth/forgot-password/reset/new_password: c3e35b0671004c7bbd9fa9b9654744d7\n"
    assert findings(lock, "apps/web/i18n.lock") == []


def test_drop_reason_names_the_filter() -> None:
    value = fake("", 32, seed=14)
    spot = Spot(f'TOKEN_ADDRESS = "{value}"', f'TOKEN_ADDRESS = "{value}"', "", "a.py", generic=True)
    assert drop_reason(value, spot) == "public-address"
    other = Spot(f'api_secret = "{value}"', f'api_secret = "{value}"', "", "a.py", generic=True)
    assert drop_reason(value, other) is None


def test_made_up_words_in_leetspeak_are_sentences_not_keys() -> None:
    encoded = base64.b64encode(b"my-secret-key").decode()
    text = (
        'describe("login", () => {\n'
        '  const password = "P4ssw0rd-breached";\n'
        '  const other = { password: "TwoFa-User1!" };\n'
        '  const complexPassword = "MyC0mpl3x!P@ssw0rd#2024$%^&*()";\n'
        "  const apiKey = 'TH!Si$ASup3RSeCreTAP!KEy';\n"
        '  const headers = { "x-api-key": "fbk_orgLevelApiKey456" };\n'
        f'  const jwtOpts = {{ secret: "{encoded}" }};\n'
        "});\n"
    )
    assert findings(text, "apps/web/lib/auth.test.ts") == []
    real = fake("", 24, seed=21)
    twin = text.replace("TH!Si$ASup3RSeCreTAP!KEy", real)
    assert [f.line for f in findings(twin, "apps/web/lib/auth.test.ts")] == [5]


def test_docs_self_describing_azure_secret_is_dropped_a_random_one_kept() -> None:
    text = 'Set these in `.env`:\n\n```sh\nAZUREAD_CLIENT_SECRET="THis~iS4faKe.53CreTvALu3"\n```\n'
    assert findings(text, "docs/sso/azure-ad-oauth.mdx") == []
    real = fake("", 34, seed=22)
    assert len(findings(text.replace("THis~iS4faKe.53CreTvALu3", real), "docs/sso/azure-ad-oauth.mdx")) == 1


def test_names_that_describe_a_link_prefix_or_model_are_not_secrets() -> None:
    text = (
        "export const ForgotPassword = ({\n"
        "  resetPasswordLink = 'https://documenso.com',\n"
        "  tokenNamePrefix: 'e2e-embed-folder-wrong-type',\n"
        "}) => null;\n"
        'const MODEL = { "tokenizerModel": "gpt-3.5-turbo-1106" };\n'
    )
    assert findings(text, "packages/email/forgot-password.tsx") == []
    real = fake("", 28, seed=23)
    assert len(findings(text + f'const resetPasswordToken = "{real}";\n', "packages/email/x.tsx")) == 1


def test_paths_of_words_code_and_regexes_are_not_values() -> None:
    text = (
        "export const ACCESS_TOKEN_LABEL_SHORT = 'access_token/label_too_short';\n"
        'SMOKE_API_KEY = "organizations/test-org/apiKeys/test-key"\n'
        "CLICKHOUSE_PASSWORD: z.string(),\n"
        "if [[ $CLICKHOUSE_MIGRATION_URL =~ ^clickhouse://([^:]+):([0-9]+)$ ]]; then\n"
    )
    assert findings(text, "src/errors.ts") == []
    real = fake("", 40, seed=24)
    assert len(findings(text + f'SMOKE_API_KEY = "{real[:20]}/{real[20:]}"\n', "src/errors.ts")) == 1


def test_name_anchored_provider_rules_judge_the_value_shape() -> None:
    text = (
        "def test_order_book(self):\n"
        "    ds = BitgetAPIOrderBookDataSource(\n"
        '        bitget_passphrase="test_passphrase",\n'
        "    )\n"
    )
    assert findings(text, "test/connector/bitget/test_bitget_order_book.py") == []
    real = fake("", 20, seed=25)
    twin = text.replace("test_passphrase", real)
    assert [f.line for f in findings(twin, "test/connector/bitget/test_bitget_order_book.py")] == [3]


def test_recorded_token_responses_in_tests_and_docs_are_payloads() -> None:
    token = fake("", 43, seed=26)
    text = (
        "def _ws_token_response():\n"
        "    return {\n"
        '        "error": [],\n'
        f'        "result": {{"token": "{token}", "expires": 900}},\n'
        "    }\n"
    )
    assert findings(text, "test/connector/kraken/test_user_stream.py") == []
    assert len(findings(text, "connector/kraken/auth.py")) == 1


def test_sequential_patterns_and_repeating_test_vector_mnemonics_are_dropped() -> None:
    text = 'cases = [{"secret": "a1B2c3D4e5F6g7H8i9J0-_K1L2M3N4O5P6"}]\n'
    assert findings(text, "lib/crypto.test.ts") == []
    words = "legal winner thank year wave sausage worth useful legal winner thank yellow"
    spot = Spot(words, f'const mnemonic = "{words}"', "", "pairing.test.ts", generic=False)
    assert drop_reason(words, spot) == "repeated-words"
    once = "legal winner thank year wave sausage worth useful abandon zoo cage yellow"
    assert drop_reason(once, Spot(once, once, "", "pairing.test.ts", generic=False)) is None


def test_not_a_real_marker_in_a_snake_case_name() -> None:
    value = base64.b64encode(bytes(range(64))).decode()
    text = f'        not_a_real_secret = "{value}"\n'
    assert findings(text, "test/kraken/test_auth.py") == []
    assert len(findings(f'        api_secret = "{value}"\n', "test/kraken/test_auth.py")) == 1


def test_posthog_project_key_is_a_warning_and_slashed_secrets_are_not_word_paths() -> None:
    key = fake("ph" + "c_", 43, seed=27)
    text = f'import os\n\nPH_TRACKING_ID = os.getenv("PH_TRACKING_ID", "{key}")\n'
    (f,) = findings(text, "octobot/constants.py")
    assert f.rule_id == "posthog-project-api-key" and f.level == "warning" and f.line == 3
    secret = fake("", 18, seed=28) + "/" + fake("", 21, seed=29)
    aws = f'aws_secret_access_key = "{secret}"\n'
    assert len(findings("[default]\n" + aws, "deploy/credentials.ini")) == 1


def test_consecutive_env_lines_are_each_read_and_judged_on_their_own_line() -> None:
    # The generic rules once consumed the line end on both sides of a match: every second
    # line of an env file went unread, and the filters judged the line above the value.
    values = [fake("", 26, seed=s) for s in (30, 31, 32, 33)]
    text = "".join(
        f"{n}_SECRET={v}\n" for n, v in zip(("APP", "JWT", "SESSION", "CSRF"), values, strict=True)
    )
    assert [f.line for f in findings(text, "deploy/prod.env")] == [1, 2, 3, 4]
    marked = text.replace("JWT_SECRET", "# fake value for the docs\nJWT_SECRET")
    assert [f.line for f in findings(marked, "deploy/prod.env")] == [1, 4, 5]


def test_a_marker_in_the_text_introducing_a_code_block_drops_its_values() -> None:
    key, secret = fake("", 40, HEX, seed=34), fake("", 40, HEX, seed=35)
    doc = (
        "## Exchange\n\n"
        "**Insert your Exchange API key (change them by fake API keys):**\n\n"
        "```json\n"
        "{\n"
        '    "exchange": {\n'
        '        "name": "binance",\n'
        f'        "key": "{key}",\n'
        f'        "secret": "{secret}",\n'
        "    }\n"
        "}\n"
        "```\n"
    )
    assert findings(doc, "docs/configuration.md") == []
    twin = doc.replace(" (change them by fake API keys)", "")
    assert [(f.rule_id, f.line) for f in findings(twin, "docs/configuration.md")] == [
        ("freqtrade-exchange-secret", 10)
    ]
    # "For example" introduces real configurations too: only words saying "not real" count.
    example = doc.replace("Insert your Exchange API key (change them by fake API keys)", "For example")
    assert len(findings(example, "docs/configuration.md")) == 1


def test_api_responses_in_a_docstrings_code_block_are_documentation() -> None:
    key = fake("", 64, seed=36)
    text = (
        "class Client:\n"
        "    def ws_cancel_order(self, **params):\n"
        '        """Cancel an active order.\n\n'
        "        Returns:\n"
        "        .. code-block:: python\n"
        "            {\n"
        '                "method": "order.cancel",\n'
        '                "params": {\n'
        f'                    "apiKey": "{key}",\n'
        '                    "timestamp": 1660801715830\n'
        "                }\n"
        "            }\n"
        '        """\n'
        '        return self._ws("order.cancel", params)\n'
    )
    assert findings(text, "binance/client.py") == []
    code = f'DEFAULTS = {{\n    "method": "order.cancel",\n    "params": {{\n        "apiKey": "{key}",\n'
    code += "    },\n}\n"
    assert [f.line for f in findings(code, "binance/client.py")] == [4]


def test_a_type_annotation_is_not_the_value_of_a_provider_named_setting() -> None:
    text = (
        "/// Static client ID instance.\n"
        "pub static DERIBIT_CLIENT_ID: LazyLock<ClientId> =\n"
        "    LazyLock::new(|| ClientId::new(Ustr::from(DERIBIT)));\n"
    )
    assert findings(text, "crates/adapters/deribit/src/common/consts.rs") == []
    twin = "deribit:\n  deribit_client_id: " + fake("", 12, seed=37) + "\n"
    assert [f.rule_id for f in findings(twin, "config/live.yaml")] == ["deribit-client-id"]


def test_an_emulators_published_key_is_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    # Azurite's documented account key works against the local emulator only; a synthetic
    # stand-in is registered here so that the test holds no real key.
    stand_in = base64.b64encode(bytes(range(7, 71))).decode()
    monkeypatch.setattr(judge, "_PUBLIC_EMULATOR_KEYS", {hashlib.sha256(stand_in.encode()).hexdigest()})
    text = (
        "# Azurite, the local Azure Storage emulator\n"
        "LANGFUSE_S3_EVENT_UPLOAD_ACCESS_KEY_ID=devstoreaccount1\n"
        f"LANGFUSE_S3_EVENT_UPLOAD_SECRET_ACCESS_KEY={stand_in}\n"
        "LANGFUSE_S3_EVENT_UPLOAD_ENDPOINT=http://localhost:10000/devstoreaccount1\n"
    )
    assert [f.level for f in findings(text, ".env.dev-azure.example")] == ["note"]
    real = base64.b64encode(bytes(range(9, 73))).decode()
    assert [f.level for f in findings(text.replace(stand_in, real), ".env.dev-azure.example")] == ["error"]


def test_zero_padded_local_dummies_in_a_test_template_are_not_keys() -> None:
    text = (
        "# Garage (S3-compatible) for the test suite\n"
        "S3_ENDPOINT=http://localhost:3900\n"
        "S3_REGION=garage\n"
        "S3_ACCESS_KEY=GKtest" + "0" * 21 + "\n"
        "S3_SECRET_KEY=s3secrettest" + "0" * 52 + "\n"
    )
    assert findings(text, ".env.test.example") == []
    twin = text.replace("GKtest" + "0" * 21, "GK" + fake("", 24, HEX, seed=38))
    twin = twin.replace("s3secrettest" + "0" * 52, fake("", 64, HEX, seed=39))
    assert [f.line for f in findings(twin, ".env.test.example")] == [4, 5]


def test_masked_keys_and_short_lived_tokens_in_a_recorded_response() -> None:
    token = fake("", 120, seed=40)
    text = (
        "def test_get_api_key_info(self):\n"
        "    resp = {\n"
        '        "code": "200000",\n'
        '        "data": {\n'
        '            "apiKey": "5f3aXXXXXXXXXXXXXXXXb2c1",\n'
        '            "secret": "XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXX9f3e",\n'
        f'            "token": "{token}",\n'
        "        },\n"
        "    }\n"
    )
    assert findings(text, "test/connector/kucoin/test_kucoin_auth.py") == []
    twin = text.replace("5f3aXXXXXXXXXXXXXXXXb2c1", fake("", 24, seed=41))
    assert [f.line for f in findings(twin, "test/connector/kucoin/test_kucoin_auth.py")] == [5]
