"""The local fingerprint store: keyed hashes of env values, kept inside the git directory (issue 6).

It lets `rotation` notice a value that changed while the ledger did not (an unrecorded
rotation) and a ledger date that moved while the value did not (a rotation that did not
happen). Digests are HMAC-SHA256 under a random key made for this clone and stored next
to them (mode 0600), so they are useless anywhere else. Never used in CI. This module
sees digests only; the plaintext stays in rotation.py.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from secret_hygiene.keyage import KeyAge, key_finding
from secret_hygiene.model import Finding

STORE_NAME = "secret-hygiene/rotation.json"
_VERSION = 1

UNRECORDED = "rotation-unrecorded"
NOT_CHANGED = "rotation-not-changed"


@dataclass(frozen=True)
class Record:
    """What was last seen of one key in one file: its digest and the rotation date then on record."""

    digest: str
    recorded: str | None = None


@dataclass(frozen=True)
class Store:
    """The per-clone key and the records, by (env file, key name)."""

    path: Path
    key: bytes = field(repr=False)
    records: Mapping[tuple[str, str], Record] = field(default_factory=dict)
    reset: bool = False

    def digest(self, path: str, name: str, value: str) -> str:
        """HMAC-SHA256 of one value under this clone's key, bound to its file and name."""
        message = f"{path}\0{name}\0{value}".encode("utf-8", "surrogateescape")
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()

    def with_record(self, path: str, name: str, record: Record) -> Store:
        """A copy with one record replaced."""
        return replace(self, records={**self.records, (path, name): record})


def load_store(path: Path) -> Store:
    """The store at `path`; a missing or unreadable one starts afresh with a new random key."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        return Store(path, bytes.fromhex(doc["key"]), _records(doc), reset=False)
    except FileNotFoundError:
        return Store(path, secrets.token_bytes(32))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Store(path, secrets.token_bytes(32), reset=True)


def _records(doc: Any) -> dict[tuple[str, str], Record]:
    if doc.get("version") != _VERSION:
        raise ValueError("unknown store version")
    records: dict[tuple[str, str], Record] = {}
    for file, names in doc["records"].items():
        for name, raw in names.items():
            recorded = raw.get("recorded")
            records[(str(file), str(name))] = Record(
                str(raw["digest"]), None if recorded is None else str(recorded)
            )
    return records


def save_store(store: Store) -> None:
    """Write the store atomically, readable by the owner only (0600)."""
    nested: dict[str, dict[str, dict[str, str | None]]] = {}
    for (file, name), rec in sorted(store.records.items()):
        nested.setdefault(file, {})[name] = {"digest": rec.digest, "recorded": rec.recorded}
    text = json.dumps({"version": _VERSION, "key": store.key.hex(), "records": nested}, indent=1)
    store.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = store.path.with_name(store.path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text + "\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, store.path)


def reconcile(
    previous: Record | None, digest: str, recorded: str | None, from_git: bool
) -> tuple[str | None, Record | None]:
    """Compare a key's value and recorded rotation date with what was last seen.

    Returns (the warning check to raise or None, the record to store or None to keep the old one).
    A warning keeps the old record, so it stays until the ledger or the value catches up.
    """
    current = Record(digest, recorded)
    if previous is None or previous == current:
        return None, None if previous == current else current
    value_changed = previous.digest != digest
    date_changed = previous.recorded != recorded
    if value_changed and not from_git and (recorded is None or not date_changed):
        return UNRECORDED, None  # a new value needs a new date on record
    if date_changed and not value_changed and recorded is not None:
        return NOT_CHANGED, None
    return None, current


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
        save_store(updated)
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
