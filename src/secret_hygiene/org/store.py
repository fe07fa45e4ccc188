"""The org-audit results database: runs, repositories, findings over time, and keys' rotation state.

SQLite from the standard library. It never holds a secret or an unsalted hash of one: findings keep
the redacted preview and the fingerprint the reports already show. The schema is versioned with
`PRAGMA user_version` and migrated forward on open. WAL mode lets readers work during a run; all of
a run's writes go in one IMMEDIATE transaction, so a second concurrent run waits (busy timeout) and
then either writes after the first or stops with a clear lock error, never a half-written run.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from secret_hygiene.errors import SecretHygieneError
from secret_hygiene.org.work import KeyRow, Outcome, Row

_MIGRATIONS: tuple[str, ...] = (
    # 1: the first schema.
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        started TEXT NOT NULL,
        finished TEXT,
        tool_version TEXT NOT NULL
    );
    CREATE TABLE repositories (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        head TEXT,
        last_scanned TEXT,
        status TEXT,
        reason TEXT
    );
    CREATE TABLE run_repositories (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        repository_id INTEGER NOT NULL REFERENCES repositories(id),
        status TEXT NOT NULL,
        reason TEXT,
        head TEXT,
        seconds REAL NOT NULL DEFAULT 0,
        PRIMARY KEY (run_id, repository_id)
    );
    CREATE TABLE findings (
        id INTEGER PRIMARY KEY,
        repository_id INTEGER NOT NULL REFERENCES repositories(id),
        fingerprint TEXT NOT NULL,
        check_id TEXT NOT NULL,
        rule_id TEXT NOT NULL,
        family TEXT NOT NULL,
        path TEXT NOT NULL,
        line INTEGER,
        column_no INTEGER,
        commit_sha TEXT,
        message TEXT NOT NULL,
        preview TEXT,
        severity TEXT NOT NULL,
        level TEXT NOT NULL,
        first_run INTEGER NOT NULL REFERENCES runs(id),
        last_run INTEGER NOT NULL REFERENCES runs(id),
        fixed_run INTEGER REFERENCES runs(id),
        UNIQUE (repository_id, check_id, rule_id, path, fingerprint)
    );
    CREATE TABLE keys (
        id INTEGER PRIMARY KEY,
        repository_id INTEGER NOT NULL REFERENCES repositories(id),
        name TEXT NOT NULL,
        path TEXT NOT NULL,
        state TEXT NOT NULL,
        rotated TEXT,
        age_days INTEGER,
        due TEXT,
        max_age_days INTEGER NOT NULL,
        owner TEXT,
        provider TEXT,
        run_id INTEGER NOT NULL REFERENCES runs(id),
        UNIQUE (repository_id, name, path)
    );
    CREATE INDEX findings_open ON findings (repository_id, fixed_run);
    """,
)

SCHEMA_VERSION = len(_MIGRATIONS)


def open_db(path: Path) -> sqlite3.Connection:
    """Open (creating and migrating) the results database."""
    try:
        db = sqlite3.connect(path, timeout=30, isolation_level=None)
        _wal(db)
        db.execute("PRAGMA foreign_keys=ON")
        migrate(db)
    except sqlite3.DatabaseError as exc:
        raise SecretHygieneError(f"{path}: not a usable results database ({exc})") from None
    return db


def _wal(db: sqlite3.Connection, seconds: float = 30.0) -> None:
    """Switch to WAL mode. Switching needs the file to itself and SQLite reports "locked" at once,
    without waiting, while another run holds it (two runs creating one new database): retry."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def migrate(db: sqlite3.Connection) -> None:
    """Apply the migrations this database has not had yet, each in its own transaction."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise SecretHygieneError(
            f"the results database has schema {version}, newer than this tool's {SCHEMA_VERSION}: upgrade"
        )
    for number in range(version, SCHEMA_VERSION):
        # The version is read again under the write lock: two runs opening a new file at once both
        # saw 0 above, and the second, once the first has migrated, must not apply it twice. The
        # schema change and its version number land together or not at all.
        db.execute("BEGIN IMMEDIATE")
        try:
            if db.execute("PRAGMA user_version").fetchone()[0] <= number:
                for statement in _statements(_MIGRATIONS[number]):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {number + 1}")
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise


def _statements(script: str) -> list[str]:
    """The SQL statements of a migration script, one by one (execute takes a single statement)."""
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        statements.append(pending.strip())
    return statements


def previous_heads(db: sqlite3.Connection) -> dict[str, str]:
    """Each known repository's last scanned head, by URL or path."""
    rows = db.execute("SELECT url, head FROM repositories WHERE head IS NOT NULL AND status != 'failed'")
    return {url: head for url, head in rows}


def open_rows(db: sqlite3.Connection, url: str) -> list[Row]:
    """The findings still open for one repository, as stored."""
    return [
        Row(*r)
        for r in db.execute(
            """SELECT check_id, rule_id, path, line, column_no, commit_sha, message, preview, fingerprint,
                      severity, level, family
               FROM findings JOIN repositories ON repositories.id = findings.repository_id
               WHERE repositories.url = ? AND fixed_run IS NULL ORDER BY findings.id""",
            (url,),
        )
    ]


