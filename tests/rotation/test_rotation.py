"""Key ages: discovery, thresholds, exact day boundaries, annotations, git dates and the fingerprint store."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from secret_hygiene.config import Config, RotationConfig
from secret_hygiene.engine.rules import Rule, builtin_rules_dir, load_pack
from secret_hygiene.env.values import secret_like_name
from secret_hygiene.rotation.assess import Assessment, assess, env_files, ledger_location
from secret_hygiene.rotation.keyage import KeyAge, classify, thresholds
from secret_hygiene.rotation.ledger import Ledger, LedgerEntry
from secret_hygiene.rotation.record import record
from secret_hygiene.rotation.state import repo_id
from secret_hygiene.sources.git import open_repo
from testing import commit, fake, git, github_token, run_cli

RULES: list[Rule] = [
    r for pack in ("github.yaml", "payments.yaml") for r in load_pack(builtin_rules_dir() / pack)
]
NOW = "2026-05-01"


def _now(day: str = NOW) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=timezone.utc)


def _assess(repo: Path, now: str = NOW, config: Config | None = None, ci: bool = False) -> Assessment:
    environ = {"CI": "true"} if ci else _env()
    return assess(
        open_repo(repo), repo, config or Config(base_dir=repo), RULES, now=_now(now), environ=environ
    )


def _env() -> dict[str, str]:
    """The test's own HOME (see conftest.py), where the local fingerprint store is kept."""
    return {"HOME": os.environ["HOME"]}


def _by_name(result: Assessment) -> dict[str, KeyAge]:
    return {a.name: a for a in result.keys}


def _stripe(seed: int) -> str:
    return "sk_" + "live_" + fake("", 32, seed=seed)


def _store(repo: Path) -> Path:
    """Where the local fingerprint store of `repo` lives: the user's state directory, never the repo."""
    state = Path(os.environ["HOME"]) / ".local" / "state" / "secret-hygiene"
    return state / repo_id(repo / ".git") / "rotation.json"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("STRIPE_SECRET_KEY", True), ("GITHUB_TOKEN", True), ("DB_PASSWORD", True), ("apiKey", True),
        ("AWS_SECRET_ACCESS_KEY", True), ("SENTRY_AUTH_TOKEN", True), ("PRIVATE_KEY", True),
        ("STRIPE_PUBLISHABLE_KEY", False), ("PUBLIC_KEY", False), ("TOKEN_URL", False),
        ("SECRET_FILE", False), ("DEBUG", False), ("KEYBOARD_LAYOUT", False), ("DATABASE_URL", False),
        ("MONKEY", False), ("AWS_ACCESS_KEY_ID", False),
    ],
)  # fmt: skip
def test_secret_like_names(name: str, expected: bool) -> None:
    assert secret_like_name(name) is expected


def test_env_files_and_templates_come_from_the_config_patterns() -> None:
    files = [(".env", False), (".env.example", True), ("app/.env.production", False), ("README.md", True),
             ("node_modules/pkg/.env", False), ("deploy/prod.env", True)]  # fmt: skip
    assert env_files(files, Config()) == [
        (".env", False, False), (".env.example", True, True),
        ("app/.env.production", False, False), ("deploy/prod.env", True, False),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("today", "state", "age"),
    [
        (date(2026, 3, 17), "ok", 75),  # 15 days before due
        (date(2026, 3, 18), "due-soon", 76),  # exactly warn_days (14) before due
        (date(2026, 4, 1), "due-soon", 90),  # the due date itself
        (date(2026, 4, 2), "overdue", 91),  # the day after
    ],
)
def test_states_at_the_exact_boundary_days(today: date, state: str, age: int) -> None:
    assert classify(date(2026, 1, 1), today, 90, 14) == (state, age, date(2026, 4, 1))


def test_no_date_is_unknown() -> None:
    assert classify(None, date(2026, 4, 1), 90, 14) == ("unknown", None, None)


