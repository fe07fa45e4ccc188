"""A new user's first day: the README's Quick start on this repository, and the report's honesty."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import commit, run_cli

REPO = Path(__file__).resolve().parent.parent


def test_our_own_tree_scans_clean_as_the_quick_start_audit_needs() -> None:
    # README Quick start: `python -m pip install . && secret-hygiene audit .` in a clone must exit 0.
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout: the Quick start audits a clone")
    result = run_cli(["scan", "-q", "."], REPO)
    assert result.code == 0, result.out + result.err


def test_strict_run_failing_on_warnings_only_says_fail_not_ok(git_repo: Path) -> None:
    commit(git_repo, {"lib.py": "x = 1\n"})  # a library repository: no env file, a warning only
    plain = run_cli(["env"], git_repo)
    assert plain.code == 0 and "\nOK: 0 problem(s), 1 warning(s)" in plain.out
    strict = run_cli(["env", "--strict"], git_repo)
    assert strict.code == 1
    assert "\nOK:" not in strict.out
    assert "\nFAIL: 0 problem(s), 1 warning(s) (--strict: warnings fail the run)" in strict.out
    as_json = run_cli(["env", "--strict", "--format", "json"], git_repo)
    assert as_json.code == 1 and '"failing": 1' in as_json.out
