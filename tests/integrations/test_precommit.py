"""Our .pre-commit-hooks.yaml run by the real pre-commit framework on real commits and pushes (issue 7).

The hooks are taken from the manifest as written (entry, pass_filenames, stages, always_run) and
installed as `repo: local` hooks with `language: system`, so pre-commit calls the installed
`secret-hygiene` console script without building a virtualenv (that would need the package index).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from testing import commit, fake, git, github_token

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / ".pre-commit-hooks.yaml"
BIN = Path(sys.executable).parent
REQUIRED = (
    "secret-hygiene", "secret-hygiene-env", "secret-hygiene-rotation", "secret-hygiene-pre-push",
    "secret-hygiene-commit",
)  # fmt: skip


def manifest() -> dict[str, dict[str, Any]]:
    hooks = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return {h["id"]: h for h in hooks}


def local_config(ids: list[str]) -> str:
    """A .pre-commit-config.yaml running the manifest's hooks `ids` from the installed command."""
    hooks = []
    for hook_id in ids:
        hook = {**manifest()[hook_id], "language": "system"}
        hook.pop("minimum_pre_commit_version", None)
        hooks.append(hook)
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": hooks}]}, sort_keys=False)


@pytest.fixture
def hook_env(tmp_path: Path) -> dict[str, str]:
    """pre-commit's cache in tmp_path; our console script first on PATH."""
    return {
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PRE_COMMIT_COLOR": "never",
        "NO_COLOR": "1",
    }


def install(repo: Path, env: dict[str, str], ids: list[str]) -> None:
    """Commit a config for `ids` plus a .gitignore for env files, then `pre-commit install`."""
    (repo / ".pre-commit-config.yaml").write_text(local_config(ids), encoding="utf-8")
    (repo / ".gitignore").write_text(".env\n.env.*\n!.env.example\n", encoding="utf-8")
    git(repo, "add", ".pre-commit-config.yaml", ".gitignore")
    git(repo, "commit", "-q", "--no-verify", "-m", "pre-commit config")
    precommit(repo, env, "install", "-t", "pre-commit", "-t", "pre-push")


def precommit(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", *args], cwd=repo, env={**os.environ, **env},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def attempt(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run a git command that fires the hooks; return the outcome (stdout and stderr merged)."""
    return subprocess.run(
        ["git", *args], cwd=repo, env={**os.environ, **env}, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, check=False,
    )  # fmt: skip


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


def test_manifest_validates_and_names_every_hook() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(MANIFEST)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    hooks = manifest()
    assert set(REQUIRED) <= set(hooks)
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["name"] and hook["description"]
        assert hook["entry"].startswith("secret-hygiene ")
    assert hooks["secret-hygiene"]["stages"] == ["pre-commit", "pre-push", "manual"]
    assert hooks["secret-hygiene-pre-push"]["stages"] == ["pre-push"]
    for repo_wide in ("secret-hygiene-env", "secret-hygiene-rotation", "secret-hygiene-pre-push"):
        assert hooks[repo_wide]["pass_filenames"] is False and hooks[repo_wide]["always_run"] is True


def test_project_config_validates() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", str(ROOT / ".pre-commit-config.yaml")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_commit_adding_a_key_is_refused_readably(git_repo: Path, hook_env: dict[str, str]) -> None:
    install(git_repo, hook_env, ["secret-hygiene", "secret-hygiene-env", "secret-hygiene-rotation"])
    before = head(git_repo)
    token = github_token(40)
    (git_repo / "app.py").write_text(f"import os\nTOKEN = '{token}'\n", encoding="utf-8")
    git(git_repo, "add", "app.py")
    done = attempt(git_repo, hook_env, "commit", "-m", "add app")
    output = done.stdout
    assert done.returncode != 0 and head(git_repo) == before
    assert "app.py" in output and "error[leak]" in output and "2:" in output
    assert "secret-hygiene (no API keys in staged changes)" in output and "Failed" in output
    assert token not in output and token[4:20] not in output
    assert git(git_repo, "diff", "--cached", "--name-only").split() == ["app.py"]  # still staged


def test_a_clean_commit_goes_through(git_repo: Path, hook_env: dict[str, str]) -> None:
    install(git_repo, hook_env, ["secret-hygiene", "secret-hygiene-env", "secret-hygiene-rotation"])
    (git_repo / "app.py").write_text("import os\nTOKEN = os.environ['TOKEN']\n", encoding="utf-8")
    git(git_repo, "add", "app.py")
    done = attempt(git_repo, hook_env, "commit", "-m", "add app")
    assert done.returncode == 0, done.stdout
    assert git(git_repo, "log", "-1", "--format=%s").strip() == "add app"
    assert "Passed" in done.stdout


def test_unstaged_changes_are_neither_scanned_nor_touched(git_repo: Path, hook_env: dict[str, str]) -> None:
    install(git_repo, hook_env, ["secret-hygiene"])
    commit(git_repo, {"app.py": "import os\n"})
    (git_repo / "app.py").write_text("import os\nA = 1\n", encoding="utf-8")
    git(git_repo, "add", "app.py")
    unstaged = f"import os\nA = 1\nTOKEN = '{github_token(41)}'\n# still editing\n"
    (git_repo / "app.py").write_text(unstaged, encoding="utf-8")
    done = attempt(git_repo, hook_env, "commit", "-m", "staged part only")
    assert done.returncode == 0, done.stdout
    assert git(git_repo, "show", "HEAD:app.py") == "import os\nA = 1\n"
    assert (git_repo / "app.py").read_text(encoding="utf-8") == unstaged


def test_a_refused_commit_keeps_the_unstaged_fix(git_repo: Path, hook_env: dict[str, str]) -> None:
    install(git_repo, hook_env, ["secret-hygiene"])
    commit(git_repo, {"app.py": "import os\n"})
    (git_repo / "app.py").write_text(f"import os\nTOKEN = '{github_token(42)}'\n", encoding="utf-8")
    git(git_repo, "add", "app.py")
    fixed = "import os\nTOKEN = os.environ['TOKEN']\n"
    (git_repo / "app.py").write_text(fixed, encoding="utf-8")
    done = attempt(git_repo, hook_env, "commit", "-m", "leak staged, fix unstaged")
    assert done.returncode != 0 and "app.py" in done.stdout
    assert (git_repo / "app.py").read_text(encoding="utf-8") == fixed


def test_a_tracked_env_file_fails_the_env_hook(git_repo: Path, hook_env: dict[str, str]) -> None:
    install(git_repo, hook_env, ["secret-hygiene-env"])
    (git_repo / "config.env").write_text("DEBUG=1\n", encoding="utf-8")
    git(git_repo, "add", "config.env")
    (git_repo / ".gitignore").write_text("", encoding="utf-8")
    git(git_repo, "add", ".gitignore")
    done = attempt(git_repo, hook_env, "commit", "-m", "env")
    assert done.returncode != 0 and "env-not-ignored" in done.stdout


def test_all_files_run_of_the_files_hook_finds_a_committed_key(
    git_repo: Path, hook_env: dict[str, str]
) -> None:
    install(git_repo, hook_env, ["secret-hygiene-files"])
    (git_repo / "old.py").write_text(f"T = '{github_token(43)}'\n", encoding="utf-8")
    (git_repo / "ok.py").write_text("x = 1\n", encoding="utf-8")
    git(git_repo, "add", "old.py", "ok.py")
    git(git_repo, "commit", "-q", "--no-verify", "-m", "a key that got past the hooks")
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"], cwd=git_repo,
        env={**os.environ, **hook_env}, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 1 and "old.py" in proc.stdout and "ok.py" not in proc.stdout


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    path = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(path))
    return path


