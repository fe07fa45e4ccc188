"""Template values judged by shape (env/shape.py): what a person typed passes, a planted key fails.

Each realistic template in fixtures/env_templates passes as it is (test_envfiles.py); here each one
gets a twin with a key put where a stand-in was, and `audit` runs on a repository whose
templates hold only empty values and placeholders.
"""

from __future__ import annotations

import json
import os
import string
from pathlib import Path

import pytest

from secret_hygiene.engine.rules import load_rules
from secret_hygiene.engine.scanner import Engine
from secret_hygiene.env.shape import address, padded, repeated, stand_in, words
from secret_hygiene.env.templates import check_template
from secret_hygiene.env.values import non_secret, template_stand_in, url_passwords
from secret_hygiene.model import Blob, Finding
from testing import commit, fake, github_token, run_cli

FIXTURES = Path(__file__).parents[1] / "fixtures" / "env_templates"
CI = {**os.environ, "CI": "true"}  # no local fingerprint store: nothing to digest
HEX = "0123456789abcdef"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_rules())


def aws_key_id(seed: int) -> str:
    return "AK" + "IA" + fake("", 16, alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", seed=seed)


def findings(name: str, data: str, engine: Engine) -> list[Finding]:
    return [f for f in check_template(name, data.encode(), engine) if isinstance(f, Finding)]


def replaced(name: str, variable: str, value: str) -> tuple[str, int]:
    """The fixture with `variable`'s line set to `variable=value`, and that line's number."""
    lines = (FIXTURES / name).read_text(encoding="utf-8").split("\n")
    line = next(i for i, text in enumerate(lines) if text.startswith(f"{variable}="))
    lines[line] = f"{variable}={value}"
    return "\n".join(lines), line + 1


# --- shapes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("APP_KEY", "SomeRandomStringOf32CharsExactly", "words"),
        ("DB_PASSWORD", "super-duper-s3cret", "words"),
        ("ADMIN_PASSWORD", "Change-Me-Please!", "words"),
        ("JWT_SECRET", "LOCAL_ONLY_CHANGE_ME", "words"),
        ("DATA_ENCRYPTION_KEY", "data encryption key with 32 char", "words"),
        ("APP_SECRET", "thisisaverylongsecretstring", "words"),
        ("ENCRYPTION_KEY", "CAFEBABE", "words"),
        ("ENCRYPTION_KEY", "0" * 64, "a repeated unit"),
        ("HMAC_SECRET", "AABBCCDDAABBCCDD", "a repeated unit"),
        ("HMAC_SECRET", "AABBCCDDEEFF0011", "a repeated unit"),
        ("SESSION_SECRET", "abcabcabcabcabc", "a repeated unit"),
        ("S3_ACCESS_KEY", "GKtest000000000000000000000", "a padded dummy"),
        ("S3_SECRET_KEY", "s3secrettest" + "0" * 40, "a padded dummy"),
        ("NEXT_PRIVATE_SMTP_FROM_ADDRESS", "noreply@docs-sign.app", "an address"),
        ("PRIVATE_RELAY_HOST", "relay.internal.docs-sign.app", "an address"),
    ],
)  # fmt: skip
def test_values_a_person_typed_stand_in_for_a_key(name: str, value: str, reason: str) -> None:
    assert stand_in(name, value) == reason
    assert non_secret(value, name)


@pytest.mark.parametrize("seed", range(40))
def test_generated_values_are_no_stand_ins(seed: int) -> None:
    alnum = string.ascii_letters + string.digits
    for value in (
        fake("", 32, alphabet=alnum, seed=seed),
        fake("", 32, alphabet=HEX, seed=seed),
        fake("", 43, alphabet=alnum + "+/", seed=seed) + "=",
        fake("", 20, alphabet=string.ascii_uppercase + "234567", seed=seed),
        fake("", 24, alphabet=string.ascii_lowercase + string.digits, seed=seed),
        fake("", 16, alphabet=string.ascii_uppercase, seed=seed),  # capitals only: no word either
    ):
        assert stand_in("APP_SECRET", value) is None, value[:4]
        assert not non_secret(value, "APP_SECRET")


def test_the_name_is_context_for_addresses_only() -> None:
    assert address("SMTP_FROM", "noreply@docs-sign.app")
    assert not address("SMTP_PASSWORD", "noreply@docs-sign.app")  # an address where a password goes
    assert not address("PRIVATE_FROM_ADDRESS", fake("", 30, seed=3))  # a random value under *_ADDRESS
    assert stand_in("PRIVATE_FROM_ADDRESS", fake("", 30, seed=3)) is None


