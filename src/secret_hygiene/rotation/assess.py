"""Key rotation: which keys a repository holds and how old each one is (issue 6).

Keys are the variables of env files and templates whose name is secret-like or whose value
matches a leak rule, plus every key named in the ledger; they are known by name and file,
never by value. A key's age comes from, in order: the ledger, a `# rotated: YYYY-MM-DD`
annotation (on the line above or at the end of the line), and, for a value committed to git,
the author date of the oldest commit that held it (keydates.py), tracked or not today. Values
are read here and leave this module only as scrypt digests for the local fingerprint store in
the user's state directory (state.py) and as in-memory hashes to date them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from pathlib import Path

from secret_hygiene.config import Config
from secret_hygiene.engine.noise import is_placeholder
from secret_hygiene.engine.rules import Rule
from secret_hygiene.engine.scanner import Engine, find_in_text
from secret_hygiene.env.dotenv import NEWLINE, bindings
from secret_hygiene.env.ignore import kind
from secret_hygiene.env.values import non_secret, secret_like_name, url_passwords
from secret_hygiene.errors import GitError
from secret_hygiene.model import Finding, Skipped
from secret_hygiene.rotation import state as fingerprints
from secret_hygiene.rotation.keyage import KeyAge, classify, thresholds
from secret_hygiene.rotation.keydates import GitDates, value_id
from secret_hygiene.rotation.ledger import Ledger, load_ledger
from secret_hygiene.rotation.state import Store, compare, load_store
from secret_hygiene.sources import git as gitrepo
from secret_hygiene.sources.files import excluder

SKIP_DIRS = (
    "node_modules", ".venv", "venv", ".tox", ".nox", "__pycache__", ".mypy_cache",
    ".pytest_cache", ".ruff_cache", "site-packages", ".terraform",
)  # fmt: skip
_ANNOTATION = re.compile(r"(?:^|\s)#\s*rotated\s*:\s*(\S*)", re.IGNORECASE)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class EnvKey:
    """A key found in an env file or template: where it is and what it looks like, never its value."""

    name: str
    path: str
    line: int
    end_line: int
    template: bool
    placeholder: bool
    tracked: bool
    annotated: date | None = None
    provider: str | None = None
    family: str | None = None
    digest: str | None = field(default=None, repr=False)
    revoke: str | None = None  # the leak rule's fix text: how and where to revoke the key
    value_id: str | None = field(default=None, repr=False)  # in-memory sha256 of the value, to date it


@dataclass(frozen=True)
class Assessment:
    """Every key's age, the fingerprint-store warnings, and what could not be read."""

    keys: tuple[KeyAge, ...]
    warnings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    scanned: int = 0
    # Template variables left out: an empty or placeholder value is no key with an age.
    placeholders: int = 0


def in_ci(environ: Mapping[str, str]) -> bool:
    """True when the CI variable says so (GitHub Actions, GitLab CI and others set CI=true)."""
    return environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def env_files(
    files: Iterable[tuple[str, bool]], config: Config, excluded: Callable[[str], bool] | None = None
) -> list[tuple[str, bool, bool]]:
    """(path, tracked, is template) for the files matching config env_files or templates."""
    chosen = []
    excluded = excluded or excluder(config.exclude)  # the config's excludes hold for every check
    for path, tracked in files:
        if any(part in SKIP_DIRS for part in path.split("/")[:-1]):  # a string split: every file passes here
            continue
        if excluded(path):
            continue
        found = kind(path, config)  # the env check's own answer, so both checks see the same files
        if found is not None:
            chosen.append((path, tracked, found == "template"))
    return chosen


def work_tree_listing(repo: gitrepo.Repo) -> list[tuple[str, bool]]:
    """(path, tracked) for every file of the work tree rotation reads keys from, ignored ones too."""
    return gitrepo.worktree_files(repo, SKIP_DIRS)


def ledger_location(root: Path, config: Config) -> tuple[Path, str]:
    """The ledger's path and how findings name it (repo-relative when inside the repository)."""
    path = (config.base_dir / config.rotation.ledger).absolute()
    try:
        return path, path.relative_to(root.absolute()).as_posix()
    except ValueError:
        return path, str(path)


