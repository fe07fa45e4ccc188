"""The keyword pass, then group databases scanned only where a member rule's keyword occurs."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from secret_hygiene.engine import prefilter
from secret_hygiene.engine.prefilter import HOT_KEYWORDS, Prefilter, groups_of
from secret_hygiene.engine.rules import load_rules

RULES = load_rules()


def test_groups_put_hot_keyword_rules_together_and_hold_every_rule_once() -> None:
    groups = groups_of(RULES)
    flat = [ri for group in groups for ri in group]
    for_some_files = {ri for ri, r in enumerate(RULES) if r.paths}
    assert for_some_files and sorted(flat) == sorted(set(range(len(RULES))) - for_some_files)
    hot = {ri for ri, r in enumerate(RULES) if HOT_KEYWORDS.intersection(r.keywords)}
    assert hot - for_some_files == set(groups[0])
    assert all(len(group) <= prefilter.GROUP_SIZE for group in groups[1:])


def test_rules_for_some_files_are_candidates_only_where_a_glob_may_match(tmp_path: Path) -> None:
    pgpass = next(r for r in RULES if r.id == "pgpass-password")
    generic = next(r for r in RULES if r.id == "generic-password-assignment")
    pf = Prefilter([pgpass, generic], cache_dir=tmp_path)
    line = b"db.example.internal:5432:app:app:Zq8vK2mW9xTp4\n"  # secret-hygiene: allow (synthetic)
    assert 0 in pf.candidates(line, path=".pgpass") and 0 in pf.candidates(line, path="conf/pgpass.conf")
    assert 0 in pf.candidates(line)  # no path given: the caller checks the globs
    assert 0 not in pf.candidates(line, path="main.go")
    both = line + b'password = "Zq8vK2mW9xTp4Lr"\n'  # secret-hygiene: allow (a synthetic value)
    assert list(pf.candidates(both, path="main.go")) == [1]


def test_a_group_is_loaded_and_scanned_only_when_a_member_keyword_occurs(tmp_path: Path) -> None:
    some = RULES[:300]
    Prefilter(some, cache_dir=tmp_path, decode_starts=True)  # compiles and writes the entry
    loaded = Prefilter(some, cache_dir=tmp_path, decode_starts=True)
    assert loaded.accelerated and all(g._db is None for g in loaded._groups)  # nothing deserialised yet
    assert loaded.candidates(b"nothing to see here\n" * 50) == {}
    assert all(g._db is None for g in loaded._groups)
    example = next(r for r in some[64:] if r.examples and not HOT_KEYWORDS.intersection(r.keywords))
    index = some.index(example)
    found = loaded.candidates(example.examples[0].encode())
    assert index in found
    used = {gi for gi, g in enumerate(loaded._groups) if g._db is not None}
    assert loaded._group_of[index] in used and len(used) < len(loaded._groups)


def test_the_cache_entry_gives_the_same_candidates_as_a_fresh_compile(tmp_path: Path) -> None:
    some = RULES[:200]
    text = "\n".join(e for r in some for e in (*r.examples, *r.negative_examples)).encode()
    fresh = Prefilter(some, cache_dir=tmp_path, decode_starts=True)
    fresh_starts: list[int] = []
    want = fresh.candidates(text, fresh_starts)
    cached_starts: list[int] = []
    cached = Prefilter(some, cache_dir=tmp_path, decode_starts=True)
    assert cached.candidates(text, cached_starts) == want and cached_starts == fresh_starts
    assert len(list(tmp_path.glob("hs-*.db"))) == 1


def test_a_damaged_group_in_the_cache_entry_is_compiled_again(tmp_path: Path) -> None:
    """Group databases are read and checked one at a time, when first needed: a damaged one is
    compiled from the rules again, the others still come from the entry."""
    some = RULES[:200]
    text = "\n".join(e for r in some for e in (*r.examples, *r.negative_examples)).encode()
    want = Prefilter(some, cache_dir=tmp_path, decode_starts=True).candidates(text, [])
    (entry,) = tmp_path.glob("hs-*.db")
    data = bytearray(entry.read_bytes())
    data[-100] ^= 0xFF  # inside the last group database
    entry.write_bytes(bytes(data))
    entry.chmod(0o600)
    cached = Prefilter(some, cache_dir=tmp_path, decode_starts=True)
    assert cached.candidates(text, []) == want
    assert cached._groups[-1]._db is not None and cached._groups[0]._db is not None


def test_a_changed_rule_gets_a_new_cache_entry(tmp_path: Path) -> None:
    some = RULES[:5]
    Prefilter(some, cache_dir=tmp_path)
    changed = [replace(some[0], keywords=(*some[0].keywords, "zzqx")), *some[1:]]
    Prefilter(changed, cache_dir=tmp_path)
    assert len(list(tmp_path.glob("hs-*.db"))) == 2


def test_a_rule_hyperscan_cannot_compile_runs_wherever_its_keywords_occur(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    some = RULES[:3]
    bad = replace(some[0], regex=rb"qq(?:zz)", keywords=("qqzz",))
    real = prefilter.relax
    # A conditional: Python's re takes it, hyperscan refuses it (its error names no expression).
    monkeypatch.setattr(prefilter, "relax", lambda p: rb"(?(1)a|b)" if p == bad.regex else real(p))
    pf = Prefilter([bad, *some[1:]], cache_dir=tmp_path)
    assert pf.accelerated and 0 not in pf._group_of and {1, 2} <= set(pf._group_of)
    assert pf.candidates(b"no keyword") == {} and pf.candidates(b"a QQZZ b") == {0: None}
