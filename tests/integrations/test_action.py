"""The GitHub Action run as a runner runs it: GITHUB_* variables, event JSON, shallow checkouts (issue 7).

A local "origin" repository plays GitHub: the workspace is a one-commit-deep fetch of the PR's
merge ref, as actions/checkout makes it, and the action has to fetch the rest itself.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from secret_hygiene.integrations.github_action.action import verdict
from testing import commit, git, github_token

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = Path(__file__).resolve().parents[1] / "fixtures" / "sarif-schema-2.1.0.json"  # OASIS, vendored
IGNORE = ".env\n.env.*\n!.env.example\n"


class Runner:
    """Files and variables of one job step, and the outcome of running the action in it."""

    def __init__(self, tmp_path: Path, workspace: Path) -> None:
        self.workspace = workspace
        self.summary = tmp_path / "step_summary.md"
        self.output = tmp_path / "github_output"
        self.event = tmp_path / "event.json"
        self.temp = tmp_path / "runner_temp"
        self.temp.mkdir(exist_ok=True)

    def env(self, event_name: str, event: dict[str, Any], inputs: dict[str, str]) -> dict[str, str]:
        self.event.write_text(json.dumps(event), encoding="utf-8")
        return {
            **os.environ,
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_NAME": event_name,
            "GITHUB_EVENT_PATH": str(self.event),
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "GITHUB_OUTPUT": str(self.output),
            "GITHUB_WORKSPACE": str(self.workspace),
            "RUNNER_TEMP": str(self.temp),
            **{f"INPUT_{k.upper().replace('-', '_')}": v for k, v in inputs.items()},
        }

    def run(self, event_name: str, event: dict[str, Any], **inputs: str) -> subprocess.CompletedProcess[str]:
        """`python -m secret_hygiene.integrations.github_action.action`, as the action's run step calls it."""
        return subprocess.run(
            [sys.executable, "-m", "secret_hygiene.integrations.github_action.action"], cwd=self.workspace,
            env=self.env(event_name, event, inputs), capture_output=True, text=True, check=False,
        )  # fmt: skip

    def outputs(self) -> dict[str, str]:
        lines = self.output.read_text(encoding="utf-8").splitlines()
        return dict(line.split("=", 1) for line in lines)

    def sarif(self) -> dict[str, Any]:
        doc: dict[str, Any] = json.loads(
            (self.workspace / "secret-hygiene.sarif").read_text(encoding="utf-8")
        )
        jsonschema.validate(doc, json.loads(SCHEMA.read_text(encoding="utf-8")))
        return doc


def origin_repo(tmp_path: Path) -> Path:
    """GitHub's side: main with an old key, serving any commit by SHA as GitHub does."""
    origin = tmp_path / "origin"
    origin.mkdir()
    git(origin, "init", "-q", "-b", "main")
    git(origin, "config", "uploadpack.allowAnySHA1InWant", "true")
    commit(origin, {".gitignore": IGNORE, "old.py": f"T = '{github_token(60)}'\n"}, "an old leak")
    for n in range(3):
        commit(origin, {"app.py": f"x = {n}\n"}, f"main {n}")
    return origin


def open_pr(origin: Path, files: dict[str, str | None], number: int = 1, moves: int = 1) -> dict[str, Any]:
    """A feature branch with two commits, main `moves` commits on since it forked, GitHub's merge ref."""
    fork = git(origin, "rev-parse", "main").strip()
    git(origin, "checkout", "-q", "-b", f"feature{number}")
    commit(origin, files, "feature work")
    head = commit(origin, {"feature.txt": "done\n"}, "feature done")
    git(origin, "checkout", "-q", "main")
    for n in range(moves):
        base = commit(origin, {"later.py": f"y = {n}\n"}, "main moved on")
    git(origin, "checkout", "-q", "--detach", base)
    git(origin, "merge", "-q", "--no-ff", "-m", "merge", head)
    git(origin, "update-ref", f"refs/pull/{number}/merge", "HEAD")
    git(origin, "checkout", "-q", "main")
    assert fork != base
    return {
        "action": "synchronize",
        "number": number,
        "pull_request": {"number": number, "commits": 2, "base": {"sha": base, "ref": "main"},
                         "head": {"sha": head, "ref": f"feature{number}"}},
    }  # fmt: skip


def checkout(tmp_path: Path, origin: Path, ref: str) -> Path:
    """What actions/checkout leaves: `ref` fetched one commit deep, detached."""
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    git(workspace, "init", "-q")
    git(workspace, "remote", "add", "origin", origin.as_uri())
    git(workspace, "fetch", "-q", "--no-tags", "--depth=1", "origin", f"+{ref}:refs/remotes/origin/checkout")
    git(workspace, "checkout", "-q", "--detach", "refs/remotes/origin/checkout")
    assert git(workspace, "rev-parse", "--is-shallow-repository").strip() == "true"
    return workspace


