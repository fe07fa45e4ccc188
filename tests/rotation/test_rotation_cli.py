"""`secret-hygiene rotation status|check|record` end to end on real repositories with back-dated commits."""

from __future__ import annotations

import io
import json
import os
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from secret_hygiene.cli.commands.rotation import render_table
from secret_hygiene.model import Skipped
from secret_hygiene.rotation.assess import Assessment
from secret_hygiene.rotation.keyage import KeyAge
from testing import commit, fake, github_token, run_cli

SCHEMA = Path(__file__).resolve().parents[1] / "fixtures" / "sarif-schema-2.1.0.json"  # OASIS, vendored
NOW = ["--now", "2026-05-01"]
LEDGER = """\
# Rotation ledger: no secrets here.
max_age_days: 90
warn_days: 14

keys:
  STRIPE_SECRET_KEY:
    rotated: 2026-01-15  # Q4 audit
    owner: payments
  SENTRY_AUTH_TOKEN:
    rotated: 2026-04-20
  VAULT_ROOT_TOKEN:
    rotated: 2025-10-01  # lives in Vault, not in an env file
"""


def _values() -> dict[str, str]:
    return {
        "STRIPE_SECRET_KEY": "sk_" + "live_" + fake("", 32, seed=31),
        "GITHUB_TOKEN": github_token(32),
        "SENTRY_AUTH_TOKEN": fake("", 40, seed=33),
        "DEPLOY_TOKEN": fake("", 30, seed=34),
        "SLACK_BOT_TOKEN": fake("", 30, seed=35),
    }


@pytest.fixture
def sample(git_repo: Path) -> tuple[Path, dict[str, str]]:
    """A repository with keys in every state: ledger, annotation, git date and none."""
    values = _values()
    commit(
        git_repo, {".gitignore": ".env\n", ".secret-rotation.yaml": LEDGER}, when="2026-01-15T10:00:00+00:00"
    )
    commit(git_repo, {"deploy/ci.env.example": f"DEPLOY_TOKEN={values['DEPLOY_TOKEN']}\nLOG_LEVEL=info\n"},
           when="2026-03-10T10:00:00+00:00")  # fmt: skip
    (git_repo / ".env").write_text(
        f"STRIPE_SECRET_KEY={values['STRIPE_SECRET_KEY']}\n"
        f"# rotated: 2026-02-20\nGITHUB_TOKEN={values['GITHUB_TOKEN']}\n"
        f"SENTRY_AUTH_TOKEN={values['SENTRY_AUTH_TOKEN']}\nDEBUG=true\n"
        f"SLACK_BOT_TOKEN={values['SLACK_BOT_TOKEN']}\n",
        encoding="utf-8",
    )
    return git_repo, values


def test_status_prints_a_table_by_urgency_and_exits_zero(sample: tuple[Path, dict[str, str]]) -> None:
    repo, _ = sample
    run = run_cli(["rotation", "status", *NOW], repo, environ=_env())
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0].split() == ["KEY", "FILE", "AGE", "SOURCE", "DUE", "STATE"]
    rows = [line.split()[:6] for line in lines[1:7]]
    assert rows == [
        ["VAULT_ROOT_TOKEN", ".secret-rotation.yaml:11", "212", "ledger", "2025-12-30", "overdue"],
        ["STRIPE_SECRET_KEY", ".env:1", "106", "ledger", "2026-04-15", "overdue"],
        ["SLACK_BOT_TOKEN", ".env:6", "-", "-", "-", "unknown"],
        ["GITHUB_TOKEN", ".env:3", "70", "annotation", "2026-05-21", "ok"],
        ["DEPLOY_TOKEN", "deploy/ci.env.example:1", "52", "git", "2026-06-08", "ok"],
        ["SENTRY_AUTH_TOKEN", ".env:4", "11", "ledger", "2026-07-19", "ok"],
    ]
    assert "6 key(s): 2 overdue, 1 unknown, 3 ok (as of 2026-05-01)" in run.out


def test_due_soon_in_the_table_counts_the_days_left(sample: tuple[Path, dict[str, str]]) -> None:
    repo, _ = sample
    run = run_cli(["rotation", "status", "--now", "2026-05-07"], repo, environ=_env())
    row = next(line for line in run.out.splitlines() if line.startswith("GITHUB_TOKEN"))
    assert row.split()[5:] == ["due-soon", "(in", "14d)"]  # due 2026-05-21: exactly warn_days left


