"""The org-audit HTML report in a real headless browser (Debian's chromium, driven by Playwright)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from testing import commit, git, github_token, run_cli

ARTIFACTS = Path(
    os.environ.get("SECRET_HYGIENE_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts")
)
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip


def _browser() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip(
            "no chromium on PATH: install Debian's chromium package (.ci/run does) to run browser tests"
        )
    return found


def _org(root: Path) -> Path:
    org = root / "org"
    template = root / "tpl"
    template.mkdir()
    for name, files in {
        "payments": {
            "cfg/keys.py": f'TOKEN = "{github_token(seed=7)}"\n',
            "deploy/ci.py": f'CI_TOKEN = "{github_token(seed=8)}"\n',
        },
        "ledgered": {
            ".secret-rotation.yaml": "keys:\n  STRIPE_KEY: {rotated: 2026-01-02, owner: team-payments}\n"
        },
        "quiet": {"main.py": "print(1)\n"},
    }.items():
        repo = org / name
        repo.mkdir(parents=True)
        git(repo, "init", "-q", "-b", "main", f"--template={template}")
        commit(repo, {".gitignore": ".env\n", **files}, when="2026-01-05T10:00:00")
    return org


def test_the_report_renders_filters_and_logs_no_console_error(tmp_path: Path) -> None:
    executable = _browser()
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra")
    org = _org(tmp_path)
    for _ in range(2):  # two runs, so the trend has two points
        run = run_cli(
            ["org-audit", str(org), "--db", "o.sqlite", "--html", "report.html", "--now", "2026-11-30",
             "--workers", "1", "-q"],
            cwd=tmp_path,
        )  # fmt: skip
        assert run.code == 1, run.err
    errors: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: None if r.url.startswith(("file:", "data:")) else errors.append(r.url))
        page.goto((tmp_path / "report.html").as_uri())
        assert page.inner_text("#total-repositories b") == "3"
        assert page.inner_text("#total-runs-recorded b") == "2"
        assert page.locator("#repos tbody tr").count() == 3
        assert page.inner_text("#repos tbody tr >> nth=0").startswith("payments")
        assert page.locator("#trend polyline").count() == 3
        assert "STRIPE_KEY" in page.inner_text("#overdue") and "team-payments" in page.inner_text("#overdue")
        assert page.locator("#key-ages svg.key-stack").count() == 1
        page.fill("#repo-filter", "led")
        assert page.inner_text("#repo-count") == "1 shown"
        page.fill("#repo-filter", "")
        page.check("#failing-only")
        assert page.inner_text("#repo-count") == "2 shown"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.uncheck("#failing-only")
        page.screenshot(path=str(ARTIFACTS / "org-report.png"), full_page=True)
        browser.close()
    assert errors == []
    assert github_token(seed=7) not in (tmp_path / "report.html").read_text()