def test_a_pr_adding_a_key_fails_with_annotations_summary_and_sarif(tmp_path: Path) -> None:
    origin = origin_repo(tmp_path)
    token = github_token(61)
    event = open_pr(origin, {"leak.py": f"import os\nTOKEN = '{token}'\n"})
    runner = Runner(tmp_path, checkout(tmp_path, origin, "refs/pull/1/merge"))
    done = runner.run("pull_request", event)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "::error file=leak.py,line=2,col=10," in done.stdout
    assert "old.py" not in done.stdout  # before the PR: not the PR's business
    assert token not in done.stdout + done.stderr + runner.summary.read_text(encoding="utf-8")
    summary = runner.summary.read_text(encoding="utf-8")
    assert "## secret-hygiene audit: 1 problem(s)" in summary and "`leak.py:2`" in summary
    assert "pull request #1" in summary and "| leak |" in summary
    assert runner.outputs() == {"findings": "1", "sarif-file": "secret-hygiene.sarif"}
    assert "fetched history from origin" in summary and "shallow clone" not in summary
    results = runner.sarif()["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results] == ["leak.py"]
    assert token not in json.dumps(results)


def test_a_clean_pr_passes(tmp_path: Path) -> None:
    origin = origin_repo(tmp_path)
    event = open_pr(origin, {"app2.py": "import os\nTOKEN = os.environ['TOKEN']\n"})
    runner = Runner(tmp_path, checkout(tmp_path, origin, "refs/pull/1/merge"))
    done = runner.run("pull_request", event)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "::error" not in done.stdout
    assert runner.outputs()["findings"] == "0"
    assert "no findings" in runner.summary.read_text(encoding="utf-8")
    assert runner.sarif()["runs"][0]["results"] == []


def test_history_is_deepened_until_base_and_head_meet(tmp_path: Path) -> None:
    origin = origin_repo(tmp_path)
    event = open_pr(origin, {"leak.py": f"T = '{github_token(65)}'\n"}, moves=6)
    event["pull_request"]["commits"] = 1  # a low hint: the first fetch cannot reach the fork point
    workspace = checkout(tmp_path, origin, "refs/pull/1/merge")
    done = Runner(tmp_path, workspace).run("pull_request", event, command="history")
    assert done.returncode == 1 and "::error file=leak.py" in done.stdout and "old.py" not in done.stdout
    assert "fetched history from origin" in done.stdout


def test_a_pr_whose_key_was_removed_again_still_fails(tmp_path: Path) -> None:
    origin = origin_repo(tmp_path)
    event = open_pr(origin, {"leak.py": f"T = '{github_token(62)}'\n"})
    git(origin, "checkout", "-q", "feature1")
    head = commit(origin, {"leak.py": None}, "oops, remove it")
    git(origin, "checkout", "-q", "main")
    event["pull_request"].update(head={"sha": head, "ref": "feature1"}, commits=3)
    git(origin, "update-ref", "refs/pull/1/merge", head)
    runner = Runner(tmp_path, checkout(tmp_path, origin, "refs/pull/1/merge"))
    done = runner.run("pull_request", event, command="history")
    assert done.returncode == 1 and "::error file=leak.py,line=1" in done.stdout
    assert "## secret-hygiene history: 1 problem(s)" in runner.summary.read_text(encoding="utf-8")


def test_a_push_scans_the_pushed_range(tmp_path: Path) -> None:
    origin = origin_repo(tmp_path)
    before = git(origin, "rev-parse", "main").strip()
    commit(origin, {"new.py": f"T = '{github_token(63)}'\n"}, "pushed leak")
    after = commit(origin, {"app.py": "x = 9\n"}, "pushed clean")
    runner = Runner(tmp_path, checkout(tmp_path, origin, "refs/heads/main"))
    event = {"before": before, "after": after, "ref": "refs/heads/main", "forced": False,
             "commits": [{"id": after}, {"id": "x"}]}  # fmt: skip
    done = runner.run("push", event, command="scan")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "::error file=new.py,line=1" in done.stdout and "old.py" not in done.stdout
    assert runner.outputs()["findings"] == "1"
    clean = runner.run("push", {**event, "before": git(origin, "rev-parse", "main~1").strip()})
    assert clean.returncode == 0, clean.stdout + clean.stderr


def test_other_events_scan_the_whole_repository(tmp_path: Path) -> None:
    origin = origin_repo(tmp_path)
    runner = Runner(tmp_path, checkout(tmp_path, origin, "refs/heads/main"))
    done = runner.run("workflow_dispatch", {}, command="scan", format="text")
    assert done.returncode == 1 and "old.py" in done.stdout and "::error" not in done.stdout
    assert "Scope: repository." in runner.summary.read_text(encoding="utf-8")


def test_a_new_branch_push_scans_everything_and_a_deleted_one_nothing(tmp_path: Path) -> None:
    origin = origin_repo(tmp_path)
    runner = Runner(tmp_path, checkout(tmp_path, origin, "refs/heads/main"))
    after = git(origin, "rev-parse", "main").strip()
    new = runner.run("push", {"before": "0" * 40, "after": after, "commits": []}, command="history")
    assert new.returncode == 1 and "old.py" in new.stdout
    gone = runner.run("push", {"before": after, "after": "0" * 40, "deleted": True}, command="history")
    assert gone.returncode == 0 and "::notice" in gone.stdout


def test_fail_on_never_reports_without_failing(tmp_path: Path) -> None:
    origin = origin_repo(tmp_path)
    runner = Runner(tmp_path, checkout(tmp_path, origin, "refs/heads/main"))
    done = runner.run("schedule", {}, command="scan", **{"fail-on": "never", "sarif-file": ""})
    assert done.returncode == 0 and "::error file=old.py" in done.stdout
    assert runner.outputs() == {"findings": "1", "sarif-file": ""}
    assert not (runner.workspace / "secret-hygiene.sarif").exists()


def test_fail_on_levels() -> None:
    warning, error = {"level": "warning"}, {"level": "error"}
    assert verdict([warning], "error") == 0 and verdict([warning], "warning") == 1
    assert verdict([error], "error") == 1 and verdict([error], "never") == 0 and verdict([], "warning") == 0


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"command": "rm -rf /"}, "input command"),
        ({"fail-on": "sometimes"}, "input fail-on"),
        ({"format": "xml"}, "input format"),
        ({"command": "history", "paths": "a b"}, "input paths"),
    ],
)
def test_bad_inputs_are_one_error_annotation(tmp_path: Path, inputs: dict[str, str], message: str) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    done = Runner(tmp_path, workspace).run("push", {}, **inputs)
    assert done.returncode == 2 and done.stdout.startswith("::error title=secret-hygiene::" + message)
    assert done.stderr == ""


