"""envfiles: env-file names, template parsing and judging, the 40+ template shapes, --fix appends."""

from __future__ import annotations

import string
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from secret_hygiene.config import Config
from secret_hygiene.engine.rules import load_rules
from secret_hygiene.engine.scanner import Engine
from secret_hygiene.env import kind
from secret_hygiene.env.fix import HEADER, append, root_patterns
from secret_hygiene.env.templates import check_template, counterparts, drift, parse
from secret_hygiene.env.values import non_secret, public_demo, secret_like_name, url_passwords
from secret_hygiene.errors import SecretHygieneError
from secret_hygiene.model import Finding, Skipped
from testing import fake

TEMPLATES = sorted((Path(__file__).parents[1] / "fixtures" / "env_templates").iterdir())


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_rules())


def stripe_live() -> str:
    return "sk_" + "live_" + fake("", 24, seed=501)


def findings(name: str, data: bytes, engine: Engine) -> list[Finding]:
    results = list(check_template(name, data, engine))
    assert not [r for r in results if isinstance(r, Skipped)]
    return [r for r in results if isinstance(r, Finding)]


# --- which files are env files -------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (".env", "env"), (".env.local", "env"), (".env.production", "env"),
        (".env.development.local", "env"), ("prod.env", "env"), ("apps/web/.envrc", "env"),
        ("deploy/staging.env", "env"), (".env.example", "template"), (".env.sample", "template"),
        (".env.template", "template"), (".env.dist", "template"), ("example.env", "template"),
        ("prod.env.example", "template"), ("svc/.env.production.sample", "template"),
        ("env.d.ts", None), (".env.d.ts", None), ("config.env.js", None), (".env.vault", None),
        ("environment.py", None), ("README.md", None), ("envoy.yaml", None),
    ],
)  # fmt: skip
def test_kind_follows_the_default_patterns(path: str, expected: str | None) -> None:
    assert kind(path, Config()) == expected


def test_kind_follows_configured_patterns() -> None:
    config = Config(env_files=("secrets/*.conf", "*.envfile"), templates=("*.envfile.in",))
    assert kind("secrets/db.conf", config) == "env"
    assert kind("other/db.conf", config) is None
    assert kind("app.envfile", config) == "env"
    assert kind("app.envfile.in", config) == "template"
    assert kind(".env", config) is None


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        (".env.example", (".env", ".env.local")),
        ("apps/web/.env.sample", ("apps/web/.env", "apps/web/.env.local")),
        ("example.env", (".env", ".env.local")), ("env.example", (".env", ".env.local")),
        (".env.production.example", (".env.production",)), ("prod.env.example", ("prod.env",)),
    ],
)  # fmt: skip
def test_counterparts(template: str, expected: tuple[str, ...]) -> None:
    assert counterparts(template) == expected


# --- parsing with python-dotenv ------------------------------------------------------------


def test_parse_keeps_lines_columns_and_handles_export_quotes_multiline_and_comments() -> None:
    text = (
        "# header comment\n"
        "\n"
        "export A=1\n"
        "  B='two words' # trailing comment\n"
        'C="line one\n'
        'line two"\n'
        "D=${A}/x\n"
        "E= # only a comment\n"
        "F\n"
        'G="unterminated\n'
    )
    entries, bad = parse(text)
    got = {e.key: (e.value, e.line, e.end_line, e.column) for e in entries}
    assert got["A"] == ("1", 3, 3, 1)
    assert got["B"] == ("two words", 4, 4, 3)
    assert got["C"] == ("line one\nline two", 5, 6, 1)
    assert got["D"] == ("${A}/x", 7, 7, 1)
    assert got["E"][0] == ""
    assert got["F"][0] is None
    assert bad == [10]


def test_parse_crlf_keeps_line_numbers() -> None:
    entries, _ = parse("A=1\r\n\r\nB=2\r\nC='x'\r\n")
    assert [(e.key, e.value, e.line) for e in entries] == [("A", "1", 1), ("B", "2", 3), ("C", "x", 4)]


# --- judging values ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["STRIPE_SECRET_KEY", "DB_PASSWORD", "SMTP_PASS", "GITHUB_TOKEN", "MYSQL_PWD", "SENTRY_DSN",
     "GOOGLE_CREDENTIALS", "PRIVATE_KEY", "BASIC_AUTH", "api_key"],
)  # fmt: skip
def test_secret_like_names(name: str) -> None:
    assert secret_like_name(name)


@pytest.mark.parametrize(
    "name",
    ["PORT", "NEXTAUTH_URL", "AUTH0_CLIENT_ID", "JWT_EXPIRES_IN", "TOKEN_TTL", "PASSWORD_MIN_LENGTH",
     "POSTGRES_PASSWORD_FILE", "NEXT_PUBLIC_SUPABASE_ANON_KEY", "STRIPE_PUBLISHABLE_KEY", "AUTHOR_NAME"],
)  # fmt: skip
def test_setting_names_are_not_secret_like(name: str) -> None:
    assert not secret_like_name(name)