def test_status_json_lists_every_key_and_still_exits_zero(sample: tuple[Path, dict[str, str]]) -> None:
    repo, values = sample
    run = run_cli(["rotation", "status", "--format", "json", *NOW], repo, environ=_env())
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    keys = {f["details"]["key"]: f for f in doc["findings"]}
    assert set(keys) == {"VAULT_ROOT_TOKEN", "STRIPE_SECRET_KEY", "GITHUB_TOKEN", "SLACK_BOT_TOKEN",
                         "DEPLOY_TOKEN", "SENTRY_AUTH_TOKEN"}  # fmt: skip
    assert {f["level"] for f in doc["findings"]} == {"note"}
    assert keys["DEPLOY_TOKEN"]["details"]["source"] == "git"
    assert keys["STRIPE_SECRET_KEY"]["check"] == "rotation-overdue"
    assert keys["STRIPE_SECRET_KEY"]["details"]["provider"] == "Stripe"
    assert keys["GITHUB_TOKEN"]["check"] == "rotation-ok"
    assert not any(v in run.out for v in values.values())


def test_check_fails_on_overdue_keys_and_warns_on_unknown(sample: tuple[Path, dict[str, str]]) -> None:
    repo, _ = sample
    run = run_cli(["rotation", "check", "--format", "json", *NOW], repo, environ=_env())
    assert run.code == 1
    found = {(f["check"], f["details"]["key"], f["level"]) for f in json.loads(run.out)["findings"]}
    assert found == {
        ("rotation-overdue", "VAULT_ROOT_TOKEN", "error"),
        ("rotation-overdue", "STRIPE_SECRET_KEY", "error"),
        ("rotation-unknown", "SLACK_BOT_TOKEN", "warning"),
    }


def test_check_strictness_for_due_soon_and_unknown(git_repo: Path) -> None:
    commit(
        git_repo,
        {".gitignore": ".env\n", ".secret-rotation.yaml": "keys:\n  API_TOKEN:\n    rotated: 2026-02-01\n"},
    )
    env = f"API_TOKEN={fake('', 30, seed=36)}\nOTHER_TOKEN={fake('', 30, seed=37)}\n"
    (git_repo / ".env").write_text(env, encoding="utf-8")
    unknown = run_cli(["rotation", "check", "--now", "2026-04-17"], git_repo, environ=_env())
    assert unknown.code == 0 and "warning[rotation-unknown]" in unknown.out
    soon = run_cli(["rotation", "check", "--now", "2026-04-18"], git_repo, environ=_env())
    assert soon.code == 0 and "warning[rotation-due-soon]" in soon.out
    strict = run_cli(
        ["rotation", "check", "--strict", "--format", "json", "--now", "2026-04-18"], git_repo, environ=_env()
    )
    levels = {f["check"]: f["level"] for f in json.loads(strict.out)["findings"]}
    assert strict.code == 1 and levels == {"rotation-due-soon": "error", "rotation-unknown": "error"}
    assert run_cli(["rotation", "check", "--now", "2026-05-03"], git_repo, environ=_env()).code == 1


def test_per_provider_threshold_from_config(sample: tuple[Path, dict[str, str]]) -> None:
    repo, _ = sample
    (repo / ".secret-hygiene.yaml").write_text(
        "rotation:\n  provider-max-age-days: {github: 30}\n  key-max-age-days: {SENTRY_AUTH_TOKEN: 5}\n",
        encoding="utf-8",
    )
    doc = json.loads(run_cli(["rotation", "check", "--format", "json", *NOW], repo, environ=_env()).out)
    overdue = {
        f["details"]["key"]: f["details"]["max_age_days"] for f in doc["findings"] if f["level"] == "error"
    }
    assert overdue == {
        "VAULT_ROOT_TOKEN": "90",
        "STRIPE_SECRET_KEY": "90",
        "GITHUB_TOKEN": "30",
        "SENTRY_AUTH_TOKEN": "5",
    }


def test_record_keeps_the_ledger_comments_and_clears_the_overdue_key(
    sample: tuple[Path, dict[str, str]],
) -> None:
    repo, _ = sample
    run = run_cli(
        ["rotation", "record", "STRIPE_SECRET_KEY", "--date", "2026-04-30", *NOW], repo, environ=_env()
    )
    assert (run.code, run.out) == (
        0,
        "recorded STRIPE_SECRET_KEY as rotated on 2026-04-30 in .secret-rotation.yaml\n",
    )
    text = (repo / ".secret-rotation.yaml").read_text(encoding="utf-8")
    assert text == LEDGER.replace("2026-01-15  # Q4 audit", "2026-04-30  # Q4 audit")
    check = json.loads(run_cli(["rotation", "check", "--format", "json", *NOW], repo, environ=_env()).out)
    assert "STRIPE_SECRET_KEY" not in {f["details"]["key"] for f in check["findings"]}


