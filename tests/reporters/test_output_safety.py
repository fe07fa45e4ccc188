"""Nothing a scanned repository holds is printed whole or can forge a line of output.

Written as an attacker tries it: a token where a variable name should be, file names that hold
workflow commands, Markdown or bytes that are not UTF-8, and a report whose every field holds a key.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from secret_hygiene.model import Finding, Report, Skipped
from secret_hygiene.reporters import REPORTERS
from secret_hygiene.reporters.safety import printable
from testing import commit, git, github_token, run_cli

FORMATS = ["text", "json", "sarif", "github"]
IGNORE = ".env\n.env.*\n!.env.example\n"


def leaked(token: str, text: str) -> bool:
    """The token whole, or enough of its body to matter (more than a redacted preview shows)."""
    return token in text or token[4:20] in text


def all_outputs(repo: Path, command: list[str], environ: dict[str, str] | None = None) -> str:
    out = []
    for fmt in FORMATS:
        run = run_cli([*command, "--format", fmt], repo, environ=environ)
        assert run.code in (0, 1), run.err
        out.append(run.out + run.err)
    return "\n".join(out)


@pytest.mark.parametrize("command", [["env"], ["audit", "--no-history"], ["audit"]])
def test_a_bare_token_line_in_an_env_file_is_not_printed_as_a_name(
    git_repo: Path, command: list[str]
) -> None:
    token = github_token(90)
    commit(git_repo, {".gitignore": IGNORE, ".env.example": "PORT=\n"})
    (git_repo / ".env").write_text(f"PORT=1\n{token}\n{token.upper()}\n", encoding="utf-8")
    assert not leaked(token, all_outputs(git_repo, command))
    assert not leaked(token.upper(), all_outputs(git_repo, command))
    doc = json.loads(run_cli([*command, "--format", "json"], git_repo).out)
    assert [f for f in doc["findings"] if f["check"] == "env-example-missing"] == []


def test_a_bare_token_line_in_a_template_is_reported_redacted(git_repo: Path) -> None:
    token = github_token(91)
    commit(git_repo, {".gitignore": IGNORE, ".env.example": f"PORT=\n{token}\n"})
    (git_repo / ".env").write_text("PORT=1\n", encoding="utf-8")
    run = run_cli(["env", "--format", "json"], git_repo)
    assert run.code == 1 and not leaked(token, run.out)
    assert [f["check"] for f in json.loads(run.out)["findings"]] == ["env-example-value"]
    assert not leaked(token, all_outputs(git_repo, ["env"]))


def test_names_that_are_not_identifiers_are_not_names(git_repo: Path) -> None:
    odd = "sk-" + "live-" + "Zq8" * 6
    commit(git_repo, {".gitignore": IGNORE, ".env.example": "PORT=\n"})
    (git_repo / ".env").write_text(f"PORT=1\n{odd}\nexport {odd}=1\n", encoding="utf-8")
    assert odd[6:] not in all_outputs(git_repo, ["env"])


def _every_field(token: str) -> Report:
    finding = Finding(
        check="env-example-missing", rule_id="env-example-missing", path=f"conf/{token}.env", line=3,
        column=1, message=f"{token} is set in .env", fingerprint="f" * 40, severity="low", level="warning",
        details=(("variable", token), ("fix", f"add '{token}=' to .env.example")),
    )  # fmt: skip
    return Report((finding,), (Skipped(f"bin/{token}", "binary"),), (f"checked {token}",), ("env",))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("verbose", [False, True])
def test_the_reporters_redact_a_key_in_any_field(fmt: str, verbose: bool) -> None:
    token = github_token(92)
    out = io.StringIO()
    REPORTERS[fmt](_every_field(token), out, color=False, verbose=verbose)
    assert not leaked(token, out.getvalue())
    assert "conf/" in out.getvalue()


def test_the_job_summary_redacts_and_renders_no_markup() -> None:
    from secret_hygiene.integrations.github_action.summary import markdown

    token = github_token(93)
    finding = {"level": "error", "check": "leak", "rule_id": "r", "line": 1, "secret": "ab** (9 chars)",
               "path": f"<h1>big</h1>[click](https://e.invalid)`x`|{token}\r\n# head.py",
               "message": f"<img src=x>**{token}**"}  # fmt: skip
    doc = {"findings": [finding], "summary": {"notes": [f"note <b>{token}</b>"]}}
    text = markdown(doc, "scan", "repository")
    assert not leaked(token, text)
    rendered = re.sub(r"(`+).*?\1", "", text)  # code spans show their text as it is
    assert "<h1>" not in rendered and "<img" not in rendered and "<b>" not in rendered
    assert "<h1>big</h1>" in text and "](" not in rendered and "**" not in rendered
    assert "\r" not in text and "\n# head" not in text
    row = next(line for line in text.splitlines() if line.startswith("| ❌"))
    assert row.replace("\\|", "").count("|") == 8  # the pipe in the name did not add a column


FORGED_NAMES = [
    "src/evil\n::add-mask::secret-hygiene\nx.py",
    "src/::error title=forged::x.py",
    "100%0A::warning::y.py",
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_file_names_cannot_forge_workflow_commands(git_repo: Path, fmt: str) -> None:
    token = github_token(94)
    files: dict[str, str | bytes | None] = {name: f"T = '{token}'\n" for name in FORGED_NAMES}
    files[".gitignore"] = ".env\n"
    files[".env.local\n::error title=forged::env"] = "A=1\n"
    commit(git_repo, files)
    env = {**os.environ, "GITHUB_ACTIONS": "true"}
    for command in (["scan"], ["env"], ["audit", "--no-history"]):
        run = run_cli([*command, "--format", fmt], git_repo, environ=env)
        assert run.code == 1, run.err
        for line in run.out.splitlines():
            stripped = line.lstrip()
            if stripped.startswith("::"):
                assert fmt == "github", line
                verb, _, props = stripped.split("::", 2)[1].partition(" ")
                assert verb in ("error", "warning", "notice"), line
                for prop in filter(None, props.split(",")):
                    key, value = prop.split("=", 1)
                    assert key in ("file", "line", "col", "title") and ":" not in value, line
        if fmt in ("json", "sarif"):
            json.loads(run.out)
        assert not leaked(token, run.out)


def test_outside_actions_a_newline_in_a_name_still_cannot_add_a_line(git_repo: Path) -> None:
    commit(git_repo, {"a\nOK: 0 problem(s)\nb.py": f"T = '{github_token(95)}'\n"})
    run = run_cli(["scan", "--format", "text"], git_repo)
    assert run.code == 1 and "\nOK: 0 problem(s)" not in run.out and "a\\nOK" in run.out


def test_printable_escapes_controls_bidi_and_undecodable_bytes() -> None:
    raw = os.fsdecode(b"a\xffb\x1b[31m") + "\u202e\r"
    assert printable(raw) == "a\\xffb\\x1b[31m\\u202e\\r"
    assert printable("50%::x", workflow=True) == "50%25%3A%3Ax"
    assert printable("50%::x") == "50%::x"


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS refuses file names that are not UTF-8")
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_file_name_that_is_not_utf8_is_printed_escaped(git_repo: Path, fmt: str) -> None:
    token = github_token(96)
    name = os.fsdecode(b"bad\xff.py")
    (git_repo / name).write_text(f"T = '{token}'\n", encoding="utf-8")
    git(git_repo, "add", "--", name)
    git(git_repo, "commit", "-q", "-m", "bad name")
    done = subprocess.run(
        [sys.executable, "-m", "secret_hygiene", "scan", "--format", fmt], cwd=git_repo,
        capture_output=True, check=False, env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    out = done.stdout.decode("utf-8")
    assert not leaked(token, out) and b"Traceback" not in done.stderr
    if fmt in ("text", "github"):
        assert "bad\\xff.py" in out


def test_an_error_naming_a_hostile_path_is_one_escaped_line(git_repo: Path) -> None:
    env = {**os.environ, "GITHUB_ACTIONS": "true"}
    run = run_cli(["scan", "--", "missing\n::error title=forged::x"], git_repo, environ=env)
    assert run.code == 2 and len(run.err.splitlines()) == 1
    assert "::error" not in run.err and "missing\\n%3A%3Aerror" in run.err
