"""The hostile repositories of generator.py, built once per test session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.hostile.generator import Case, build_all, marker_program, remove


@dataclass
class World:
    """The built cases and where their marker programs write."""

    cases: dict[str, Case]
    marker: Path
    top: Path


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Every hostile case, built once per session (git identity as in tests/conftest.py)."""
    top = tmp_path_factory.mktemp("hostile")
    (top / "gitconfig").write_text("")
    saved = dict(os.environ)
    os.environ.update(
        {
            "GIT_AUTHOR_NAME": "Hostile",
            "GIT_AUTHOR_EMAIL": "hostile@example.invalid",
            "GIT_COMMITTER_NAME": "Hostile",
            "GIT_COMMITTER_EMAIL": "hostile@example.invalid",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": str(top / "gitconfig"),
        }
    )
    try:
        marker = top / "ran"
        cases = build_all(top, marker_program(top / "bin", marker))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    if marker.exists():
        marker.unlink()
    yield World(cases, marker, top)
    remove(top)