def test_thresholds_most_specific_wins() -> None:
    config = RotationConfig(
        max_age_days=90, warn_days=14, key_max_age_days={"K": 10},
        provider_max_age_days={"stripe": 20}, family_max_age_days={"crypto-exchanges": 30},
    )  # fmt: skip
    ledger = Ledger("l", True, max_age_days=60, warn_days=7)
    entry = LedgerEntry("K", 1, max_age_days=5, warn_days=2)
    assert thresholds("K", "Stripe", "payments", entry, ledger, config) == (5, 2)
    assert thresholds("K", "Stripe", "payments", None, ledger, config) == (10, 7)
    assert thresholds("X", "Stripe", "crypto-exchanges", None, ledger, config) == (20, 7)
    assert thresholds("X", "Binance", "crypto-exchanges", None, ledger, config) == (30, 7)
    assert thresholds("X", None, None, None, ledger, config) == (60, 7)
    assert thresholds("X", None, None, None, Ledger("l"), config) == (90, 14)


LEDGER = """\
keys:
  OLD_TOKEN:
    rotated: 2026-01-30
  SOON_TOKEN:
    rotated: 2026-01-31
  FRESH_TOKEN:
    rotated: 2026-02-15
    owner: ops
  VAULT_TOKEN:
    rotated: 2025-11-01
  NEVER_TOKEN:
"""


def test_ledger_ages_and_ledger_only_keys(git_repo: Path) -> None:
    commit(git_repo, {".gitignore": ".env\n", ".secret-rotation.yaml": LEDGER})
    env = "".join(
        f"{n}={fake('', 30, seed=i)}\n" for i, n in enumerate(["OLD_TOKEN", "SOON_TOKEN", "FRESH_TOKEN"])
    )
    (git_repo / ".env").write_text(env, encoding="utf-8")
    ages = _by_name(_assess(git_repo))  # 2026-05-01: due dates 04-30, 05-01, 05-16
    assert {n: (a.state, a.source, a.age_days) for n, a in ages.items()} == {
        "OLD_TOKEN": ("overdue", "ledger", 91),
        "SOON_TOKEN": ("due-soon", "ledger", 90),
        "FRESH_TOKEN": ("ok", "ledger", 75),
        "VAULT_TOKEN": ("overdue", "ledger", 181),
        "NEVER_TOKEN": ("unknown", None, None),
    }
    assert (ages["OLD_TOKEN"].path, ages["OLD_TOKEN"].line) == (".env", 1)
    assert (ages["VAULT_TOKEN"].path, ages["VAULT_TOKEN"].line) == (".secret-rotation.yaml", 9)
    assert ages["FRESH_TOKEN"].owner == "ops"


def test_per_provider_and_per_family_thresholds_use_the_matching_rule(git_repo: Path) -> None:
    commit(git_repo, {".gitignore": ".env\n", ".secret-rotation.yaml": (
        "keys:\n  PAY_KEY:\n    rotated: 2026-03-20\n  CI_TOKEN:\n    rotated: 2026-03-20\n"
        "  OTHER_TOKEN:\n    rotated: 2026-03-20\n"
        "  OWN_TOKEN:\n    rotated: 2026-03-20\n    max_age_days: 50\n"
    )})  # fmt: skip
    (git_repo / ".env").write_text(
        f"PAY_KEY={_stripe(1)}\nCI_TOKEN={github_token(2)}\nOTHER_TOKEN={fake('', 30, seed=3)}\n"
        f"OWN_TOKEN={fake('', 30, seed=4)}\n",
        encoding="utf-8",
    )
    rotation = RotationConfig(provider_max_age_days={"stripe": 30}, family_max_age_days={"github": 45})
    ages = _by_name(_assess(git_repo, config=Config(rotation=rotation, base_dir=git_repo)))
    assert (ages["PAY_KEY"].provider, ages["PAY_KEY"].max_age_days, ages["PAY_KEY"].state) == (
        "Stripe",
        30,
        "overdue",
    )
    assert (ages["CI_TOKEN"].family, ages["CI_TOKEN"].max_age_days, ages["CI_TOKEN"].state) == (
        "github",
        45,
        "due-soon",
    )
    assert (ages["OTHER_TOKEN"].max_age_days, ages["OTHER_TOKEN"].state) == (90, "ok")
    assert (ages["OWN_TOKEN"].max_age_days, ages["OWN_TOKEN"].state) == (50, "due-soon")


