"""The shared placeholder filters (rules/filters/placeholders.yaml): named entries in data, matched
on whole values or words, never on letters inside a random token; rules may opt out."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from secret_hygiene.engine import cache, placeholders, rules
from secret_hygiene.engine.judge import CHECKS
from secret_hygiene.engine.rules import load_pack, load_rules
from secret_hygiene.engine.scanner import Engine, find_in_text
from secret_hygiene.errors import RuleError
from testing import ALNUM, commit, fake, run_cli

ROOT = Path(__file__).resolve().parents[1]
FILTERS = placeholders.builtin()


def _token_with(word: str, seed: int) -> str:
    """A real-shaped synthetic classic GitHub token (ghp_ + 36 base62) with `word` inside its body."""
    body = fake("", 36 - len(word), seed=seed)
    at = random.Random(seed).randrange(3, len(body) - 3)
    return "gh" + "p_" + body[:at] + word + body[at:]


@pytest.mark.parametrize("word", ["12345", "Sample", "Dummy", "Example", "abcdef", "xxxx", "Fake", "Here"])
@pytest.mark.parametrize("seed", range(3))
def test_a_word_inside_a_random_token_is_no_placeholder(word: str, seed: int) -> None:
    token = _token_with(word, seed)
    assert FILTERS.reason(token) is None, token


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("gh" + "p_" + "x" * 36, "masked-x"),
        ("gh" + "p_your_token_here", "your-value-here"),
        ("gh" + "p_" + "X" * 36, "masked-x"),
        ("<your-api-key>", "angle-bracket-template"),
        ("${API_KEY}", "shell-variable"),
        ("{{ secrets.API_KEY }}", "template-expression"),
        ("api_key_here", "value-here"),
        ("changeme", "placeholder-word"),
        ("my_dummy_key", "placeholder-word"),
        ("exampleToken", "placeholder-word"),
        ("SAMPLE-KEY", "placeholder-word"),
        ("mypassword1", "password-word"),
        ("null", "reserved-word"),
        ("AKIAIOSFODNN7EXAMPLE", "upper-case-marker-word"),
        ("0000000000000000", "repeated-characters"),
        ("1234567890abcdef", "sequential-run"),
        ("sk_live_4eC3xxxxxxxxxxxxxxxx", "masked-x"),
        ("os.environ['API_KEY']", "code-reference"),
        # seen in application test suites (bench/real_repos.py): digits for letters, nested slots, a
        # keyboard run split by a symbol
        ("OldPassw0rd!", "password-word"),
        ("<<API_PASS>>", "inline-angle-template"),
        ("123@Qwerty", "sequential-run"),
    ],
)
def test_stand_ins_are_dropped_by_a_named_entry(value: str, name: str) -> None:
    assert FILTERS.reason(value) == name


def test_no_entry_drops_random_keys() -> None:
    rng = random.Random(7)
    for _ in range(2000):
        value = "".join(rng.choice(ALNUM) for _ in range(rng.randrange(16, 64)))
        assert FILTERS.reason(value) is None, value


def test_skip_lets_a_value_through_only_the_named_entries() -> None:
    assert FILTERS.reason("my_dummy_key", skip={"placeholder-word"}) is None
    assert FILTERS.reason("<key>", skip={"placeholder-word"}) == "angle-bracket-template"


def test_the_filters_file_is_not_a_rule_pack_and_every_entry_explains_itself() -> None:
    path = rules.builtin_rules_dir() / placeholders.FILE
    assert path.is_file() and path.parent != rules.builtin_rules_dir()
    assert not any(r.source == str(path) for r in load_rules())
    for entry in FILTERS.entries:
        assert len(entry.description) > 20, entry.name
    assert not FILTERS.names & set(CHECKS)  # one namespace for `filters.skip`


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("filters: []\nextra: 1\n", "one key, 'filters'"),
        ("filters:\n  - name: Bad Name\n    description: d\n    regex: x\n", "kebab-case"),
        ("filters:\n  - name: a\n    description: ''\n    regex: x\n", "description"),
        ("filters:\n  - name: a\n    description: d\n    regex: x\n    words: [y]\n", "exactly one"),
        ("filters:\n  - name: a\n    description: d\n    regex: '('\n", "bad regex"),
        ("filters:\n  - name: a\n    description: d\n    shape: round\n", "shape"),
        (
            "filters:\n  - {name: a, description: d, regex: x}\n  - {name: a, description: d, regex: y}\n",
            "unique",
        ),
        ("filters:\n  - just a string\n", "a mapping"),
        ("filters:\n  - name: a\n    description: d\n    regex: [x]\n", "regex must be a string"),
        ("filters:\n  - name: a\n    description: d\n    regex: '(?P<n>x)'\n", "may not name groups"),
        ("filters:\n  - name: a\n    description: d\n    words: word\n", "non-empty list"),
        ("filters: [unclosed\n", "invalid YAML"),
    ],
)
def test_a_bad_filters_file_is_refused_with_its_name(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "placeholders.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleError, match=message):
        placeholders.load(path)


def _pack(tmp_path: Path, filters: str) -> Path:
    pack = tmp_path / "own.yaml"
    pack.write_text(
        "rules:\n  - id: own-token\n    description: d\n    severity: high\n    keywords: [owntok]\n"
        "    regex: 'owntok_(?P<secret>[A-Za-z0-9_]{8,40})'\n"
        f"    examples: ['owntok_{fake('', 24, seed=3)}']\n{filters}",
        encoding="utf-8",
    )
    return pack


def test_a_rule_opts_out_of_named_filters_or_all(tmp_path: Path) -> None:
    plain = Engine(load_pack(_pack(tmp_path, "")))
    skipping = Engine(load_pack(_pack(tmp_path, "    filters: {skip: [placeholder-word]}\n")))
    every = Engine(load_pack(_pack(tmp_path, "    filters: {skip: all}\n")))

    value = "owntok_dummy_Q7vK2pX9mZ4r"
    assert find_in_text(value, plain) == []
    assert [f.rule_id for f in find_in_text(value, skipping)] == ["own-token"]
    assert find_in_text("owntok_" + "x" * 20, skipping) == []  # masked-x still applies
    assert [f.rule_id for f in find_in_text("owntok_" + "x" * 20, every)] == ["own-token"]


@pytest.mark.parametrize(
    "field", ["    filters: {skip: [no-such-filter]}\n", "    filters: [x]\n", "    filters: {skip: []}\n"]
)
def test_a_bad_filters_field_is_a_load_error(tmp_path: Path, field: str) -> None:
    with pytest.raises(RuleError, match="filters"):
        load_pack(_pack(tmp_path, field))


def test_a_judge_check_can_be_skipped_by_name(tmp_path: Path) -> None:
    load_pack(_pack(tmp_path, "    filters: {skip: [public-address, placeholder-word]}\n"))


def test_rule_cache_entries_follow_the_filters_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pack = _pack(tmp_path, "    filters: {skip: [placeholder-word]}\n")
    load_pack(pack)
    before = set(Path(cache.cache_dir()).glob("rules-*.json"))
    monkeypatch.setattr(placeholders, "digest", lambda: "a-changed-filters-file")
    load_pack(pack)
    after = set(Path(cache.cache_dir()).glob("rules-*.json"))
    assert len(after - before) == 1  # a new entry: the old one is not read for the changed file


def test_a_real_shaped_token_holding_sample_is_found_by_the_cli(git_repo: Path) -> None:
    kept = [_token_with(w, seed) for seed, w in enumerate(["12345", "Sample", "Dummy"])]
    lines = [f'TOKEN_{i} = "{t}"' for i, t in enumerate(kept)]
    lines += [
        'MASKED = "gh' + "p_" + "x" * 36 + '"',
        'DOCS = "gh' + 'p_YourPersonalAccessTokenGoesHere12345"',
    ]
    commit(git_repo, {"app.py": "\n".join(lines) + "\n"})
    run = run_cli(["scan", "--format", "json"], git_repo)
    assert run.code == 1
    found = json.loads(run.out)["findings"]
    assert sorted(f["line"] for f in found) == [1, 2, 3]
    assert all(t not in run.out for t in kept)


def test_skipping_the_first_matching_regex_entry_finds_the_next() -> None:
    assert FILTERS.reason("<key>") == "angle-bracket-template"
    assert FILTERS.reason("<key>", skip={"angle-bracket-template"}) == "inline-angle-template"
    assert FILTERS.reason("<Key>", skip={"angle-bracket-template", "inline-angle-template"}) is None


def test_rules_filters_text_lists_every_entry(git_repo: Path) -> None:
    run = run_cli(["rules", "filters"], git_repo)
    assert run.code == 0
    for entry in FILTERS.entries:
        assert f"  {entry.name} " in run.out
    assert "public-address" in run.out


def test_a_filters_file_is_read_back_from_the_cache_and_a_missing_one_is_a_rule_error(tmp_path: Path) -> None:
    path = tmp_path / "placeholders.yaml"
    path.write_text(
        "filters:\n  - {name: only, description: the one entry, equals: [abc]}\n", encoding="utf-8"
    )
    first = placeholders.load(path)
    path.touch()  # same content: the cached entry is used (no YAML parse)
    again = placeholders.load(path)
    assert [e.name for e in again.entries] == [e.name for e in first.entries] == ["only"]
    assert again.reason("ABC") == "only" and again.reason("abcd") is None
    with pytest.raises(RuleError, match="cannot read"):
        placeholders.load(tmp_path / "missing.yaml")
