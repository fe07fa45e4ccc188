"""A new user's first day: the README's Quick start on this repository, and the report's honesty."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli

REPO = Path(__file__).resolve().parent.parent


def test_our_own_tree_scans_clean_as_the_quick_start_audit_needs() -> None:
    # README Quick start: `python -m pip install . && secret-hygiene audit .` in a clone must exit 0.
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout: the Quick start audits a clone")
    result = run_cli(["scan", "-q", "."], REPO)
    assert result.code == 0, result.out + result.err
