"""The text report: two short lines per finding, in line order within a file, and next steps on failure."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from secret_hygiene.model import Finding, Report
from secret_hygiene.reporters.text import render_text
from testing import commit, git, github_token, run_cli


def _finding(line: int, severity: str, check: str = "leak", rule: str = "some-rule") -> Finding:
    return Finding(
        check=check, rule_id=rule, path="app.py", line=line, column=5, message="A key",
        fingerprint=f"fp{line}", secret="ghp_************ (40 chars)", severity=severity,
        details=(("fix", "rotate it"),),
    )  # fmt: skip


def _text(report: Report) -> str:
    out = io.StringIO()
    render_text(report, out, color=False, verbose=False)
    return out.getvalue()


def test_each_finding_is_two_short_lines_with_location_rule_preview_and_fix() -> None:
    text = _text(Report((_finding(3, "high"),), checks=("leak",), scanned=1))
    first, second = text.splitlines()[:2]
    assert first == "error[leak] app.py:3:5 some-rule"
    assert second == "    ghp_************ (40 chars) | fix: rotate it"
    out = io.StringIO()
    render_text(Report((_finding(3, "high"),)), out, color=False, verbose=True)
    assert out.getvalue().splitlines()[1] == "    ghp_************ (40 chars) | A key | fix: rotate it"


def test_a_check_named_like_its_rule_is_printed_once() -> None:
    f = _finding(1, "high", check="env-not-ignored", rule="env-not-ignored")
    first = _text(Report((f,))).splitlines()[0]
    assert first == "error[env-not-ignored] app.py:1:5" and first.count("env-not-ignored") == 1


def test_findings_in_a_file_come_in_line_order_whatever_their_severity() -> None:
    found = (_finding(9, "critical"), _finding(2, "low"), _finding(5, "medium"))
    heads = [line for line in _text(Report(found)).splitlines() if line.startswith("error[")]
    assert [h.split()[1] for h in heads] == ["app.py:2:5", "app.py:5:5", "app.py:9:5"]


def test_a_failing_run_ends_with_next_steps_and_a_passing_one_does_not() -> None:
    failing = _text(Report((_finding(1, "high"),), scanned=1))
    steps = failing.split("next steps:\n")[1]
    assert ".env" in steps and "os.environ" in steps
    assert "# secret-hygiene: allow" in steps and "git commit --no-verify" in steps
    assert "skips every pre-commit hook" in steps
    assert "next steps" not in _text(Report(scanned=1))


def test_the_summary_says_what_was_checked_even_when_it_was_nothing() -> None:
    assert _text(Report(checks=("leak",))).startswith("OK: 0 problem(s), 0 warning(s); checked 0 file(s)")
    said = _text(Report(checked="2 staged file(s) (3 added line(s))"))
    assert "checked 2 staged file(s) (3 added line(s))" in said


def test_a_staged_scan_reports_added_lines_and_whole_files(git_repo: Path) -> None:
    commit(git_repo, {"old.py": f"T = '{github_token(60)}'\n", "b.py": "x = 1\n"})
    (git_repo / "b.py").write_text("x = 1\ny = 2\n", encoding="utf-8")
    git(git_repo, "add", "b.py")
    staged = run_cli(["scan", "--staged"], git_repo)
    assert staged.code == 0 and "checked 1 staged file(s) (1 added line(s))" in staged.out
    named = run_cli(["scan", "--staged", "--", "old.py", "b.py"], git_repo)
    assert named.code == 1 and "old.py:1:6" in named.out
    assert "1 file(s) with no staged change read whole (1 line(s))" in named.out
    (git_repo / "new.py").write_text("x = 1\n", encoding="utf-8")
    untracked = run_cli(["scan", "--staged", "-v", "--", "new.py"], git_repo)
    assert untracked.code == 0 and "skipped new.py: not in the index" in untracked.out


@pytest.mark.parametrize("jobs", ["0", "-3", "many"])
def test_scan_rejects_a_job_count_below_one(plain_dir: Path, jobs: str) -> None:
    run = run_cli(["scan", "--no-git", "--jobs", jobs, "."], plain_dir)
    assert run.code == 2 and run.out == ""
    assert run.err.count("\n") == 1 and "--jobs" in run.err and "1 or more" in run.err
