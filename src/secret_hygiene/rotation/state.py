"""The local fingerprint store: slow keyed hashes of env values, kept in the user's state directory.

It lets `rotation` notice a value that changed while the ledger did not (an unrecorded
rotation) and a ledger date that moved while the value did not (a rotation that did not
happen). Nothing of it lives in the repository: per repository, `$XDG_STATE_HOME/secret-hygiene/
<repo-id>/` (default `~/.local/state/...`, directory 0700) holds `key` (32 random bytes, 0600)
and `rotation.json` (0600): per env file and key name, a 16-byte scrypt digest of the value
salted with that key, written as two integers so other secret scanners do not take it for a
secret, and the rotation date on record. A copy of `.git` alone holds nothing to test guesses
against; with the state directory too, each guess costs one scrypt (about 8 MiB, tens of ms).
Never used in CI. This module sees digests only; the plaintext stays in rotation.py.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from secret_hygiene import atomic
from secret_hygiene.model import Finding
from secret_hygiene.rotation.keyage import KeyAge, key_finding

OLD_STORE = "secret-hygiene/rotation.json"  # inside the git directory, before the state directory
STORE_FILE = "rotation.json"
KEY_FILE = "key"
_VERSION = 2
_FORMAT = "secret-hygiene local rotation state"
_SCRYPT = {"n": 2**13, "r": 8, "p": 1, "dklen": 16, "maxmem": 64 * 1024 * 1024}

UNRECORDED = "rotation-unrecorded"
NOT_CHANGED = "rotation-not-changed"


@dataclass(frozen=True)
class Record:
    """What was last seen of one key in one file: its digest and the rotation date then on record."""

    digest: str
    recorded: str | None = None


@dataclass(frozen=True)
class Store:
    """The per-repository key and the records, by (env file, key name); `path` is rotation.json."""

    path: Path
    key: bytes = field(repr=False)
    records: Mapping[tuple[str, str], Record] = field(default_factory=dict)
    reset: bool = False

    def digest(self, path: str, name: str, value: str) -> str:
        """scrypt of one value salted with this repository's key, bound to its file and name."""
        message = f"{path}\0{name}\0{value}".encode("utf-8", "surrogateescape")
        return hashlib.scrypt(message, salt=self.key, **_SCRYPT).hex()

    def with_record(self, path: str, name: str, record: Record) -> Store:
        """A copy with one record replaced."""
        return replace(self, records={**self.records, (path, name): record})


def state_root(environ: Mapping[str, str]) -> Path | None:
    """$XDG_STATE_HOME/secret-hygiene, else ~/.local/state/secret-hygiene; None with no usable home.

    An empty, relative or missing HOME gives None: the tool then keeps no local state rather
    than create `/.local` or the missing home directory.
    """
    xdg = environ.get("XDG_STATE_HOME", "")
    if os.path.isabs(xdg):
        return Path(xdg) / "secret-hygiene"
    home = environ.get("HOME", "")
    if not os.path.isabs(home) or not os.path.isdir(home):
        return None
    return Path(home) / ".local" / "state" / "secret-hygiene"


def repo_id(git_dir: Path) -> str:
    """A stable name for one clone's state: a hash of its git directory's absolute path."""
    return hashlib.sha256(os.fsencode(str(git_dir.resolve()))).hexdigest()[:24]


def load_store(directory: Path) -> Store:
    """The store in `directory`; a missing one starts afresh with a new random key.

    Raises OSError when the directory cannot be made or the key cannot be written (the caller
    then runs without local state). An unreadable records file starts afresh (`reset`).
    """
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    if directory.stat().st_mode & 0o077:
        os.chmod(directory, 0o700)
    key = _key(directory / KEY_FILE)
    path = directory / STORE_FILE
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        return Store(path, key, _records(doc))
    except FileNotFoundError:
        return Store(path, key)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Store(path, key, reset=True)


def _key(path: Path) -> bytes:
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except FileNotFoundError:
        pass
    key = secrets.token_bytes(32)
    atomic.write(path, key, mode=0o600)
    return key


