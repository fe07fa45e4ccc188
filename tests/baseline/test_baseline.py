"""Baselines end to end: create, update, audit, and `--baseline` on every checking command (issue 7)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from secret_hygiene.baseline.known import Known, load
from secret_hygiene.cli import main
from secret_hygiene.context import Context
from secret_hygiene.engine.rules import load_rules
from secret_hygiene.engine.scanner import Engine, redacted_lines
from secret_hygiene.errors import BaselineError
from secret_hygiene.model import Blob, Finding
from testing import Run, commit, fake, git, github_token, run_cli

FILE = ".secret-hygiene-baseline.json"


def stripe_live(seed: int) -> str:
    return "sk_" + "live_" + fake("", 32, seed=seed)


@pytest.fixture
def leaky(git_repo: Path) -> tuple[Path, dict[str, str]]:
    """Known findings of three kinds: a tracked key, a key only in history, a tracked .env."""
    keys = {"tracked": stripe_live(91), "history": github_token(92), "env": fake("", 20, seed=93)}
    commit(git_repo, {"old.py": f'T = "{keys["history"]}"\n'})
    commit(git_repo, {"old.py": None})
    commit(git_repo, {"app.py": f'KEY = "{keys["tracked"]}"\n', ".env": f"DB_PASSWORD={keys['env']}\n"})
    return git_repo, keys


class Tty(io.StringIO):
    """A stdin that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def run_tty(args: list[str], cwd: Path, answers: str) -> Run:
    out, err = io.StringIO(), io.StringIO()
    code = main(args, Context(out, err, Tty(answers), dict(os.environ), cwd))
    return Run(code, out.getvalue(), err.getvalue())


def entries(path: Path) -> list[dict[str, Any]]:
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = doc["entries"]
    return found


def test_create_writes_known_findings_and_never_a_secret(leaky: tuple[Path, dict[str, str]]) -> None:
    repo, keys = leaky
    run = run_cli(["baseline", "create"], repo)
    assert run.code == 0, run.err
    assert f"wrote {repo / FILE}" in run.out
    text = (repo / FILE).read_text(encoding="utf-8")
    assert all(value not in text and value[:12] not in text for value in keys.values())
    doc = json.loads(text)
    assert doc["tool"] == "secret-hygiene" and doc["checks"] == ["leak", "history", "env", "rotation"]
    got = {(e["check"], e["path"], e["commit"] is not None) for e in doc["entries"]}
    assert {("leak", "app.py", False), ("leak", "old.py", True), ("env-tracked", ".env", False)} <= got
    for e in doc["entries"]:
        rotation = {"accepted_until"} if e["check"].startswith("rotation-") else set()
        assert set(e) == {"check", "rule_id", "path", "line", "commit", "fingerprint", "status", *rotation}
        assert e["status"] == "unreviewed"


LEDGER = "keys:\n  STRIPE_KEY: {rotated: 2020-01-01}\n"


def test_the_adoption_path_passes_and_an_accepted_rotation_expires(git_repo: Path) -> None:
    commit(git_repo, {".gitignore": ".env\n", ".secret-rotation.yaml": LEDGER})
    assert run_cli(["audit"], git_repo).code == 1  # overdue since 2020
    assert run_cli(["baseline", "create"], git_repo).code == 0
    (entry,) = entries(git_repo / FILE)
    today = datetime.now(timezone.utc).date()
    assert entry["check"] == "rotation-overdue"
    assert entry["accepted_until"] == (today + timedelta(days=30)).isoformat()
    assert run_cli(["audit", "--baseline", FILE], git_repo).code == 0
    assert run_cli(["rotation", "check", "--baseline", FILE], git_repo).code == 0
    later = (today + timedelta(days=31)).isoformat()
    late = run_cli(["audit", "--baseline", FILE, "--now", later], git_repo)
    assert late.code == 1 and "error[rotation-overdue]" in late.out
    assert f"accepted by the baseline until {entry['accepted_until']}" in late.out


