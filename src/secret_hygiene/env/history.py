"""env-in-history: env files ever added in a commit reachable from HEAD (issue 5, `env --history`)."""

from __future__ import annotations

import shlex
from collections.abc import Callable

from secret_hygiene.config import Config
from secret_hygiene.engine.scanner import Engine, fingerprint
from secret_hygiene.env.ignore import kind
from secret_hygiene.model import Blob, Finding, Skipped
from secret_hygiene.sources import git as gitrepo
from secret_hygiene.sources.files import excluder


def history_findings(
    repo: gitrepo.Repo, config: Config, engine: Engine, excluded: Callable[[str], bool] | None = None
) -> tuple[list[Finding], list[Skipped], list[str]]:
    """One env-in-history per (env file, commit adding it), with what the leak scan finds in its versions."""
    if not gitrepo.has_head(repo):
        return [], [], ["history: no commits yet"]
    notes = (
        ["history: shallow clone; commits before the graft point were not checked"]
        if gitrepo.is_shallow(repo)
        else []
    )
    excluded = excluded or excluder(config.exclude)
    changes = [
        c for c in gitrepo.file_changes(repo, "AM") if kind(c[4], config) == "env" and not excluded(c[4])
    ]
    leaks: dict[str, list[Finding]] = {}
    skipped: list[Skipped] = []
    for sha, _, _, blob, path in changes:
        for result in _scan_version(repo, engine, config.max_file_size, sha, blob, path):
            if isinstance(result, Skipped):
                skipped.append(result)
            else:
                leaks.setdefault(path, []).append(result)
    findings = [
        _added(sha, date, path, leaks.get(path, []))
        for sha, date, status, _, path in changes
        if status == "A"
    ]
    return findings, skipped, notes


def _scan_version(
    repo: gitrepo.Repo, engine: Engine, max_size: int, sha: str, blob: str, path: str
) -> list[Finding | Skipped]:
    data = gitrepo.blob_bytes(repo, blob)
    if len(data) > max_size:
        return [Skipped(path, f"larger than the size cap ({len(data)} > {max_size} bytes)", sha)]
    return list(engine.scan_blob(Blob(path, data, commit=sha)))


def _added(sha: str, date: str, path: str, leaks: list[Finding]) -> Finding:
    rules = sorted({f.rule_id for f in leaks})
    held = (
        f"its committed values hold {len(set(f.fingerprint for f in leaks))} key(s) the leak scan recognises "
        f"({', '.join(rules)}): rotate them"
        if leaks
        else "no key the leak scan recognises in its committed values"
    )
    rewrite = f"git filter-repo --invert-paths --path {shlex.quote(path)}"
    fix = f"rotate any key it held, then rewrite history: {rewrite}"
    return Finding(
        check="env-in-history", rule_id="env-in-history", path=path, line=None, column=None,
        message=f"env file committed in {sha[:12]} ({date}); {held}",
        fingerprint=fingerprint("env-in-history", f"{path}\0{sha}"), commit=sha,
        secret=leaks[0].secret if leaks else None,
        details=(("date", date), ("leaks", ", ".join(rules) or "none"), ("fix", fix)),
    )  # fmt: skip
