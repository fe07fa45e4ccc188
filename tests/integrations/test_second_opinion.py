"""detect-secrets as a second opinion (issue 3): the real library over in-memory blobs and via the CLI."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

from secret_hygiene.engine.noise import shannon_entropy
from secret_hygiene.engine.rules import load_rules
from secret_hygiene.engine.scanner import Engine
from secret_hygiene.integrations.detect_secrets import SecondOpinion, second_opinion
from secret_hygiene.model import Blob, Finding
from testing import commit, fake, git, github_token, run_cli

ENTROPY_RULE = "detect-secrets:Base64HighEntropyString"


def _blob_value(seed: int = 5) -> str:
    """A base62 string above detect-secrets' entropy limit (4.5 bits), under no name of ours."""
    value = fake("", 40, seed=seed)
    while shannon_entropy(value) < 4.7:
        seed += 1000
        value = fake("", 40, seed=seed)
    return value


def _ours(blob: Blob) -> list[Finding]:
    return [f for f in Engine(load_rules()).scan_blob(blob) if isinstance(f, Finding)]


def test_entropy_string_only_detect_secrets_catches_is_reported_with_the_prefix() -> None:
    value = _blob_value()
    blob = Blob("app/data.py", f'import os\nchecksum_blob = "{value}"\n'.encode())
    assert _ours(blob) == []
    [finding] = second_opinion([blob])
    assert finding.rule_id == ENTROPY_RULE
    assert (finding.path, finding.line, finding.column) == ("app/data.py", 2, 18)
    assert (finding.check, finding.level, finding.severity) == ("leak", "error", "medium")
    assert finding.secret_hash == hashlib.sha1(value.encode()).hexdigest()
    assert finding.secret is not None and value not in finding.secret
    assert value not in repr(finding)


def test_a_line_both_catch_is_left_to_our_rule() -> None:
    token = github_token(3)
    blob = Blob("cfg.py", f'TOKEN = "{token}"\nother = "{_blob_value(6)}"\n'.encode())
    ours = _ours(blob)
    assert [f.line for f in ours] == [1]
    theirs = second_opinion([blob], ours)
    assert [f.line for f in theirs] == [2]
    assert all(f.rule_id.startswith("detect-secrets:") for f in theirs)


def test_same_line_from_another_file_or_commit_is_not_dropped() -> None:
    text = f'other = "{_blob_value(7)}"\n'.encode()
    ours = second_opinion([Blob("a.py", text)])
    assert len(second_opinion([Blob("b.py", text)], ours)) == 1
    assert len(second_opinion([Blob("a.py", text, commit="f" * 40)], ours)) == 1


def test_detect_secrets_pragmas_are_honoured() -> None:
    lines = [
        f'first = "{_blob_value(8)}"  # pragma: allowlist secret',
        "# pragma: allowlist nextline secret",
        f'second = "{_blob_value(9)}"',
        f'third = "{_blob_value(10)}"  // pragma: whitelist secret',
        "",
        f'fourth = "{_blob_value(11)}"',
    ]
    found = second_opinion([Blob("p.py", "\n".join(lines).encode())])
    assert [f.line for f in found] == [6]


def test_our_allow_comment_holds_for_their_findings() -> None:
    text = f'x = "{_blob_value(12)}"  # secret-hygiene: allow\n'
    assert second_opinion([Blob("p.py", text.encode())]) == []


def test_line_map_and_only_lines_are_respected() -> None:
    text = f'a = "{_blob_value(13)}"\nb = "{_blob_value(14)}"\n'.encode()
    mapped = second_opinion([Blob("h.py", text, commit="a" * 40, line_map=(40, 41))])
    assert [(f.line, f.commit) for f in mapped] == [(40, "a" * 40), (41, "a" * 40)]
    limited = second_opinion([Blob("s.py", text, only_lines=frozenset({2}))])
    assert [f.line for f in limited] == [2]


def test_binary_and_undecodable_blobs_are_ignored() -> None:
    value = _blob_value(15).encode()
    assert second_opinion([Blob("x.bin", b"\0\1" + value), Blob("x.txt", b"\xff\xfe k = '" + value)]) == []


def test_settings_do_not_leak_out_of_the_block() -> None:
    from detect_secrets.settings import get_settings

    before = get_settings().json()
    with SecondOpinion() as opinion:
        assert get_settings().plugins  # every default plugin is on inside
        assert opinion.scan_blob(Blob("a.py", f'k = "{_blob_value(16)}"\n'.encode()))
    assert get_settings().json() == before


def _plant(root: Path) -> tuple[str, str]:
    token, value = github_token(21), _blob_value(22)
    (root / "app.py").write_text(f'TOKEN = "{token}"\nchecksum_blob = "{value}"\n', encoding="utf-8")
    return token, value


def _json(args: list[str], cwd: Path) -> tuple[int, list[dict[str, object]]]:
    run = run_cli([*args, "--format", "json"], cwd)
    assert run.err == ""
    return run.code, list(json.loads(run.out)["findings"])


def test_cli_flag_adds_their_findings_once(plain_dir: Path) -> None:
    token, value = _plant(plain_dir)
    code, plain = _json(["scan", "--no-git", "."], plain_dir)
    assert code == 1 and [f["line"] for f in plain] == [1]
    code, both = _json(["scan", "--no-git", "--with-detect-secrets", "."], plain_dir)
    assert code == 1
    assert [(f["line"], str(f["rule_id"]).startswith("detect-secrets:")) for f in both] == [
        (1, False),
        (2, True),
    ]
    assert both[1]["rule_id"] == ENTROPY_RULE and both[1]["column"] == 18
    text = run_cli(["scan", "--no-git", "--with-detect-secrets", "."], plain_dir).out
    assert token not in text and value not in text


def test_config_key_turns_it_on(plain_dir: Path) -> None:
    _plant(plain_dir)
    (plain_dir / ".secret-hygiene.yaml").write_text("with-detect-secrets: true\n", encoding="utf-8")
    _, found = _json(["scan", "--no-git", "."], plain_dir)
    assert [f["rule_id"] for f in found][1:] == [ENTROPY_RULE]


def test_staged_scan_with_the_flag_reports_only_added_lines(git_repo: Path) -> None:
    old = _blob_value(31)
    commit(git_repo, {"app.py": f'old_blob = "{old}"\n'})
    (git_repo / "app.py").write_text(
        f'old_blob = "{old}"\nnew_blob = "{_blob_value(32)}"\n', encoding="utf-8"
    )
    git(git_repo, "add", "app.py")
    _, found = _json(["scan", "--staged", "--with-detect-secrets"], git_repo)
    assert [(f["line"], f["rule_id"]) for f in found] == [(2, ENTROPY_RULE)]


def test_detect_secrets_is_not_imported_without_the_flag(plain_dir: Path) -> None:
    (plain_dir / "a.py").write_text("x = 1\n", encoding="utf-8")
    probe = (
        "import sys; from secret_hygiene.cli import main; "
        "code = main(['scan', '--no-git', '-q', '.']); "
        "print(code, 'detect_secrets' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=plain_dir, capture_output=True, text=True)
    assert out.stdout.split()[-2:] == ["0", "False"], out.stderr
