"""The hyperscan pass picks the same rules as running every keyword-matched rule everywhere."""

from __future__ import annotations

from pathlib import Path

from secret_hygiene.engine.prefilter import Prefilter, relax
from secret_hygiene.engine.rules import load_rules
from secret_hygiene.engine.scanner import Engine
from secret_hygiene.model import Blob, Finding

RULES = load_rules()


def _ids(engine: Engine, text: str) -> list[str]:
    return [f.rule_id for f in engine.scan_blob(Blob("x", text.encode())) if isinstance(f, Finding)]


def test_every_rule_example_gives_the_same_answer_with_and_without_hyperscan() -> None:
    fast, slow = Engine(RULES), Engine(RULES, use_hyperscan=False)
    assert fast.prefilter.accelerated and not slow.prefilter.accelerated
    examples = [e for r in RULES for e in (*r.examples, *r.negative_examples)]
    # Many examples in one blob too: windows must not lose matches between neighbours.
    examples.append("\n".join(examples))
    for text in examples:
        assert _ids(fast, text) == _ids(slow, text), text[:80]


def test_relax_opens_long_repeats_and_keeps_short_ones() -> None:
    assert relax(rb"a{2,5}b{16,400}c{0,99}\{3,900}") == rb"a{2,5}b{16,}c*\{3,900}"


def test_compiled_database_is_cached_on_disk(tmp_path: Path) -> None:
    Prefilter(RULES[:5], cache_dir=tmp_path)
    (cached,) = tmp_path.glob("hs-*.db")
    again = Prefilter(RULES[:5], cache_dir=tmp_path)
    assert again.accelerated and list(tmp_path.glob("hs-*.db")) == [cached]


def test_an_unwritable_cache_only_costs_speed(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    assert Prefilter(RULES[:3], cache_dir=blocker / "sub").accelerated
