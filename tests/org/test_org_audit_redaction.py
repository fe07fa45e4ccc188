"""org-audit prints and stores what a reporter would: a key in a path or ref name is redacted.

Its JSON form and its SQLite results database were written without the reporters' last guard
(reporters/safety.py), so a committed file or branch named after a key came out whole.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from testing import commit, git, github_token, run_cli


@pytest.mark.parametrize("fmt", ["json", "text", "sarif", "github"])
def test_a_key_in_a_file_or_branch_name_is_not_printed_or_stored(
    git_repo: Path, tmp_path: Path, fmt: str
) -> None:
    in_path, in_ref = github_token(seed=31), github_token(seed=32)
    commit(git_repo, {f"keys/{in_path}.txt": "nothing\n"})
    git(git_repo, "branch", f"leak-{in_ref}")
    db = tmp_path / "org.sqlite"
    result = run_cli(
        ["org-audit", "--workers", "1", "--db", str(db), "--format", fmt, str(git_repo)], tmp_path
    )
    assert result.code == 1, result.err
    for token in (in_path, in_ref):
        assert token not in result.out + result.err
    with sqlite3.connect(db) as conn:
        stored = "\n".join(
            str(row) for table in ("findings", "keys") for row in conn.execute(f"SELECT * FROM {table}")
        )
    assert "ghp_" in stored
    for token in (in_path, in_ref):
        assert token not in stored