def test_update_keeps_the_accepted_day_unless_given_a_new_grace(git_repo: Path) -> None:
    commit(git_repo, {".gitignore": ".env\n", ".secret-rotation.yaml": LEDGER})
    assert run_cli(["baseline", "create", "--grace-days", "7"], git_repo).code == 0
    first = entries(git_repo / FILE)[0]["accepted_until"]
    today = datetime.now(timezone.utc).date()
    assert first == (today + timedelta(days=7)).isoformat()
    assert run_cli(["baseline", "update"], git_repo).code == 0
    assert entries(git_repo / FILE)[0]["accepted_until"] == first
    assert run_cli(["baseline", "update", "--grace-days", "60"], git_repo).code == 0
    assert entries(git_repo / FILE)[0]["accepted_until"] == (today + timedelta(days=60)).isoformat()
    for bad in ("-1", "soon"):
        run = run_cli(["baseline", "create", "--force", "--grace-days", bad], git_repo)
        assert run.code == 2 and "--grace-days" in run.err


def test_a_past_accepted_day_is_listed_and_a_malformed_one_is_exit_two(git_repo: Path) -> None:
    commit(git_repo, {".gitignore": ".env\n", ".secret-rotation.yaml": LEDGER})
    assert run_cli(["baseline", "create"], git_repo).code == 0
    doc = json.loads((git_repo / FILE).read_text(encoding="utf-8"))
    doc["entries"][0]["accepted_until"] = "2020-02-01"
    (git_repo / FILE).write_text(json.dumps(doc), encoding="utf-8")
    said = run_cli(["baseline", "audit", FILE], git_repo).out
    assert "expired: rotation-overdue .secret-rotation.yaml was accepted until 2020-02-01" in said
    doc["entries"][0]["accepted_until"] = "next year"
    (git_repo / FILE).write_text(json.dumps(doc), encoding="utf-8")
    run = run_cli(["audit", "--baseline", FILE], git_repo)
    assert run.code == 2 and "accepted_until" in run.err and run.err.count("\n") == 1


def test_create_refuses_to_overwrite_unless_forced(leaky: tuple[Path, dict[str, str]]) -> None:
    repo, _ = leaky
    (repo / FILE).write_text("{}", encoding="utf-8")
    run = run_cli(["baseline", "create"], repo)
    assert run.code == 2 and "exists" in run.err and (repo / FILE).read_text(encoding="utf-8") == "{}"
    assert run_cli(["baseline", "create", "--force", "--checks", "leak"], repo).code == 0
    assert {e["check"] for e in entries(repo / FILE)} == {"leak"}


def test_bad_flags_and_files_exit_2(leaky: tuple[Path, dict[str, str]], plain_dir: Path) -> None:
    repo, _ = leaky
    assert run_cli(["baseline", "create", "--checks", "leak,nope"], repo).code == 2
    assert run_cli(["baseline", "create", "--strict"], repo).code == 2
    assert run_cli(["baseline", "update"], repo).code == 2  # nothing to update yet
    (repo / "bad.json").write_text("{not json", encoding="utf-8")
    run = run_cli(["baseline", "audit", "bad.json"], repo)
    assert run.code == 2 and len(run.err.splitlines()) == 1
    assert run_cli(["scan", "--baseline", "bad.json"], repo).code == 2
    assert run_cli(["baseline", "create"], plain_dir).code == 2


@pytest.mark.parametrize("command", [["scan"], ["history"], ["env", "--history"], ["audit"]])
def test_scans_with_a_baseline_fail_only_on_new_findings(
    leaky: tuple[Path, dict[str, str]], command: list[str]
) -> None:
    repo, _ = leaky
    assert run_cli([*command, "-q"], repo).code == 1
    assert run_cli(["baseline", "create", "--output", "known.json"], repo).code == 0
    run = run_cli([*command, "--baseline", "known.json", "--format", "json"], repo)
    assert run.code == 0, run.out
    assert json.loads(run.out)["summary"]["suppressed"] >= 1
    new_key = github_token(94)
    commit(repo, {"new.py": f'T = "{new_key}"\n', "sub/.env": "X=1\n"})
    run = run_cli([*command, "--baseline", "known.json", "--format", "json"], repo)
    assert run.code == 1
    assert {f["path"] for f in json.loads(run.out)["findings"]} <= {"new.py", "sub/.env", ".env"}
    assert all(f["path"] != "app.py" for f in json.loads(run.out)["findings"])


