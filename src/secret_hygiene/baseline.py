"""Baselines: known findings by fingerprint (ours) or by hashed secret (detect-secrets')."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from secret_hygiene import __version__
from secret_hygiene.errors import BaselineError
from secret_hygiene.model import Finding

STATUSES = ("unreviewed", "real", "false-positive")


@dataclass(frozen=True)
class Known:
    """What a baseline suppresses."""

    fingerprints: frozenset[tuple[str, str, str]] = frozenset()  # (rule id, path, fingerprint)
    hashed: frozenset[tuple[str, str]] = frozenset()  # detect-secrets: (path, sha1 of secret)

    def covers(self, f: Finding) -> bool:
        """True when the baseline already lists this finding."""
        if (f.rule_id, f.path, f.fingerprint) in self.fingerprints:
            return True
        return f.secret_hash is not None and (f.path, f.secret_hash) in self.hashed


def read(path: Path) -> dict[str, Any]:
    """Parse a baseline file of either format."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(
            f"{path}: baseline file not found (create one with 'secret-hygiene baseline create')"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path}: not a valid baseline file: {exc}") from None
    if not isinstance(doc, dict):
        raise BaselineError(f"{path}: a baseline is a JSON object")
    return doc


def load(path: Path) -> Known:
    """Known findings from our baseline or a detect-secrets `.secrets.baseline`."""
    doc = read(path)
    if "results" in doc and "plugins_used" in doc:
        return _from_detect_secrets(path, doc)
    entries = entries_of(path, doc)
    return Known(fingerprints=frozenset((e["rule_id"], e["path"], e["fingerprint"]) for e in entries))


def entries_of(path: Path, doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The validated entries of one of our baselines."""
    entries = doc.get("entries")
    if doc.get("tool") != "secret-hygiene" or not isinstance(entries, list):
        raise BaselineError(f"{path}: not a secret-hygiene or detect-secrets baseline")
    for i, e in enumerate(entries):
        if not isinstance(e, dict) or not all(
            isinstance(e.get(k), str) for k in ("rule_id", "path", "fingerprint")
        ):
            raise BaselineError(f"{path}: entry #{i + 1} needs rule_id, path and fingerprint")
    return entries


def _from_detect_secrets(path: Path, doc: dict[str, Any]) -> Known:
    results = doc["results"]
    if not isinstance(results, dict):
        raise BaselineError(f"{path}: detect-secrets baseline 'results' must be an object")
    hashed = set()
    for filename, items in results.items():
        for item in items if isinstance(items, list) else []:
            # Only entries audited as not secret suppress: a real secret stays a finding.
            if isinstance(item, dict) and item.get("is_secret") is False and "hashed_secret" in item:
                hashed.add((str(filename).replace("\\", "/"), str(item["hashed_secret"])))
    return Known(hashed=frozenset(hashed))


def build(findings: Iterable[Finding], previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """A baseline document for `findings`, keeping the review status of entries already known."""
    old = {
        (e["rule_id"], e["path"], e["fingerprint"]): e
        for e in (previous or {}).get("entries", [])
        if isinstance(e, dict)
    }
    entries = []
    seen = set()
    for f in sorted(findings, key=lambda f: (f.path, f.line or 0, f.rule_id)):
        key = (f.rule_id, f.path, f.fingerprint)
        if key in seen:
            continue
        seen.add(key)
        entries.append(
            {
                "check": f.check,
                "rule_id": f.rule_id,
                "path": f.path,
                "line": f.line,
                "commit": f.commit,
                "fingerprint": f.fingerprint,
                "status": old.get(key, {}).get("status", "unreviewed"),
            }
        )
    return {"tool": "secret-hygiene", "version": __version__, "entries": entries}


def subtract(findings: Iterable[Finding], known: Known) -> tuple[list[Finding], int]:
    """Findings not covered by the baseline, and how many were."""
    every = list(findings)
    kept = [f for f in every if not known.covers(f)]
    return kept, len(every) - len(kept)
