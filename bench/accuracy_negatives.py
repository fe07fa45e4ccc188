"""Hard negatives: values and lines a reviewer would not call a leaked secret, in realistic files.

Placeholders, documentation values, identifiers (UUIDs, git SHAs, checksums), encoded blobs,
public keys, test fixtures marked EXAMPLE and references to secrets kept elsewhere (environment,
vault, CI secrets). Every finding on these files is a false positive.
"""

from __future__ import annotations

import random

from accuracy_providers import B62, HEX, Setting, b64, rs, uid


def values(rng: random.Random) -> list[Setting]:
    """(name, value, False) pairs that look like credentials at a glance but are not."""
    pairs = [
        ("GITHUB_TOKEN", "<your-github-token>"),
        ("STRIPE_SECRET_KEY", "sk_live_" + "x" * 24),
        ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        ("API_KEY", "YOUR_API_KEY_HERE"),
        ("DB_PASSWORD", "changeme"),
        ("DB_PASSWORD", "${DB_PASSWORD}"),
        ("SLACK_BOT_TOKEN", "xoxb-your-bot-token"),
        ("BINANCE_API_KEY", "your_binance_api_key"),
        ("BINANCE_API_SECRET", "your_binance_api_secret"),
        ("OPENAI_API_KEY", "sk-..."),
        ("REQUEST_ID", uid(rng)),
        ("AZURE_TENANT_ID", uid(rng)),
        ("BUILD_COMMIT", rs(rng, 40, HEX)),
        ("ARCHIVE_SHA256", rs(rng, 64, HEX)),
        ("CHECKSUM_MD5", rs(rng, 32, HEX)),
        ("INTEGRITY", "sha512-" + b64(rng, 64)),
        ("PASSWORD_RESET_PATH", "/accounts/password/reset/"),
        ("TOKEN_TYPE", "Bearer"),
        ("SECRET_NAME", "prod/payments/stripe"),
        ("API_KEY_HEADER", "X-Api-Key"),
        ("FAKE_GITHUB_TOKEN", "ghp_EXAMPLE" + rs(rng, 29)),
        ("AWS_SECRET_ACCESS_KEY", "REPLACE_ME"),
        ("PRIVATE_KEY_PATH", "/etc/ssl/private/server.key"),
        ("DATABASE_URL", "postgres://user:password@localhost:5432/app"),
        ("DATABASE_URL", "postgres://${DB_USER}:${DB_PASS}@db:5432/app"),
        ("DATABASE_URL", "mysql://<user>:<password>@db.example.com/shop"),
        ("REDIS_URL", "redis://localhost:6379/0"),
        ("MNEMONIC", "test test test test test test test test test test test junk"),
        ("JWT_ALGORITHM", "HS256"),
        ("STRIPE_PUBLISHABLE_KEY", "pk_live_" + rs(rng, 24)),
        ("SESSION_COOKIE_NAME", "sessionid"),
        ("CACHE_KEY_PREFIX", "user:profile:v2"),
        ("OKX_PASSPHRASE", "<passphrase>"),
        ("KUCOIN_API_PASSPHRASE", "${KUCOIN_PASSPHRASE}"),
        ("POLYGON_API_KEY", "YOUR_POLYGON_KEY"),
        ("ALPACA_SECRET_KEY", "your-alpaca-secret-key"),
        ("DD_API_KEY", "<DATADOG_API_KEY>"),
        ("TWILIO_AUTH_TOKEN", "your_auth_token"),
        ("SENDGRID_API_KEY", "SG.xxxxxxxx.yyyyyyyy"),
        ("TRACE_ID", rs(rng, 32, HEX)),
        ("IMAGE_DIGEST", "sha256:" + rs(rng, 64, HEX)),
    ]
    rng.shuffle(pairs)
    return [(n, v, False) for n, v in pairs[: rng.randint(4, 7)]]