def test_annotation_comments_above_and_at_the_end_of_the_line(git_repo: Path) -> None:
    commit(git_repo, {".gitignore": ".env\n"})
    (git_repo / ".env").write_text(
        "# rotated: 2026-04-01\n"
        f"ABOVE_TOKEN={fake('', 30, seed=5)}\n"
        f'INLINE_TOKEN="{fake("", 30, seed=6)}"  # rotated: 2026-01-01\n'
        f"\n# rotated: someday\nBAD_TOKEN={fake('', 30, seed=7)}\n"
        f"# a comment, then a blank line\n\nPLAIN_TOKEN={fake('', 30, seed=8)}\n",
        encoding="utf-8",
    )
    result = _assess(git_repo)
    ages = _by_name(result)
    assert (ages["ABOVE_TOKEN"].rotated, ages["ABOVE_TOKEN"].source, ages["ABOVE_TOKEN"].line) == (
        date(2026, 4, 1), "annotation", 2,
    )  # fmt: skip
    assert (ages["INLINE_TOKEN"].rotated, ages["INLINE_TOKEN"].state) == (date(2026, 1, 1), "overdue")
    assert ages["BAD_TOKEN"].state == "unknown" and ages["PLAIN_TOKEN"].state == "unknown"
    assert ages["PLAIN_TOKEN"].line == 9
    assert result.notes == (".env:5: ignored rotation annotation 'someday' (expected YYYY-MM-DD)",)


def test_the_ledger_wins_over_an_annotation(git_repo: Path) -> None:
    commit(
        git_repo,
        {".gitignore": ".env\n", ".secret-rotation.yaml": "keys:\n  A_TOKEN:\n    rotated: 2026-04-20\n"},
    )
    (git_repo / ".env").write_text(
        f"A_TOKEN={fake('', 30, seed=9)}  # rotated: 2025-01-01\n", encoding="utf-8"
    )
    assert _by_name(_assess(git_repo))["A_TOKEN"].source == "ledger"


def test_git_dates_come_from_the_commit_that_introduced_the_value(git_repo: Path) -> None:
    token, other = fake("", 30, seed=10), fake("", 30, seed=11)
    commit(
        git_repo,
        {"config/app.env.example": f"DEPLOY_TOKEN={token}\nLOG_LEVEL=info\n"},
        when="2026-01-10T09:00:00+00:00",
    )
    commit(
        git_repo,
        {"config/app.env.example": f"DEPLOY_TOKEN={token}\nLOG_LEVEL=debug\nAPI_KEY=\n"},
        when="2026-03-01T09:00:00+00:00",
    )
    latest = f"DEPLOY_TOKEN={token}\nLOG_LEVEL=debug\nAPI_KEY=\nHOOK_SECRET={other}\n"
    commit(git_repo, {"config/app.env.example": latest}, when="2026-04-25T23:30:00-02:00")
    ages = _by_name(_assess(git_repo))
    assert (ages["DEPLOY_TOKEN"].rotated, ages["DEPLOY_TOKEN"].source, ages["DEPLOY_TOKEN"].age_days) == (
        date(2026, 1, 10), "git", 111,
    )  # fmt: skip
    assert ages["DEPLOY_TOKEN"].state == "overdue"
    assert (ages["HOOK_SECRET"].rotated, ages["HOOK_SECRET"].state) == (date(2026, 4, 26), "ok")  # UTC day
    assert "API_KEY" not in ages  # an empty template value is no key: nothing to rotate
    assert "LOG_LEVEL" not in ages


def test_a_changed_value_gets_the_new_commit_date_and_uncommitted_is_unknown(git_repo: Path) -> None:
    # A tracked env file: a template's value of unknown age is the template check's (env-example-value).
    commit(
        git_repo,
        {"deploy.env": f"DEPLOY_TOKEN={fake('', 30, seed=12)}\n"},
        when="2025-12-01T00:00:00+00:00",
    )
    commit(
        git_repo,
        {"deploy.env": f"DEPLOY_TOKEN={fake('', 30, seed=13)}\n"},
        when="2026-04-01T00:00:00+00:00",
    )
    assert _by_name(_assess(git_repo))["DEPLOY_TOKEN"].rotated == date(2026, 4, 1)
    (git_repo / "deploy.env").write_text(f"DEPLOY_TOKEN={fake('', 30, seed=14)}\n", encoding="utf-8")
    assert _by_name(_assess(git_repo))["DEPLOY_TOKEN"].state == "unknown"


