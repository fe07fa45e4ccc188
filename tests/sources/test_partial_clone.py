"""A partial clone whose own config allows a protocol fetches nothing while it is scanned.

`git clone -c protocol.file.allow=always --filter=blob:none` stores that setting in the clone,
and it outranked the tool's `protocol.allow=never`: `history` fetched every missing blob from the
promisor remote (a transport that can run the repository's core.sshCommand) and wrote packs into
the repository.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from testing import commit, git, github_token, run_cli


def test_history_in_a_partial_clone_fetches_nothing_and_says_why(git_repo: Path, tmp_path: Path) -> None:
    commit(git_repo, {"app.py": f"KEY = '{github_token(seed=41)}'\n"})
    commit(git_repo, {"app.py": "KEY = None\n"})
    git(git_repo, "config", "uploadpack.allowFilter", "true")
    clone = tmp_path / "partial"
    subprocess.run(
        [
            "git",
            "clone",
            "-q",
            "-c",
            "protocol.file.allow=always",
            "--filter=blob:none",
            f"file://{git_repo}",
            str(clone),
        ],
        check=True,
        capture_output=True,
    )
    packs = sorted(p.name for p in (clone / ".git" / "objects" / "pack").iterdir())
    for args in (["history", "--all"], ["audit"]):
        result = run_cli([*args, "--format", "json"], clone)
        assert result.code == 2, result.out
        assert "partial clone" in result.err and result.err.count("\n") == 1
        assert sorted(p.name for p in (clone / ".git" / "objects" / "pack").iterdir()) == packs
