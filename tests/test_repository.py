"""The repository is self-contained: a fresh clone runs its tests and benchmarks with nothing beside it."""

from __future__ import annotations

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
# Assembled at run time so this file does not match itself.
OUTSIDE = ("../" + "shared", "/" + "work/")


def tracked_text_files() -> list[Path]:
    files = ["README.md", "CONTRIBUTING.md", "SECURITY.md", "CHANGELOG.md", "action.yml", "pyproject.toml"]
    found = [ROOT / f for f in files if (ROOT / f).is_file()]
    for folder in ("src", "tests", "testing", "bench", "hooks", ".ci", "docs", "rules"):
        found += [p for p in (ROOT / folder).rglob("*") if p.is_file() and p.suffix != ".pyc"]
    return [p for p in found if "__pycache__" not in p.parts]


def test_nothing_refers_to_a_path_outside_the_repository() -> None:
    hits = []
    for path in tracked_text_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        hits += [f"{path.relative_to(ROOT)}: {needle}" for needle in OUTSIDE if needle in text]
    assert hits == []


def test_the_sarif_schema_is_vendored_with_its_notice() -> None:
    schema = ROOT / "tests" / "fixtures" / "sarif-schema-2.1.0.json"
    notice = schema.with_name("sarif-schema-2.1.0.NOTICE.md").read_text(encoding="utf-8")
    assert schema.is_file() and "OASIS" in notice and "sarif-spec" in notice


def test_the_project_files_a_user_looks_for_exist() -> None:
    license_text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT" and license_text.startswith("MIT License")
    assert "secret-hygiene contributors" in license_text
    for name in ("CHANGELOG.md", "CONTRIBUTING.md", "SECURITY.md", "src/secret_hygiene/py.typed"):
        assert (ROOT / name).is_file(), name
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in changelog and f"## [{project['version']}]" in changelog


def test_the_readme_suggests_no_install_from_the_package_index() -> None:
    """secret-hygiene is not on the package index: every install line names a clone or a git URL."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [line for line in readme.splitlines() if "pip install" in line and "secret-hygiene" in line]
    assert lines and all("pip install secret-hygiene" not in line for line in lines)
    for hook in (ROOT / "hooks").iterdir():
        assert "pip install secret-hygiene" not in hook.read_text(encoding="utf-8")