def test_record_creates_the_ledger_at_the_configured_path(git_repo: Path) -> None:
    commit(
        git_repo,
        {".secret-hygiene.yaml": "rotation:\n  ledger: security/rotation.yaml\n  max-age-days: 60\n"},
    )
    (git_repo / "security").mkdir()
    typo = run_cli(["rotation", "record", "VAULT_TOKEN", *NOW], git_repo, environ=_env())
    assert typo.code == 2 and "add it with --new" in typo.err and typo.err.count("\n") == 1
    assert not (git_repo / "security" / "rotation.yaml").exists()
    run = run_cli(["rotation", "record", "VAULT_TOKEN", "--new", *NOW], git_repo, environ=_env())
    assert run.code == 0, run.err
    assert "in security/rotation.yaml (created the ledger)" in run.out
    assert "the ledger alone tracks it" in run.out
    text = (git_repo / "security" / "rotation.yaml").read_text(encoding="utf-8")
    assert "max_age_days: 60" in text and "VAULT_TOKEN:\n    rotated: 2026-05-01" in text


def test_a_malformed_ledger_exits_2_naming_the_line(sample: tuple[Path, dict[str, str]]) -> None:
    repo, _ = sample
    (repo / ".secret-rotation.yaml").write_text(
        "keys:\n  A_TOKEN:\n    rotated: last tuesday\n", encoding="utf-8"
    )
    for args in (["status"], ["check"], ["record", "A_TOKEN"]):
        run = run_cli(["rotation", *args, *NOW], repo, environ=_env())
        assert run.code == 2
        assert run.err.startswith("secret-hygiene: error: .secret-rotation.yaml:3: keys.A_TOKEN.rotated")
        assert run.err.count("\n") == 1 and "Traceback" not in run.err
    assert "last tuesday" in (repo / ".secret-rotation.yaml").read_text(encoding="utf-8")


def test_a_value_change_is_caught_by_the_local_fingerprint(sample: tuple[Path, dict[str, str]]) -> None:
    repo, values = sample
    assert run_cli(["rotation", "check", *NOW], repo, environ=_env()).code == 1
    env = repo / ".env"
    env.write_text(
        env.read_text(encoding="utf-8").replace(values["SENTRY_AUTH_TOKEN"], fake("", 40, seed=38))
    )
    run = run_cli(["rotation", "status", *NOW], repo, environ=_env())
    assert run.code == 0
    assert "warning[rotation-unrecorded] .env:4: SENTRY_AUTH_TOKEN in .env changed" in run.out
    assert "secret-hygiene rotation record SENTRY_AUTH_TOKEN" in run.out
    rec = run_cli(["rotation", "record", "SENTRY_AUTH_TOKEN", *NOW], repo, environ=_env())
    assert rec.code == 0 and rec.err == ""
    assert "rotation-unrecorded" not in run_cli(["rotation", "status", *NOW], repo, environ=_env()).out
    same_day = run_cli(["rotation", "record", "SENTRY_AUTH_TOKEN", *NOW], repo, environ=_env())
    assert same_day.code == 0 and same_day.err == ""  # recording the same date again claims nothing
    later = ["--now", "2026-05-09"]
    again = run_cli(["rotation", "record", "SENTRY_AUTH_TOKEN", *later], repo, environ=_env())
    assert "has the same value as at its previous record" in again.err


def test_ci_never_touches_the_store(sample: tuple[Path, dict[str, str]]) -> None:
    repo, _ = sample
    run = run_cli(["rotation", "status", *NOW], repo, environ=_env(CI="true"))
    assert run.code == 0
    assert not (repo / ".git" / "secret-hygiene").exists()
    assert not (Path(os.environ["HOME"]) / ".local" / "state").exists()


