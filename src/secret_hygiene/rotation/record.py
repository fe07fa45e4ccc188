"""`rotation record KEY`: note a rotation in the ledger and refresh the local fingerprints (issue 6)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from secret_hygiene.config import Config
from secret_hygiene.engine.rules import Rule
from secret_hygiene.errors import SecretHygieneError
from secret_hygiene.rotation.assess import (
    discover,
    env_files,
    ledger_location,
    local_store,
    work_tree_listing,
)
from secret_hygiene.rotation.ledger import load_ledger, record_rotation
from secret_hygiene.rotation.state import Record, claims_rotation, save_store
from secret_hygiene.sources import git as gitrepo


@dataclass(frozen=True)
class Recorded:
    """What `record` did: the ledger entry, and the files whose fingerprint was refreshed."""

    ledger: str
    created: bool
    files: tuple[str, ...]
    unchanged: tuple[str, ...]
    notes: tuple[str, ...] = ()


def record(
    repo: gitrepo.Repo,
    root: Path,
    config: Config,
    rules: Sequence[Rule],
    name: str,
    when: date,
    *,
    environ: Mapping[str, str],
    only_file: str | None = None,
    new: bool = False,
) -> Recorded:
    """Record `name` as rotated on `when` in the ledger and, outside CI, in the local fingerprint store.

    `name` must be a key of an env file or template, or already in the ledger, unless `new`:
    a typo must not become a ledger entry. `unchanged` lists the files where the value is the
    same as when an earlier rotation date was recorded: a rotation that may not have happened.
    """
    store, notes = local_store(repo, environ)
    candidates = env_files(work_tree_listing(repo), config)
    keys = [k for k in discover(root, candidates, config, rules, store).keys if k.name == name]
    keys = [k for k in keys if only_file is None or k.path == only_file]
    if only_file is not None and not keys:
        raise SecretHygieneError(f"{name} is not set in {only_file} (or that is not an env file)")
    path, shown = ledger_location(root, config)
    if not keys and not new and name not in load_ledger(path, shown).entries:
        raise SecretHygieneError(
            f"rotation record: {name} is in no env file, template or the ledger {shown}; "
            "check the spelling, or add it with --new"
        )
    defaults = (config.rotation.max_age_days, config.rotation.warn_days)
    created = record_rotation(path, shown, name, when, defaults, root=root)
    unchanged: list[str] = []
    if store is not None:
        for key in keys:
            if key.digest is None:
                continue
            previous = store.records.get((key.path, key.name))
            if (
                previous is not None
                and previous.digest == key.digest
                and claims_rotation(previous, when.isoformat())
            ):
                unchanged.append(key.path)
            store = store.with_record(key.path, key.name, Record(key.digest, when.isoformat()))
        try:
            save_store(store)
        except OSError as exc:
            notes.append(f"cannot save the local fingerprints in {store.path.parent}: {exc.strerror or exc}")
    return Recorded(shown, created, tuple(k.path for k in keys), tuple(unchanged), tuple(notes))
