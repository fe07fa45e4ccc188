"""The scan engine on in-memory blobs: no git, no config, no terminal."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from secret_hygiene.engine.rules import load_pack, load_rules
from secret_hygiene.engine.scanner import Engine, fingerprint, redact
from secret_hygiene.model import Blob, Finding, Skipped
from testing import ALNUM, fake, github_token

RULES = load_rules()
ENGINE = Engine(RULES)


def findings(text: str | bytes, path: str = "f.py", engine: Engine = ENGINE) -> list[Finding]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return [f for f in engine.scan_blob(Blob(path, data)) if isinstance(f, Finding)]


def test_line_and_column_are_one_based_and_count_characters() -> None:
    token = github_token(1)
    (f,) = findings(f"a = 1\n# é ü\nt = 'é{token}'\n")
    assert (f.line, f.column) == (3, 7)
    assert f.rule_id.startswith("github")


def test_finding_never_holds_the_secret() -> None:
    token = github_token(2)
    (f,) = findings(f"TOKEN={token}\n")
    assert token not in repr(f)
    assert f.secret == redact(token) and f.fingerprint == fingerprint(f.rule_id, token)


@pytest.mark.parametrize("marker", ["# secret-hygiene: allow", "# pragma: allowlist secret"])
def test_allow_comment_on_the_line_or_the_line_above(marker: str) -> None:
    token = github_token(3)
    assert findings(f"t = '{token}'  {marker}\n") == []
    assert findings(f"{marker}\nt = '{token}'\n") == []
    assert len(findings(f"{marker}\n\nt = '{token}'\n")) == 1


def test_binary_blob_is_skipped_not_scanned() -> None:
    out = list(ENGINE.scan_blob(Blob("img.png", b"\x89PNG\0\0" + github_token(4).encode())))
    assert out == [Skipped("img.png", "binary")]


def test_invalid_utf8_is_decoded_leniently() -> None:
    token = github_token(5)
    (f,) = findings(b"\xff\xfe bad \xc3\x28\nkey = '" + token.encode() + b"'\n")
    assert f.line == 2


def test_provider_rule_wins_over_generic_on_the_same_secret() -> None:
    token = github_token(6)
    ids = [f.rule_id for f in findings(f'MY_API_TOKEN = "{token}"\n')]
    assert ids == ["github-classic-personal-access-token"]


def test_placeholders_are_not_reported() -> None:
    for value in ["your_api_key_here", "<API_KEY>", "${API_KEY}", "xxxxxxxxxxxxxxxxxxxx", "changeme"]:
        assert findings(f'API_KEY = "{value}"\n') == [], value


@pytest.mark.parametrize(
    "line",
    [
        'engine = create_engine("oracle://scott:tiger@dsn")',
        'u = make_url("dbtype://user:pass%2Fword@hostspec/db")',
        'token2 = "somepw%3BPORT%3D50001"',
        "loaders = ('_wildcard_token', '_default_path_loader_key')",
    ],
)
def test_documentation_values_seen_in_real_histories_are_not_reported(line: str) -> None:
    assert findings(line + "\n") == []


def test_only_lines_limits_reports_and_line_map_renumbers() -> None:
    token = github_token(7)
    data = f"one\nt = '{token}'\n".encode()
    assert list(ENGINE.scan_blob(Blob("f", data, only_lines=frozenset({1})))) == []
    (f,) = list(ENGINE.scan_blob(Blob("f", data, commit="c" * 40, line_map=(10, 42))))
    assert isinstance(f, Finding) and f.line == 42 and f.commit == "c" * 40


def test_keyword_prefilter_gates_the_regex(tmp_path: Path) -> None:
    pack = tmp_path / "p.yaml"
    pack.write_text(
        "rules:\n  - id: demo\n    description: d\n    severity: low\n    keywords: [zzkw]\n"
        "    regex: 'val_(?P<secret>[a-z]{12})'\n    examples: ['zzkw val_qwmnbvcxlkjh']\n",
        encoding="utf-8",
    )
    engine = Engine(load_pack(pack))
    assert findings("val_qwmnbvcxlkjh", engine=engine) == []
    assert len(findings("ZZKW val_qwmnbvcxlkjh", engine=engine)) == 1


def test_pure_python_prefilter_agrees_with_hyperscan() -> None:
    slow = Engine(RULES, use_hyperscan=False)
    aws = fake("AKIA", 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 10)
    text = f"A={github_token(8)}\nB=sk_live_{fake('', 24, seed=9)}\nC={aws}\n"
    assert [f.rule_id for f in findings(text)] == [f.rule_id for f in findings(text, engine=slow)]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(ALNUM + "+/=_-"), min_size=8, max_size=80))
def test_preview_never_holds_the_secret_and_fingerprint_depends_on_the_rule(secret: str) -> None:
    preview = redact(secret)
    assert secret not in preview
    digest = fingerprint("r", secret)
    assert re.fullmatch("[0-9a-f]{40}", digest)
    assert digest != fingerprint("s", secret)


def test_fingerprint_is_the_documented_digest_so_baselines_survive_releases() -> None:
    # sha256 of "rule id, NUL, secret", first 40 hex digits; computed once outside Python:
    # printf 'r\0abc' | sha256sum | cut -c1-40
    assert fingerprint("r", "abc") == "d489e5f009ca1d341c4f3e4c73154b9797571080"


def test_a_value_a_provider_rule_allow_lists_is_not_reported_by_a_generic_rule() -> None:
    documented_sample = "sk_" + "test_" + "4eC39HqLyjWDarjtT1zdp7dc"  # Stripe's published docs key
    assert findings(f'stripe_key = "{documented_sample}"\n') == []
    assert len(findings(f'stripe_key = "sk_test_{fake("", 24, seed=30)}"\n')) == 1


def test_notebook_cells_are_read_through_their_json_escapes() -> None:
    key = "sk_" + "live_" + fake("", 24, seed=40)
    cell = '{"cells": [{"source": ["import stripe\\n", "stripe.api_key = \\"' + key + '\\"\\n"]}]}\n'
    (f,) = findings(cell, path="analysis.ipynb")
    assert f.rule_id.startswith("stripe") and f.column == cell.index(key) + 1
