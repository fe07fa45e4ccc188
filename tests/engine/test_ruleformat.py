"""The richer rule format (rules/README.md): references, revoke, tags, secret-group, paths,
composite rules, min-version, verbose regexes, and the example counts `rules test` demands."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest

from secret_hygiene.cli.commands.rotation import render_table
from secret_hygiene.engine.ruleformat import check_min_version
from secret_hygiene.engine.rules import Rule, load_pack, load_rules
from secret_hygiene.engine.ruletest import check_examples
from secret_hygiene.engine.scanner import Engine
from secret_hygiene.errors import RuleError
from secret_hygiene.model import Blob, Finding, Report
from secret_hygiene.reporters.text import render_text
from secret_hygiene.rotation.assess import Assessment
from secret_hygiene.rotation.keyage import KeyAge, key_finding
from testing import run_cli

TOKEN = "demo_" + "k3j4h5g6f7d8s9a0q1w2"
OTHER = "demo_" + "p0o9i8u7y6t5r4e3w2q1"

BASE = """
{head}
rules:
  - id: demo-token
    description: Demo token
    severity: high
    keywords: [demo_]
    regex: '{regex}'
{extra}
    examples: ['{token}', 'x = {other}']
    negative_examples: ['demo_short', 'nothing here']
"""


def _pack(
    tmp_path: Path, extra: str = "", head: str = "", regex: str = "demo_(?P<secret>[a-z0-9]{20})"
) -> Path:
    path = tmp_path / "demo.yaml"
    text = BASE.format(head=head, extra=extra, regex=regex, token=TOKEN, other=OTHER)
    path.write_text(text, encoding="utf-8")
    return path


def _rule(tmp_path: Path, extra: str = "", head: str = "") -> Rule:
    (rule,) = load_pack(_pack(tmp_path, extra, head))
    return rule


def _ids(rules: list[Rule], text: str, path: str = "app.py", hyperscan: bool = True) -> list[str]:
    blob = Blob(path, text.encode("utf-8"))
    return [f.rule_id for f in Engine(rules, hyperscan).scan_blob(blob) if isinstance(f, Finding)]


def test_the_new_fields_load() -> None:
    extra = """    references: ['https://example.com/docs/keys']
    revoke: {url: 'https://example.com/account/keys', how: Delete the key and create a new one}
    tags: [trading, verified-format]
    secret-group: secret"""
    rule = _rule_from(extra)
    assert rule.references == ("https://example.com/docs/keys",)
    assert rule.revoke == ("https://example.com/account/keys", "Delete the key and create a new one")
    assert rule.tags == ("trading", "verified-format") and rule.secret_group == "secret"


def _rule_from(extra: str) -> Rule:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        return _rule(Path(tmp), extra)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("    references: ['http://insecure.example.com']", "references must be a non-empty list of https"),
        ("    references: []", "references must be a non-empty list"),
        ("    revoke: 'https://example.com/keys'", "revoke must be a mapping with url and how"),
        ("    revoke: {url: 'ftp://x.example.com/a', how: delete it}", "revoke url must be an https"),
        ("    tags: [Trading Pairs]", "tags must be a list of lowercase kebab-case"),
        ("    secret-group: token", "secret-group must name a group of the regex"),
        ("    paths: []", "paths must be a non-empty list"),
        ("    requires: {id: a, regex: b, within: 2}", "one of id or regex"),
        ("    requires: {id: other, within: 900}", "requires.within must be a number of lines"),
        ("    requires: {regex: '([a', within: 1}", "bad requires.regex"),
    ],
)
def test_bad_new_fields_name_the_rule(tmp_path: Path, extra: str, message: str) -> None:
    with pytest.raises(RuleError, match="rule 'demo-token'") as err:
        load_pack(_pack(tmp_path, extra))
    assert message in str(err.value)


def test_a_pack_needing_a_newer_tool_is_refused_with_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match=r"needs secret-hygiene >= 99\.1 \(this is .*\); upgrade"):
        load_pack(_pack(tmp_path, head="min-version: '99.1'"))
    assert _rule(tmp_path, head="min-version: '0.1'").id == "demo-token"


def test_min_version_compares_components_not_text(tmp_path: Path) -> None:
    check_min_version(tmp_path, "0.10", current="0.10.0")
    with pytest.raises(RuleError, match=r">= 0\.10"):
        check_min_version(tmp_path, "0.10", current="0.9.3")
    with pytest.raises(RuleError, match="min-version must be a version"):
        check_min_version(tmp_path, "latest")


def test_a_pack_can_require_references_and_revoke_except_on_legacy_ids(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="this pack requires references on every rule"):
        load_pack(_pack(tmp_path, head="require: [references]"))
    assert _rule(tmp_path, head="require: [references]\nlegacy: [demo-token]").id == "demo-token"
    with pytest.raises(RuleError, match="this pack requires revoke"):
        load_pack(_pack(tmp_path, head="require: [references, revoke]\nlegacy: [demo-token]"))
    with pytest.raises(RuleError, match="require must be a list of"):
        load_pack(_pack(tmp_path, head="require: [colour]"))


def test_an_explicit_secret_group_picks_that_group(tmp_path: Path) -> None:
    path = _pack(tmp_path, "    secret-group: body", regex="(?P<secret>demo)_(?P<body>[a-z0-9]{20})")
    rules = load_pack(path)
    (finding,) = (f for f in Engine(rules).scan_blob(Blob("a.py", TOKEN.encode())) if isinstance(f, Finding))
    assert finding.column == 6 and finding.secret is not None and finding.secret.endswith("(20 chars)")


def test_a_rule_with_paths_only_applies_to_matching_file_names(tmp_path: Path) -> None:
    rules = load_pack(_pack(tmp_path, "    paths: ['.npmrc', 'config/*.ini']"))
    assert _ids(rules, TOKEN, ".npmrc") == ["demo-token"]
    assert _ids(rules, TOKEN, "web/.npmrc") == ["demo-token"]
    assert _ids(rules, TOKEN, "config/app.ini") == ["demo-token"]
    assert _ids(rules, TOKEN, "app.py") == []
    assert _ids(rules, TOKEN, "other/config/app.ini") == []  # secret-hygiene: allow
    assert check_examples(rules) == []


COMPOSITE = """
rules:
  - id: demo-id
    description: Demo account id
    severity: low
    keywords: [demo_id]
    regex: 'demo_id=(?P<secret>[0-9]{8})'
    examples: ['demo_id=40417302', 'demo_id=71930284']
    negative_examples: ['demo_id=1', 'demo_id=x']
  - id: demo-secret
    description: Demo secret, only next to a demo account id
    severity: high
    keywords: [demo_secret]
    regex: 'demo_secret=(?P<secret>[a-z0-9]{20})'
    requires: {id: demo-id, within: 2}
    examples:
      - "demo_id=40417302\\ndemo_secret=k3j4h5g6f7d8s9a0q1w2"
      - "demo_secret=p0o9i8u7y6t5r4e3w2q1 demo_id=71930284"
    negative_examples:
      - 'demo_secret=k3j4h5g6f7d8s9a0q1w2'
      - "demo_id=1\\n\\n\\n\\ndemo_secret=k3j4h5g6f7d8s9a0q1w2"