def stored_keys(db: sqlite3.Connection, url: str) -> list[KeyRow]:
    """The keys last recorded for one repository."""
    return [
        KeyRow(*r)
        for r in db.execute(
            """SELECT k.name, k.path, k.state, k.rotated, k.age_days, k.due, k.max_age_days, k.owner,
                      k.provider FROM keys k JOIN repositories ON repositories.id = k.repository_id
               WHERE repositories.url = ? ORDER BY k.id""",
            (url,),
        )
    ]


@dataclass(frozen=True)
class Change:
    """How one run changed one repository's findings."""

    new: int
    fixed: int
    open: int


def record_run(
    db: sqlite3.Connection, started: str, finished: str, version: str, outcomes: Sequence[Outcome]
) -> tuple[int, dict[str, Change]]:
    """Write one run in one transaction; returns its id and each repository's change."""
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise SecretHygieneError(f"the results database is locked by another run ({exc})") from None
    try:
        run = db.execute(
            "INSERT INTO runs (started, finished, tool_version) VALUES (?, ?, ?)",
            (started, finished, version),
        ).lastrowid
        assert run is not None
        changes = {o.location: _record_repo(db, run, finished, o) for o in outcomes}
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return run, changes


def _record_repo(db: sqlite3.Connection, run: int, when: str, o: Outcome) -> Change:
    repo_id = _upsert_repo(db, when, o)
    db.execute(
        "INSERT INTO run_repositories (run_id, repository_id, status, reason, head, seconds)"
        " VALUES (?,?,?,?,?,?)",
        (run, repo_id, o.status, o.reason, o.head, o.seconds),
    )
    if o.status == "failed":
        return Change(0, 0, _count_open(db, repo_id))
    if o.status != "unchanged":
        _replace_keys(db, repo_id, run, o.keys)
    return _record_findings(db, repo_id, run, o.rows)


def _upsert_repo(db: sqlite3.Connection, when: str, o: Outcome) -> int:
    db.execute(
        "INSERT INTO repositories (url, name) VALUES (?, ?)"
        " ON CONFLICT(url) DO UPDATE SET name = excluded.name",
        (o.location, o.name),
    )
    if o.status == "failed":
        db.execute(
            "UPDATE repositories SET status = 'failed', reason = ? WHERE url = ?", (o.reason, o.location)
        )
    else:
        db.execute(
            "UPDATE repositories SET status = 'ok', reason = NULL, head = ?, last_scanned = ? WHERE url = ?",
            (o.head, when, o.location),
        )
    row = db.execute("SELECT id FROM repositories WHERE url = ?", (o.location,)).fetchone()
    return int(row[0])


def _record_findings(db: sqlite3.Connection, repo_id: int, run: int, rows: Iterable[Row]) -> Change:
    """Upsert the run's findings; open ones it no longer has are marked fixed in this run."""
    new = 0
    seen: set[tuple[str, str, str, str]] = set()
    for r in rows:
        if r.identity in seen:
            continue
        seen.add(r.identity)
        found = db.execute(
            """SELECT id, fixed_run FROM findings
               WHERE repository_id = ? AND check_id = ? AND rule_id = ? AND path = ? AND fingerprint = ?""",
            (repo_id, *r.identity),
        ).fetchone()
        values = (r.family, r.line, r.column, r.commit, r.message, r.secret, r.severity, r.level, run)
        if found is None or found[1] is not None:
            new += 1
        if found is None:
            db.execute(
                """INSERT INTO findings (repository_id, check_id, rule_id, path, fingerprint, family, line,
                       column_no, commit_sha, message, preview, severity, level, last_run, first_run)
                   VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                (repo_id, *r.identity, *values, run),
            )
        else:
            db.execute(
                """UPDATE findings SET family = ?, line = ?, column_no = ?, commit_sha = ?, message = ?,
                       preview = ?, severity = ?, level = ?, last_run = ?, fixed_run = NULL,
                       first_run = CASE WHEN fixed_run IS NULL THEN first_run ELSE ? END
                   WHERE id = ?""",
                (*values, run, found[0]),
            )
    fixed = db.execute(
        "UPDATE findings SET fixed_run = ? WHERE repository_id = ? AND fixed_run IS NULL AND last_run != ?",
        (run, repo_id, run),
    ).rowcount
    return Change(new, fixed, len(seen))


def _replace_keys(db: sqlite3.Connection, repo_id: int, run: int, keys: Iterable[KeyRow]) -> None:
    db.execute("DELETE FROM keys WHERE repository_id = ?", (repo_id,))
    for k in keys:
        db.execute(
            """INSERT OR REPLACE INTO keys (repository_id, name, path, state, rotated, age_days, due,
                   max_age_days, owner, provider, run_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)""",
            (repo_id, k.name, k.path, k.state, k.rotated, k.age_days, k.due, k.max_age_days, k.owner,
             k.provider, run),
        )  # fmt: skip


def _count_open(db: sqlite3.Connection, repo_id: int) -> int:
    row = db.execute(
        "SELECT COUNT(*) FROM findings WHERE repository_id = ? AND fixed_run IS NULL", (repo_id,)
    ).fetchone()
    return int(row[0])