def test_pre_push_refuses_pushed_commits_holding_a_key(
    git_repo: Path, hook_env: dict[str, str], remote: Path
) -> None:
    install(git_repo, hook_env, ["secret-hygiene-pre-push"])
    git(git_repo, "remote", "add", "origin", str(remote))
    clean = commit(git_repo, {"app.py": "x = 1\n"})
    pushed = attempt(git_repo, hook_env, "push", "-q", "origin", "main")  # first push: reaches the root
    assert pushed.returncode == 0, pushed.stdout
    bad = commit(git_repo, {"leak.py": f"T = '{github_token(44)}'\n"}, "leak")
    commit(git_repo, {"leak.py": "T = None\n"}, "remove it again: still in the pushed history")
    refused = attempt(git_repo, hook_env, "push", "-q", "origin", "main")
    assert refused.returncode != 0 and "leak.py" in refused.stdout and bad[:12] in refused.stdout
    assert git(remote, "rev-parse", "main").strip() == clean


def test_pre_push_of_a_new_history_holding_a_key_is_refused(
    git_repo: Path, hook_env: dict[str, str], remote: Path
) -> None:
    install(git_repo, hook_env, ["secret-hygiene-pre-push"])
    git(git_repo, "remote", "add", "origin", str(remote))
    commit(git_repo, {"leak.py": f"T = '{github_token(45)}'\n"}, "leak")
    refused = attempt(git_repo, hook_env, "push", "-q", "origin", "main")
    assert refused.returncode != 0 and "leak.py" in refused.stdout
    assert git(remote, "for-each-ref").strip() == ""


def telegram_token(seed: int) -> str:
    """A synthetic Telegram bot token shape (bot id, ':AA', 33 characters)."""
    return fake("", 10, "123456789", seed=seed) + ":AA" + fake("", 33, seed=seed)