def local_store(repo: gitrepo.Repo, environ: Mapping[str, str]) -> tuple[Store | None, list[str]]:
    """The user's fingerprint store for this repository (None in CI or with nowhere to keep it), and notes.

    The store from before the state directory (inside .git, its key beside its digests) is deleted:
    its digests cannot be carried over, and anyone with a copy of .git could test guesses on them.
    """
    if in_ci(environ):
        return None, []
    notes: list[str] = []
    try:
        old = gitrepo.git_path(repo, fingerprints.OLD_STORE)
        if fingerprints.discard_old(old):
            notes.append(f"deleted the old fingerprint store {old} (it kept its key beside its digests)")
        common = gitrepo.git_path(repo, ".")
    except (GitError, OSError) as exc:
        notes.append(f"could not remove the old fingerprint store in the git directory: {_why(exc)}")
        tree = repo.working_tree_dir
        common = Path(tree) / ".git" if tree is not None else Path(repo.git_dir)
    root = fingerprints.state_root(environ)
    if root is None:
        return None, [*notes, "no usable HOME or XDG_STATE_HOME: rotation runs without local fingerprints"]
    try:
        return load_store(root / fingerprints.repo_id(common)), notes
    except OSError as exc:
        return None, [*notes, f"cannot write the state directory {root}: {_why(exc)}; no local fingerprints"]


def _why(exc: Exception) -> str:
    return (exc.strerror if isinstance(exc, OSError) else None) or str(exc)


class _Discovery:
    """Reads env files once; builds the rule engine only when a value needs matching."""

    def __init__(
        self, root: Path, config: Config, rules: Sequence[Rule], store: Store | None, engine: Engine | None
    ) -> None:
        self.root, self.config, self.rules, self.store = root, config, rules, store
        self.engine: Engine | None = engine
        self.free = frozenset(r.id for r in rules if r.free_value)
        self.keys: list[EnvKey] = []
        self.notes: list[str] = []
        self.skipped: list[Skipped] = []
        self.scanned = 0

    def run(self, files: Iterable[tuple[str, bool, bool]]) -> _Discovery:
        for path, tracked, template in files:
            text = self._read(path)
            if text is not None:
                self.scanned += 1
                found = {k.name: k for k in self._keys(path, text, tracked, template)}
                self.keys.extend(found.values())
        return self

    def _read(self, path: str) -> str | None:
        full = self.root / path
        if not full.is_file():
            return None  # tracked but deleted from the work tree
        try:
            if full.stat().st_size > self.config.max_file_size:
                self.skipped.append(Skipped(path, "too large"))
                return None
            data = full.read_bytes()
            if b"\0" in data:
                self.skipped.append(Skipped(path, "binary"))
                return None
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            self.skipped.append(Skipped(path, "not UTF-8"))
        except OSError as exc:
            self.skipped.append(Skipped(path, f"unreadable: {exc.strerror or exc}"))
        return None

    def _keys(self, path: str, text: str, tracked: bool, template: bool) -> Iterable[EnvKey]:
        lines = NEWLINE.split(text)
        for binding in bindings(text):
            if binding.key is None or binding.error:
                continue
            body, line = binding.body.strip(), binding.line
            end = line + body.count("\n")
            key = self._key(path, binding.key, binding.value or "", body, (line, end), tracked, template)
            if key is not None:
                annotated = self._annotation(path, lines, line, body)
                yield replace(key, annotated=annotated)

    def _key(
        self,
        path: str,
        name: str,
        value: str,
        body: str,
        span: tuple[int, int],
        tracked: bool,
        template: bool,
    ) -> EnvKey | None:
        placeholder = not value.strip() or is_placeholder(value)
        hit = None if placeholder else self._match(path, body)
        if template and not placeholder:
            placeholder = _stand_in(name, value, hit, self.free)
        if hit is None and not secret_like_name(name):
            return None
        digest = None if placeholder or self.store is None else self.store.digest(path, name, value)
        return EnvKey(
            name, path, span[0], span[1], template, placeholder, tracked,
            provider=hit.detail("provider") if hit else None,
            family=hit.detail("family") if hit else None,
            digest=digest,
            revoke=hit.detail("fix") if hit and hit.detail("revoke") else None,
            value_id=None if placeholder else value_id(value),
        )  # fmt: skip

    def _match(self, path: str, body: str) -> Finding | None:
        if self.engine is None:
            self.engine = Engine(self.rules)
        hits = find_in_text(body, self.engine, path)
        return hits[0] if hits else None

    def _annotation(self, path: str, lines: list[str], line: int, body: str) -> date | None:
        tail = _ANNOTATION.search(body.splitlines()[-1]) if body else None
        above = lines[line - 2].strip() if line >= 2 else ""
        head = _ANNOTATION.search(above) if above.startswith("#") else None
        match = tail or head
        if match is None:
            return None
        text = match.group(1)
        try:
            if _DATE.match(text):
                return date.fromisoformat(text)
        except ValueError:
            pass
        where = line if match is tail else line - 1
        self.notes.append(f"{path}:{where}: ignored rotation annotation {text!r} (expected YYYY-MM-DD)")
        return None


def _stand_in(name: str, value: str, hit: Finding | None, free: frozenset[str]) -> bool:
    """A template value that check_template accepts (templates.py): no key, so nothing to rotate.

    A provider-format key stays a key; a value only a name-based rule matched is judged by shape.
    """
    if hit is not None and hit.rule_id not in free:
        return False
    return non_secret(value, name) and not url_passwords(value)