def test_config_baseline_is_the_default_for_scans_and_for_create(leaky: tuple[Path, dict[str, str]]) -> None:
    repo, _ = leaky
    (repo / ".secret-hygiene.yaml").write_text("baseline: ci/known.json\n", encoding="utf-8")
    (repo / "ci").mkdir()
    run = run_cli(["baseline", "create"], repo)
    assert run.code == 0, run.err
    assert (repo / "ci" / "known.json").is_file() and not (repo / FILE).exists()
    assert run_cli(["audit", "-q"], repo).code == 0
    assert run_cli(["baseline", "audit"], repo).code == 0


def test_update_keeps_review_status_adds_new_and_drops_stale(leaky: tuple[Path, dict[str, str]]) -> None:
    repo, _ = leaky
    assert run_cli(["baseline", "create"], repo).code == 0
    doc = json.loads((repo / FILE).read_text(encoding="utf-8"))
    for e in doc["entries"]:
        if e["path"] == "app.py":
            e["status"] = "false-positive"
    (repo / FILE).write_text(json.dumps(doc), encoding="utf-8")
    commit(repo, {".env": None, "new.py": f'T = "{github_token(95)}"\n'})
    run = run_cli(["baseline", "update"], repo)
    assert run.code == 0, run.err
    assert "1 new (unreviewed)" in run.out and "stale dropped" in run.out
    after = entries(repo / FILE)
    status = {e["path"]: e["status"] for e in after if e["check"] == "leak" and e["commit"] is None}
    assert status == {"app.py": "false-positive", "new.py": "unreviewed"}
    assert not any(e["check"] == "env-tracked" for e in after)  # .env is no longer tracked: stale
    assert json.loads((repo / FILE).read_text(encoding="utf-8"))["checks"] == [
        "leak",
        "history",
        "env",
        "rotation",
    ]


def test_audit_reports_stale_entries_and_counts(leaky: tuple[Path, dict[str, str]]) -> None:
    repo, _ = leaky
    assert run_cli(["baseline", "create", "--checks", "leak"], repo).code == 0
    run = run_cli(["baseline", "audit", FILE, "--strict"], repo)
    assert run.code == 0 and "0 stale" in run.out and "unreviewed" in run.out
    (repo / "app.py").write_text("KEY = None\n", encoding="utf-8")
    run = run_cli(["baseline", "audit", FILE], repo)
    assert run.code == 0
    assert "stale: stripe-live-secret-key app.py:1 (leak): no longer found" in run.out
    assert "1 stale" in run.out
    assert run_cli(["baseline", "audit", FILE, "--strict"], repo).code == 1


def test_interactive_audit_marks_entries_and_shows_redacted_context(
    leaky: tuple[Path, dict[str, str]],
) -> None:
    repo, keys = leaky
    (repo / "app.py").write_text(f'# settings\nimport os\nKEY = "{keys["tracked"]}"\nDEBUG = True\n', "utf-8")
    assert run_cli(["baseline", "create", "--checks", "leak,history"], repo).code == 0
    todo = entries(repo / FILE)
    assert len(todo) == 3  # app.py, .env and old.py (history)
    run = run_tty(["baseline", "audit"], repo, "f\nmaybe\nr\n")
    assert run.code == 0, run.err
    assert all(value not in run.out for value in keys.values())
    assert '  > 3 | KEY = "sk_l************ (40 chars)"' in run.out
    assert "  1 | # settings" in run.out and "please answer" in run.out
    assert "marked 1 real, 1 false positive; 1 left unreviewed" in run.out
    statuses = sorted(e["status"] for e in entries(repo / FILE))
    assert statuses == ["false-positive", "real", "unreviewed"]
    run = run_tty(["baseline", "audit"], repo, "q\n")
    assert "[1/1]" in run.out and "commit " in run.out
    assert "0 left unreviewed" not in run.out