@pytest.mark.parametrize(
    "value",
    ["", "  ", "<your-key>", "your_api_key_here", "changeme", "xxxxxxxx", "***", "${API_KEY}", "example",
     "dummy", "TODO", "8080", "true", "info", "15m", "http://localhost:3000", "./keys/dev.pem",
     "keyboard cat", "postgres", "toBeModified1,toBeModified2",
     "my_super_secret_jwt_key_change_in_production",
     "use [openssl rand -hex 32] to generate a 32 bytes value", "sk_test_****", "whsec_..."],
)  # fmt: skip
def test_placeholders_and_plain_settings_are_not_secret(value: str) -> None:
    assert non_secret(value)


@pytest.mark.parametrize("seed", range(5))
def test_random_values_are_secret(seed: int) -> None:
    assert not non_secret(fake("", 40, seed=seed))
    assert not non_secret(fake("", 32, alphabet="0123456789abcdef", seed=seed))
    assert not non_secret(fake("", 14, alphabet="ABCDEFGHJKabcdefghjk0123456789#%&", seed=seed))


def test_url_passwords() -> None:
    real = fake("", 20, seed=7)
    assert url_passwords(f"postgres://app:{real}@db.internal:5432/app") == [real]
    assert url_passwords("postgres://user:password@localhost") == []
    assert url_passwords("postgres://postgres:postgres@db:5432/postgres") == []
    assert url_passwords("redis://:${REDIS_PASSWORD}@redis:6379") == []
    assert url_passwords("mysql://root:@localhost:3306/db") == []
    assert url_passwords("http://localhost:3000") == []


