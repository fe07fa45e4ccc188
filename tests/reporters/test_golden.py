"""Golden files: each reporter's whole output on one fixture repository (testing/golden.py).

A change to a reporter, a rule's message or a check shows up here as a diff of the committed
files in tests/reporters/golden/. When the change is meant, regenerate them and review the diff:

    SECRET_HYGIENE_REGEN_GOLDEN=1 python -m pytest -q tests/reporters/test_golden.py
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import jsonschema
import pytest

from secret_hygiene import __version__
from testing import golden, run_cli

GOLDEN = Path(__file__).resolve().parent / "golden"
SCHEMA = Path(__file__).resolve().parents[1] / "fixtures" / "sarif-schema-2.1.0.json"  # OASIS, vendored
REGEN = os.environ.get("SECRET_HYGIENE_REGEN_GOLDEN") == "1"
# The default view of a whole audit, and the verbose view (notes, skipped files) of a scan.
COMMANDS = {"audit": ["audit", "--now", golden.NOW], "scan": ["scan", "-v"]}
FORMATS = {"text": "txt", "json": "json", "sarif": "sarif", "github": "github.txt"}
# Variables that would turn colour on or change the format whatever the arguments say.
_AMBIENT = ("FORCE_COLOR", "CLICOLOR_FORCE", "NO_COLOR", "GITHUB_ACTIONS", "TERM")


def _normalise(text: str, repo: Path) -> str:
    """Only what must vary between machines and releases: the temp path and the tool's version."""
    text = text.replace(str(repo), "<repo>")
    return re.sub(rf'("(?:semanticV|v)ersion": )"{re.escape(__version__)}"', r'\1"<version>"', text)


def _output(tmp_path: Path, command: str, fmt: str) -> str:
    repo = golden.build(tmp_path)
    environ = {k: v for k, v in os.environ.items() if k not in _AMBIENT}
    run = run_cli([*COMMANDS[command], "--format", fmt], repo, environ=environ)
    assert run.code == 1, run.err  # the fixture holds a problem of every kind
    assert run.err == ""
    return _normalise(run.out, repo)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_report_matches_its_golden_file(tmp_path: Path, command: str, fmt: str) -> None:
    path = GOLDEN / f"{command}.{FORMATS[fmt]}"
    out = _output(tmp_path, command, fmt)
    if REGEN:
        path.parent.mkdir(exist_ok=True)
        path.write_text(out, encoding="utf-8", newline="\n")
    expected = path.read_text(encoding="utf-8")
    assert out == expected, f"{path.name} differs; if that is meant, regenerate it (this module's docstring)"


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_sarif_golden_file_is_valid_sarif_2_1_0(command: str) -> None:
    doc = json.loads((GOLDEN / f"{command}.sarif").read_text(encoding="utf-8"))
    jsonschema.validate(doc, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert doc["runs"][0]["results"], "the fixture's findings are in the log"


def test_golden_files_show_previews_never_a_key() -> None:
    """No run of 8 characters of a planted key (past the 4 a preview shows) is in any golden file."""
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(GOLDEN.iterdir())}
    assert len(texts) == len(COMMANDS) * len(FORMATS)
    for where, key in golden.keys().items():
        pieces = {key[i : i + 8] for i in range(4, len(key) - 7)}
        leaked = [(name, p) for name, text in texts.items() for p in pieces if p in text]
        assert not leaked, (where, leaked)
    assert all("************" in text for text in texts.values())