REFERENCES: dict[str, list[str]] = {
    "refs.py": [
        "import getpass", "import os", "", "from app.conf import settings", "",
        'STRIPE_SECRET_KEY = os.environ["STRIPE_SECRET_KEY"]',
        'api_secret = os.getenv("BINANCE_API_SECRET", "")',
        'password = getpass.getpass("Database password: ")',
        "token = settings.GITHUB_TOKEN",
        'client = Client(api_key=config["api_key"], api_secret=config["api_secret"])',
        'exchange = ccxt.kraken({"apiKey": os.environ["KRAKEN_KEY"], "secret": os.environ["KRAKEN_SECRET"]})',
        "aws_secret_access_key = session.get_credentials().secret_key",
        'headers = {"Authorization": f"Bearer {token}"}',
        "",
    ],
    "refs.js": [
        "const apiKey = process.env.OPENAI_API_KEY;",
        "const secret = process.env['BINANCE_API_SECRET'] || '';",
        "const headers = { Authorization: `Bearer ${token}` };",
        "const exchange = new ccxt.binance({ apiKey: process.env.BINANCE_KEY, secret: process.env.BINANCE_SECRET });",
        "export const password = config.get('db.password');",
        "",
    ],
    "refs.go": [
        "package main", "", 'import "os"', "", "func creds() (string, string) {",
        '\tsecret := os.Getenv("AWS_SECRET_ACCESS_KEY")',
        '\ttoken := os.Getenv("GITHUB_TOKEN")', "\treturn secret, token", "}", "",
    ],
    "Refs.java": [
        "class Refs {", '    String password = System.getenv("DB_PASSWORD");',
        '    String apiKey = props.getProperty("stripe.api.key");', "}", "",
    ],
    "refs.rb": ["api_key = ENV.fetch('SENDGRID_API_KEY')", "secret = Rails.application.credentials.stripe[:secret_key]", ""],
    "workflow.yml": [
        "name: release", "on: push", "permissions: {}", "jobs:", "  publish:", "    runs-on: ubuntu-latest",
        "    steps:", f"      - uses: actions/checkout@{'b4ffde65f46336ab88eb53be808477a3936bae11'}",
        "      - run: npm publish", "        env:", "          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}",
        "          AWS_SECRET_ACCESS_KEY: ${{ secrets.AWS_SECRET_ACCESS_KEY }}", "",
    ],
    "deployment.yaml": [
        "apiVersion: apps/v1", "kind: Deployment", "spec:", "  template:", "    spec:", "      containers:",
        "        - name: api", "          env:", "            - name: DB_PASSWORD", "              valueFrom:",
        "                secretKeyRef:", "                  name: db-credentials", "                  key: password",
        '            - name: STRIPE_KEY', '              value: "{{ .Values.stripe.secretKey }}"', "",
    ],
    "vars.tf": [
        'variable "db_password" {', "  type      = string", "  sensitive = true", "}", "",
        'resource "aws_db_instance" "main" {', "  password = var.db_password",
        '  username = data.vault_generic_secret.db.data["username"]', "}", "",
    ],
    "Dockerfile.build": [
        "FROM node:20", "ARG NPM_TOKEN", "RUN --mount=type=secret,id=npm_token \\",
        "    NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci", "ENV NODE_ENV=production", "",
    ],
    "release.sh": [
        "#!/bin/sh", 'export AWS_SECRET_ACCESS_KEY="$(aws configure get aws_secret_access_key)"',
        "TOKEN=$(vault read -field=token secret/ci/github)", 'curl -H "Authorization: token $TOKEN" https://api.github.com/user', "",
    ],
}  # fmt: skip


def documents(rng: random.Random) -> dict[str, list[str]]:
    """Docs, public keys, checksums, lockfile-like and notebook files with encoded blobs."""
    pub = b64(rng, 270)
    return {
        "README.md": [
            "# Setup", "", "Put your keys in `.env`:", "", "```", "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
            "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "STRIPE_SECRET_KEY=sk_live_...", "BINANCE_API_KEY=<your key>", "```", "",
            "Connect with `postgres://USER:PASSWORD@HOST:5432/DB`.", "",
        ],
        "id_rsa.pub": [f"ssh-rsa {pub} deploy@ci", ""],
        "public.pem": ["-----BEGIN PUBLIC KEY-----", *[pub[i : i + 64] for i in range(0, 360, 64)], "-----END PUBLIC KEY-----", ""],
        "SHA256SUMS": [f"{rs(rng, 64, HEX)}  dist/app-1.{i}.0.tar.gz" for i in range(6)] + [""],
        "known_hosts": [f"github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{rs(rng, 43, B62)}", ""],
        "pins.txt": [f"{name}=={rs(rng, 1, '12')}.{i} --hash=sha256:{rs(rng, 64, HEX)}" for i, name in enumerate(["requests", "urllib3", "idna"])] + [""],
        "plot.ipynb": [
            "{", ' "cells": [{"cell_type": "code", "execution_count": 2, "metadata": {}, "source": ["plt.show()"],',
            '   "outputs": [{"output_type": "display_data", "metadata": {}, "data": {',
            f'     "image/png": "iVBORw0KGgoAAAANSUhEUgAA{b64(rng, 300)}"', "   }}]}],", ' "nbformat": 4, "nbformat_minor": 5', "}", "",
        ],
        "fixtures.py": [
            '"""Test fixtures: fake credentials for the unit tests."""', "",
            'TEST_AWS_KEY_ID = "AKIAEXAMPLEEXAMPLE12"', f'TEST_TOKEN = "ghp_EXAMPLE{rs(rng, 29)}"',
            'FAKE_PASSWORD = "fake-password-for-tests"', f'USER_ID = "{uid(rng)}"', "",
        ],
        "migrations.sql": [
            "-- 0042 add api keys table", "CREATE TABLE api_keys (id uuid PRIMARY KEY, key_hash char(64) NOT NULL);",
            f"INSERT INTO api_keys VALUES ('{uid(rng)}', '{rs(rng, 64, HEX)}');", "",
        ],
    }  # fmt: skip
