"""org-audit on real git repositories, file:// remotes, a real SQLite file and a real Dask cluster."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from testing import commit, fake, git, github_token, run_cli

NOW = "2026-11-30"


def _repo(
    root: Path, name: str, files: dict[str, str | bytes | None], when: str = "2026-01-05T10:00:00"
) -> Path:
    repo = root / name
    repo.mkdir(parents=True)
    template = root / ".empty-template"
    template.mkdir(exist_ok=True)
    git(repo, "init", "-q", "-b", "main", f"--template={template}")
    commit(repo, {".gitignore": ".env\n.env.*\n!.env.example\n", **files}, when=when)
    return repo


def _org(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """Three repositories under org/: one leaking, one clean with an overdue key, one clean."""
    org = tmp_path / "org"
    keys = {"leaky": github_token(seed=1), "later": github_token(seed=2)}
    _repo(org, "leaky", {"app/settings.py": f'GITHUB_TOKEN = "{keys["leaky"]}"\n'})
    ledger = "keys:\n  PAYMENTS_API_KEY: {rotated: 2026-01-02, owner: team-payments, provider: Stripe}\n"
    _repo(org, "ledgered", {".secret-rotation.yaml": ledger, "README.md": "# service\n"})
    _repo(org, "clean", {"main.py": "print('hello')\n"})
    return org, keys


def _json(tmp_path: Path, *args: str) -> tuple[int, dict[str, object], str]:
    run = run_cli(["org-audit", *args, "--now", NOW, "--format", "json", "--workers", "1"], cwd=tmp_path)
    return run.code, json.loads(run.out) if run.out.strip() else {}, run.err


def _findings(doc: dict[str, object]) -> list[dict[str, object]]:
    found = doc["findings"]
    assert isinstance(found, list)
    return found


def test_a_directory_of_repositories_a_file_url_and_an_unreachable_url(tmp_path: Path) -> None:
    org, keys = _org(tmp_path)
    bare = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(org / "leaky"), str(bare))
    code, doc, _ = _json(
        tmp_path,
        str(org),
        f"file://{bare}",
        "file:///nonexistent/secret-hygiene/none.git",
        "--db",
        "o.sqlite",
    )
    assert code == 1
    found = _findings(doc)
    leaks = [f for f in found if f["check"] == "leak"]
    assert {f["repository"] for f in leaks} == {"leaky", "remote"}
    assert all(f["path"] == "app/settings.py" and f["line"] == 1 for f in leaks)
    assert all(f["fingerprint"] and f["rule_id"] for f in leaks)
    summary = doc["summary"]
    assert isinstance(summary, dict)
    assert any(
        "failed: none" in n and "does not appear to be a git repository" in n for n in summary["notes"]
    )
    text = json.dumps(doc)
    assert keys["leaky"] not in text
    db = sqlite3.connect(tmp_path / "o.sqlite")
    statuses = dict(db.execute("SELECT name, status FROM repositories").fetchall())
    assert statuses == {"leaky": "ok", "ledgered": "ok", "clean": "ok", "remote": "ok", "none": "failed"}
    mirrors = list((tmp_path / "cache").glob("*.git")) if (tmp_path / "cache").exists() else []
    assert mirrors == []  # the default cache lives under XDG_CACHE_HOME, not in the working directory


def test_an_at_list_and_exit_2_when_nothing_could_be_audited(tmp_path: Path) -> None:
    (tmp_path / "list.txt").write_text("# nothing reachable\nfile:///nonexistent/a.git\n\nmissing-dir\n")
    run = run_cli(["org-audit", "@list.txt", "--db", "o.sqlite", "--workers", "1"], cwd=tmp_path)
    assert run.code == 2
    assert run.err.count("\n") == 1 and "no repository could be audited" in run.err
    assert "failed: a (file:///nonexistent/a.git)" in run.out and "failed: missing-dir" in run.out


def test_three_runs_classify_new_fixed_and_unchanged_findings(tmp_path: Path) -> None:
    org, keys = _org(tmp_path)
    args = (str(org), "--db", "o.sqlite")
    code, first, _ = _json(tmp_path, *args)
    assert code == 1
    assert len([f for f in _findings(first) if f["check"] == "leak"]) == 1

    # Run 2: the leak is fixed in the tree (history keeps it), a new one lands in `clean`.
    fixed_key = keys["later"]
    commit(
        org / "leaky",
        {"app/settings.py": 'GITHUB_TOKEN = os.environ["GITHUB_TOKEN"]\n'},
        when="2026-02-01T10:00:00",
    )
    commit(org / "clean", {"deploy/ci.py": f'TOKEN = "{fixed_key}"\n'}, when="2026-02-02T10:00:00")
    _json(tmp_path, *args)
    db = sqlite3.connect(tmp_path / "o.sqlite")
    per_run = db.execute(
        "SELECT p.name, r.status FROM run_repositories r JOIN repositories p ON p.id = r.repository_id "
        "WHERE r.run_id = 2 ORDER BY p.name"
    ).fetchall()
    assert per_run == [("clean", "incremental"), ("leaky", "incremental"), ("ledgered", "unchanged")]
    leaks = db.execute(
        "SELECT p.name, f.path, f.first_run, f.fixed_run FROM findings f "
        "JOIN repositories p ON p.id = f.repository_id WHERE f.check_id = 'leak' ORDER BY p.name"
    ).fetchall()
    # The old leak is still open: it is in history, reported at the commit that introduced it.
    assert leaks == [("clean", "deploy/ci.py", 2, None), ("leaky", "app/settings.py", 1, None)]

    # Run 3: nothing moved; every repository is unchanged and nothing is new or fixed.
    code, third, _ = _json(tmp_path, *args)
    assert code == 1
    statuses = {s for (s,) in db.execute("SELECT status FROM run_repositories WHERE run_id = 3")}
    assert statuses == {"unchanged"}
    assert db.execute("SELECT COUNT(*) FROM findings WHERE first_run = 3 OR fixed_run = 3").fetchone() == (0,)
    assert len(_findings(third)) == len(_findings(json.loads(json.dumps(third))))

    # A finding that goes away entirely is marked fixed in the run that no longer sees it.
    git(org / "ledgered", "rm", "-q", "--", ".secret-rotation.yaml")
    commit(org / "ledgered", {}, when="2026-03-01T10:00:00")
    _json(tmp_path, *args)
    fixed = db.execute(
        "SELECT f.check_id, f.fixed_run FROM findings f JOIN repositories p ON p.id = f.repository_id "
        "WHERE p.name = 'ledgered' AND f.fixed_run IS NOT NULL"
    ).fetchall()
    assert fixed and all(run == 4 for _, run in fixed)
    dump = "\n".join(db.iterdump())
    assert keys["leaky"] not in dump and fixed_key not in dump


def test_keys_and_their_rotation_state_are_stored_with_owners(tmp_path: Path) -> None:
    org, _ = _org(tmp_path)
    _json(tmp_path, str(org), "--db", "o.sqlite")
    db = sqlite3.connect(tmp_path / "o.sqlite")
    rows = db.execute("SELECT name, state, owner, provider, age_days FROM keys").fetchall()
    assert ("PAYMENTS_API_KEY", "overdue", "team-payments", "Stripe", 332) in rows


def test_schema_is_versioned_and_a_newer_database_is_refused(tmp_path: Path) -> None:
    org, _ = _org(tmp_path)
    _json(tmp_path, str(org / "clean"), "--db", "o.sqlite")
    db = sqlite3.connect(tmp_path / "o.sqlite")
    assert db.execute("PRAGMA user_version").fetchone() == (1,)
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    db.execute("PRAGMA user_version = 99")
    db.commit()
    run = run_cli(["org-audit", str(org / "clean"), "--db", "o.sqlite"], cwd=tmp_path)
    assert run.code == 2 and "newer than this tool's" in run.err
    (tmp_path / "junk.sqlite").write_bytes(b"not a database at all" * 100)
    run = run_cli(["org-audit", str(org / "clean"), "--db", "junk.sqlite"], cwd=tmp_path)
    assert run.code == 2 and "not a usable results database" in run.err


def test_two_concurrent_runs_leave_a_consistent_database(tmp_path: Path) -> None:
    org, _ = _org(tmp_path)
    argv = [
        sys.executable,
        "-m",
        "secret_hygiene",
        "org-audit",
        str(org),
        "--db",
        "o.sqlite",
        "--workers",
        "1",
    ]
    procs = [
        subprocess.Popen(argv, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    codes = [p.wait(timeout=300) for p in procs]
    assert codes == [1, 1], [p.stderr.read() if p.stderr else b"" for p in procs]
    db = sqlite3.connect(tmp_path / "o.sqlite")
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert db.execute("SELECT COUNT(*) FROM runs").fetchone() == (2,)
    assert db.execute("SELECT COUNT(*) FROM run_repositories").fetchone() == (6,)


def test_dask_without_distributed_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    org, _ = _org(tmp_path)
    monkeypatch.setitem(sys.modules, "distributed", None)
    run = run_cli(["org-audit", str(org), "--db", "o.sqlite", "--dask", "tcp://127.0.0.1:1"], cwd=tmp_path)
    assert run.code == 2
    assert run.err.strip().count("\n") == 0 and "pip install" in run.err and "[dask]" in run.err


def test_a_dask_local_cluster_gives_the_same_report_as_the_local_pool(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    org, _ = _org(tmp_path)
    bare = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(org / "leaky"), str(bare))
    sources = [str(org), f"file://{bare}"]
    common = ["org-audit", *sources, "--now", NOW, "--format", "json"]
    local = run_cli([*common, "--db", "a.sqlite", "--workers", "2"], cwd=tmp_path)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as c:
        remote = run_cli(
            [
                "org-audit",
                *sources,
                "--db",
                "b.sqlite",
                "--now",
                NOW,
                "--format",
                "json",
                "--dask",
                c.scheduler_address,
            ],
            cwd=tmp_path,
        )
    assert (local.code, remote.code) == (1, 1), remote.err
    a, b = json.loads(local.out), json.loads(remote.out)
    assert a["findings"] == b["findings"]
    assert len(a["findings"]) >= 3


def test_a_secret_in_no_output_format(tmp_path: Path) -> None:
    org, keys = _org(tmp_path)
    for fmt in ("text", "json", "sarif", "github"):
        run = run_cli(
            ["org-audit", str(org), "--db", "o.sqlite", "--format", fmt, "--workers", "1"], cwd=tmp_path
        )
        assert run.code == 1
        assert keys["leaky"] not in run.out + run.err
        assert "leaky/app/settings.py" in run.out or '"repository": "leaky"' in run.out


def test_the_html_report_is_self_contained_and_escapes_repository_text(tmp_path: Path) -> None:
    org, keys = _org(tmp_path)
    _repo(org, "evil-<h1>x", {"<script>alert(1)</script>.py": f'k = "{fake("sk_li" + "ve_", 24, seed=3)}"\n'})
    run = run_cli(
        ["org-audit", str(org), "--db", "o.sqlite", "--html", "r.html", "--workers", "1"], cwd=tmp_path
    )
    assert run.code == 1
    page = (tmp_path / "r.html").read_text()
    assert "<script>alert(1)" not in page and "evil-&lt;h1&gt;x" in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "") and "https://" not in page
    assert keys["leaky"] not in page


def test_a_remote_mirror_is_fetched_and_scanned_only_for_new_commits(tmp_path: Path) -> None:
    origin = _repo(tmp_path, "origin", {"app.py": "print('v1')\n"})
    args = (f"file://{origin}", "--db", "o.sqlite", "--cache", "mirrors")
    assert _json(tmp_path, *args)[0] == 0
    mirrors = list((tmp_path / "mirrors").glob("origin-*.git"))
    assert len(mirrors) == 1 and (mirrors[0] / "HEAD").is_file()
    planted = github_token(seed=11)
    commit(origin, {"late/config.py": f'TOKEN = "{planted}"\n'}, when="2026-04-01T10:00:00")
    code, doc, _ = _json(tmp_path, *args)
    assert code == 1
    assert [f["path"] for f in _findings(doc) if f["check"] == "leak"] == ["late/config.py"]
    assert _json(tmp_path, *args)[0] == 1
    db = sqlite3.connect(tmp_path / "o.sqlite")
    runs = [s for (s,) in db.execute("SELECT status FROM run_repositories ORDER BY run_id")]
    assert runs == ["scanned", "incremental", "unchanged"]
    head = git(origin, "rev-parse", "HEAD").strip()
    assert db.execute("SELECT head FROM repositories").fetchone() == (head,)
    assert planted not in "\n".join(db.iterdump())


def test_progress_is_one_terminal_line_and_silent_in_ci() -> None:
    from secret_hygiene.org.fanout import Progress
    from secret_hygiene.org.work import Outcome

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    shown, ci = Tty(), Tty()
    for stream, environ in ((shown, {}), (ci, {"CI": "true"})):
        progress = Progress(stream, 2, environ)
        progress(Outcome("a", "/a", "scanned"))
        progress(Outcome("b", "/b", "failed", reason="x"))
        progress.close()
    assert shown.getvalue().startswith("\r1/2 repositories, 0 finding(s)") and shown.getvalue().endswith("\n")
    assert "\r2/2 repositories" in shown.getvalue()
    assert ci.getvalue() == ""


def test_two_runs_opening_a_new_database_at_once_migrate_it_once(tmp_path: Path) -> None:
    import threading

    from secret_hygiene.org import store

    for n in range(10):
        path = tmp_path / f"race-{n}.sqlite"
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def open_it(
            path: Path = path, barrier: threading.Barrier = barrier, errors: list[BaseException] = errors
        ) -> None:
            barrier.wait()
            try:
                store.open_db(path).close()
            except BaseException as exc:  # collected for the assertion below
                errors.append(exc)

        threads = [threading.Thread(target=open_it) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone() == (store.SCHEMA_VERSION,)