"""


def test_a_composite_rule_needs_its_companion_within_n_lines(tmp_path: Path) -> None:
    path = tmp_path / "pair.yaml"
    path.write_text(COMPOSITE, encoding="utf-8")
    rules = load_rules(extra=[path], builtin=False)
    secret = "demo_secret=" + "k3j4h5g6f7d8s9a0q1w2"
    pair = "demo_id=40417302"
    for hyperscan in (True, False):
        assert _ids(rules, f"{pair}\n\n{secret}", hyperscan=hyperscan) == ["demo-id", "demo-secret"]
        assert _ids(rules, f"{secret}\n\n{pair}\n", hyperscan=hyperscan) == [
            "demo-secret",
            "demo-id",
        ]
        assert _ids(rules, f"{pair}\n\n\n{secret}", hyperscan=hyperscan) == ["demo-id"]
        assert _ids(rules, secret, hyperscan=hyperscan) == []
    # The companion regex stays with the rule when the companion itself is disabled.
    assert _ids(
        load_rules(extra=[path], builtin=False, disabled=["demo-id"]), f"demo_id=40417302\n{secret}"
    ) == ["demo-secret"]


def test_a_composite_rule_may_name_a_regex_and_an_unknown_companion_is_refused(tmp_path: Path) -> None:
    path = _pack(tmp_path, "    requires: {regex: 'api\\.demo\\.test', within: 0}")
    rules = load_rules(extra=[path], builtin=False)
    assert _ids(rules, f"url = 'https://api.demo.test' ; key = '{TOKEN}'") == ["demo-token"]
    assert _ids(rules, f"key = '{TOKEN}'\nurl = 'https://api.demo.test'") == []
    _pack(tmp_path, "    requires: {id: nope, within: 1}")
    with pytest.raises(RuleError, match="requires unknown rule 'nope'"):
        load_rules(extra=[path], builtin=False)
    with pytest.raises(RuleError, match="which is not loaded"):
        Engine(load_pack(path))


VERBOSE = """|
      (?xi)
      demo_            # the documented prefix
      (?P<secret>
        [a-z0-9\\ #]{20} # twenty characters; an escaped space and a hash inside the class
      )"""


def test_a_verbose_regex_is_stored_flat_and_matches_alike_with_and_without_hyperscan(tmp_path: Path) -> None:
    text = BASE.format(head="", extra="", regex="X", token=TOKEN, other=OTHER)
    path = tmp_path / "demo.yaml"
    path.write_text(text.replace("'X'", VERBOSE.replace("{{", "{").replace("}}", "}")), encoding="utf-8")
    (rule,) = load_pack(path)
    assert rule.regex == rb"(?i)demo_(?P<secret>[a-z0-9\ #]{20})"
    for hyperscan in (True, False):
        assert _ids([rule], f"x = {TOKEN.upper()}", hyperscan=hyperscan) == ["demo-token"]
        # random letters: an alphabet run (`efghijklmnopqr`) is dropped by the sequential-run filter
        assert _ids([rule], "x = demo_ab cd#k3mq8zx2wv7rp4", hyperscan=hyperscan) == ["demo-token"]
    assert check_examples([rule]) == []


@pytest.mark.parametrize(
    ("regex", "message"),
    [
        ("(?x)demo_[a-z]{1, 20}", "could not be flattened"),
        ("demo_(?x:[a-z] {20})", "only allowed as a leading"),
        ("(?x)demo_([a-z", "bad regex"),
    ],
)
def test_a_verbose_regex_that_cannot_be_flattened_is_refused(
    tmp_path: Path, regex: str, message: str
) -> None:
    with pytest.raises(RuleError, match=message):
        load_pack(_pack(tmp_path, regex=regex))


def test_rules_test_demands_two_positive_and_two_negative_examples(tmp_path: Path) -> None:
    path = _pack(tmp_path)
    path.write_text(path.read_text().replace(", 'x = " + OTHER + "'", "").replace(", 'nothing here'", ""))
    assert check_examples(load_pack(path)) == [
        "demo-token: needs at least 2 examples (has 1)",
        "demo-token: needs at least 2 negative examples (has 1)",
    ]


def test_a_leak_finding_carries_the_revoke_page_in_its_fix(tmp_path: Path) -> None:
    extra = "    revoke: {url: 'https://example.com/keys', how: Delete the key under API keys}"
    rules = load_pack(_pack(tmp_path, extra))
    (finding,) = (f for f in Engine(rules).scan_blob(Blob("a.py", TOKEN.encode())) if isinstance(f, Finding))
    assert finding.detail("revoke") == "https://example.com/keys"
    out = io.StringIO()
    render_text(Report(findings=(finding,)), out, color=False, verbose=False)
    assert "fix: Delete the key under API keys (https://example.com/keys)" in out.getvalue()


def test_rotation_status_shows_how_to_revoke_a_key() -> None:
    fix = "Delete the key under API keys (https://example.com/keys)"
    day = date(2026, 1, 1)
    age = KeyAge("DEMO_KEY", ".env", 1, "overdue", "git", day, 400, day, 90, 14, revoke=fix)
    out = io.StringIO()
    render_table(Assessment(keys=(age,)), out, date(2027, 2, 5), color=False)
    assert f"revoke DEMO_KEY: {fix}" in out.getvalue()
    finding = key_finding(age, "rotation-overdue", "overdue", "high", "error", "rotate")
    assert finding.detail("revoke") == fix


def test_rules_list_json_and_rules_test_show_the_new_fields(tmp_path: Path) -> None:
    extra = """    references: ['https://example.com/docs/keys']
    revoke: {url: 'https://example.com/keys', how: Delete the key}
    tags: [devtools]"""
    pack = _pack(tmp_path, extra)
    listed = run_cli(["rules", "list", "--format", "json", "--rules", str(pack)], tmp_path)
    assert listed.code == 0, listed.err
    (demo,) = (r for r in json.loads(listed.out) if r["id"] == "demo-token")
    assert demo["references"] == ["https://example.com/docs/keys"] and demo["tags"] == ["devtools"]
    assert demo["revoke"] == {"url": "https://example.com/keys", "how": "Delete the key"}
    newer = _pack(tmp_path, head="min-version: '99.0'")
    refused = run_cli(["rules", "test", "--rules", str(newer)], tmp_path)
    assert refused.code == 2 and "needs secret-hygiene >= 99.0" in refused.err
