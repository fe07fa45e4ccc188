"""A baseline stores paths as reports print them: a file or branch named after a key is redacted.

`baseline create` wrote `keys/<key>.txt` and `refs/heads/leak-<key>` whole into the baseline,
a file meant to be committed; the redacted path must still suppress the same findings.
"""

from __future__ import annotations

from pathlib import Path

from testing import commit, git, github_token, run_cli


def test_baseline_create_redacts_keys_in_paths_and_still_suppresses(git_repo: Path, tmp_path: Path) -> None:
    in_path, in_ref = github_token(seed=51), github_token(seed=52)
    commit(git_repo, {f"keys/{in_path}.txt": "nothing\n"})
    git(git_repo, "branch", f"leak-{in_ref}")
    baseline = tmp_path / "baseline.json"
    created = run_cli(["baseline", "create", "--checks", "leak,history", "--output", str(baseline)], git_repo)
    assert created.code == 0, created.err
    text = baseline.read_text()
    assert '"keys/ghp_' in text and "refs/heads/leak-ghp_" in text
    assert in_path not in text and in_ref not in text
    assert run_cli(["history", "--all"], git_repo).code == 1
    result = run_cli(["history", "--all", "--baseline", str(baseline)], git_repo)
    assert result.code == 0, result.out
    assert run_cli(["scan", "--baseline", str(baseline)], git_repo).code == 0