def discover(
    root: Path,
    files: Iterable[tuple[str, bool, bool]],
    config: Config,
    rules: Sequence[Rule],
    store: Store | None,
    engine: Engine | None = None,
) -> _Discovery:
    """Keys of the given env files and templates (see `env_files`), with digests when `store` is given."""
    return _Discovery(root, config, rules, store, engine).run(files)


def _keep(keys: list[EnvKey], only_file: str | None) -> list[EnvKey]:
    """Keys that exist. A template's empty or placeholder value is no key with an age: it stands
    for a key that lives elsewhere (an env file, the ledger), so rotation does not track it."""
    kept = [k for k in keys if not (k.template and k.placeholder)]
    return [k for k in kept if only_file is None or k.path == only_file]


def assess(
    repo: gitrepo.Repo,
    root: Path,
    config: Config,
    rules: Sequence[Rule],
    *,
    now: datetime,
    environ: Mapping[str, str],
    only_file: str | None = None,
    engine: Engine | None = None,
    excluded: Callable[[str], bool] | None = None,
    listing: Sequence[tuple[str, bool]] | None = None,
) -> Assessment:
    """Every key's rotation state on `now`'s UTC date, plus the local fingerprint-store warnings.

    `engine`, when given, is an Engine already built from `rules` (audit shares one between checks);
    `excluded`, the config's excludes the run already built; `listing`, the work tree's files as
    `work_tree_listing` gives them, when the run listed them already (pre-commit, beside the env check).
    """
    ledger_path, shown = ledger_location(root, config)
    ledger = load_ledger(ledger_path, shown)
    store, store_notes = local_store(repo, environ)
    files = env_files(listing if listing is not None else work_tree_listing(repo), config, excluded)
    found = discover(root, files, config, rules, store, engine)
    keys = _keep(found.keys, only_file)
    today = now.astimezone(timezone.utc).date()
    dates = GitDates(repo, config.max_file_size)
    ages = [_age(k, ledger, config, today, dates) for k in keys]
    # A template value with no date anywhere (never committed, no ledger entry) is the template
    # check's business (env-example-value), not a key of unknown age.
    dated = [(k, a) for k, a in zip(keys, ages, strict=True) if not (k.template and a.state == "unknown")]
    keys, ages = [k for k, _ in dated], [a for _, a in dated]
    if only_file is None:
        named = {k.name for k in keys}  # a template placeholder does not stand in for a ledger entry
        ages += [_ledger_only(name, ledger, config, today) for name in ledger.entries if name not in named]
    notes = [*store_notes, *found.notes, *_future_notes(ages, today)]
    warnings: list[Finding] = []
    if store is not None:
        try:
            warnings = compare(store, zip(ages, (k.digest for k in keys), strict=False))
        except OSError as exc:
            notes.append(f"cannot save the local fingerprints in {store.path.parent}: {_why(exc)}")
        if store.reset:
            notes.append(f"the local fingerprint store {store.path} was unreadable and was started afresh")
    stand_ins = sum(k.template and k.placeholder for k in found.keys)
    return Assessment(
        tuple(ages), tuple(warnings), tuple(notes), tuple(found.skipped), found.scanned, stand_ins
    )


def _future_notes(ages: Iterable[KeyAge], today: date) -> list[str]:
    return [
        f"{a.name}: rotated {a.rotated} ({a.source}), after the day judged ({today}); its age counts as 0"
        for a in ages
        if a.rotated is not None and a.rotated > today
    ]


def _age(key: EnvKey, ledger: Ledger, config: Config, today: date, dates: GitDates) -> KeyAge:
    entry = ledger.entries.get(key.name)
    provider = (entry.provider if entry else None) or key.provider
    rotated: date | None = key.annotated
    source: str | None = "annotation"
    if entry and entry.rotated:
        rotated, source = entry.rotated, "ledger"
    elif rotated is None:
        rotated = dates.date_of(key)
        source = "git" if rotated else None
    max_age, warn = thresholds(key.name, provider, key.family, entry, ledger, config.rotation)
    state, age, due = classify(rotated, today, max_age, warn)
    owner = entry.owner if entry else None
    return KeyAge(key.name, key.path, key.line, state, source, rotated, age, due, max_age, warn,
                  owner, provider, key.family, key.revoke)  # fmt: skip


def _ledger_only(name: str, ledger: Ledger, config: Config, today: date) -> KeyAge:
    entry = ledger.entries[name]
    max_age, warn = thresholds(name, entry.provider, None, entry, ledger, config.rotation)
    state, age, due = classify(entry.rotated, today, max_age, warn)
    source = "ledger" if entry.rotated else None
    return KeyAge(name, ledger.path, entry.line, state, source, entry.rotated, age, due, max_age, warn,
                  entry.owner, entry.provider)  # fmt: skip