def test_a_broken_event_file_is_an_error(tmp_path: Path) -> None:
    origin = origin_repo(tmp_path)
    runner = Runner(tmp_path, checkout(tmp_path, origin, "refs/heads/main"))
    done = runner.run("pull_request", {"pull_request": {"base": {"sha": "nope"}}})
    assert done.returncode == 2 and "pull_request.base.sha" in done.stdout


def test_the_action_yml_run_step_passes_inputs_through_env(tmp_path: Path) -> None:
    """Execute action.yml's own run step with bash, its `env:` filled in as the runner fills it."""
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "run")
    assert "${{" not in step["run"]  # inputs never spliced into the script
    origin = origin_repo(tmp_path)
    event = open_pr(origin, {"leak.py": f"T = '{github_token(64)}'\n"})
    runner = Runner(tmp_path, checkout(tmp_path, origin, "refs/pull/1/merge"))
    venv_bin = runner.temp / "secret-hygiene-venv" / "bin"  # what the install step creates
    venv_bin.mkdir(parents=True)
    # A wrapper, not a symlink: a symlink to a venv's interpreter loses that venv's site-packages.
    wrapper = f'#!/bin/sh\nexec {shlex.quote(sys.executable)} "$@"\n'
    (venv_bin / "python").write_text(wrapper, encoding="utf-8")
    (venv_bin / "python").chmod(0o755)
    inputs = {k: str(v.get("default", "")) for k, v in action["inputs"].items()} | {"command": "history"}
    env = runner.env("pull_request", event, {})
    for name, template in step["env"].items():
        key = template.removeprefix("${{ inputs.").removesuffix(" }}")
        env[name] = inputs[key]
    done = subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=runner.workspace, env=env, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert "::error file=leak.py" in done.stdout
    assert "secret-hygiene history" in runner.summary.read_text(encoding="utf-8")
    assert set(action["outputs"]) == {"findings", "sarif-file"} and runner.outputs()["findings"] == "1"


def test_a_repository_other_than_the_checkout_is_scanned_whole(tmp_path: Path) -> None:
    origin = origin_repo(tmp_path)
    event = open_pr(origin, {"app3.py": "z = 1\n"})
    runner = Runner(tmp_path, checkout(tmp_path, origin, "refs/pull/1/merge"))
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    git(scratch, "init", "-q", "-b", "main")
    commit(scratch, {"planted.py": f"T = '{github_token(66)}'\n"})
    done = runner.run("pull_request", event, command="scan", paths=str(scratch))
    assert done.returncode == 1 and "::error file=planted.py" in done.stdout
    assert "not the one the event is about" in runner.summary.read_text(encoding="utf-8")


def test_the_default_audit_runs_every_check_on_other_events(tmp_path: Path) -> None:
    origin = origin_repo(tmp_path)
    runner = Runner(tmp_path, checkout(tmp_path, origin, "refs/heads/main"))
    done = runner.run("schedule", {})
    assert done.returncode == 1, done.stdout + done.stderr
    assert "::error file=old.py" in done.stdout
    summary = runner.summary.read_text(encoding="utf-8")
    assert summary.startswith("## secret-hygiene audit: 1 problem(s)") and "Scope: repository." in summary
    runner.sarif()
