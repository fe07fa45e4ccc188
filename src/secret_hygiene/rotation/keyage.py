"""Key ages against rotation thresholds: states at exact day boundaries, and the findings they give.

No plaintext here: a KeyAge names a key and where it lives, never its value (issue 6).
With due = rotated + max_age_days, on day `today` (UTC):
  ok        today <  due - warn_days
  due-soon  due - warn_days <= today <= due   (the due date itself is the last due-soon day)
  overdue   today > due
  unknown   no source of age
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from secret_hygiene.config import RotationConfig
from secret_hygiene.model import Finding, Level
from secret_hygiene.rotation.ledger import Ledger, LedgerEntry

STATES = ("overdue", "due-soon", "unknown", "ok")
_SEVERITY = {"overdue": "high", "due-soon": "medium", "unknown": "low", "ok": "low"}


@dataclass(frozen=True)
class KeyAge:
    """One key's rotation state on a given day."""

    name: str
    path: str
    line: int | None
    state: str
    source: str | None
    rotated: date | None
    age_days: int | None
    due: date | None
    max_age_days: int
    warn_days: int
    owner: str | None = None
    provider: str | None = None
    family: str | None = None
    revoke: str | None = None  # how and where the provider revokes the key (rules/README.md)

    @property
    def days_left(self) -> int | None:
        """Days until the due date (negative when overdue), or None when unknown."""
        return None if self.age_days is None else self.max_age_days - self.age_days


def classify(
    rotated: date | None, today: date, max_age_days: int, warn_days: int
) -> tuple[str, int | None, date | None]:
    """(state, age in days, due date) for a key last rotated on `rotated`.

    A rotation after `today` (judging an earlier day with --now) counts as age 0, never negative.
    """
    if rotated is None:
        return "unknown", None, None
    due = rotated + timedelta(days=max_age_days)
    age = max(0, (today - rotated).days)
    if today > due:
        return "overdue", age, due
    if today >= due - timedelta(days=warn_days):
        return "due-soon", age, due
    return "ok", age, due


def thresholds(
    name: str,
    provider: str | None,
    family: str | None,
    entry: LedgerEntry | None,
    ledger: Ledger,
    config: RotationConfig,
) -> tuple[int, int]:
    """(max_age_days, warn_days): the most specific setting wins, the ledger before config at a level.

    Order: ledger entry, config per key, config per provider, config per rule family,
    ledger default, config default.
    """
    max_ages = (
        entry.max_age_days if entry else None,
        config.key_max_age_days.get(name),
        _lookup(config.provider_max_age_days, provider),
        _lookup(config.family_max_age_days, family),
        ledger.max_age_days,
    )
    warns = (entry.warn_days if entry else None, ledger.warn_days)
    max_age = next((d for d in max_ages if d is not None), config.max_age_days)
    warn = next((d for d in warns if d is not None), config.warn_days)
    return max_age, warn


def _lookup(table: Mapping[str, int], name: str | None) -> int | None:
    if not name:
        return None
    folded = {k.casefold(): v for k, v in table.items()}
    return folded.get(name.casefold())


def by_urgency(ages: Iterable[KeyAge]) -> list[KeyAge]:
    """Overdue (latest first), due soon (soonest first), unknown, then ok (soonest due first)."""
    return sorted(ages, key=lambda a: (STATES.index(a.state), a.days_left or 0, a.name, a.path))


def key_findings(ages: Iterable[KeyAge], *, strict: bool, inventory: bool) -> list[Finding]:
    """`check` findings (overdue fails; due-soon, unknown warn unless strict), or the `status` inventory."""
    found: list[Finding] = []
    for age in by_urgency(ages):
        if inventory:
            found.append(_finding(age, f"rotation-{age.state}", "note"))
        elif age.state == "overdue":
            found.append(_finding(age, "rotation-overdue", "error"))
        elif age.state != "ok":
            found.append(_finding(age, f"rotation-{age.state}", "error" if strict else "warning"))
    return found


def _finding(age: KeyAge, check: str, level: Level) -> Finding:
    return key_finding(age, check, _message(age), _SEVERITY[age.state], level, _fix(age))


def key_finding(
    age: KeyAge, check: str, message: str, severity: str, level: Level, fix: str | None
) -> Finding:
    """A finding about one key, identified by its name and file, never by its value."""
    return Finding(
        check=check,
        rule_id=check,
        path=age.path,
        line=age.line,
        column=None,
        message=message,
        fingerprint=key_fingerprint(age.name, age.path),
        severity=severity,
        level=level,
        details=details(age, fix),
    )


def _message(a: KeyAge) -> str:
    if a.rotated is None:
        return f"{a.name}: no rotation date in the ledger, an annotation or git, so its age is unknown"
    since = f"last rotated {a.rotated.isoformat()} ({a.source}), {a.age_days} day(s) ago"
    every = f"every {a.max_age_days} days"
    if a.state == "overdue":
        return f"{a.name} is overdue for rotation: {since}; was due {a.due} ({every})"
    if a.state == "due-soon":
        return f"{a.name} is due for rotation on {a.due}: {since} ({every})"
    return f"{a.name} is within its rotation period: {since}; due {a.due} ({every})"


def _fix(a: KeyAge) -> str | None:
    if a.state in ("overdue", "due-soon"):
        how = f" ({a.revoke})" if a.revoke else ""
        return f"rotate the key{how}, then run: secret-hygiene rotation record {a.name}"
    if a.state == "unknown":
        return f"record its last rotation: secret-hygiene rotation record {a.name} --date YYYY-MM-DD"
    return None


def details(a: KeyAge, fix: str | None) -> tuple[tuple[str, str], ...]:
    """The finding details of a key: state, source, dates, thresholds, owner, and the fix."""
    pairs = [
        ("key", a.name), ("state", a.state), ("source", a.source or "none"),
        ("rotated", a.rotated.isoformat() if a.rotated else None),
        ("age_days", None if a.age_days is None else str(a.age_days)),
        ("due", a.due.isoformat() if a.due else None),
        ("max_age_days", str(a.max_age_days)), ("warn_days", str(a.warn_days)),
        ("owner", a.owner), ("provider", a.provider), ("family", a.family),
        ("revoke", a.revoke), ("fix", fix),
    ]  # fmt: skip
    return tuple((k, v) for k, v in pairs if v is not None)


def key_fingerprint(name: str, path: str) -> str:
    """Identity of a key for baselines: its name and file, never its value."""
    return hashlib.sha256(f"rotation\0{path}\0{name}".encode()).hexdigest()[:40]