def _records(doc: Any) -> dict[tuple[str, str], Record]:
    if doc.get("format") != _FORMAT or doc.get("version") != _VERSION:
        raise ValueError("unknown store version")
    records: dict[tuple[str, str], Record] = {}
    for raw in doc["records"]:
        high, low = (int(n) for n in raw["seen"])
        recorded = raw.get("recorded")
        digest = (high.to_bytes(8, "big") + low.to_bytes(8, "big")).hex()
        records[(str(raw["file"]), str(raw["name"]))] = Record(
            digest, None if recorded is None else str(recorded)
        )
    return records


def save_store(store: Store) -> None:
    """Write the store atomically (a unique temp file, so concurrent runs never collide), mode 0600."""
    rows = []
    for (file, name), rec in sorted(store.records.items()):
        raw = bytes.fromhex(rec.digest)
        seen = [int.from_bytes(raw[:8], "big"), int.from_bytes(raw[8:], "big")]
        rows.append({"file": file, "name": name, "seen": seen, "recorded": rec.recorded})
    doc = {"format": _FORMAT, "version": _VERSION, "records": rows}
    atomic.write(store.path, (json.dumps(doc, indent=1) + "\n").encode("utf-8"), mode=0o600)


def discard_old(old: Path) -> bool:
    """Delete the old in-repository store (its key sat beside its digests); True when one was removed."""
    try:
        old.unlink()
    except FileNotFoundError:
        return False
    with contextlib.suppress(OSError):  # not empty or not ours to remove: leave it
        old.parent.rmdir()
    return True


def reconcile(
    previous: Record | None, digest: str, recorded: str | None, from_git: bool
) -> tuple[str | None, Record | None]:
    """Compare a key's value and recorded rotation date with what was last seen.

    Returns (the warning check to raise or None, the record to store or None to keep the old one).
    A warning keeps the old record, so it stays until the ledger or the value catches up. A first
    date for a value already seen (an annotation or `record --date` for a key of unknown age) and
    a date moved back (a correction) claim no rotation, so they raise nothing.
    """
    current = Record(digest, recorded)
    if previous is None or previous == current:
        return None, None if previous == current else current
    value_changed = previous.digest != digest
    date_changed = previous.recorded != recorded
    if value_changed and not from_git and (recorded is None or not date_changed):
        return UNRECORDED, None  # a new value needs a new date on record
    if claims_rotation(previous, recorded) and not value_changed:
        return NOT_CHANGED, None
    return None, current


def claims_rotation(previous: Record, recorded: str | None) -> bool:
    """True when `recorded` is a later rotation date than the one on record for the same value."""
    return previous.recorded is not None and recorded is not None and recorded > previous.recorded


def compare(store: Store, seen: Iterable[tuple[KeyAge, str | None]]) -> list[Finding]:
    """Warnings for unrecorded or unchanged rotations of (key, digest) pairs; saves what is newly seen."""
    warnings: list[Finding] = []
    updated = store
    for age, digest in seen:
        if digest is None:
            continue
        recorded = age.rotated.isoformat() if age.rotated and age.source != "git" else None
        check, record = reconcile(
            store.records.get((age.path, age.name)), digest, recorded, age.source == "git"
        )
        if check is not None:
            warnings.append(store_finding(check, age))
        if record is not None:
            updated = updated.with_record(age.path, age.name, record)
    if updated is not store or not store.path.exists():
        save_store(updated)  # OSError: the caller runs on without local state
    return warnings


def store_finding(check: str, age: KeyAge) -> Finding:
    """A store warning: an unrecorded rotation, or a recorded one whose value did not change."""
    if check == UNRECORDED:
        message = (
            f"{age.name} in {age.path} changed since it was last seen, but its rotation was not recorded"
        )
        fix = f"if the key was rotated, run: secret-hygiene rotation record {age.name}"
    else:
        assert check == NOT_CHANGED
        message = (
            f"the recorded rotation of {age.name} ({age.rotated}) is newer than the last record, "
            f"but its value in {age.path} has not changed"
        )
        fix = f"rotate the key in {age.path}, or confirm with: secret-hygiene rotation record {age.name}"
    return key_finding(age, check, message, "medium", "warning", fix)
