"""The Action given hostile inputs and hostile repositories: nothing forged, nothing silenced, no crash."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from testing import commit, github_token
from tests.integrations.test_action import Runner, checkout, open_pr, origin_repo


def test_paths_spelled_as_options_stay_paths(tmp_path: Path) -> None:
    origin = origin_repo(tmp_path)
    runner = Runner(tmp_path, checkout(tmp_path, origin, "refs/heads/main"))
    silence = tmp_path / "x.yaml"
    silence.write_text('exclude: ["**"]\n', encoding="utf-8")
    done = runner.run("workflow_dispatch", {}, command="scan", paths=f". --config {silence}")
    assert done.returncode == 2 and "secret-hygiene: 0 problem(s)" not in done.stdout, done.stdout
    audit = runner.run("workflow_dispatch", {}, command="audit", paths=f"--config={silence}")
    assert audit.returncode == 2 and "--config" in audit.stdout, audit.stdout


def test_unbalanced_quotes_in_paths_are_one_error_line(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    done = Runner(tmp_path, workspace).run("workflow_dispatch", {}, command="scan", paths='"unbalanced')
    assert done.returncode == 2 and done.stderr == ""
    assert done.stdout.startswith("::error title=secret-hygiene::input paths")
    assert len(done.stdout.splitlines()) == 1 and "Traceback" not in done.stdout


def test_a_sarif_file_name_cannot_add_outputs(tmp_path: Path) -> None:
    origin = origin_repo(tmp_path)
    runner = Runner(tmp_path, checkout(tmp_path, origin, "refs/heads/main"))
    done = runner.run("schedule", {}, command="scan", **{"sarif-file": "a.sarif\nfindings=0"})
    assert done.returncode == 2 and "sarif-file" in done.stdout
    assert not runner.output.exists() or "findings=0" not in runner.output.read_text(encoding="utf-8")


@pytest.mark.parametrize("command", ["audit", "history", "scan"])
def test_a_pr_cannot_silence_its_own_scan_with_a_config_it_adds(tmp_path: Path, command: str) -> None:
    origin = origin_repo(tmp_path)
    token = github_token(81)
    silence = 'exclude: ["**"]\ndisable: ["github-classic-personal-access-token"]\n'
    event = open_pr(origin, {".secret-hygiene.yaml": silence, "leak.py": f"T = '{token}'\n"})
    runner = Runner(tmp_path, checkout(tmp_path, origin, "refs/pull/1/merge"))
    done = runner.run("pull_request", event, command=command)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "::error file=leak.py" in done.stdout and token not in done.stdout
    warnings = [line for line in done.stdout.splitlines() if line.startswith("::warning")]
    assert any("file=.secret-hygiene.yaml" in w and "config-widens-exclude" in w for w in warnings)
    assert any("config-widens-disable" in w for w in warnings)
    assert "base commit" in runner.summary.read_text(encoding="utf-8")


def test_the_base_commits_config_still_applies(tmp_path: Path) -> None:
    origin = origin_repo(tmp_path)
    commit(origin, {".secret-hygiene.yaml": 'exclude: ["fixtures/**"]\n'}, "config on main")
    event = open_pr(origin, {"fixtures/sample.py": f"T = '{github_token(82)}'\n"})
    runner = Runner(tmp_path, checkout(tmp_path, origin, "refs/pull/1/merge"))
    done = runner.run("pull_request", event, command="history")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "::warning" not in done.stdout


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS refuses file names that are not UTF-8")
@pytest.mark.parametrize("fmt", ["github", "text"])
def test_a_non_utf8_file_name_reaches_log_summary_and_sarif(tmp_path: Path, fmt: str) -> None:
    origin = origin_repo(tmp_path)
    name = os.fsdecode(b"bad\xff<h1>x</h1>.py")
    event = open_pr(origin, {name: f"T = '{github_token(83)}'\n"})
    runner = Runner(tmp_path, checkout(tmp_path, origin, "refs/pull/1/merge"))
    done = runner.run("pull_request", event, command="history", format=fmt)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "bad\\xff" in done.stdout and "Traceback" not in done.stdout + done.stderr
    summary = runner.summary.read_text(encoding="utf-8")
    assert "bad\\xff" in summary and "<h1>" not in summary.replace("`bad\\xff<h1>x</h1>.py:1`", "")
    runner.sarif()


def test_a_bare_token_in_an_env_file_reaches_no_annotation_summary_or_sarif(tmp_path: Path) -> None:
    origin = origin_repo(tmp_path)
    commit(origin, {".env.example": "PORT=\n"}, "template")
    runner = Runner(tmp_path, checkout(tmp_path, origin, "refs/heads/main"))
    token = github_token(84)
    (runner.workspace / ".env").write_text(f"PORT=1\n{token}\n", encoding="utf-8")
    done = runner.run("workflow_dispatch", {}, command="audit", **{"fail-on": "warning"})
    shown = done.stdout + done.stderr + runner.summary.read_text(encoding="utf-8")
    shown += (runner.workspace / "secret-hygiene.sarif").read_text(encoding="utf-8")
    assert done.returncode == 1 and token not in shown and token[4:20] not in shown


def test_a_pr_cannot_narrow_the_env_check_with_its_own_config(tmp_path: Path) -> None:
    origin = origin_repo(tmp_path)
    narrow = 'env:\n  env-files: ["nothing-matches-this"]\n'
    event = open_pr(origin, {".secret-hygiene.yaml": narrow, "deploy.env": "DEBUG=1\n"})
    runner = Runner(tmp_path, checkout(tmp_path, origin, "refs/pull/1/merge"))
    done = runner.run("pull_request", event, command="env")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "file=deploy.env" in done.stdout and "config-widens-env-files" in done.stdout