def test_near_misses_of_each_shape() -> None:
    assert not repeated("abcdefgh") and not repeated("aab")
    assert not padded(fake("", 40, seed=9) + "00000")  # five of a kind can happen in a random key
    assert not words("ae13021afef0819c3a307ad487071c06")  # hex letters are no words
    assert not words(fake("", 44, seed=11))


def test_url_credentials_for_a_local_service_pass_unless_the_password_is_random() -> None:
    assert url_passwords("postgresql://app:s3cr3tP4ss@db:5432/app") == []
    assert url_passwords("clickhouse://default:ch_dev_9x2@localhost:9000") == []
    assert url_passwords("amqp://guest:guest@broker.example.org:5672/") == []  # user equal to password
    random = fake("", 24, seed=5)
    assert url_passwords(f"postgresql://app:{random}@db:5432/app") == [random]
    # secret-hygiene: allow (a made-up password on a made-up host: the value url_passwords must return)
    assert url_passwords("postgresql://app:ch_dev_9x2@db.prod.acme-corp.net:5432/app") == ["ch_dev_9x2"]


# --- twins of the realistic templates ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "variable", "value", "rule"),
    [
        ("garage-s3-local.env.example", "S3_ACCESS_KEY", aws_key_id(1), "aws-access-key-id"),
        ("garage-s3-local.env.example", "S3_SECRET_KEY", fake("", 40, seed=2), None),
        ("garage-s3-local.env.example", "SYNC_ENCRYPTION_KEY", fake("", 64, alphabet=HEX, seed=3), None),
        ("finance-selfhosted.env.example", "APP_KEY", fake("", 32, seed=4), None),
        ("finance-selfhosted.env.example", "DB_PASSWORD", fake("", 20, seed=5), None),
        ("documents-smtp.env.example", "NEXT_PRIVATE_SMTP_PASSWORD", fake("", 24, seed=6), None),
        ("documents-smtp.env.example", "NEXT_PRIVATE_SMTP_FROM_ADDRESS", fake("", 30, seed=7), None),
        ("documents-smtp.env.example", "NEXT_PRIVATE_UPLOAD_ACCESS_KEY_ID", aws_key_id(8),
         "aws-access-key-id"),
        ("compose-services-urls.env.example", "DATABASE_URL",
         f"postgresql://app:{fake('', 24, seed=9)}@db:5432/app", None),
        ("exchange-bot-empty.env.template", "GITHUB_WEBHOOK_SECRET", github_token(10), None),
        ("exchange-bot-empty.env.template", "KUCOIN_PASSWORD", fake("", 24, seed=11), None),
    ],
    ids=lambda v: v if isinstance(v, str) and v.isupper() else "",
)  # fmt: skip
def test_a_key_in_place_of_a_stand_in_is_reported(
    name: str, variable: str, value: str, rule: str | None, engine: Engine
) -> None:
    text, line = replaced(name, variable, value)
    got = findings(name, text, engine)
    assert [f.line for f in got] == [line]
    assert rule is None or got[0].rule_id == rule
    assert value not in repr(got)


def test_an_empty_value_never_borrows_the_next_line(engine: Engine) -> None:
    text = (FIXTURES / "exchange-bot-empty.env.template").read_text(encoding="utf-8")
    assert findings("x.env.template", text, engine) == []
    # the same file with a real key on the line after an empty one: reported there, once
    token = github_token(12)
    planted = text.replace("GITHUB_APP_NAME=\n", f"GITHUB_APP_NAME=\nGITHUB_DEPLOY_TOKEN={token}\n")
    got = findings("x.env.template", planted, engine)
    line = planted.split("\n").index(f"GITHUB_DEPLOY_TOKEN={token}") + 1
    assert [(f.line, f.rule_id) for f in got] == [(line, "github-classic-personal-access-token")]


def test_a_provider_key_that_reads_like_capitals_is_still_a_key(engine: Engine) -> None:
    key = aws_key_id(13)
    got = findings(".env.example", f"S3_BUCKET=dev\nS3_EXPORT_ACCESS_KEY_ID={key}\n", engine)
    assert [(f.line, f.rule_id) for f in got] == [(2, "aws-access-key-id")]


# --- audit on templates of placeholders --------------------------------------------------------