def test_file_limits_the_keys(sample: tuple[Path, dict[str, str]]) -> None:
    repo, _ = sample
    run = run_cli(
        ["rotation", "status", "--file", "deploy/ci.env.example", *NOW], repo / "deploy", environ=_env()
    )
    assert run.code == 2 and "no such file" in run.err  # relative to the working directory
    run = run_cli(["rotation", "status", "--file", "ci.env.example", *NOW], repo / "deploy", environ=_env())
    assert [line.split()[0] for line in run.out.splitlines()[1:2]] == ["DEPLOY_TOKEN"]
    assert "1 key(s)" in run.out
    bad = run_cli(["rotation", "record", "GITHUB_TOKEN", "--file", ".env.nope", *NOW], repo, environ=_env())
    assert bad.code == 2
    (repo / "notes.env").write_text("X=1\n", encoding="utf-8")
    bad = run_cli(["rotation", "record", "GITHUB_TOKEN", "--file", "notes.env", *NOW], repo, environ=_env())
    assert bad.code == 2 and "GITHUB_TOKEN is not set in notes.env" in bad.err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["rotation", "status", "--now", "tomorrow"], "is not a date"),
        (["rotation", "record"], "name the KEY"),
        (["rotation", "status", "API_TOKEN"], "takes no KEY"),
        (["rotation", "check", "--date", "2026-01-01"], "--date is for 'record'"),
        (["rotation", "record", "API_TOKEN", "--date", "2026-05-02", *NOW], "is after today"),
        (["rotation", "audit"], "invalid choice"),
        (["rotation", "record", "API_TOKEN", "--date", "01/05/2026"], "is not a date"),
    ],
)
def test_usage_errors_exit_2(git_repo: Path, args: list[str], words: str) -> None:
    run = run_cli(args, git_repo, environ=_env())
    assert run.code == 2 and words in run.err and run.err.count("\n") == 1


def test_file_outside_the_repository_exits_2(git_repo: Path, tmp_path: Path) -> None:
    (tmp_path / "outside.env").write_text("A_TOKEN=x\n", encoding="utf-8")
    run = run_cli(["rotation", "status", "--file", "../outside.env"], git_repo, environ=_env())
    assert run.code == 2 and "outside the repository" in run.err


def test_status_output_file_and_an_empty_repository(git_repo: Path) -> None:
    commit(git_repo, {"README.md": "hi\n"})
    run = run_cli(["rotation", "status", "--output", "status.txt", *NOW], git_repo, environ=_env())
    assert (run.code, run.out) == (0, "")
    text = (git_repo / "status.txt").read_text(encoding="utf-8")
    assert text.startswith("no keys found") and "0 key(s) (as of 2026-05-01)" in text
    quiet = run_cli(["rotation", "status", "-q", *NOW], git_repo, environ=_env())
    assert (quiet.code, quiet.out) == (0, "")
    bad = run_cli(["rotation", "status", "--output", "no/such/dir/x.txt", *NOW], git_repo, environ=_env())
    assert bad.code == 2 and "cannot write" in bad.err


def test_the_table_colours_only_the_state() -> None:
    ages = (
        KeyAge("A_TOKEN", ".env", 1, "overdue", "ledger", date(2026, 1, 1), 120, date(2026, 4, 1), 90, 14),
        KeyAge("B_TOKEN", ".env", 2, "ok", "git", date(2026, 4, 1), 30, date(2026, 6, 30), 90, 14),
        KeyAge("C_TOKEN", ".env", 3, "due-soon", "ledger", date(2026, 2, 1), 89, date(2026, 5, 2), 90, 14),
    )
    out = io.StringIO()
    render_table(
        Assessment(ages, skipped=(Skipped(".env.bin", "binary"),)), out, date(2026, 5, 1), color=True
    )
    lines = out.getvalue().splitlines()
    assert lines[1].endswith("\033[31moverdue (30d late)\033[0m")
    assert lines[2].endswith("\033[33mdue-soon (in 1d)\033[0m")
    assert lines[3].endswith("  ok") and "\033" not in lines[3]
    assert "skipped .env.bin: binary" in lines


def test_outside_git_exits_2(plain_dir: Path) -> None:
    run = run_cli(["rotation", "status"], plain_dir, environ=_env())
    assert run.code == 2 and "not a git repository" in run.err


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_no_format_ever_holds_a_value(sample: tuple[Path, dict[str, str]], fmt: str) -> None:
    repo, values = sample
    run = run_cli(["rotation", "check", "--format", fmt, *NOW], repo, environ=_env())
    assert run.out and run.code == 1
    assert not any(v in run.out or v in run.err for v in values.values())
    if fmt == "github":
        assert "::error file=.env,line=1," in run.out


def test_status_under_github_actions_prints_workflow_commands(sample: tuple[Path, dict[str, str]]) -> None:
    repo, _ = sample
    run = run_cli(["rotation", "status", *NOW], repo, environ=_env(GITHUB_ACTIONS="true"))
    assert run.code == 0 and run.out.startswith("::")


def test_sarif_validates(sample: tuple[Path, dict[str, str]]) -> None:
    repo, _ = sample
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    for action in ("status", "check"):
        jsonschema.validate(
            json.loads(run_cli(["rotation", action, "--format", "sarif", *NOW], repo).out), schema
        )


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "GITHUB_ACTIONS")}
    return {**env, **extra}