def test_a_shallow_clone_does_not_pass_off_its_boundary_date(git_repo: Path, tmp_path: Path) -> None:
    commit(
        git_repo,
        {"app.env": f"DEPLOY_TOKEN={fake('', 30, seed=15)}\n"},
        when="2025-06-01T00:00:00+00:00",
    )
    commit(git_repo, {"README.md": "hello\n"}, when="2026-04-30T00:00:00+00:00")
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{git_repo}", str(shallow))
    assert _by_name(_assess(shallow))["DEPLOY_TOKEN"].state == "unknown"


def test_placeholder_templates_yield_to_the_env_file_and_never_count_as_values(git_repo: Path) -> None:
    template = "STRIPE_SECRET_KEY=sk_live_your_key_here\nSENTRY_DSN_TOKEN=\n"
    commit(git_repo, {".gitignore": ".env\n", ".env.example": template}, when="2025-01-01T00:00:00+00:00")
    (git_repo / ".env").write_text(f"STRIPE_SECRET_KEY={_stripe(16)}\nDEBUG=1\n", encoding="utf-8")
    ages = _assess(git_repo).keys
    assert [(a.name, a.path, a.state) for a in ages] == [("STRIPE_SECRET_KEY", ".env", "unknown")]


def test_a_template_of_empty_values_and_placeholders_has_no_key_to_rotate(git_repo: Path) -> None:
    names = [f"SERVICE{i}_API_KEY=" for i in range(40)]
    template = "\n".join([*names, "DB_PASSWORD=changeme", "SECRET_KEY=your-secret-key-here", ""])
    commit(git_repo, {".gitignore": ".env\n", ".env.example": template}, when="2025-01-01T00:00:00+00:00")
    assert list(_assess(git_repo).keys) == []


def test_values_matching_a_leak_rule_count_whatever_their_name(git_repo: Path) -> None:
    commit(git_repo, {".gitignore": ".env\n"})
    (git_repo / ".env").write_text(f"GH={github_token(17)}\nCOLOR=blue\n", encoding="utf-8")
    ages = _by_name(_assess(git_repo))
    assert list(ages) == ["GH"] and ages["GH"].provider == "GitHub"


def test_the_store_is_outside_the_repository_private_and_holds_no_plain_hash(
    git_repo: Path, tmp_path: Path
) -> None:
    commit(git_repo, {".gitignore": ".env\n"})
    token = github_token(18)
    (git_repo / ".env").write_text(f"GITHUB_TOKEN={token}\n", encoding="utf-8")
    _assess(git_repo)
    store = _store(git_repo)
    key = store.parent / "key"
    assert store.is_file() and not store.resolve().is_relative_to(git_repo.resolve())
    assert not (git_repo / ".git" / "secret-hygiene").exists()
    assert stat.S_IMODE(store.stat().st_mode) == 0o600 and stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.parent.stat().st_mode) == 0o700
    text = store.read_text(encoding="utf-8")
    plain = [
        token,
        *(hashlib.new(h, token.encode()).hexdigest() for h in ("md5", "sha1", "sha256", "sha512")),
    ]
    assert not any(p in text for p in plain) and key.read_bytes().hex() not in text
    assert not any(p in text for p in [token[:12], token[-12:]])
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", f"file://{git_repo}", str(other))
    (other / ".env").write_text(f"GITHUB_TOKEN={token}\n", encoding="utf-8")
    _assess(other)
    mine, theirs = json.loads(text), json.loads(_store(other).read_text(encoding="utf-8"))
    assert key.read_bytes() != (_store(other).parent / "key").read_bytes()  # a random key per clone
    assert mine["records"][0]["seen"] != theirs["records"][0]["seen"]
    assert git(git_repo, "status", "--porcelain") == ""