def test_audit_of_templates_holding_only_placeholders_reports_nothing(git_repo: Path) -> None:
    empty = [f"SERVICE{i}_API_KEY=" for i in range(25)]
    root = "\n".join([*empty, "APP_KEY=SomeRandomStringOf32CharsExactly"])
    api = "\n".join([*(f"WORKER{i}_SECRET_KEY=" for i in range(15)), "JWT_SECRET=LOCAL_ONLY_CHANGE_ME"])
    local = (FIXTURES / "garage-s3-local.env.example").read_text(encoding="utf-8")
    urls = (FIXTURES / "compose-services-urls.env.example").read_text(encoding="utf-8")
    commit(
        git_repo,
        {
            ".gitignore": ".env\n",
            ".env.example": root + "\n",
            "apps/api/.env.sample": api + "\n",
            "apps/sync/.env.test.example": local,
            "deploy/compose.env.template": urls,
            ".secret-rotation.yaml": "keys:\n  SERVICE0_API_KEY:\n    rotated: 2026-04-01\n",
        },
        when="2025-01-01T00:00:00+00:00",
    )
    run = run_cli(["audit", ".", "--now", "2026-05-01", "--format", "json"], git_repo, environ=CI)
    assert run.code == 0, run.out
    doc = json.loads(run.out)
    assert doc["findings"] == []
    notes = doc["summary"]["notes"]
    assert "rotation (1 key(s) tracked as of 2026-05-01)" in notes[0]  # the ledger's key
    # 40 empty *_KEY= lines, 2 self-describing values, 5 dummies of the local S3 template
    assert "rotation: 47 template variable(s) with an empty or placeholder value: no key to track" in notes


def test_a_comment_above_documents_the_variable_not_the_value(engine: Engine) -> None:
    token = github_token(14)
    text = (
        "# Image tag of the worker\n"
        "# - For example: WORKER_IMAGE_TAG=v4.5.0\n"
        f"WORKER_IMAGE_TAG={token}\n"
        "# SSO groups can be prefixed, for example acme-admin\n"
        "GROUP_PREFIX=acme-\n"
    )
    got = findings(".env.example", text, engine)
    assert [(f.line, f.rule_id) for f in got] == [(3, "github-classic-personal-access-token")]
    # outside templates the marker above still reads as a documented example
    assert [f for f in engine.scan_blob(Blob("docs/setup.md", text.encode())) if isinstance(f, Finding)] == []


def test_rotation_tracks_a_real_template_value_only_with_a_date(git_repo: Path) -> None:
    committed = fake("", 32, seed=15)
    commit(
        git_repo,
        {".gitignore": ".env\n", ".env.example": f"APP_SECRET={committed}\n"},
        when="2025-01-01T00:00:00+00:00",
    )
    # never committed: the template check reports the value; rotation has no age for it
    (git_repo / "apps").mkdir()
    (git_repo / "apps" / ".env.sample").write_text(
        f"WORKER_SECRET={fake('', 32, seed=16)}\n", encoding="utf-8"
    )
    run = run_cli(["rotation", "check", "--now", "2026-05-01", "--format", "json"], git_repo, environ=CI)
    found = [(f["check"], f["path"]) for f in json.loads(run.out)["findings"]]
    assert found == [("rotation-overdue", ".env.example")]


def test_a_template_line_is_judged_from_its_own_name_and_value() -> None:
    random = fake("", 32, seed=17)
    assert template_stand_in(
        "GITHUB_WEBHOOK_SECRET=", "GITHUB_WEBHOOK_SECRET=\nGITHUB_APP_NAME", "GITHUB_APP_NAME"
    )
    assert template_stand_in(
        'DB_PASSWORD="Sup3r-Secret" # the default', 'DB_PASSWORD="Sup3r-Secret', "Sup3r-Secret"
    )
    assert not template_stand_in(f"API_SECRET={random} # rotate me", f"API_SECRET={random}", random)
    # a rule that starts its match at the end of the line above: the value's own line is judged
    assert not template_stand_in("BUCKET=dev", f"\nAPI_SECRET={random}", random)
    assert template_stand_in(
        "BUCKET=dev", "\nAPP_KEY=SomeRandomStringOf32CharsExactly", "SomeRandomStringOf32CharsExactly"
    )
    assert not template_stand_in("  password: hunter", "password: hunter", "hunter")  # no NAME=value line
    assert template_stand_in(
        "REDIS_URL=redis://:myredissecret@redis:6379", ":myredissecret@", "myredissecret"
    )
    assert not template_stand_in(f"REDIS_URL=redis://:{random}@redis:6379", f":{random}@", random)
    assert url_passwords("redis://user:pw@[::1") == []  # not a URL urlsplit can read
