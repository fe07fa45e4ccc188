"""Keys inside encoded values (decode.py): base64, URL-safe base64, JWT payloads, one inside another.

Every case is a realistic multi-line file, and has a twin: base64 of ordinary text, of an image,
of a documented example key, gives nothing. A decoded key is reported at the encoded run's place
with its own rule id and the detail `decoded`.
"""

from __future__ import annotations

import base64
import json
import random
import textwrap
import time
from pathlib import Path

import pytest

from secret_hygiene.engine import decode
from secret_hygiene.engine.rules import load_rules
from secret_hygiene.engine.scanner import Engine
from secret_hygiene.model import Blob, Finding
from testing import commit, fake, git, run_cli

RULES = load_rules()
ENGINE = Engine(RULES)
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def findings(text: str, path: str, engine: Engine = ENGINE) -> list[Finding]:
    return [f for f in engine.scan_blob(Blob(path, text.encode())) if isinstance(f, Finding)]


def rsa_pem(seed: int) -> str:
    """A synthetic RSA private key in PEM armour (random body of the usual length)."""
    body = "MIIEpAIBAAKCAQEA" + fake("", 1570, B64, seed=seed)
    return (
        "-----BEGIN RSA PRIVATE KEY-----\n"
        + "\n".join(textwrap.wrap(body, 64))
        + "\n-----END RSA PRIVATE KEY-----\n"
    )


