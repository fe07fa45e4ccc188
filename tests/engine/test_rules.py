"""Rule packs: every shipped rule holds up against its own examples; loading validates."""

from __future__ import annotations

from pathlib import Path

import pytest

from secret_hygiene.engine.rules import builtin_rules_dir, load_pack, load_rules
from secret_hygiene.engine.ruletest import check_examples
from secret_hygiene.errors import RuleError
from testing import run_cli


def test_every_shipped_rule_passes_its_examples() -> None:
    rules = load_rules()
    assert check_examples(rules) == []


def test_every_rule_has_two_positive_and_two_negative_examples() -> None:
    thin = [r.id for r in load_rules() if len(r.examples) < 2 or len(r.negative_examples) < 2]
    assert thin == []


def test_rule_ids_are_unique_and_packs_are_one_file_per_family() -> None:
    rules = load_rules()
    assert len({r.id for r in rules}) == len(rules)
    assert len(rules) >= 30
    assert builtin_rules_dir().is_dir()


GOOD = """
rules:
  - id: demo-token
    description: Demo token
    severity: high
    keywords: [demo_]
    regex: 'demo_(?P<secret>[a-z0-9]{20})'
    examples: ['demo_k3j4h5g6f7d8s9a0q1w2']
"""


def _pack(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "demo.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_pack_loads_with_its_family_from_the_file_name(tmp_path: Path) -> None:
    (rule,) = load_pack(_pack(tmp_path, GOOD))
    assert rule.id == "demo-token" and rule.family == "demo" and rule.keywords == ("demo_",)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("severity: high", "severity: urgent"), "severity must be one of"),
        (("regex: 'demo_(?P<secret>[a-z0-9]{20})'", "regex: 'demo_([a-z'"), "bad regex"),
        (("    keywords: [demo_]\n", ""), "missing keywords"),
        (("    examples:", "    colour: red\n    examples:"), "unknown keys: colour"),
        (("id: demo-token", "id: Demo Token"), "kebab-case"),
        (("keywords: [demo_]", "keywords: []"), "keywords must be a non-empty list"),
    ],
)
def test_invalid_rules_name_the_file_and_the_rule(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    path = _pack(tmp_path, GOOD.replace(*change))
    with pytest.raises(RuleError) as err:
        load_pack(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_malformed_yaml_is_a_rule_error_with_the_line(tmp_path: Path) -> None:
    path = _pack(tmp_path, "rules:\n  - id: [unclosed\n")
    with pytest.raises(RuleError, match=r"line \d+"):
        load_pack(path)


def test_duplicate_ids_across_packs_are_refused(tmp_path: Path) -> None:
    _pack(tmp_path, GOOD)
    (tmp_path / "again.yaml").write_text(GOOD, encoding="utf-8")
    with pytest.raises(RuleError, match="already defined"):
        load_rules(extra=[tmp_path], builtin=False)


def test_disabling_an_unknown_rule_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="unknown rule ids: nope"):
        load_rules(extra=[_pack(tmp_path, GOOD)], disabled=["nope"], builtin=False)


def test_a_failing_example_is_reported(tmp_path: Path) -> None:
    rules = load_rules(extra=[_pack(tmp_path, GOOD.replace("k3j4h5g6f7d8s9a0q1w2", "short"))], builtin=False)
    assert "demo-token: example #1 is not found by the rule" in check_examples(rules)


def test_rules_test_only_an_unknown_id_is_exit_two_naming_it(tmp_path: Path) -> None:
    run = run_cli(["rules", "test", "--only", "nope", "--only", "aws-*"], tmp_path)
    assert run.code == 2 and run.out == "" and run.err.count("\n") == 1
    assert "--only nope" in run.err and "aws-" not in run.err
    assert run_cli(["rules", "test", "--only", "aws-*"], tmp_path).code == 0


def test_no_rule_pack_line_is_over_160_characters() -> None:
    # Long patterns go in (?x) verbose blocks, long strings in folded or escaped scalars:
    # bench/fold_rules.py rewrites a pack that breaks this without changing what it loads to.
    long = [
        f"{path.name}:{n}"
        for path in sorted(builtin_rules_dir().glob("*.yaml"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if len(line) > 160
    ]
    assert long == []


TRADING_PACKS = ("brokers", "crypto-exchanges", "market-data", "wallets")
LEGACY_RULES = 391  # rules shipped before references were required; the count may only go down


def test_every_shipped_pack_requires_references_and_trading_packs_revoke() -> None:
    import yaml

    legacy = 0
    for path in sorted(builtin_rules_dir().glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert "references" in doc.get("require", []), path.name
        # a trading family spread over several packs (crypto-exchanges-2.yaml) promises revoke
        # in each; other packs (notifications.yaml) may promise it too
        if doc.get("family", path.stem) in TRADING_PACKS:
            assert "revoke" in doc["require"], path.name
        legacy += len(doc.get("legacy", []))
    assert legacy <= LEGACY_RULES
    trading = [r for r in load_rules() if r.family in TRADING_PACKS]
    assert trading and all(r.revoke is not None for r in trading)


def test_a_legacy_id_must_name_a_rule_of_the_pack(tmp_path: Path) -> None:
    path = _pack(tmp_path, "legacy: [gone-rule]\n" + GOOD)
    with pytest.raises(RuleError, match="legacy names rules this pack does not have: gone-rule"):
        load_pack(path)