def test_the_digest_is_a_slow_scrypt_salted_with_the_per_repository_key(git_repo: Path) -> None:
    commit(git_repo, {".gitignore": ".env\n"})
    value = fake("", 30, seed=61)
    (git_repo / ".env").write_text(f"IBKR_PASSWORD={value}\n", encoding="utf-8")
    _assess(git_repo)
    key = (_store(git_repo).parent / "key").read_bytes()
    rec = json.loads(_store(git_repo).read_text(encoding="utf-8"))["records"][0]
    message = f".env\0IBKR_PASSWORD\0{value}".encode()
    expected = hashlib.scrypt(message, salt=key, n=2**13, r=8, p=1, dklen=16, maxmem=64 * 2**20)
    assert rec["seen"] == [int.from_bytes(expected[:8], "big"), int.from_bytes(expected[8:], "big")]
    assert (rec["file"], rec["name"]) == (".env", "IBKR_PASSWORD")


def test_detect_secrets_flags_nothing_in_the_store(git_repo: Path) -> None:
    from detect_secrets.core.scan import scan_file
    from detect_secrets.settings import default_settings

    commit(git_repo, {".gitignore": ".env\n"})
    names = ["IBKR_PASSWORD", "GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "DB_PASSWORD", "API_KEY"]
    lines = [f"{n}={fake('', 32, seed=70 + i)}" for i, n in enumerate(names)]
    (git_repo / ".env").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _assess(git_repo)
    with default_settings():
        assert list(scan_file(str(_store(git_repo)))) == []
        assert list(scan_file(str(git_repo / ".env")))  # the scanner does see secrets in this repo


def test_the_old_in_repository_store_is_deleted_with_a_note(git_repo: Path) -> None:
    commit(git_repo, {".gitignore": ".env\n"})
    (git_repo / ".env").write_text(f"API_TOKEN={fake('', 30, seed=62)}\n", encoding="utf-8")
    old = git_repo / ".git" / "secret-hygiene" / "rotation.json"
    old.parent.mkdir()
    old.write_text('{"version": 1, "key": "00", "records": {}}', encoding="utf-8")
    result = _assess(git_repo)
    assert not old.exists() and not old.parent.exists()
    assert any("deleted the old fingerprint store" in n for n in result.notes)
    assert _store(git_repo).is_file()


@pytest.mark.parametrize("home", ["", "relative", "/nonexistent-secret-hygiene-home"])
def test_no_usable_home_runs_without_local_state(git_repo: Path, home: str) -> None:
    commit(git_repo, {".gitignore": ".env\n"})
    (git_repo / ".env").write_text(f"API_TOKEN={fake('', 30, seed=63)}\n", encoding="utf-8")
    result = assess(
        open_repo(git_repo), git_repo, Config(base_dir=git_repo), RULES, now=_now(NOW), environ={"HOME": home}
    )
    assert any("without local fingerprints" in n for n in result.notes)
    assert not Path("/nonexistent-secret-hygiene-home").exists() and not (git_repo / "relative").exists()


def test_an_unwritable_state_directory_degrades_with_a_note(git_repo: Path, tmp_path: Path) -> None:
    commit(git_repo, {".gitignore": ".env\n"})
    (git_repo / ".env").write_text(f"API_TOKEN={fake('', 30, seed=64)}\n", encoding="utf-8")
    state = tmp_path / "state"
    state.write_text("a file where the state directory should be\n", encoding="utf-8")  # fails even as root
    result = assess(
        open_repo(git_repo), git_repo, Config(base_dir=git_repo), RULES, now=_now(NOW),
        environ={"XDG_STATE_HOME": str(state)},
    )  # fmt: skip
    assert any("cannot write the state directory" in n for n in result.notes)
    assert [a.name for a in result.keys] == ["API_TOKEN"]


def test_an_unrecorded_rotation_is_detected_then_cleared_by_record(git_repo: Path) -> None:
    commit(
        git_repo,
        {".gitignore": ".env\n", ".secret-rotation.yaml": "keys:\n  API_TOKEN:\n    rotated: 2026-04-01\n"},
    )
    env = git_repo / ".env"
    env.write_text(f"API_TOKEN={fake('', 30, seed=19)}\n", encoding="utf-8")
    assert _assess(git_repo).warnings == ()  # first sight: remembered
    env.write_text(f"API_TOKEN={fake('', 30, seed=20)}\n", encoding="utf-8")
    warnings = _assess(git_repo).warnings
    assert [(w.check, w.level, w.path, w.detail("key")) for w in warnings] == [
        ("rotation-unrecorded", "warning", ".env", "API_TOKEN")
    ]
    assert "secret-hygiene rotation record API_TOKEN" in (warnings[0].detail("fix") or "")
    assert _assess(git_repo).warnings == warnings  # it stays until the rotation is recorded
    record(
        open_repo(git_repo),
        git_repo,
        Config(base_dir=git_repo),
        RULES,
        "API_TOKEN",
        date(2026, 4, 30),
        environ=_env(),
    )
    assert _assess(git_repo).warnings == ()


def test_a_recorded_rotation_without_a_new_value_warns(git_repo: Path) -> None:
    ledger = git_repo / ".secret-rotation.yaml"
    commit(
        git_repo,
        {".gitignore": ".env\n", ".secret-rotation.yaml": "keys:\n  API_TOKEN:\n    rotated: 2026-04-01\n"},
    )
    (git_repo / ".env").write_text(f"API_TOKEN={fake('', 30, seed=21)}\n", encoding="utf-8")
    _assess(git_repo)
    ledger.write_text("keys:\n  API_TOKEN:\n    rotated: 2026-04-28\n", encoding="utf-8")
    assert [w.check for w in _assess(git_repo).warnings] == ["rotation-not-changed"]
    (git_repo / ".env").write_text(f"API_TOKEN={fake('', 30, seed=22)}\n", encoding="utf-8")
    assert _assess(git_repo).warnings == ()  # value and date moved together: a real rotation


def test_record_reports_a_value_unchanged_since_the_previous_record(git_repo: Path) -> None:
    commit(git_repo, {".gitignore": ".env\n"})
    (git_repo / ".env").write_text(f"API_TOKEN={fake('', 30, seed=23)}\n", encoding="utf-8")
    repo, config = open_repo(git_repo), Config(base_dir=git_repo)
    first = record(repo, git_repo, config, RULES, "API_TOKEN", date(2026, 4, 1), environ=_env())
    assert (first.created, first.files, first.unchanged) == (True, (".env",), ())
    again = record(repo, git_repo, config, RULES, "API_TOKEN", date(2026, 4, 2), environ=_env())
    assert again.unchanged == (".env",)


def test_in_ci_there_is_no_store(git_repo: Path) -> None:
    commit(git_repo, {".gitignore": ".env\n"})
    env = git_repo / ".env"
    env.write_text(f"API_TOKEN={fake('', 30, seed=24)}\n", encoding="utf-8")
    _assess(git_repo, ci=True)
    env.write_text(f"API_TOKEN={fake('', 30, seed=25)}\n", encoding="utf-8")
    assert _assess(git_repo, ci=True).warnings == ()
    record(
        open_repo(git_repo),
        git_repo,
        Config(base_dir=git_repo),
        RULES,
        "API_TOKEN",
        date(2026, 4, 1),
        environ={"CI": "true"},
    )
    assert not _store(git_repo).exists()


def test_an_unreadable_store_starts_afresh_with_a_note(git_repo: Path) -> None:
    commit(git_repo, {".gitignore": ".env\n"})
    (git_repo / ".env").write_text(f"API_TOKEN={fake('', 30, seed=26)}\n", encoding="utf-8")
    _store(git_repo).parent.mkdir(parents=True)
    _store(git_repo).write_text("{not json", encoding="utf-8")
    result = _assess(git_repo)
    assert result.warnings == () and any("started afresh" in n for n in result.notes)
    assert json.loads(_store(git_repo).read_text(encoding="utf-8"))["records"][0]["file"] == ".env"


def test_unreadable_env_files_are_skipped_not_fatal(git_repo: Path) -> None:
    commit(git_repo, {".gitignore": ".env*\n"})
    (git_repo / ".env").write_bytes(b"API_TOKEN=\xff\xfe\n")
    (git_repo / ".env.bin").write_bytes(b"A=\0\n")
    result = _assess(git_repo)
    assert sorted((s.path, s.reason) for s in result.skipped) == [
        (".env", "not UTF-8"),
        (".env.bin", "binary"),
    ]
    assert result.keys == ()


def test_a_multi_line_value_is_dated_by_its_newest_line(git_repo: Path) -> None:
    head, tail, nxt = fake("", 40, seed=27), fake("", 40, seed=28), fake("", 30, seed=29)
    first = f'SIGNING_KEY="{head}\n{tail}"\nNEXT_TOKEN={nxt}\n'
    commit(git_repo, {"svc.env.example": first}, when="2026-01-01T00:00:00+00:00")
    second = f'SIGNING_KEY="{head}\n{tail[::-1]}"\nNEXT_TOKEN={nxt}\n'
    commit(git_repo, {"svc.env.example": second}, when="2026-02-01T00:00:00+00:00")
    ages = _by_name(_assess(git_repo))
    assert (ages["SIGNING_KEY"].line, ages["SIGNING_KEY"].rotated) == (1, date(2026, 2, 1))
    assert (ages["NEXT_TOKEN"].line, ages["NEXT_TOKEN"].rotated) == (3, date(2026, 1, 1))


def test_an_impossible_annotation_date_is_a_note(git_repo: Path) -> None:
    commit(git_repo, {".gitignore": ".env\n"})
    (git_repo / ".env").write_text(
        f"A_TOKEN={fake('', 30, seed=30)} # rotated: 2026-02-30\n", encoding="utf-8"
    )
    result = _assess(git_repo)
    assert result.keys[0].state == "unknown" and result.notes == (
        ".env:1: ignored rotation annotation '2026-02-30' (expected YYYY-MM-DD)",
    )


def test_deleted_and_oversized_env_files(git_repo: Path) -> None:
    commit(git_repo, {"gone.env.example": "A_TOKEN=\n", "big.env.example": "B_TOKEN=\n" * 50})
    (git_repo / "gone.env.example").unlink()
    result = _assess(git_repo, config=Config(max_file_size=100, base_dir=git_repo))
    assert result.keys == () and [(s.path, s.reason) for s in result.skipped] == [
        ("big.env.example", "too large")
    ]


def test_a_store_of_another_version_starts_afresh(git_repo: Path) -> None:
    commit(git_repo, {".gitignore": ".env\n"})
    (git_repo / ".env").write_text(f"API_TOKEN={fake('', 30, seed=39)}\n", encoding="utf-8")
    _store(git_repo).parent.mkdir(parents=True)
    _store(git_repo).write_text('{"version": 99, "records": []}', encoding="utf-8")
    assert any("started afresh" in n for n in _assess(git_repo).notes)


def test_record_of_a_template_placeholder_touches_only_the_ledger(git_repo: Path) -> None:
    commit(git_repo, {".env.example": "API_TOKEN=changeme\n"})
    done = record(
        open_repo(git_repo),
        git_repo,
        Config(base_dir=git_repo),
        RULES,
        "API_TOKEN",
        date(2026, 4, 1),
        environ=_env(),
    )
    assert (done.files, done.unchanged) == ((".env.example",), ())
    assert json.loads(_store(git_repo).read_text(encoding="utf-8"))["records"] == []


def test_a_ledger_outside_the_repository_is_named_by_its_path(tmp_path: Path) -> None:
    path, shown = ledger_location(tmp_path / "repo", Config(base_dir=tmp_path / "shared"))
    assert path == tmp_path / "shared" / ".secret-rotation.yaml" and shown == str(path)


def test_config_excludes_hold_for_key_discovery() -> None:
    from secret_hygiene.config import parse_config
    from secret_hygiene.rotation.assess import env_files

    config = parse_config({"exclude": ["fixtures/"]}, "test", Path("."))
    files = [("fixtures/demo/.env.example", True), ("app/.env.example", True)]
    assert [p for p, _, _ in env_files(files, config)] == ["app/.env.example"]


def test_untracking_an_env_file_keeps_its_values_dated_by_the_commit_that_held_them(git_repo: Path) -> None:
    names = ["BINANCE_API_KEY", "BINANCE_SECRET", "ALPACA_KEY", "ALPACA_SECRET", "POLYGON_API_KEY",
             "TELEGRAM_TOKEN", "OPENAI_API_KEY"]  # fmt: skip
    text = "".join(f"{n}={fake('', 32, seed=80 + i)}\n" for i, n in enumerate(names))
    commit(git_repo, {".env": text}, when="2026-06-15T12:00:00+00:00")
    tracked = _by_name(_assess(git_repo, now="2026-11-01"))
    assert {a.state for a in tracked.values()} == {"overdue"}
    git(git_repo, "rm", "-q", "--cached", ".env")  # what the env check advises
    commit(git_repo, {".gitignore": ".env\n"}, when="2026-07-01T00:00:00+00:00")
    ages = _by_name(_assess(git_repo, now="2026-11-01"))
    assert sorted(ages) == sorted(names)
    for age in ages.values():
        assert (age.state, age.source, age.rotated) == ("overdue", "git", date(2026, 6, 15)), age
    check = run_cli(["rotation", "check", "--now", "2026-11-01"], git_repo)
    assert check.code == 1 and check.out.count("rotation-overdue") >= 7


def test_a_value_is_as_old_as_the_oldest_commit_that_held_it(git_repo: Path) -> None:
    old, new = fake("", 32, seed=91), fake("", 32, seed=92)
    commit(git_repo, {".env": f"API_TOKEN={old}\n"}, when="2026-01-10T00:00:00+00:00")
    commit(git_repo, {".env": f"# reformatted\nAPI_TOKEN='{old}'\n"}, when="2026-03-01T00:00:00+00:00")
    git(git_repo, "rm", "-q", "--cached", ".env")
    commit(git_repo, {".gitignore": ".env\n"}, when="2026-03-02T00:00:00+00:00")
    assert _by_name(_assess(git_repo))["API_TOKEN"].rotated == date(2026, 1, 10)
    (git_repo / ".env").write_text(f"API_TOKEN={new}\n", encoding="utf-8")  # rotated, never committed
    assert _by_name(_assess(git_repo))["API_TOKEN"].state == "unknown"


def test_now_before_a_recorded_rotation_is_age_zero_with_a_note(git_repo: Path) -> None:
    commit(git_repo, {".gitignore": ".env\n", ".secret-rotation.yaml": LEDGER_FUTURE})
    (git_repo / ".env").write_text(f"API_TOKEN={fake('', 30, seed=93)}\n", encoding="utf-8")
    result = _assess(git_repo, now="2026-03-01")
    age = _by_name(result)["API_TOKEN"]
    assert (age.age_days, age.state) == (0, "ok")
    assert any("after the day judged (2026-03-01)" in n for n in result.notes)
    status = run_cli(["rotation", "status", "--now", "2026-03-01"], git_repo)
    assert status.code == 0 and " -" not in status.out.split("API_TOKEN", 1)[1].split("\n")[0]


LEDGER_FUTURE = "keys:\n  API_TOKEN:\n    rotated: 2026-04-01\n"


def test_a_first_annotation_for_a_seen_value_claims_no_rotation(git_repo: Path) -> None:
    commit(git_repo, {".gitignore": ".env\n"})
    value = fake("", 30, seed=94)
    (git_repo / ".env").write_text(f"API_TOKEN={value}\n", encoding="utf-8")
    assert _assess(git_repo).warnings == ()  # seen once, date unknown
    (git_repo / ".env").write_text(f"API_TOKEN={value}  # rotated: 2026-02-01\n", encoding="utf-8")
    assert _assess(git_repo).warnings == ()  # a first date for the same value: no rotation claimed
    (git_repo / ".env").write_text(f"API_TOKEN={value}  # rotated: 2026-04-01\n", encoding="utf-8")
    assert [w.check for w in _assess(git_repo).warnings] == ["rotation-not-changed"]  # a later date: claimed


def test_an_old_store_that_cannot_be_removed_is_a_note_not_a_crash(git_repo: Path) -> None:
    commit(git_repo, {".gitignore": ".env\n"})
    (git_repo / ".env").write_text(f"API_TOKEN={fake('', 30, seed=95)}\n", encoding="utf-8")
    stuck = git_repo / ".git" / "secret-hygiene" / "rotation.json"
    stuck.mkdir(parents=True)  # unlink fails on it, as it would in a read-only .git
    result = _assess(git_repo)
    assert any("could not remove the old fingerprint store" in n for n in result.notes)
    assert [a.name for a in result.keys] == ["API_TOKEN"] and _store(git_repo).is_file()
