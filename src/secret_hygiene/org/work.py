"""One repository's share of an org-audit: mirror or open it, run audit's checks, return plain data.

`audit_one` is the unit of work a local process pool or a Dask worker runs. It takes and returns
plain, picklable values and writes nothing but the mirror cache and a throw-away checkout.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from secret_hygiene.errors import SecretHygieneError
from secret_hygiene.model import Finding
from secret_hygiene.org.targets import Target, mirror_dir
from secret_hygiene.rotation.keyage import KeyAge
from secret_hygiene.sources import git as gitrepo

# Scans of other people's repositories must not leave rotation state behind: audit treats a CI
# environment as stateless (src/secret_hygiene/rotation/assess.py), which is what an org-audit is.
_STATELESS = {"CI": "true"}


@dataclass(frozen=True)
class Row:
    """A finding as org-audit stores it: report fields plus the rule's provider family."""

    check: str
    rule_id: str
    path: str
    line: int | None
    column: int | None
    commit: str | None
    message: str
    secret: str | None
    fingerprint: str
    severity: str
    level: str
    family: str

    @property
    def identity(self) -> tuple[str, str, str, str]:
        """What stays the same when lines move: check, rule, path and fingerprint."""
        return (self.check, self.rule_id, self.path, self.fingerprint)


@dataclass(frozen=True)
class KeyRow:
    """One key's rotation state in one repository (never its value)."""

    name: str
    path: str
    state: str
    rotated: str | None
    age_days: int | None
    due: str | None
    max_age_days: int
    owner: str | None
    provider: str | None


@dataclass(frozen=True)
class Outcome:
    """What auditing one repository gave: `status` is scanned, incremental, unchanged or failed."""

    name: str
    location: str
    status: str
    head: str | None = None
    reason: str | None = None
    rows: tuple[Row, ...] = ()
    keys: tuple[KeyRow, ...] = ()
    seconds: float = 0.0
    notes: tuple[str, ...] = field(default=())


def audit_one(target: Target, cache: str, now: str, previous_head: str | None) -> Outcome:
    """Audit one repository; any failure becomes a `failed` Outcome with its reason."""
    start = time.perf_counter()
    try:
        outcome = _audit(target, Path(cache), datetime.fromisoformat(now), previous_head)
    except SecretHygieneError as exc:
        outcome = Outcome(target.name, target.location, "failed", reason=str(exc))
    except Exception as exc:  # one broken repository must not stop the others
        outcome = Outcome(target.name, target.location, "failed", reason=f"{type(exc).__name__}: {exc}")
    return _timed(outcome, time.perf_counter() - start)


def _timed(o: Outcome, seconds: float) -> Outcome:
    return Outcome(o.name, o.location, o.status, o.head, o.reason, o.rows, o.keys, seconds, o.notes)


def _audit(target: Target, cache: Path, now: datetime, previous_head: str | None) -> Outcome:
    if not target.remote:
        return _audit_tree(target, Path(target.location), now, previous_head)
    mirror = mirror_dir(cache, target)
    if (mirror / "HEAD").is_file():
        gitrepo.fetch_mirror(mirror)
    else:
        gitrepo.clone_mirror(target.location, mirror)
    head = gitrepo.head_commit(gitrepo.Repo(str(mirror), None))
    if head is not None and head == previous_head:
        return Outcome(target.name, target.location, "unchanged", head)
    work = Path(tempfile.mkdtemp(prefix="secret-hygiene-org-"))
    try:
        gitrepo.shared_checkout(mirror, work / target.name)
        return _audit_tree(target, work / target.name, now, previous_head)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _audit_tree(target: Target, root: Path, now: datetime, previous_head: str | None) -> Outcome:
    if not root.is_dir():
        raise SecretHygieneError(f"{root}: no such directory")
    repo = gitrepo.open_repo(root)
    if repo.working_tree_dir is None:
        raise SecretHygieneError(f"{root}: a bare repository; give its URL (file://...) to mirror it")
    head = gitrepo.head_commit(repo)
    if head is not None and head == previous_head:
        return Outcome(target.name, target.location, "unchanged", head)
    since = (
        previous_head if previous_head and head and gitrepo.is_ancestor(repo, previous_head, head) else None
    )
    rows, keys, notes = run_checks(repo, now, since)
    status = "incremental" if since else "scanned"
    return Outcome(target.name, target.location, status, head, rows=rows, keys=keys, notes=notes)


def run_checks(
    repo: gitrepo.Repo, now: datetime, since: str | None
) -> tuple[tuple[Row, ...], tuple[KeyRow, ...], tuple[str, ...]]:
    """audit's checks on one work tree, with the repository's own config and baseline."""
    from secret_hygiene.baseline import known as baseline_mod
    from secret_hygiene.checks import audit
    from secret_hygiene.checks.project import load_known, load_project
    from secret_hygiene.reporters.safety import guard
    from secret_hygiene.rotation.assess import assess

    assert repo.working_tree_dir is not None
    root = Path(repo.working_tree_dir)
    environ: Mapping[str, str] = {**os.environ, **_STATELESS}
    project = load_project(root, root)
    # A missing baseline file is not an error here: an org-audit reads other people's repositories.
    known = load_known(project.baseline if project.baseline and project.baseline.is_file() else None)
    options = audit.Options(audit.PARTS, since, now, False, False)
    done = audit.collect(project, repo, options, stderr=io.StringIO(), environ=environ, known=known)
    findings = list(done.report.findings)
    if known is not None:
        findings, _ = baseline_mod.subtract(findings, known)
    # The database and the HTML report hold what a reporter would print: redacted by the same
    # guard (reporters/safety.py), since a path, ref name or note can hold a key.
    guarded = guard(replace(done.report, findings=tuple(findings)), done.engine)
    findings = list(guarded.findings)
    families = {r.id: r.family for r in done.engine.rules}
    rows = tuple(_row(f, families) for f in findings)
    ages = assess(
        repo, project.root, project.config, done.engine.rules, now=now, environ=environ, engine=done.engine
    ).keys
    keys = tuple(_key(a) for a in ages)
    return rows, keys, guarded.notes


def _row(f: Finding, families: Mapping[str, str]) -> Row:
    family = families.get(f.rule_id) or f.check.split("-", 1)[0]
    return Row(
        f.check, f.rule_id, f.path, f.line, f.column, f.commit, f.message, f.secret, f.fingerprint,
        f.severity, f.level, family,
    )  # fmt: skip


def _key(a: KeyAge) -> KeyRow:
    return KeyRow(
        a.name, a.path, a.state, a.rotated.isoformat() if a.rotated else None, a.age_days,
        a.due.isoformat() if a.due else None, a.max_age_days, a.owner, a.provider,
    )  # fmt: skip
