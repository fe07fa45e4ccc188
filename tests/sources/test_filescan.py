"""The process pool gives the same findings, in the same order, as one process."""

from __future__ import annotations

from pathlib import Path

import pytest

from secret_hygiene.engine.rules import load_rules
from secret_hygiene.engine.scanner import Engine
from secret_hygiene.model import Finding, Skipped
from secret_hygiene.sources import filescan
from testing import github_token


def test_pool_and_single_process_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rels = []
    for i in range(40):
        body = f"x = {i}\n" * 50 + (f"t = '{github_token(i)}'\n" if i % 3 == 0 else "")
        (tmp_path / f"f{i}.py").write_text(body, encoding="utf-8")
        rels.append(f"f{i}.py")
    (tmp_path / "blob.bin").write_bytes(b"\0" * 10)
    rels.append("blob.bin")
    rules = load_rules()
    single = list(filescan.scan_files(tmp_path, rels, rules, 1 << 20, jobs=1))
    monkeypatch.setattr(filescan, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(filescan, "CHUNK_BYTES", 2000)
    pooled = list(filescan.scan_files(tmp_path, rels, rules, 1 << 20, jobs=2))
    assert pooled == single
    assert sum(isinstance(r, Finding) for r in single) == 14
    assert [r for r in single if isinstance(r, Skipped)] == [Skipped("blob.bin", "binary")]


def test_an_explaining_engine_keeps_its_drops_on_a_tree_big_enough_for_a_pool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--explain records drops in this process: a pool's workers would take them with them."""
    rels = []
    for i in range(40):
        body = f"x = {i}\n" * 50 + 'token = "ghp_your_token_here"\n'
        (tmp_path / f"f{i}.py").write_text(body, encoding="utf-8")
        rels.append(f"f{i}.py")
    monkeypatch.setattr(filescan, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(filescan, "CHUNK_BYTES", 2000)
    engine = Engine(load_rules(), explain=True)
    list(filescan.scan_files(tmp_path, rels, engine.rules, 1 << 20, jobs=2, engine=engine))
    assert {d.path for d in engine.take_dropped()} == set(rels)
