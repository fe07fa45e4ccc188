"""Reporters turn a Report into text, JSON, SARIF or GitHub workflow commands."""

from __future__ import annotations

from typing import Protocol, TextIO

from secret_hygiene.model import Report
from secret_hygiene.reporters.github import render_github
from secret_hygiene.reporters.json import render_json
from secret_hygiene.reporters.sarif import render_sarif
from secret_hygiene.reporters.text import render_text


class Renderer(Protocol):
    """Writes one report to a stream; `workflow` when it goes to a GitHub Actions log."""

    def __call__(
        self, report: Report, out: TextIO, *, color: bool, verbose: bool, workflow: bool = False
    ) -> None: ...


REPORTERS: dict[str, Renderer] = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
    "github": render_github,
}
