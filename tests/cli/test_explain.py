"""`--explain`: every candidate value a filter, check, allow entry or the baseline dropped is named,
never shown whole; real files in temporary git repositories, through the CLI."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from secret_hygiene.engine.rules import load_pack
from secret_hygiene.engine.scanner import Engine
from secret_hygiene.model import Blob
from testing import commit, fake, git, github_token, run_cli

HEX = "0123456789abcdef"
PACK = """rules:
  - id: own-low
    description: a test rule with an entropy floor, an allow pattern and a companion
    severity: high
    keywords: [owntok]
    regex: 'owntok_(?P<secret>[a-z0-9]{{16}})'
    entropy: 3.5
    allow: ['^zz']
    examples: ['owntok_{example}']
  - id: own-paired
    description: a composite test rule
    severity: high
    keywords: [pairtok]
    regex: 'pairtok_(?P<secret>[a-z0-9]{{16}})'
    requires: {{regex: 'pair-host', within: 1}}
    examples: ['pair-host pairtok_{example}']
"""


def _values(seed: int = 5) -> dict[str, str]:
    rng = random.Random(seed)
    return {
        "address": "0x" + "".join(rng.choice(HEX) for _ in range(40)),
        "stripe": "sk_" + "live_" + fake("", 24, seed=seed),
        "token": github_token(seed),
        "masked": "gh" + "p_" + "x" * 36,
    }


@pytest.fixture
def repo(git_repo: Path, tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    v = _values()
    app = (
        f'TOKEN_ADDRESS = "{v["address"]}"\n'  # judge: a 20-byte address
        f'STRIPE = "{v["stripe"]}"  # secret-hygiene: allow\n'  # inline allow
        "\n"
        f'MASKED = "{v["masked"]}"\n'  # placeholder filter masked-x
        f'REAL = "{v["token"]}"\n'  # reported
    )
    own = (
        "a = owntok_k2k9k2k9k9k2k2k9\n"  # entropy under 3.5
        "b = owntok_zzq9w8e7r6t5y4u3\n"  # allow pattern
        "c = pairtok_q9w8e7r6t5y4u3zz\n"  # companion missing
    )
    commit(git_repo, {"app.py": app, "own.txt": own})
    pack = tmp_path / "own.yaml"
    pack.write_text(
        PACK.format(example=fake("", 16, alphabet=HEX + "ghkmnpqrstvwxyz", seed=2)), encoding="utf-8"
    )
    return git_repo, pack, v


def test_scan_explain_names_every_drop_on_stderr_and_never_the_value(
    repo: tuple[Path, Path, dict[str, str]],
) -> None:
    root, pack, v = repo
    run = run_cli(["scan", "--explain", "--rules", str(pack)], root)
    assert run.code == 1
    lines = [line for line in run.err.splitlines() if "dropped " in line]
    said = "\n".join(lines)
    assert 'dropped generic-secret-assignment at app.py:1: judge check "public-address"' in said
    assert 'at app.py:2: inline allow comment "secret-hygiene: allow"' in said
    assert 'dropped github-classic-personal-access-token at app.py:4: placeholder filter "masked-x"' in said
    assert 'dropped own-low at own.txt:1: entropy threshold "min-entropy"' in said
    assert 'dropped own-low at own.txt:2: rule allow pattern "^zz"' in said
    assert 'dropped own-paired at own.txt:3: companion not found "pair-host" (not within 1 line(s))' in said
    assert "candidate value(s) dropped" in run.err
    assert "app.py:5" in run.out and "app.py:5" not in said  # the real key is reported, not dropped
    for value in v.values():
        assert value not in run.err + run.out


def test_without_explain_nothing_is_said_and_json_keeps_its_keys(
    repo: tuple[Path, Path, dict[str, str]],
) -> None:
    root, pack, _ = repo
    plain = run_cli(["scan", "--format", "json"], root)
    assert "dropped" not in plain.err
    assert set(json.loads(plain.out)) == {"tool", "version", "findings", "skipped", "summary"}
    explained = run_cli(["scan", "--format", "json", "--explain", "--rules", str(pack)], root)
    doc = json.loads(explained.out)
    assert explained.err == ""  # JSON carries it; stderr stays quiet
    kinds = {(d["path"], d["line"]): (d["kind"], d["name"]) for d in doc["dropped"]}
    assert kinds[("app.py", 4)] == ("placeholder-filter", "masked-x")
    assert kinds[("app.py", 1)] == ("judge", "public-address")
    assert kinds[("own.txt", 1)][0] == "entropy"
    assert all("*" in d["secret"] for d in doc["dropped"])


def test_baseline_drops_are_named_with_the_baseline_file(repo: tuple[Path, Path, dict[str, str]]) -> None:
    root, _, v = repo
    assert run_cli(["baseline", "create", "--checks", "leak"], root).code == 0
    run = run_cli(["scan", "--explain", "--baseline", ".secret-hygiene-baseline.json"], root)
    assert run.code == 0
    assert (
        'dropped github-classic-personal-access-token at app.py:5: baseline ".secret-hygiene-baseline.json"'
        in run.err
    )
    assert v["token"] not in run.err


def test_history_explain_names_the_commit(repo: tuple[Path, Path, dict[str, str]]) -> None:
    root, _, _ = repo
    sha = git(root, "rev-parse", "HEAD").strip()
    run = run_cli(["history", "--explain"], root)
    said = f"at app.py:4 in {sha[:12]}: placeholder filter " + '"masked-x"'
    assert f"dropped github-classic-personal-access-token {said}" in run.err


def test_audit_explain(repo: tuple[Path, Path, dict[str, str]]) -> None:
    root, _, _ = repo
    run = run_cli(["audit", "--explain", "--format", "json"], root)
    doc = json.loads(run.out)
    assert {("app.py", "masked-x"), ("app.py", "public-address")} <= {
        (d["path"], d["name"]) for d in doc["dropped"]
    }


def test_pre_commit_explain_speaks_of_the_staged_lines_only(git_repo: Path) -> None:
    masked = "gh" + "p_" + "X" * 36
    commit(git_repo, {"old.py": f'A = "{masked}"\n'})
    (git_repo / "new.py").write_text(f'B = "{masked}"\nC = "<your-token>"\n', encoding="utf-8")
    git(git_repo, "add", "new.py")
    run = run_cli(["pre-commit", "--explain"], git_repo)
    assert run.code == 0
    assert 'at new.py:1: placeholder filter "masked-x"' in run.err
    assert "old.py" not in run.err


def test_rules_test_names_the_filter_that_drops_a_positive_example(tmp_path: Path, git_repo: Path) -> None:
    pack = tmp_path / "bad.yaml"
    pack.write_text(
        "rules:\n  - id: own-bad\n    description: d\n    severity: high\n    keywords: [badtok]\n"
        "    regex: 'badtok_(?P<secret>[A-Za-z0-9]{20})'\n"
        "    examples: ['badtok_xxxxxxxxxxxxxxxxxxxx', 'badtok_k3Xv12345SampleQzR8w']\n"
        "    negative_examples: ['badtok_short', 'badtok_<your-token-here>']\n",
        encoding="utf-8",
    )
    run = run_cli(["rules", "test", "--rules", str(pack), "--only", "own-bad"], git_repo)
    assert run.code == 1
    why = 'matched, then dropped by placeholder filter "masked-x"'
    assert f"FAIL own-bad: example #1 is not found by the rule; {why}" in run.out
    assert "example #2" not in run.out  # a random token holding 12345 and Sample is found
    assert "1 failure(s)" in run.out


def test_rules_filters_lists_the_names_a_rule_may_skip(git_repo: Path) -> None:
    run = run_cli(["rules", "filters", "--format", "json"], git_repo)
    doc = json.loads(run.out)
    assert "masked-x" in {f["name"] for f in doc["placeholder-filters"]}
    assert "public-address" in doc["judge-checks"]


def test_a_generic_match_yielding_to_a_provider_rule_that_dropped_the_span_is_explained(
    tmp_path: Path,
) -> None:

    provider = tmp_path / "acme.yaml"
    provider.write_text(
        "rules:\n  - id: acme-key\n    description: d\n    severity: high\n    keywords: [acme_]\n"
        "    regex: '(?P<secret>acme_[a-z0-9]{16})'\n    allow: ['^acme_zz']\n    examples: []\n",
        encoding="utf-8",
    )
    generic = tmp_path / "loose.yaml"
    generic.write_text(
        "family: generic\nrules:\n  - id: loose-key\n    description: d\n    severity: low\n"
        "    keywords: [key]\n    regex: 'key = (?P<secret>[a-z0-9_]{21})'\n    examples: []\n",
        encoding="utf-8",
    )
    engine = Engine([*load_pack(provider), *load_pack(generic)], explain=True)

    assert list(engine.scan_blob(Blob("a.cfg", b"key = acme_zzq9w8e7r6t5y4u3\n"))) == []
    reasons = {(d.rule_id, d.kind, d.name) for d in engine.take_dropped()}
    assert reasons == {("acme-key", "allow-pattern", "^acme_zz"), ("loose-key", "claimed", "acme-key")}
    assert engine.take_dropped() == []
    assert Engine([], explain=False).take_dropped() == []
    short = tmp_path / "short.yaml"
    short.write_text(
        "rules:\n  - id: short-key\n    description: d\n    severity: low\n    keywords: [sk=]\n"
        "    regex: 'sk=(?P<secret>[a-z0-9]{1,8})'\n    examples: []\n",
        encoding="utf-8",
    )
    engine = Engine(load_pack(short), explain=True)
    assert list(engine.scan_blob(Blob("b.cfg", b"sk=q9z\n"))) == []
    (record,) = engine.take_dropped()
    assert (record.kind, record.name, record.secret) == ("too-short", "min-length", "************ (3 chars)")
