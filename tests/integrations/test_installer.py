"""`secret-hygiene install-hooks` and the hooks/ scripts, through real commits and pushes (issue 7)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from secret_hygiene.integrations import git_hooks as installer
from testing import commit, git, github_token, run_cli

# A hook someone else wrote: logs that it ran and what git gave it on stdin.
FOREIGN = """#!/bin/sh
log="$(git rev-parse --git-dir)/foreign.log"
echo foreign >> "$log"
cat >> "$log"
exit 0
"""


def attempt(repo: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """A git command that fires hooks; stdout and stderr merged, outcome not judged."""
    return subprocess.run(
        ["git", *args], cwd=repo, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, check=False,
    )  # fmt: skip


def stage(repo: Path, name: str, text: str) -> None:
    (repo / name).write_text(text, encoding="utf-8")
    git(repo, "add", "--", name)


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


def hooks(repo: Path) -> Path:
    return repo / ".git" / "hooks"


def executable(path: Path) -> bool:
    return bool(path.stat().st_mode & stat.S_IXUSR)


def test_install_writes_both_hooks_executable_and_is_idempotent(git_repo: Path) -> None:
    first = run_cli(["install-hooks"], git_repo)
    assert first.code == 0, first.err
    assert "pre-commit: installed .git/hooks/pre-commit" in first.out
    for name in installer.HOOKS:
        path = hooks(git_repo) / name
        assert executable(path) and installer.is_ours(path)
        assert "INSTALL_PYTHON=''" not in path.read_text(encoding="utf-8")
    before = {n: (hooks(git_repo) / n).read_bytes() for n in installer.HOOKS}
    again = run_cli(["install-hooks"], git_repo)
    assert again.code == 0 and again.out.count("already installed") == 2
    assert {n: (hooks(git_repo) / n).read_bytes() for n in installer.HOOKS} == before
    assert sorted(p.name for p in hooks(git_repo).iterdir()) == ["pre-commit", "pre-push"]


def test_a_stale_or_non_executable_hook_of_ours_is_updated(git_repo: Path) -> None:
    run_cli(["install-hooks", "--hook", "pre-commit"], git_repo)
    path = hooks(git_repo) / "pre-commit"
    path.write_text(path.read_text(encoding="utf-8") + "# an older version\n", encoding="utf-8")
    path.chmod(0o644)
    done = run_cli(["install-hooks", "--hook", "pre-commit"], git_repo)
    assert done.code == 0 and "updated" in done.out and executable(path)
    assert not (hooks(git_repo) / "pre-push").exists()


def test_commits_through_the_hook(git_repo: Path) -> None:
    commit(git_repo, {"README.md": "hello\n"})
    assert run_cli(["install-hooks"], git_repo).code == 0
    before = head(git_repo)
    token = github_token(50)
    stage(git_repo, "app.py", f"import os\nTOKEN = '{token}'\n")
    refused = attempt(git_repo, "commit", "-m", "leak")
    assert refused.returncode != 0 and head(git_repo) == before
    assert "app.py" in refused.stdout and "error[leak]" in refused.stdout and token not in refused.stdout
    stage(git_repo, "app.py", "import os\nTOKEN = os.environ['TOKEN']\n")
    clean = attempt(git_repo, "commit", "-q", "-m", "clean")
    assert clean.returncode == 0 and clean.stdout == ""
    assert git(git_repo, "log", "-1", "--format=%s").strip() == "clean"


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    path = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(path))
    return path


def test_pushes_through_the_hook(git_repo: Path, remote: Path) -> None:
    assert run_cli(["install-hooks"], git_repo).code == 0
    git(git_repo, "remote", "add", "origin", str(remote))
    clean = commit(git_repo, {"app.py": "x = 1\n"})
    first = attempt(git_repo, "push", "-q", "origin", "main")
    assert first.returncode == 0, first.stdout
    stage(git_repo, "leak.py", f"T = '{github_token(51)}'\n")
    git(git_repo, "commit", "-q", "--no-verify", "-m", "leak, past the pre-commit hook")
    commit(git_repo, {"leak.py": None}, "and gone again: still in what is pushed")
    refused = attempt(git_repo, "push", "-q", "origin", "main")
    assert refused.returncode != 0 and "leak.py" in refused.stdout
    assert git(remote, "rev-parse", "main").strip() == clean
    git(git_repo, "reset", "-q", "--hard", clean)
    fixed = commit(git_repo, {"app.py": "x = 2\n"}, "clean change")
    accepted = attempt(git_repo, "push", "-q", "origin", "main")
    assert accepted.returncode == 0, accepted.stdout
    assert git(remote, "rev-parse", "main").strip() == fixed


def test_a_foreign_hook_is_refused_untouched(git_repo: Path) -> None:
    path = hooks(git_repo) / "pre-commit"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(FOREIGN, encoding="utf-8")
    done = run_cli(["install-hooks"], git_repo)
    assert done.code == 2 and "--chain" in done.err and "--force" in done.err
    assert len(done.err.strip().splitlines()) == 1
    assert path.read_text(encoding="utf-8") == FOREIGN
    assert not (hooks(git_repo) / "pre-push").exists()  # refused before anything changed


def test_force_replaces_a_foreign_hook(git_repo: Path) -> None:
    path = hooks(git_repo) / "pre-commit"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(FOREIGN, encoding="utf-8")
    done = run_cli(["install-hooks", "--force"], git_repo)
    assert done.code == 0 and "replacing" in done.out
    assert installer.is_ours(path) and not (hooks(git_repo) / "pre-commit.local").exists()


def test_force_replaces_a_symlinked_hook_not_its_target(git_repo: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared-hook"
    shared.write_text(FOREIGN, encoding="utf-8")
    hooks(git_repo).mkdir(parents=True, exist_ok=True)
    (hooks(git_repo) / "pre-commit").symlink_to(shared)
    assert run_cli(["install-hooks", "--force", "--hook", "pre-commit"], git_repo).code == 0
    assert shared.read_text(encoding="utf-8") == FOREIGN
    assert installer.is_ours(hooks(git_repo) / "pre-commit")


def test_chain_keeps_the_foreign_hook_and_runs_it_first(git_repo: Path, remote: Path) -> None:
    for name in installer.HOOKS:
        (hooks(git_repo)).mkdir(parents=True, exist_ok=True)
        (hooks(git_repo) / name).write_text(FOREIGN, encoding="utf-8")
        (hooks(git_repo) / name).chmod(0o755)
    done = run_cli(["install-hooks", "--chain"], git_repo)
    assert done.code == 0 and done.out.count(".local") == 2
    assert (hooks(git_repo) / "pre-commit.local").read_text(encoding="utf-8") == FOREIGN
    log = git_repo / ".git" / "foreign.log"
    stage(git_repo, "app.py", f"T = '{github_token(52)}'\n")
    assert attempt(git_repo, "commit", "-m", "leak").returncode != 0
    assert log.read_text(encoding="utf-8") == "foreign\n"
    stage(git_repo, "app.py", "T = None\n")
    assert attempt(git_repo, "commit", "-q", "-m", "clean").returncode == 0
    git(git_repo, "remote", "add", "origin", str(remote))
    assert attempt(git_repo, "push", "-q", "origin", "main").returncode == 0
    pushed_line = f"refs/heads/main {head(git_repo)} refs/heads/main {'0' * 40}\n"
    assert log.read_text(encoding="utf-8").endswith("foreign\n" + pushed_line)  # git's stdin, forwarded
    again = run_cli(["install-hooks", "--chain"], git_repo)
    assert again.code == 0 and again.out.count("already installed") == 2


def test_a_failing_chained_hook_stops_the_commit(git_repo: Path) -> None:
    hooks(git_repo).mkdir(parents=True, exist_ok=True)
    (hooks(git_repo) / "pre-commit").write_text(
        "#!/bin/sh\necho no commits today\nexit 3\n", encoding="utf-8"
    )
    (hooks(git_repo) / "pre-commit").chmod(0o755)
    assert run_cli(["install-hooks", "--chain", "--hook", "pre-commit"], git_repo).code == 0
    stage(git_repo, "app.py", "x = 1\n")
    done = attempt(git_repo, "commit", "-m", "clean, but the other hook says no")
    assert done.returncode != 0 and "no commits today" in done.stdout


def test_chain_refuses_when_a_kept_hook_already_exists(git_repo: Path) -> None:
    hooks(git_repo).mkdir(parents=True, exist_ok=True)
    (hooks(git_repo) / "pre-commit").write_text(FOREIGN, encoding="utf-8")
    (hooks(git_repo) / "pre-commit.local").write_text(FOREIGN, encoding="utf-8")
    done = run_cli(["install-hooks", "--chain"], git_repo)
    assert done.code == 2 and "pre-commit.local" in done.err


def test_core_hooks_path_is_honoured(git_repo: Path) -> None:
    git(git_repo, "config", "core.hooksPath", "ci/hooks")
    done = run_cli(["install-hooks"], git_repo)
    assert done.code == 0 and "ci/hooks/pre-commit" in done.out
    assert installer.is_ours(git_repo / "ci" / "hooks" / "pre-commit")
    assert not hooks(git_repo).exists() or not any(hooks(git_repo).iterdir())
    stage(git_repo, "app.py", f"T = '{github_token(53)}'\n")
    refused = attempt(git_repo, "commit", "-m", "leak")
    assert refused.returncode != 0 and "app.py" in refused.stdout


def test_a_missing_command_is_a_clear_refusal(git_repo: Path, tmp_path: Path) -> None:
    gone = tmp_path / "removed-venv" / "bin" / "python"
    installer.install(hooks(git_repo), ["pre-commit"], force=False, chain=False, python=str(gone))
    stage(git_repo, "app.py", "x = 1\n")
    bare = tmp_path / "bare-bin"  # a GUI client's PATH: git and the basics, no secret-hygiene
    bare.mkdir()
    for tool in ("git", "dirname"):
        (bare / tool).symlink_to(shutil.which(tool) or tool)
    done = attempt(git_repo, "commit", "-m", "x", env={"PATH": str(bare)})
    assert done.returncode != 0 and "secret-hygiene: command not found" in done.stdout
    assert "--no-verify" in done.stdout
    # The package is not on an index: the advice is an install that works, from a clone.
    assert "pip install secret-hygiene" not in done.stdout and "python -m pip install ." in done.stdout


def test_outside_a_repository_and_in_a_bare_one(plain_dir: Path, remote: Path) -> None:
    outside = run_cli(["install-hooks"], plain_dir)
    assert outside.code == 2 and "not a git repository" in outside.err
    bare = run_cli(["install-hooks"], remote)
    assert bare.code == 2 and "bare" in bare.err
    assert not (remote / "hooks" / "pre-commit").exists()


def test_outside_a_repository_it_says_so_without_suggesting_a_flag_it_lacks(plain_dir: Path) -> None:
    run = run_cli(["install-hooks"], plain_dir)
    assert run.code == 2 and run.err.count("\n") == 1
    assert "not a git repository" in run.err and "--no-git" not in run.err


def test_a_gitattributes_binary_text_file_commits_through_the_hook_on_its_added_lines(git_repo: Path) -> None:
    # The hook's git gives a relative GIT_INDEX_FILE (`.git/index`) for a plain commit and an
    # absolute one for `commit FILE` (a temporary index): both reach the index read here.
    old = github_token(52)
    commit(
        git_repo,
        {".gitattributes": "*.cfg -diff\n", "app.cfg": f"A = 1\nOLD = '{old}'  # secret-hygiene: allow\n"},
    )
    (git_repo / "app.cfg").write_text(f"A = 1\nOLD = '{old}'\n", encoding="utf-8")
    git(git_repo, "commit", "-q", "--no-verify", "-am", "the allow comment goes, the key stays")
    assert run_cli(["install-hooks"], git_repo).code == 0
    stage(git_repo, "app.cfg", f"A = 1\nOLD = '{old}'\nB = 2\n")
    plain = attempt(git_repo, "commit", "-q", "-m", "no new key")
    assert plain.returncode == 0, plain.stdout
    (git_repo / "app.cfg").write_text(
        f"A = 1\nOLD = '{old}'\nB = 2\nNEW = '{github_token(53)}'\n", encoding="utf-8"
    )
    before = head(git_repo)
    partial = attempt(git_repo, "commit", "-m", "new key", "app.cfg")
    assert partial.returncode != 0 and head(git_repo) == before
    assert "app.cfg:4" in partial.stdout and "app.cfg:2" not in partial.stdout