def test_detect_secrets_baseline_suppresses_the_same_findings(git_repo: Path) -> None:
    keys = {"stripe": stripe_live(96), "github": github_token(97), "password": fake("", 20, seed=98)}
    settings = f'STRIPE = "{keys["stripe"]}"\nGH = \'{keys["github"]}\'\npassword = "{keys["password"]}"\n'
    commit(git_repo, {"settings.py": settings, "deploy.env": f"GITHUB_TOKEN={github_token(99)}\n"})
    ours = run_cli(["scan", "--format", "json"], git_repo)
    assert ours.code == 1
    found = json.loads(ours.out)["findings"]
    assert len(found) == 4
    subprocess.run(
        [sys.executable, "-m", "detect_secrets", "scan"], cwd=git_repo, check=True,
        stdout=(git_repo / ".secrets.baseline").open("w"),
    )  # fmt: skip
    doc = json.loads((git_repo / ".secrets.baseline").read_text(encoding="utf-8"))
    assert set(doc["results"]) == {"settings.py", "deploy.env"}
    assert "is_secret" not in json.dumps(doc)
    assert run_cli(["scan", "--baseline", ".secrets.baseline"], git_repo).code == 1  # not audited yet

    def mark(real: set[str]) -> None:  # as `detect-secrets audit` records an answer
        for name, items in doc["results"].items():
            for item in items:
                item["is_secret"] = name in real
        (git_repo / ".secrets.baseline").write_text(json.dumps(doc), encoding="utf-8")

    mark(real=set())
    run = run_cli(["scan", "--baseline", ".secrets.baseline", "--format", "json"], git_repo)
    assert run.code == 0, run.out
    assert json.loads(run.out)["summary"]["suppressed"] == 4
    mark(real={"deploy.env"})  # audited as a real secret: stays a finding
    run = run_cli(["scan", "--baseline", ".secrets.baseline", "--format", "json"], git_repo)
    assert [f["path"] for f in json.loads(run.out)["findings"]] == ["deploy.env"]
    mark(real=set())
    commit(
        git_repo, {"settings.py": f'OTHER = "{stripe_live(100)}"\n' + (git_repo / "settings.py").read_text()}
    )
    run = run_cli(["scan", "--baseline", ".secrets.baseline", "--format", "json"], git_repo)
    assert run.code == 1  # a new key in the same file is not covered; a line shift does not matter
    assert [(f["path"], f["line"]) for f in json.loads(run.out)["findings"]] == [("settings.py", 1)]
    assert run_cli(["baseline", "audit", ".secrets.baseline"], git_repo).code == 2


def test_prefix_hashes_match_only_on_the_same_line(tmp_path: Path) -> None:
    token = github_token(101)
    engine = Engine(load_rules(), baseline_hashes=True)  # the hashes a detect-secrets baseline needs
    data = f"A={token}\n".encode()
    (finding,) = [f for f in engine.scan_blob(Blob("x.env", data)) if isinstance(f, Finding)]
    prefix = hashlib.sha1(token[:3].encode()).hexdigest()
    assert Known(hashed_lines=frozenset({("x.env", 1, prefix)})).covers(finding)
    assert not Known(hashed_lines=frozenset({("x.env", 2, prefix)})).covers(finding)
    assert not Known(hashed=frozenset({("x.env", prefix)})).covers(finding)
    (tmp_path / "b.json").write_text('{"tool": "secret-hygiene", "entries": [{"rule_id": 1}]}', "utf-8")
    with pytest.raises(BaselineError, match="entry #1"):
        load(tmp_path / "b.json")


def test_redacted_lines_never_hold_a_secret() -> None:
    key, token = stripe_live(102), github_token(103)
    pem = (
        "-----BEGIN RSA PRIVATE KEY-----\n" + fake("MII", 60, seed=104) + "\n-----END RSA PRIVATE KEY-----\n"
    )
    data = f'a = "{key}"\nb = "{token}"  # and "{key}"\n{pem}last line\n'.encode()
    lines = redacted_lines(data, Engine(load_rules()))
    text = "\n".join(lines)
    assert key not in text and token not in text and fake("MII", 60, seed=104) not in text
    assert len(lines) == len(data.decode().splitlines())
    assert lines[-1] == "last line"


def test_a_committed_baseline_holds_nothing_the_scan_flags(leaky: tuple[Path, dict[str, str]]) -> None:
    repo, _ = leaky
    assert run_cli(["baseline", "create"], repo).code == 0
    git(repo, "add", FILE)
    run = run_cli(["scan", FILE, "--format", "json"], repo)
    assert run.code == 0 and json.loads(run.out)["findings"] == []
