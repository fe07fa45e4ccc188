"""Which files are env files or templates, and whether git ignores and untracks them (issue 5).

Paths only: this module never reads an env file's values (those stay in envfiles.py).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shlex
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Literal

from secret_hygiene.config import Config
from secret_hygiene.engine import cache
from secret_hygiene.engine.scanner import fingerprint
from secret_hygiene.globs import path_matcher
from secret_hygiene.model import Finding, Level
from secret_hygiene.sources import git as gitrepo
from secret_hygiene.sources.files import excluder

Kind = Literal["env", "template"]
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")

# Names that match `.env.*` / `*.env.*` but are source code or ciphertext meant to be committed
# (dotenv-vault's `.env.vault`), not files holding values.
_NOT_ENV_SUFFIXES = (
    ".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".tsx", ".jsx", ".py", ".rb", ".go", ".rs",
    ".java", ".kt", ".php", ".cs", ".swift", ".md", ".map", ".lock", ".vault",
)  # fmt: skip


def _matches(path: str, patterns: tuple[str, ...]) -> bool:
    return _matcher(patterns)(path)


@functools.lru_cache(maxsize=16)
def _matcher(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """The config's name patterns, `/` at either end dropped, as globs.path_matcher reads them:
    kind() runs on every file of a tree twice per commit-time run."""
    return path_matcher(tuple(p.strip("/") for p in patterns))


def kind(path: str, config: Config) -> Kind | None:
    """'template' for a template (config.templates), 'env' for an env file (config.env_files), else None."""
    if _matches(path, config.templates):
        return "template"
    if path.rpartition("/")[2].endswith(_NOT_ENV_SUFFIXES):
        return None
    return "env" if _matches(path, config.env_files) else None


def parent(path: str) -> str:
    """The repo-relative directory of a path ('' at the root)."""
    return path.rpartition("/")[0]


def join(directory: str, name: str) -> str:
    """A repo-relative path from a directory ('' for the root) and a name."""
    return f"{directory}/{name}" if directory else name


@dataclass(frozen=True)
class Layout:
    """The env files and templates of a repository: tracked ones and those only on disk."""

    env_files: tuple[str, ...]
    templates: tuple[str, ...]
    tracked: frozenset[str]

    def directories(self) -> tuple[str, ...]:
        """The root and every directory holding an env file or a template, sorted."""
        return tuple(sorted({"", *(parent(p) for p in (*self.env_files, *self.templates))}))

    def ignore_paths(self) -> list[str]:
        """`.env` in every directory of interest, plus every env file that exists."""
        paths = [join(d, ".env") for d in self.directories()]
        return list(dict.fromkeys([*paths, *self.env_files]))


def discover(repo: gitrepo.Repo, config: Config, excluded: Callable[[str], bool] | None = None) -> Layout:
    """Tracked, untracked and ignored env files and templates (ignored directories are not entered),
    less what `excluded` (the config's excludes, built once per run) drops."""
    untracked = gitrepo.in_background(lambda: gitrepo.ls_files(repo, [], untracked=True))
    ignored = gitrepo.in_background(lambda: gitrepo.ignored_files(repo))
    tracked = gitrepo.ls_files(repo, [])
    others = untracked() + ignored()
    excluded = excluded or excluder(config.exclude)
    found: dict[str, Kind] = {}
    for path in [*tracked, *others]:
        if path.endswith("/") or excluded(path):
            continue
        k = kind(path, config)
        if k is not None:
            found[path] = k
    return Layout(
        env_files=tuple(sorted(p for p, k in found.items() if k == "env")),
        templates=tuple(sorted(p for p, k in found.items() if k == "template")),
        tracked=frozenset(p for p in tracked if p in found),
    )


@dataclass(frozen=True)
class IgnoreStatus:
    """Whether git would ignore one path, and the rule that decides it (None: no rule matches)."""

    path: str
    rule: tuple[str, str, str] | None

    @property
    def ignored(self) -> bool:
        """True when the last matching rule ignores the path (not a '!' negation)."""
        return self.rule is not None and not self.rule[2].startswith("!")

    def where(self) -> str:
        """'source:line:pattern' of the deciding rule, or ''."""
        return ":".join(self.rule) if self.rule else ""


def ignore_status(repo: gitrepo.Repo, paths: Sequence[str]) -> list[IgnoreStatus]:
    """Ask git whether each path would be ignored, as if it were untracked."""
    rules = gitrepo.check_ignore(repo, list(paths))
    return [IgnoreStatus(p, rules.get(p)) for p in paths]


def ever_added(repo: gitrepo.Repo, config: Config) -> bool:
    """True when a commit reachable from HEAD added an env file or a template.

    A commit hook asks this at every commit, so the answer is kept in the user's cache per
    repository and names, with the HEAD it holds for: the next run reads only the commits since
    (`old..HEAD`), or all of them when that HEAD is no longer an ancestor (a rebase, another
    branch). Names are matched here, not by glob pathspecs: `git log -- ':(glob)**/.env' ...`
    cannot prune trees and took 15.6 s on apache/kafka (14,000 commits), the plain log 1 s.
    """
    head = gitrepo.head_commit(repo)
    if head is None:
        return False
    names = repr((os.path.realpath(repo.git_dir), config.env_files, config.templates)).encode()
    entry = cache.cache_dir() / f"env-added-{hashlib.sha256(names).hexdigest()[:32]}.json"
    known = _known_answer(cache.read(entry))
    if known is not None and known[0] == head:
        return known[1]
    if known is not None and gitrepo.is_ancestor(repo, known[0], head):
        added = known[1] or _added_in(repo, config, f"{known[0]}..{head}")
    else:
        added = _added_in(repo, config, head)
    cache.write(entry, json.dumps({"head": head, "added": added}).encode())
    return added


def _known_answer(stored: bytes | None) -> tuple[str, bool] | None:
    """(HEAD, answer) of a cache entry, or None when there is none or it is not that."""
    try:
        data = json.loads(stored or b"null")
        head, added = data["head"], data["added"]
    except (ValueError, TypeError, KeyError):
        return None
    if not isinstance(head, str) or not isinstance(added, bool) or not _SHA.fullmatch(head):
        return None
    return head, added


def _added_in(repo: gitrepo.Repo, config: Config, revs: str) -> bool:
    """True when a commit of `revs` added a path that is an env file or a template."""
    out = gitrepo.pipe(repo, "log", revs, "--diff-filter=A", "--no-renames", "--name-only", "--format=", "-z")
    names = out.decode("utf-8", "surrogateescape").replace("\n", "\0").split("\0")
    return any(kind(name, config) is not None for name in names if name)


def not_ignored_findings(
    statuses: Iterable[IgnoreStatus], existing: frozenset[str], level: Level = "error"
) -> list[Finding]:
    """env-not-ignored for each path git would not ignore.

    `level` is "warning" for a repository that has no env file or template and never had one
    (a library): a .env that does not exist yet is a risk to point out, not a reason to refuse it.
    """
    return [replace(_not_ignored(s, s.path in existing), level=level) for s in statuses if not s.ignored]


def _not_ignored(status: IgnoreStatus, exists: bool) -> Finding:
    path = status.path
    name = PurePosixPath(path).name
    what = (
        f"{path} is not ignored by git"
        if exists
        else f"a {name} created in {parent(path) or 'the repo root'}"
    )
    if status.rule is not None:
        source, line, pattern = status.rule
        message = f"{what} {'is' if exists else 'would be'} un-ignored by '{pattern}' at {source}:{line}"
    else:
        message = f"{what} {'and could be committed' if exists else 'would not be ignored by git'}"
    details = [("fix", f"add '{name}' to .gitignore (or run: secret-hygiene env --fix)")]
    if status.rule is not None:
        details.append(("rule", status.where()))
    details.append(("exists", "yes" if exists else "no"))
    return Finding(
        check="env-not-ignored", rule_id="env-not-ignored", path=path, line=None, column=None,
        message=message, fingerprint=fingerprint("env-not-ignored", path), details=tuple(details),
    )  # fmt: skip


def tracked_findings(layout: Layout) -> list[Finding]:
    """env-tracked for each env file in the index, with the command that untracks it (never run)."""
    return [_tracked(path) for path in layout.env_files if path in layout.tracked]


def _tracked(path: str) -> Finding:
    return Finding(
        check="env-tracked", rule_id="env-tracked", path=path, line=None, column=None,
        message=f"{path} is tracked by git (ignoring does not untrack it); every clone holds its values",
        fingerprint=fingerprint("env-tracked", path),
        details=(("fix", f"git rm --cached {shlex.quote(path)}"),),
    )  # fmt: skip


def ignored_notes(statuses: Iterable[IgnoreStatus]) -> list[str]:
    """For verbose mode: which rule of which file ignores each path."""
    return [f"{s.path} is ignored by {s.where()}" for s in statuses if s.ignored]