def akia(seed: int) -> str:
    return fake("AK" + "IA", 16, BASE32, seed=seed)


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def b64url(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def where(f: Finding) -> tuple[str, int | None, int | None, str | None]:
    return f.rule_id, f.line, f.column, f.detail("decoded")


def test_base64_pem_key_in_a_kubernetes_secret_and_an_env_file() -> None:
    encoded = b64(rsa_pem(1))
    manifest = (
        "apiVersion: v1\n"
        "kind: Secret\n"
        "metadata:\n"
        "  name: deploy-key\n"
        "  namespace: ci\n"
        "type: Opaque\n"
        "data:\n"
        f"  id_rsa: {encoded}\n"
        "  known_hosts: Z2l0aHViLmNvbSBzc2gtZWQyNTUxOSBBQUFBQzNOemFDMWxaREkxTlRFNUFBQUFJ\n"
    )
    found = [where(f) for f in findings(manifest, "deploy/k8s/secret.yaml")]
    assert ("private-key-rsa", 8, 11, "base64") in found
    env = f"# deploy settings\nAPP_ENV=production\nDEPLOY_KEY_B64={encoded}\nREGION=eu-west-1\n"
    # One finding that names the key; the generic assignment rule does not report the same value.
    assert [where(f) for f in findings(env, "deploy/.env.production")] == [
        ("private-key-rsa", 3, 16, "base64")
    ]
    assert encoded[:40] not in repr(findings(env, "deploy/.env.production"))


def test_aws_key_id_in_a_jwt_payload_is_found_at_the_payload() -> None:
    header = b64url({"alg": "HS256", "typ": "JWT"})
    payload = b64url({"sub": "svc-uploader", "aws_access_key_id": akia(2), "iat": 1764662400})
    token = f"{header}.{payload}.{fake('', 43, B64[:62] + '-_', seed=3)}"
    module = (
        '"""Upload client for the media service."""\n'
        "import requests\n\n"
        f'SESSION_TOKEN = "{token}"\n\n\n'
        "def upload(path):\n"
        '    with open(path, "rb") as fh:\n'
        '        return requests.post("https://media.internal/upload", data=fh)\n'
    )
    found = {f.rule_id: f for f in findings(module, "media/client.py")}
    aws = found["aws-access-key-id"]
    assert (aws.line, aws.column, aws.detail("decoded")) == (4, 18 + len(header) + 1, "jwt")
    assert aws.level == "error" and aws.secret is not None and akia(2) not in aws.secret
    # The plain twin: the same payload without the key holds nothing.
    clean = b64url({"sub": "svc-uploader", "scope": "upload", "iat": 1764662400})
    twin = module.replace(payload, clean)
    assert "aws-access-key-id" not in {f.rule_id for f in findings(twin, "media/client.py")}


def test_base64_inside_base64_is_found_at_depth_two_only() -> None:
    inner = b64(f"[default]\naws_access_key_id = {akia(4)}\nregion = us-east-1\n")
    values = (
        "replicaCount: 2\n"
        "image:\n"
        "  repository: registry.example.org/uploader\n"
        "  tag: 1.4.2\n"
        f"extraConfig: {b64(inner)}\n"
        "service:\n"
        "  port: 8080\n"
    )
    assert [where(f) for f in findings(values, "charts/uploader/values.yaml")] == [
        ("aws-access-key-id", 5, 14, "base64 > base64")
    ]
    assert findings(values, "charts/uploader/values.yaml", Engine(RULES, decode_depth=1)) == []
    assert findings(values, "charts/uploader/values.yaml", Engine(RULES, decode_depth=0)) == []


def test_base64_of_text_images_and_documented_examples_gives_nothing() -> None:
    rng = random.Random(5)
    image = base64.b64encode(bytes(rng.randrange(256) for _ in range(30000))).decode()
    motto = b64("The quick brown fox jumps over the lazy dog, then went home for tea.")
    readme = (
        "# Uploader\n\n"
        f"Our motto, encoded for fun: `{motto}`\n\n"
        f"![logo](data:image/png;base64,{image})\n\n"
        "The credentials file the tests use (AWS's documented example key):\n\n"
        f"    {b64('aws_access_key_id = AKIAIOSFODNN7EXAMPLE')}\n"
    )
    assert findings(readme, "docs/README.md") == []
    # The twin: the same document with a real-looking key in the encoded credentials.
    example = b64("aws_access_key_id = AKIAIOSFODNN7EXAMPLE")
    twin = readme.replace(example, b64(f"aws_access_key_id = {akia(6)}"))
    assert [where(f)[:2] for f in findings(twin, "docs/README.md")] == [("aws-access-key-id", 9)]


def test_decoded_text_gets_the_same_noise_judgement_as_plain_text() -> None:
    value = fake("", 32, seed=7)
    fake_block = b64(f'# fake credentials for the docs\napi_secret = "{value}"\n')
    real_block = b64(f'# production credentials\napi_secret = "{value}"\n')
    doc = "## Configuration\n\nPaste the settings blob:\n\n```\nSETTINGS={}\n```\n"
    assert findings(doc.format(fake_block), "docs/configuration.md") == []
    (f,) = findings(doc.format(real_block), "docs/configuration.md")
    assert (f.rule_id, f.line, f.detail("decoded")) == ("generic-secret-assignment", 6, "base64")


def test_an_allow_comment_on_the_encoded_line_suppresses_the_decoded_key() -> None:
    text = f"export BUNDLE={b64('aws_access_key_id=' + akia(8))}  # secret-hygiene: allow\n"
    assert findings("#!/bin/sh\n" + text, "scripts/env.sh") == []


def test_without_hyperscan_the_same_runs_are_decoded() -> None:
    text = (
        f"apiVersion: v1\nkind: Secret\ndata:\n  key: {b64(rsa_pem(9))}\n  cfg: {b64(b64('k=' + akia(10)))}\n"
    )
    fast, slow = Engine(RULES), Engine(RULES, use_hyperscan=False)
    assert [where(f) for f in findings(text, "s.yaml", fast)] == [
        where(f) for f in findings(text, "s.yaml", slow)
    ]
    assert {where(f)[0] for f in findings(text, "s.yaml", slow)} >= {"private-key-rsa", "aws-access-key-id"}


def test_cost_is_bounded_on_large_base64_blobs() -> None:
    rng = random.Random(11)
    image = base64.b64encode(bytes(rng.randrange(256) for _ in range(3 * 1024 * 1024))).decode()
    start = time.process_time()
    assert list(decode.encoded_runs(f'{{"icon": "data:image/png;base64,{image}"}}\n'.encode())) == []
    assert time.process_time() - start < 1.0  # one small head decode, not 4 MB of decoding
    many = "\n".join(
        f"row{i}: {b64(f'line {i} of a long log of printable text entries')}" for i in range(40000)
    )
    decoded = sum(len(r.text) for r in decode.encoded_runs(many.encode()))
    assert 0 < decoded <= decode.BLOB_BUDGET


def test_history_staged_and_config(git_repo: Path) -> None:
    secret = f"apiVersion: v1\nkind: Secret\ntype: Opaque\ndata:\n  tls.key: {b64(rsa_pem(12))}\n"
    sha = commit(git_repo, {"README.md": "# app\n", "k8s/tls.yaml": secret})
    run = run_cli(["history", "--format", "json"], git_repo)
    doc = json.loads(run.out)
    hits = [(f["path"], f["line"], f["commit"], f["details"].get("decoded")) for f in doc["findings"]]
    assert ("k8s/tls.yaml", 5, sha, "base64") in hits
    (git_repo / "app.env").write_text(f"APP=1\nCREDS={b64('aws_access_key_id = ' + akia(13))}\n")
    unstaged = run_cli(["scan", "--staged", "--format", "json"], git_repo)
    assert json.loads(unstaged.out)["findings"] == []  # not staged yet
    git(git_repo, "add", "app.env")
    staged = json.loads(run_cli(["scan", "--staged", "--format", "json"], git_repo).out)["findings"]
    assert [(f["path"], f["line"], f["details"].get("decoded")) for f in staged] == [("app.env", 2, "base64")]
    (git_repo / "pyproject.toml").write_text("[tool.secret-hygiene]\ndecode-depth = 0\n")
    off = json.loads(run_cli(["scan", "--staged", "--format", "json"], git_repo).out)["findings"]
    assert off == []


@pytest.mark.parametrize("bad", ["-1", "true", '"two"'])
def test_decode_depth_must_be_a_whole_number(tmp_path: Path, bad: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.secret-hygiene]\ndecode-depth = {bad}\n")
    run = run_cli(["scan", "--no-git", "."], tmp_path)
    assert run.code == 2 and "decode-depth" in run.err
