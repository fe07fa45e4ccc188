"""A cache directory someone else can write never makes us run their code or load their data."""

from __future__ import annotations

import os
import pickle
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from secret_hygiene.engine import cache, rules
from secret_hygiene.engine.prefilter import Prefilter
from secret_hygiene.engine.rules import load_pack, load_rules


class _Exploit:
    """Unpickling this creates a marker file: what a poisoned cache entry would do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Callable[[str], None], tuple[str]]:
        return (os.mkdir, (str(self.marker),))


def _pack(tmp_path: Path) -> Path:
    source = next(rules.builtin_rules_dir().glob("*.yaml"))
    return Path(shutil.copy(source, tmp_path / source.name))


def test_a_poisoned_cache_entry_is_never_unpickled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / "pwned"
    poison = pickle.dumps(_Exploit(marker))
    monkeypatch.setattr(cache, "read", lambda path: poison)
    loaded = load_pack(_pack(tmp_path))
    assert loaded and not marker.exists()


def test_entries_round_trip_and_are_checksummed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    pack = _pack(tmp_path)
    first = load_pack(pack)
    (entry,) = (tmp_path / "c" / "secret-hygiene").glob("rules-*")
    assert entry.stat().st_mode & 0o077 == 0
    assert load_pack(pack) == first  # read back from the entry
    entry.write_bytes(entry.read_bytes().replace(b'"severity"', b'"severitY"'))
    entry.chmod(0o600)
    assert cache.read(entry) is None  # the checksum no longer matches
    assert load_pack(pack) == first


def test_a_group_or_world_writable_entry_is_ignored(tmp_path: Path) -> None:
    entry = tmp_path / "e"
    cache.write(entry, b"data")
    assert cache.read(entry) == b"data"
    entry.chmod(0o666)
    assert cache.read(entry) is None
    entry.chmod(0o620)
    assert cache.read(entry) is None


def test_a_symlinked_entry_is_ignored(tmp_path: Path) -> None:
    target = tmp_path / "t"
    cache.write(target, b"data")
    (tmp_path / "link").symlink_to(target)
    assert cache.read(tmp_path / "link") is None


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown to another user needs root"
)
def test_an_entry_owned_by_another_user_is_ignored(tmp_path: Path) -> None:
    entry = tmp_path / "e"
    cache.write(entry, b"data")
    os.chown(entry, 65534, 65534)
    assert cache.read(entry) is None


def test_a_foreign_hyperscan_database_is_not_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    some = load_rules()[:4]
    Prefilter(some, cache_dir=tmp_path)
    (db,) = tmp_path.glob("hs-*.db")
    db.chmod(0o666)  # anyone could have replaced it
    loads: list[bytes] = []
    import hyperscan

    real = hyperscan.loadb

    def spy(data: bytes, mode: int) -> object:
        loads.append(data)
        return real(data, mode)

    monkeypatch.setattr(hyperscan, "loadb", spy)
    assert Prefilter(some, cache_dir=tmp_path).accelerated
    assert loads == []