def test_public_demo_jwt_is_recognised_and_other_jwts_are_not() -> None:
    import base64
    import json

    def part(obj: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    head = part({"alg": "HS256"})
    assert public_demo(f"{head}.{part({'iss': 'supabase-demo', 'role': 'anon'})}.{fake('', 43, seed=1)}")
    assert not public_demo(f"{head}.{part({'iss': 'supabase', 'role': 'anon'})}.{fake('', 43, seed=1)}")
    assert not public_demo("eyJ.not-base64!.x")


# --- templates -----------------------------------------------------------------------------


def test_there_are_at_least_40_template_shapes() -> None:
    assert len(TEMPLATES) >= 40
    assert all(kind(p.name, Config()) == "template" for p in TEMPLATES)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_template_shapes_pass(path: Path, engine: Engine) -> None:
    assert findings(path.name, path.read_bytes(), engine) == []


def _eol(data: bytes) -> bytes:
    return b"\r\n" if b"\r\n" in data else b"\n"


def _plant_in_secret_variable(data: bytes, value: str) -> tuple[bytes, int]:
    """Replace the first single-line secret-like variable's value (else append one); return its line."""
    eol = _eol(data)
    entries, _ = parse(data.decode("utf-8"))
    target = next((e for e in entries if secret_like_name(e.key) and e.line == e.end_line), None)
    lines = data.split(eol)
    if target is None:
        return _append(data, f"APP_SECRET={value}")
    prefix = b"export " if lines[target.line - 1].lstrip().startswith(b"export ") else b""
    lines[target.line - 1] = prefix + target.key.encode() + b"=" + value.encode()
    return eol.join(lines), target.line


def _append(data: bytes, line: str) -> tuple[bytes, int]:
    eol = _eol(data)
    body = data if data.endswith(eol) else data + eol
    return body + line.encode() + eol, body.count(eol) + 1


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_a_random_secret_planted_in_each_template_fails(path: Path, engine: Engine) -> None:
    secret = fake("", 40, seed=zlib.crc32(path.name.encode()))
    data, line = _plant_in_secret_variable(path.read_bytes(), secret)
    got = findings(path.name, data, engine)
    assert [f.line for f in got] == [line]
    assert got[0].check == "env-example-value" and got[0].level == "error"
    assert secret not in repr(got)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_a_stripe_live_key_planted_in_each_template_fails(path: Path, engine: Engine) -> None:
    key = stripe_live()
    data, line = _append(path.read_bytes(), f'PAYMENTS_KEY="{key}"')
    got = findings(path.name, data, engine)
    assert [(f.line, f.rule_id) for f in got] == [(line, "stripe-live-secret-key")]
    assert key not in repr(got) and got[0].secret is not None


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_a_url_with_a_real_password_planted_in_each_template_fails(path: Path, engine: Engine) -> None:
    password = fake("", 20, seed=len(path.name))
    data, line = _append(
        path.read_bytes(), f"BACKUP_DATABASE_URL=postgres://app:{password}@db.internal:5432/app"
    )
    got = findings(path.name, data, engine)
    assert [f.line for f in got] == [line]
    assert password not in repr(got)


def test_secret_in_a_comment_line_is_reported(engine: Engine) -> None:
    got = findings(".env.example", f"# old key: {stripe_live()}\nSTRIPE_SECRET_KEY=\n".encode(), engine)
    assert [(f.line, f.rule_id) for f in got] == [(1, "stripe-live-secret-key")]


def test_allow_comment_suppresses_a_template_value(engine: Engine) -> None:
    data = f"# secret-hygiene: allow\nAPP_SECRET={fake('', 40, seed=3)}\n".encode()
    assert findings(".env.example", data, engine) == []


def test_multiline_value_reports_at_its_first_line(engine: Engine) -> None:
    data = f'A=1\nAPP_SECRET="first\n{fake("", 40, seed=4)}"\n'.encode()
    got = findings(".env.example", data, engine)
    assert [f.line for f in got] == [2]


def test_binary_and_undecodable_templates_are_skipped(engine: Engine) -> None:
    assert [r.reason for r in check_template("a", b"A=\0\0", engine) if isinstance(r, Skipped)] == ["binary"]
    results = list(check_template("b", b"A=\xff\xfe\n", engine))
    assert [r.reason for r in results if isinstance(r, Skipped)] == ["not UTF-8 text"]


def test_drift_reports_missing_variables_and_notes_extra_ones_only_when_verbose() -> None:
    quiet = drift(".env.example", ".env", {"A": 1, "C": 2}, ["A", "B", "B"], verbose=False)
    assert [(f.check, f.level, f.detail("variable")) for f in quiet] == [
        ("env-example-missing", "warning", "B")
    ]
    loud = drift(".env.example", ".env", {"A": 1, "C": 2}, ["A", "B"], verbose=True)
    assert [(f.level, f.detail("variable"), f.line) for f in loud] == [
        ("warning", "B", None),
        ("note", "C", 2),
    ]


# --- env --fix appends -----------------------------------------------------------------------


def test_root_patterns_pick_the_configured_pattern() -> None:
    assert root_patterns([".env", ".env.local", "prod.env", ".envrc", ".env"], Config()) == [
        ".env", ".env.*", "*.env", ".envrc",
    ]  # fmt: skip


def test_append_preserves_crlf_and_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / ".gitignore"
    path.write_bytes(b"node_modules/\r\ndist/")
    assert append(path, [".env", "!.env.example"]) == [".env", "!.env.example"]
    expected = b"node_modules/\r\ndist/\r\n\r\n" + HEADER.encode() + b"\r\n.env\r\n!.env.example\r\n"
    assert path.read_bytes() == expected
    assert append(path, [".env", "!.env.example"]) == []
    assert path.read_bytes() == expected


def test_append_re_adds_a_pattern_a_later_negation_undoes(tmp_path: Path) -> None:
    path = tmp_path / ".gitignore"
    path.write_text(".env\n!.env\n", encoding="utf-8")
    assert append(path, [".env"]) == [".env"]
    assert path.read_text(encoding="utf-8").splitlines()[-1] == ".env"


def test_append_creates_a_missing_file_and_refuses_symlinks(tmp_path: Path) -> None:
    path = tmp_path / ".gitignore"
    assert append(path, [".env"]) == [".env"]
    assert path.read_bytes() == HEADER.encode() + b"\n.env\n"
    link = tmp_path / "link"
    link.symlink_to(path)
    with pytest.raises(SecretHygieneError, match="symbolic link"):
        append(link, [".envrc"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=string.ascii_letters + string.digits, min_size=24, max_size=64))
def test_a_planted_value_is_reported_once_and_never_shown(engine: Engine, value: str) -> None:
    assume(not non_secret(value))
    got = findings(".env.example", f"PORT=1\nAPP_SECRET={value}\n".encode(), engine)
    assert [f.line for f in got] == [2]
    assert value not in repr(got) and value[4:] not in (got[0].secret or "")


def test_append_streams_a_huge_gitignore_and_keeps_it_whole(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / ".gitignore"
    with path.open("wb") as fh:
        for n in range(400_000):
            fh.write(b"build/output-%d/\r\n" % n)
    size = path.stat().st_size
    script = (
        "import resource, sys\nfrom pathlib import Path\n"
        "from secret_hygiene.env.fix import append\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(append(Path(sys.argv[1]), ['.env']))\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True
    )
    added, grown_kib = proc.stdout.splitlines()
    assert added == "['.env']"
    assert int(grown_kib) < size // 1024 // 2  # far less than the file: it is streamed, not held
    data = path.read_bytes()
    assert data.startswith(b"build/output-0/\r\n") and data.endswith(b"\r\n.env\r\n")
    assert len(data) == size + len(f"\r\n{HEADER}\r\n.env\r\n".encode())
