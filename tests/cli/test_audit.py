"""`secret-hygiene audit` end to end on real repositories: every check, one report (issue 7)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from secret_hygiene.checks import project as common
from secret_hygiene.engine import rules as rules_mod
from secret_hygiene.engine import scanner
from secret_hygiene.engine.merge import fold_duplicates, strictly, with_history
from secret_hygiene.model import Finding
from testing import commit, fake, git, github_token, run_cli

SCHEMA = Path(__file__).resolve().parents[1] / "fixtures" / "sarif-schema-2.1.0.json"  # OASIS, vendored
NOW = ["--now", "2026-05-01"]
LEDGER = "keys:\n  VAULT_TOKEN:\n    rotated: 2025-01-01\n"


def stripe_live(seed: int) -> str:
    return "sk_" + "live_" + fake("", 32, seed=seed)


def plant_sample(repo: Path) -> dict[str, str]:
    """One problem of each kind; returns the planted values by name."""
    keys = {
        "history": github_token(71),
        "tracked": stripe_live(72),
        "env": fake("", 20, seed=73),
        "template": fake("", 28, seed=74),
    }
    commit(repo, {"README.md": "hello\n", "old.py": f'TOKEN = "{keys["history"]}"\n'}, "old key")
    commit(repo, {"old.py": None}, "remove the key")
    (repo / ".env").write_text(f"DB_PASSWORD={keys['env']}\n", encoding="utf-8")
    git(repo, "add", "-f", ".env")
    commit(
        repo,
        {
            "config/settings.py": f'STRIPE = "{keys["tracked"]}"\n',
            ".gitignore": "/.env\n",
            ".env.example": f"API_SECRET={keys['template']}\nDB_PASSWORD=\nLOG_LEVEL=info\n",
            ".secret-rotation.yaml": LEDGER,
        },
        "settings",
    )
    (repo / "api").mkdir()
    (repo / "api" / ".env").write_text("PORT=8080\n", encoding="utf-8")
    return keys


def audit_json(repo: Path, *args: str) -> tuple[int, dict[str, Any]]:
    run = run_cli(["audit", *NOW, "--format", "json", *args], repo)
    assert run.code in (0, 1), run.err
    return run.code, json.loads(run.out)


def kinds(doc: dict[str, Any]) -> list[tuple[str, str, bool]]:
    return sorted((f["check"], f["path"], f["commit"] is not None) for f in doc["findings"])


def test_sample_reports_one_problem_of_each_kind_and_exits_1(git_repo: Path) -> None:
    keys = plant_sample(git_repo)
    code, doc = audit_json(git_repo)
    assert code == 1
    found = kinds(doc)
    for expected in [
        ("leak", "config/settings.py", False),  # a key in a tracked file
        ("leak", "old.py", True),  # a key only in history
        ("env-tracked", ".env", False),  # a tracked .env
        ("env-not-ignored", "api/.env", False),  # a .env not ignored
        ("env-example-value", ".env.example", False),  # a template with a real value
        ("rotation-overdue", ".secret-rotation.yaml", False),  # an overdue key in the ledger
    ]:
        assert expected in found, (expected, found)
    assert {"leak", "env-tracked", "env-in-history", "rotation-overdue"} <= set(doc["summary"]["checks"])
    assert any(n.startswith("audit ran: leak (") and "history (" in n for n in doc["summary"]["notes"])
    text = json.dumps(doc)
    assert all(value not in text for value in keys.values())


def test_sample_sarif_validates_against_the_schema(git_repo: Path) -> None:
    plant_sample(git_repo)
    run = run_cli(["audit", *NOW, "--format", "sarif"], git_repo)
    assert run.code == 1, run.err
    log = json.loads(run.out)
    jsonschema.validate(log, json.loads(SCHEMA.read_text(encoding="utf-8")))
    checks = {r["properties"]["check"] for r in log["runs"][0]["results"]}
    assert {"leak", "env-tracked", "env-not-ignored", "env-example-value", "rotation-overdue"} <= checks


def test_text_has_a_table_by_check_and_the_worst_first(git_repo: Path) -> None:
    keys = plant_sample(git_repo)
    (git_repo / ".env").write_text(f"DB_PASSWORD={keys['env']}\nEXTRA=1\n", encoding="utf-8")
    run = run_cli(["audit", *NOW], git_repo)
    assert run.code == 1
    lines = run.out.splitlines()
    head = next(i for i, line in enumerate(lines) if line.split() == ["CHECK", "COUNT", "WORST"])
    table = {line.split()[0] + (" (history)" if "(history)" in line else ""): line.split()[-2:] for line in
             lines[head + 1 :] if line.startswith("  ") and not line.startswith("  - ")}  # fmt: skip
    assert table["leak (history)"] == ["1", "error"]
    assert table["env-example-missing"][1] == "warning"
    levels = [line.split("[")[0] for line in lines if line.startswith(("error[", "warning[", "note["))]
    assert levels.index("warning") > max(i for i, level in enumerate(levels) if level == "error")
    status = next(i for i, line in enumerate(lines) if line.startswith(("FAIL: ", "OK: ")))
    assert lines[status].startswith("FAIL: ") and lines[status + 1] == "next steps:"


def test_github_format_annotates_every_finding(git_repo: Path) -> None:
    plant_sample(git_repo)
    run = run_cli(["audit", *NOW, "--format", "github"], git_repo)
    assert run.code == 1
    _, doc = audit_json(git_repo)
    annotations = [line for line in run.out.splitlines() if line.startswith(("::error ", "::warning "))]
    assert len(annotations) == len(doc["findings"]) >= 6


def test_clean_repository_exits_0(git_repo: Path) -> None:
    commit(git_repo, {"README.md": "hello\n", ".gitignore": ".env\n", "src/app.py": "print('hi')\n"})
    run = run_cli(["audit", *NOW], git_repo)
    assert run.code == 0, run.out + run.err
    assert run.out.splitlines()[-1].startswith("OK: 0 problem(s)")


def test_empty_repository_runs_and_says_so(git_repo: Path) -> None:
    (git_repo / ".gitignore").write_text(".env\n", encoding="utf-8")
    code, doc = audit_json(git_repo)
    assert code == 0 and doc["findings"] == []
    assert "history: empty repository: no commits to scan" in doc["summary"]["notes"]


def test_not_a_git_repository_exits_2_with_one_line(plain_dir: Path) -> None:
    run = run_cli(["audit"], plain_dir)
    assert run.code == 2 and run.out == ""
    assert len(run.err.splitlines()) == 1 and "not a git repository" in run.err


def test_repo_argument_and_bad_since(git_repo: Path, tmp_path: Path) -> None:
    commit(git_repo, {"README.md": "hello\n", ".gitignore": ".env\n"})
    assert run_cli(["audit", "repo", *NOW], tmp_path).code == 0
    run = run_cli(["audit", "--since", "no-such-ref"], git_repo)
    assert run.code == 2 and "--since 'no-such-ref' is not a commit" in run.err
    assert run_cli(["audit", "--since", "HEAD", "--no-history"], git_repo).code == 2


def test_a_secret_in_the_tree_and_in_history_is_reported_once(git_repo: Path) -> None:
    key = stripe_live(81)
    first = commit(
        git_repo, {".gitignore": ".env\n", "a.py": f'KEY = "{key}"\n'}, when="2025-06-01T00:00:00+00:00"
    )
    commit(git_repo, {"a.py": f'# moved\nKEY = "{key}"\n'})
    _, doc = audit_json(git_repo)
    leaks = [f for f in doc["findings"] if f["check"] == "leak"]
    assert len(leaks) == 1
    only = leaks[0]
    assert (only["path"], only["line"], only["commit"]) == ("a.py", 2, None)
    assert only["details"]["introduced"] == first
    assert only["details"]["introduced_at"] == "a.py:1"
    assert only["details"]["introduced_date"].startswith("2025-06-01")


def test_each_copy_of_a_secret_names_a_commit_that_put_it_in_that_file(git_repo: Path) -> None:
    key = stripe_live(84)
    first = commit(git_repo, {".gitignore": ".env\n", "a.py": f'KEY = "{key}"\n'})
    copied = commit(git_repo, {"b.py": f'# copy\nKEY = "{key}"\n'})
    _, doc = audit_json(git_repo)
    leaks = {f["path"]: f for f in doc["findings"] if f["check"] == "leak"}
    assert set(leaks) == {"a.py", "b.py"}
    assert leaks["a.py"]["details"]["introduced"] == first
    assert leaks["b.py"]["details"]["introduced"] == copied
    assert "introduced_at" not in leaks["b.py"]["details"]
    for path, f in leaks.items():
        assert key in git(git_repo, "show", f["details"]["introduced"], "--", path)


def test_no_history_and_since_limit_the_history_scan(git_repo: Path) -> None:
    old = github_token(82)
    base = commit(git_repo, {".gitignore": ".env\n", "old.py": f'T = "{old}"\n'})
    commit(git_repo, {"old.py": None})
    _, full = audit_json(git_repo)
    assert [f["path"] for f in full["findings"]] == ["old.py"]
    code, none = audit_json(git_repo, "--no-history")
    assert code == 0 and none["findings"] == []
    assert not any("history (" in n for n in none["summary"]["notes"])
    code, since = audit_json(git_repo, "--since", base)
    assert code == 0 and since["findings"] == []
    assert any(f"commits after {base}" in n for n in since["summary"]["notes"])


def test_strict_turns_warnings_into_failures(git_repo: Path) -> None:
    commit(git_repo, {".gitignore": ".env\n", ".env.example": "PORT=\n"})
    (git_repo / ".env").write_text("PORT=1\nDEBUG=1\n", encoding="utf-8")
    code, doc = audit_json(git_repo)
    assert code == 0 and [(f["check"], f["level"]) for f in doc["findings"]] == [
        ("env-example-missing", "warning")
    ]
    code, doc = audit_json(git_repo, "--strict")
    assert code == 1 and {f["level"] for f in doc["findings"]} == {"error"}


def test_rules_are_loaded_and_compiled_once(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plant_sample(git_repo)
    calls = {"rules": 0, "engine": 0}
    real_load, real_init = rules_mod.load_rules, scanner.Engine.__init__

    def load(*args: Any, **kwargs: Any) -> Any:
        calls["rules"] += 1
        return real_load(*args, **kwargs)

    def init(self: scanner.Engine, *args: Any, **kwargs: Any) -> None:
        calls["engine"] += 1
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(common, "load_rules", load)
    monkeypatch.setattr(scanner.Engine, "__init__", init)
    assert run_cli(["audit", *NOW], git_repo).code == 1
    assert calls == {"rules": 1, "engine": 1}


def _leak(path: str, line: int, fp: str, commit: str | None = None, check: str = "leak") -> Finding:
    details = (("date", "2025-01-01"),) if commit else ()
    return Finding(check, "r", path, line, 1, "m", fp, "x***", commit, details=details)


def test_merge_keeps_history_only_leaks_and_folds_template_duplicates() -> None:
    tree = [_leak("a.py", 3, "f1"), _leak(".env.example", 1, "f3")]
    past = [
        _leak("a.py", 3, "f1", "c1"),
        _leak("gone.py", 1, "f2", "c2"),
        _leak(".env.example", 1, "f3", "c3"),
    ]
    merged = with_history(tree, past)
    assert [(f.path, f.commit) for f in merged] == [("a.py", None), (".env.example", None), ("gone.py", "c2")]
    assert merged[0].detail("introduced") == "c1" and merged[0].detail("introduced_at") is None
    template = _leak(".env.example", 1, "f3", check="env-example-value")
    folded = fold_duplicates([*merged, template])
    assert [(f.check, f.path) for f in folded] == [
        ("leak", "a.py"),
        ("leak", "gone.py"),
        ("env-example-value", ".env.example"),
    ]
    assert folded[-1].detail("introduced") == "c3"
    warn = Finding("c", "r", "p", 1, 1, "m", "f", level="warning")
    assert strictly([warn])[0].level == "error"
