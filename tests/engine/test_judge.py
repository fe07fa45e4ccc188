"""Noise filters that judge a value in its context, on realistic multi-line files.

Each case has a twin that differs by the one thing that makes the value a real key, so a
filter that drops too much fails here as surely as one that drops too little.
"""

from __future__ import annotations

import base64
import json

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
