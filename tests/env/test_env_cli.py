"""`secret-hygiene env` end to end on real repositories in tmp_path (issue 5)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from secret_hygiene.env.fix import HEADER
from testing import commit, fake, git, github_token, run_cli

TEMPLATES = Path(__file__).parents[1] / "fixtures" / "env_templates"
FORMATS = ["text", "json", "sarif", "github"]


def env_json(repo: Path, *args: str) -> tuple[int, list[dict[str, Any]], dict[str, Any]]:
    run = run_cli(["env", *args, "--format", "json"], repo)
    assert run.code in (0, 1), run.err
    doc = json.loads(run.out)
    return run.code, doc["findings"], doc["summary"]


def checks(findings: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return sorted((f["check"], f["path"]) for f in findings)


def stripe_live(seed: int = 1) -> str:
    return "sk_" + "live_" + fake("", 24, seed=seed)


def test_repo_without_env_files_passes_and_says_what_it_checked(git_repo: Path) -> None:
    commit(git_repo, {"README.md": "hello\n", ".gitignore": ".env\n"})
    run = run_cli(["env"], git_repo)
    assert run.code == 0, run.out + run.err
    assert "no env files or templates found" in run.out and "at the repo root" in run.out
    assert "OK" in run.out


def test_repo_that_never_had_env_files_warns_on_the_root_env(git_repo: Path) -> None:
    commit(git_repo, {"README.md": "hello\n"})
    code, found, _ = env_json(git_repo)
    assert code == 0
    assert checks(found) == [("env-not-ignored", ".env")]
    assert found[0]["details"]["exists"] == "no" and found[0]["level"] == "warning"
    assert run_cli(["env", "--strict"], git_repo).code == 1
    audit = run_cli(["audit", "--now", "2026-05-01"], git_repo)
    assert audit.code == 0 and "warning[env-not-ignored] .env" in audit.out
    assert run_cli(["audit", "--now", "2026-05-01", "--strict"], git_repo).code == 1


@pytest.mark.parametrize(
    "files",
    [
        {".env.example": "API_KEY=\n"},  # a template exists
        {"config/.env": "A=1\n"},  # an env file existed: added, then removed
    ],
)
def test_not_ignored_root_env_fails_where_env_files_exist_or_existed(
    git_repo: Path, files: dict[str, str | None]
) -> None:
    commit(git_repo, {"README.md": "hello\n", **files})
    if "config/.env" in files:
        commit(git_repo, {"config/.env": None})
    code, found, _ = env_json(git_repo)
    assert code == 1
    root = next(f for f in found if f["check"] == "env-not-ignored" and f["path"] == ".env")
    assert root["level"] == "error"


def root_env_level(repo: Path) -> str:
    _, found, _ = env_json(repo)
    return str(next(f["level"] for f in found if f["check"] == "env-not-ignored" and f["path"] == ".env"))


def test_whether_an_env_file_ever_existed_follows_new_commits_and_rewritten_history(git_repo: Path) -> None:
    """The answer is kept per repository with its HEAD (a commit hook asks at every commit): new
    commits are read on top of it, and a HEAD that no longer descends from it is read afresh."""
    base = commit(git_repo, {"README.md": "hello\n"})
    assert root_env_level(git_repo) == "warning"
    commit(git_repo, {"config/.env": "A=1\n"})
    commit(git_repo, {"config/.env": None})
    assert root_env_level(git_repo) == "error"  # only the two new commits were read
    assert root_env_level(git_repo) == "error"  # the kept answer
    git(git_repo, "reset", "-q", "--hard", base)  # history rewritten: the env file never was
    assert root_env_level(git_repo) == "warning"
    commit(git_repo, {"docs/prod.env": "B=2\n"}, message="a name of another shape")
    commit(git_repo, {"docs/prod.env": None})
    assert root_env_level(git_repo) == "error"


def test_a_damaged_kept_answer_is_read_again_from_git(git_repo: Path) -> None:
    commit(git_repo, {"README.md": "hello\n", "config/.env": "A=1\n"})
    commit(git_repo, {"config/.env": None})
    assert root_env_level(git_repo) == "error"
    cache_dir = Path(os.environ["XDG_CACHE_HOME"]) / "secret-hygiene"
    for entry in cache_dir.glob("env-added-*.json"):  # its checksum no longer matches
        entry.write_bytes(entry.read_bytes().replace(b'"added": true', b'"added": false'))
    assert root_env_level(git_repo) == "error"


def test_empty_repository_without_commits(git_repo: Path) -> None:
    (git_repo / ".gitignore").write_text(".env\n", encoding="utf-8")
    (git_repo / ".env").write_text("A=1\n", encoding="utf-8")
    code, found, summary = env_json(git_repo, "--history")
    assert code == 0 and found == []
    assert "history: no commits yet" in summary["notes"]


def test_not_a_git_repository_exits_2_with_one_line(plain_dir: Path) -> None:
    (plain_dir / ".env").write_text("A=1\n", encoding="utf-8")
    run = run_cli(["env"], plain_dir)
    assert run.code == 2 and run.out == ""
    assert len(run.err.strip().splitlines()) == 1 and "not a git repository" in run.err


def test_env_file_not_ignored_then_ignored(git_repo: Path) -> None:
    commit(git_repo, {"app.py": "print(1)\n"})
    (git_repo / ".env").write_text("A=1\n", encoding="utf-8")
    (git_repo / "prod.env").write_text("A=1\n", encoding="utf-8")
    code, found, _ = env_json(git_repo)
    assert code == 1
    assert checks(found) == [("env-not-ignored", ".env"), ("env-not-ignored", "prod.env")]
    (git_repo / ".gitignore").write_text(".env\n*.env\n", encoding="utf-8")
    assert env_json(git_repo)[0] == 0


def test_negation_is_reported_with_the_line_that_does_it(git_repo: Path) -> None:
    commit(git_repo, {
        ".gitignore": ".env\n.env.*\n!.env.example\n",
        "apps/web/.gitignore": "# keep local overrides\n!.env.local\n",
        "apps/web/.env.example": "API_URL=\n",
    })  # fmt: skip
    (git_repo / "apps/web/.env.local").write_text("API_URL=http://x\n", encoding="utf-8")
    code, found, _ = env_json(git_repo)
    assert code == 1
    assert checks(found) == [("env-not-ignored", "apps/web/.env.local")]
    assert found[0]["details"]["rule"] == "apps/web/.gitignore:2:!.env.local"
    assert "'!.env.local' at apps/web/.gitignore:2" in found[0]["message"]


def test_global_excludes_file_counts(git_repo: Path, tmp_path: Path) -> None:
    global_ignore = tmp_path / "global-gitignore"
    global_ignore.write_text("# mine\n.env\n", encoding="utf-8")
    git(git_repo, "config", "core.excludesFile", str(global_ignore))
    commit(git_repo, {"app.py": "print(1)\n"})
    (git_repo / ".env").write_text("A=1\n", encoding="utf-8")
    run = run_cli(["env", "-v"], git_repo)
    assert run.code == 0, run.out
    assert f".env is ignored by {global_ignore}:2:.env" in run.out


def test_info_exclude_counts(git_repo: Path) -> None:
    commit(git_repo, {"app.py": "print(1)\n"})
    (git_repo / ".git" / "info").mkdir(exist_ok=True)
    (git_repo / ".git" / "info" / "exclude").write_text(".env\n", encoding="utf-8")
    (git_repo / ".env").write_text("A=1\n", encoding="utf-8")
    run = run_cli(["env", "-v"], git_repo)
    assert run.code == 0 and ".env is ignored by .git/info/exclude:1:.env" in run.out


def test_tracked_env_file_is_reported_with_the_untrack_command_and_left_tracked(git_repo: Path) -> None:
    commit(git_repo, {".env": "A=1\n", "config/my app.env": "B=2\n"})
    commit(git_repo, {".gitignore": ".env\n*.env\n"})
    code, found, _ = env_json(git_repo)
    assert code == 1
    assert checks(found) == [("env-tracked", ".env"), ("env-tracked", "config/my app.env")]
    fixes = sorted(f["details"]["fix"] for f in found)
    assert fixes == ["git rm --cached 'config/my app.env'", "git rm --cached .env"]
    assert git(git_repo, "ls-files").split("\n")[:2] == [".env", ".gitignore"]


def test_history_reports_env_files_ever_committed_with_commit_date_and_leaks(git_repo: Path) -> None:
    token = github_token(31)
    first = commit(git_repo, {".env": f"GITHUB_TOKEN={token}\n"}, when="2025-03-04T05:06:07+00:00")
    commit(git_repo, {".env": None, ".gitignore": ".env\n"}, when="2025-03-05T00:00:00+00:00")
    second = commit(git_repo, {"svc/.env.production": "PORT=1\n"}, when="2025-04-01T00:00:00+00:00")
    commit(git_repo, {"svc/.env.production": None}, when="2025-04-02T00:00:00+00:00")
    assert env_json(git_repo)[0] == 0
    code, found, summary = env_json(git_repo, "--history")
    assert code == 1 and "env-in-history" in summary["checks"]
    by_path = {f["path"]: f for f in found}
    assert set(by_path) == {".env", "svc/.env.production"}
    leaked, clean = by_path[".env"], by_path["svc/.env.production"]
    assert leaked["commit"] == first and leaked["details"]["date"] == "2025-03-04T05:06:07+00:00"
    assert leaked["details"]["leaks"] != "none" and "github" in leaked["details"]["leaks"]
    assert leaked["secret"] and token not in json.dumps(found)
    assert clean["commit"] == second and clean["details"]["leaks"] == "none" and clean["secret"] is None


def test_history_counts_an_env_file_renamed_into_place(git_repo: Path) -> None:
    commit(git_repo, {".gitignore": ".env\n", "notes.txt": "A=1\n"})
    git(git_repo, "mv", "notes.txt", ".env.staging")
    git(git_repo, "commit", "-q", "-m", "rename")
    git(git_repo, "rm", "-q", "--cached", ".env.staging")
    git(git_repo, "commit", "-q", "-m", "untrack")
    _, found, _ = env_json(git_repo, "--history")
    assert ("env-in-history", ".env.staging") in checks(found)


def test_template_with_a_real_stripe_key_fails_and_placeholders_pass(git_repo: Path) -> None:
    commit(git_repo, {".gitignore": ".env\n", ".env.example": "STRIPE_SECRET_KEY=sk_test_****\nPORT=8080\n"})
    assert env_json(git_repo)[0] == 0
    key = stripe_live(2)
    (git_repo / ".env.example").write_text(f"PORT=8080\nSTRIPE_SECRET_KEY={key}\n", encoding="utf-8")
    code, found, _ = env_json(git_repo)
    assert code == 1
    assert [(f["check"], f["rule_id"], f["line"], f["column"]) for f in found] == [
        ("env-example-value", "stripe-live-secret-key", 2, 19)
    ]
    assert found[0]["secret"].startswith("sk_l") and key not in json.dumps(found)


def test_url_with_a_real_password_fails_and_the_textbook_one_passes(git_repo: Path) -> None:
    commit(
        git_repo,
        {".gitignore": ".env\n", ".env.example": "DATABASE_URL=postgres://user:password@localhost\n"},
    )
    assert env_json(git_repo)[0] == 0
    password = fake("", 18, seed=9)
    (git_repo / ".env.example").write_text(
        f"# db\nBACKUP_URL=postgres://user:{password}@localhost:5432/app\n", encoding="utf-8"
    )
    code, found, _ = env_json(git_repo)
    assert code == 1 and [(f["check"], f["line"]) for f in found] == [("env-example-value", 2)]
    assert password not in json.dumps(found)


def test_secret_like_name_with_a_random_value_fails(git_repo: Path) -> None:
    commit(git_repo, {".gitignore": ".env\n", "api/.env.sample": "SESSION_SECRET=keyboard cat\nPORT=3000\n"})
    assert env_json(git_repo)[0] == 0
    (git_repo / "api/.env.sample").write_text(f"BASIC_AUTH={fake('', 40, seed=5)}\n", encoding="utf-8")
    code, found, _ = env_json(git_repo)
    assert code == 1 and [(f["rule_id"], f["path"]) for f in found] == [
        ("env-example-secret-value", "api/.env.sample")
    ]


def test_crlf_template_and_env_file(git_repo: Path) -> None:
    key = stripe_live(3)
    template = b"# crlf\r\nPORT=8080\r\n\r\nSTRIPE_SECRET_KEY=\r\n"
    commit(git_repo, {".gitignore": b".env\r\n", ".env.example": template})
    (git_repo / ".env").write_bytes(b"PORT=1\r\nSTRIPE_SECRET_KEY=x\r\nEXTRA=1\r\n")
    code, found, _ = env_json(git_repo)
    assert code == 0 and [(f["check"], f["details"]["variable"]) for f in found] == [
        ("env-example-missing", "EXTRA")
    ]
    (git_repo / ".env.example").write_bytes(template.replace(b"KEY=\r\n", f"KEY={key}\r\n".encode()))
    code, found, _ = env_json(git_repo)
    assert code == 1
    assert [(f["check"], f["line"]) for f in found if f["level"] == "error"] == [("env-example-value", 4)]


def test_drift_missing_is_a_warning_and_the_reverse_a_note_only_in_verbose(git_repo: Path) -> None:
    commit(
        git_repo, {".gitignore": ".env\n.env.*\n!.env.example\n", ".env.example": "A=\nONLY_IN_TEMPLATE=\n"}
    )
    (git_repo / ".env").write_text(f"A=1\nexport NEW_KEY={fake('', 30, seed=6)}\n", encoding="utf-8")
    code, found, _ = env_json(git_repo)
    assert code == 0
    assert [(f["check"], f["level"], f["path"], f["details"]["variable"]) for f in found] == [
        ("env-example-missing", "warning", ".env.example", "NEW_KEY")
    ]
    run = run_cli(["env", "-v", "--format", "json"], git_repo)
    notes = [f for f in json.loads(run.out)["findings"] if f["level"] == "note"]
    assert [(f["details"]["variable"], f["line"]) for f in notes] == [("ONLY_IN_TEMPLATE", 2)]
    assert fake("", 30, seed=6) not in run.out


def test_drift_uses_env_local_when_there_is_no_env(git_repo: Path) -> None:
    commit(git_repo, {".gitignore": ".env\n.env.*\n!.env.example\n", ".env.example": "A=\n"})
    (git_repo / ".env.local").write_text("A=1\nB=2\n", encoding="utf-8")
    _, found, _ = env_json(git_repo)
    assert [(f["details"]["variable"], f["details"]["env_file"]) for f in found] == [("B", ".env.local")]


def test_fix_twice_changes_the_gitignore_once_and_keeps_crlf(git_repo: Path) -> None:
    commit(git_repo, {
        ".gitignore": b"node_modules/\r\n",
        ".env.example": "A=\n",
        "apps/web/.env.example": "B=\n",
    })  # fmt: skip
    (git_repo / ".env").write_text("A=1\n", encoding="utf-8")
    (git_repo / "apps/web/.env.local").write_text("B=1\n", encoding="utf-8")
    assert env_json(git_repo)[0] == 1
    run = run_cli(["env", "--fix"], git_repo)
    assert run.code == 0, run.out
    after = (git_repo / ".gitignore").read_bytes()
    assert after.startswith(b"node_modules/\r\n") and b"\n" not in after.replace(b"\r\n", b"")
    assert after.endswith(b"\r\n.env\r\n.env.*\r\n!.env.example\r\n")
    assert git(git_repo, "check-ignore", "--no-index", "-q", "apps/web/.env.example", check=False) == ""
    status = git(git_repo, "status", "--porcelain")
    assert status.splitlines() == [" M .gitignore"]
    again = run_cli(["env", "--fix"], git_repo)
    assert again.code == 0 and "nothing changed" in again.out
    assert (git_repo / ".gitignore").read_bytes() == after


def test_fix_never_untracks_and_fixes_a_deeper_negation_in_its_directory(git_repo: Path) -> None:
    commit(git_repo, {
        ".env": "A=1\n",
        "svc/.gitignore": "!.env\n",
        "svc/.env.example": "A=\n",
    })  # fmt: skip
    run = run_cli(["env", "--fix", "--format", "json"], git_repo)
    assert run.code == 1
    doc = json.loads(run.out)
    assert checks(doc["findings"]) == [("env-tracked", ".env")]
    assert any("svc/.gitignore" in n for n in doc["summary"]["notes"])
    assert (git_repo / "svc/.gitignore").read_text(encoding="utf-8").splitlines()[-1] == ".env"
    assert ".env" in git(git_repo, "ls-files").split()
    assert (git_repo / ".env").is_file()


def test_nested_monorepo(git_repo: Path) -> None:
    commit(git_repo, {
        ".gitignore": "node_modules/\n",
        "apps/web/.gitignore": ".env*.local\n",
        "apps/web/.env.example": "NEXT_PUBLIC_API_URL=\nAUTH_SECRET=\n",
        "packages/api/.env.sample": "DATABASE_URL=postgres://user:password@localhost/api\nJWT_SECRET=\n",
        "services/worker/example.env": "QUEUE_URL=amqp://guest:guest@localhost:5672//\n",
        "services/worker/deploy/prod.env": "QUEUE_URL=amqp://q.internal\n",
    })  # fmt: skip
    (git_repo / "apps/web/.env.local").write_text("AUTH_SECRET=x\nEXTRA=1\n", encoding="utf-8")
    (git_repo / "packages/api/.env").write_text("JWT_SECRET=x\n", encoding="utf-8")
    (git_repo / "node_modules/pkg").mkdir(parents=True)
    (git_repo / "node_modules/pkg/.env").write_text("IGNORED=1\n", encoding="utf-8")
    code, found, summary = env_json(git_repo)
    assert code == 1
    assert checks(found) == [
        ("env-example-missing", "apps/web/.env.example"),
        ("env-not-ignored", ".env"),
        ("env-not-ignored", "apps/web/.env"),
        ("env-not-ignored", "packages/api/.env"),
        ("env-not-ignored", "services/worker/.env"),
        ("env-not-ignored", "services/worker/deploy/.env"),
        ("env-not-ignored", "services/worker/deploy/prod.env"),
        ("env-tracked", "services/worker/deploy/prod.env"),
    ]
    assert any("in 5 director(ies)" in n for n in summary["notes"])
    fixed = run_cli(["env", "--fix", "--format", "json"], git_repo)
    assert checks(json.loads(fixed.out)["findings"]) == [
        ("env-example-missing", "apps/web/.env.example"),
        ("env-tracked", "services/worker/deploy/prod.env"),
    ]
    lines = (git_repo / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert lines[2:] == [HEADER, ".env", "*.env", "!example.env"]
    for template in ["apps/web/.env.example", "packages/api/.env.sample", "services/worker/example.env"]:
        assert git(git_repo, "check-ignore", "--no-index", "-q", template, check=False) == ""


def test_the_40_template_shapes_pass_in_a_real_repository(git_repo: Path) -> None:
    shutil.copytree(TEMPLATES, git_repo / "templates")
    commit(git_repo, {".gitignore": ".env\n"})
    code, found, summary = env_json(git_repo)
    assert code == 0, found
    assert summary["scanned"] >= 40


def test_config_exclude_and_patterns_apply(git_repo: Path) -> None:
    commit(git_repo, {
        ".secret-hygiene.yaml": "exclude: ['vendor/**']\nenv:\n  templates: ['*.envtmpl']\n",
        ".gitignore": ".env\n",
        "vendor/lib/.env.example": f"KEY={stripe_live(4)}\n",
        "app.envtmpl": f"APP_SECRET={fake('', 40, seed=8)}\n",
    })  # fmt: skip
    code, found, _ = env_json(git_repo)
    assert code == 1 and [(f["check"], f["path"]) for f in found] == [("env-example-value", "app.envtmpl")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_names_the_checks_and_never_holds_a_value(git_repo: Path, fmt: str) -> None:
    key, token = stripe_live(5), github_token(32)
    commit(git_repo, {".env": f"T={token}\n", ".env.example": f"STRIPE_SECRET_KEY={key}\n"})
    run = run_cli(["env", "--history", "-v", "--format", fmt], git_repo)
    assert run.code == 1, run.err
    for check in ("env-not-ignored", "env-tracked", "env-in-history", "env-example-value"):
        assert check in run.out
    assert key not in run.out and token not in run.out and token not in run.err
    if fmt == "github":
        assert "::error" in run.out
