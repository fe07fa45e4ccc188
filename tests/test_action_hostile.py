"""The Action given hostile inputs and hostile repositories: nothing forged, nothing silenced, no crash."""

from __future__ import annotations

from pathlib import Path

from tests.test_action import Runner, checkout, origin_repo


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
