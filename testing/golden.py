"""The fixture repository behind the reporters' golden files, built the same way every time.

Fixed author, committer and dates make the commit SHAs the same on every machine; the keys are
synthetic (testing/keys.py, fixed seeds) and assembled here at run time, so no key-shaped
literal sits in this repository. tests/reporters/test_golden.py runs the commands on it and
compares their output with tests/reporters/golden/.
"""

from __future__ import annotations

import json
from pathlib import Path

from testing.gitrepo import GIT_ENV, git
from testing.keys import fake, github_token

# The moment every rotation age is measured from (`--now`), and the dates of the commits.
NOW = "2026-05-01"
_DATES = (
    "2025-01-02T10:00:00+00:00",
    "2025-01-03T10:00:00+00:00",
    "2025-02-01T10:00:00+00:00",
    "2026-03-01T10:00:00+00:00",
)
_DIGITS = "0123456789"
LEDGER = "keys:\n  VAULT_TOKEN:\n    rotated: 2025-01-01\n  PAYMENTS_KEY:\n    rotated: 2026-04-01\n"


def keys() -> dict[str, str]:
    """The synthetic keys planted in the repository, by where they are."""
    return {
        "history": github_token(seed=101),
        "stripe": "sk_" + "live_" + fake("", 32, seed=102),
        "aws": fake("AK" + "IA", 16, alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", seed=103),
        "env": fake("", 20, seed=104),
        "template": fake("", 28, seed=105),
        "notebook": "-".join(
            (
                "xox" + "b",
                fake("", 11, _DIGITS, seed=106),
                fake("", 13, _DIGITS, seed=107),
                fake("", 24, seed=108),
            )
        ),
    }


def _notebook(token: str) -> str:
    cell = {
        "cell_type": "code",
        "execution_count": 1,
        "metadata": {},
        "outputs": [],
        "source": ["import slack\n", f'client = slack.WebClient(token="{token}")\n'],
    }
    doc = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(doc, indent=1) + "\n"


def build(root: Path) -> Path:
    """A repository under `root` with one problem of each kind; returns its path."""
    repo = root / "repo"
    template = root / "empty-template"
    repo.mkdir(parents=True)
    template.mkdir()
    git(repo, "init", "-q", "-b", "main", f"--template={template}", env=GIT_ENV)
    k = keys()
    _commit(repo, {"README.md": "# demo\n", "old.py": f'TOKEN = "{k["history"]}"\n'}, "add a script", 0)
    (repo / "old.py").unlink()
    git(repo, "add", "-A", env=GIT_ENV)
    _commit(repo, {}, "remove the script", 1)
    files = {
        "app/settings.py": f'STRIPE_KEY = "{k["stripe"]}"\nAWS_ACCESS_KEY_ID = "{k["aws"]}"\n',
        ".gitignore": "/.env\n",
        ".env": f"DB_PASSWORD={k['env']}\n",
        ".env.example": f"API_SECRET={k['template']}\nDB_PASSWORD=\nLOG_LEVEL=info\n",
        "notebooks/explore.ipynb": _notebook(k["notebook"]),
        ".secret-rotation.yaml": LEDGER,
    }
    _commit(repo, files, "settings", 2)
    (repo / "assets").mkdir()
    (repo / "assets" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    git(repo, "add", "assets/logo.png", env=GIT_ENV)
    _commit(repo, {}, "a logo", 3)
    (repo / "api").mkdir()
    (repo / "api" / ".env").write_text("PORT=8080\n", encoding="utf-8")  # not ignored, not tracked
    return repo


def _commit(repo: Path, files: dict[str, str], message: str, date: int) -> None:
    for name, content in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        git(repo, "add", "-f", "--", name, env=GIT_ENV)
    when = {"GIT_AUTHOR_DATE": _DATES[date], "GIT_COMMITTER_DATE": _DATES[date]}
    git(repo, "commit", "-q", "--no-verify", "--no-gpg-sign", "-m", message, env={**GIT_ENV, **when})