def run_all_files(repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"], cwd=repo,
        env={**os.environ, **env}, capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_all_files_run_of_the_main_hook_scans_committed_files_whole(
    git_repo: Path, hook_env: dict[str, str]
) -> None:
    install(git_repo, hook_env, ["secret-hygiene"])
    token = telegram_token(46)
    alerts = '{\n  "telegram": {\n    "chat": 42,\n    "token": "' + token + '"\n  }\n}\n'
    (git_repo / "alerts.json").write_text(alerts, encoding="utf-8")
    (git_repo / "ok.py").write_text("x = 1\n", encoding="utf-8")
    git(git_repo, "add", "alerts.json", "ok.py")
    git(git_repo, "commit", "-q", "--no-verify", "-m", "a key that got past the hooks")
    proc = run_all_files(git_repo, hook_env)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "alerts.json:4:" in proc.stdout and "telegram-bot-token" in proc.stdout
    assert "ok.py" not in proc.stdout and token not in proc.stdout and token[12:30] not in proc.stdout
    assert "with no staged change read whole" in proc.stdout


def test_a_clean_all_files_run_says_what_it_checked(git_repo: Path, hook_env: dict[str, str]) -> None:
    install(git_repo, hook_env, ["secret-hygiene"])
    commit(git_repo, {"ok.py": "x = 1\ny = 2\n"})
    proc = run_all_files(git_repo, hook_env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # pre-commit prints a passing hook's output only with --verbose; run the hook's entry as it does.
    verbose = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--verbose"], cwd=git_repo,
        env={**os.environ, **hook_env}, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert "OK: 0 problem(s), 0 warning(s); checked 0 staged file(s)" in verbose.stdout
    assert "file(s) with no staged change read whole" in verbose.stdout


COMMIT_HOOK = "secret-hygiene-commit"


def test_the_one_commit_hook_passes_options_before_file_names() -> None:
    hook = manifest()[COMMIT_HOOK]
    assert hook["entry"] == "secret-hygiene pre-commit --"
    assert hook["pass_filenames"] is True and hook["always_run"] is True and hook["verbose"] is True


def test_the_one_commit_hook_refuses_a_key_with_one_report(git_repo: Path, hook_env: dict[str, str]) -> None:
    install(git_repo, hook_env, [COMMIT_HOOK])
    before = head(git_repo)
    token = github_token(47)
    (git_repo / "app.py").write_text(f"import os\nTOKEN = '{token}'\n", encoding="utf-8")
    git(git_repo, "add", "app.py")
    done = attempt(git_repo, hook_env, "commit", "-m", "add app")
    assert done.returncode != 0 and head(git_repo) == before
    assert "error[leak] app.py:2:" in done.stdout and token not in done.stdout
    assert done.stdout.count("FAIL: ") == 1 and "next steps:" in done.stdout
    assert "1 staged file(s) (2 added line(s))" in done.stdout and "key(s)" in done.stdout


def test_the_one_commit_hook_warns_on_an_overdue_key_and_lets_the_commit_through(
    git_repo: Path, hook_env: dict[str, str]
) -> None:
    install(git_repo, hook_env, [COMMIT_HOOK])
    (git_repo / ".secret-rotation.yaml").write_text(
        "keys:\n  STRIPE_KEY: {rotated: 2020-01-01}\n", encoding="utf-8"
    )
    (git_repo / "app.py").write_text("x = 1\n", encoding="utf-8")
    git(git_repo, "add", ".secret-rotation.yaml", "app.py")
    done = attempt(git_repo, hook_env, "commit", "-m", "a typo fix")
    assert done.returncode == 0, done.stdout
    assert git(git_repo, "log", "-1", "--format=%s").strip() == "a typo fix"
    assert "warning[rotation-overdue]" in done.stdout and "STRIPE_KEY" in done.stdout
    strict = subprocess.run(
        [str(BIN / "secret-hygiene"), "pre-commit", "--rotation", "fail"], cwd=git_repo,
        env={**os.environ, **hook_env}, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert strict.returncode == 1 and "error[rotation-overdue]" in strict.stdout


def test_the_one_commit_hook_refuses_a_tracked_env_file(git_repo: Path, hook_env: dict[str, str]) -> None:
    install(git_repo, hook_env, [COMMIT_HOOK])
    (git_repo / "config.env").write_text("DEBUG=1\n", encoding="utf-8")
    git(git_repo, "add", "config.env")
    done = attempt(git_repo, hook_env, "commit", "-m", "env")
    assert done.returncode != 0 and "error[env-tracked] config.env" in done.stdout


def test_an_all_files_run_of_the_one_hook_reads_a_file_named_like_a_flag(
    git_repo: Path, hook_env: dict[str, str]
) -> None:
    install(git_repo, hook_env, [COMMIT_HOOK])
    (git_repo / "--help").write_text(f"T = '{github_token(48)}'\n", encoding="utf-8")
    git(git_repo, "add", "--", "--help")
    git(git_repo, "commit", "-q", "--no-verify", "-m", "a key in an odd file name")
    proc = run_all_files(git_repo, hook_env)
    assert proc.returncode == 1 and "error[leak] --help:1:" in proc.stdout, proc.stdout + proc.stderr
