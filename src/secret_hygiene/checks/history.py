"""The leak check over history: every added line in a range of commits, each secret once.

One `git log -p` pipe (or slices of the commit list in worker processes) feeds the engine through
a Walk; the revisions come from a range, the refs a pre-push hook receives, or pre-commit's
environment.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from secret_hygiene.checks.project import Project, explained, known_findings
from secret_hygiene.checks.project import engine as make_engine
from secret_hygiene.context import is_terminal
from secret_hygiene.engine import names
from secret_hygiene.engine import scan as loop
from secret_hygiene.engine.rules import Rule
from secret_hygiene.engine.scanner import Engine
from secret_hygiene.errors import GitError, NotAGitRepo, SecretHygieneError
from secret_hygiene.model import Blob, Finding, Report, Skipped
from secret_hygiene.reporters.safety import Redactor
from secret_hygiene.sources import git as gitrepo
from secret_hygiene.sources import patches
from secret_hygiene.sources.files import skipped_by_name
from secret_hygiene.sources.formats import decode_wide

if TYPE_CHECKING:
    from secret_hygiene.baseline.known import Known

Repo = gitrepo.Repo
REMERGE_GIT = (2, 36)  # first git with --diff-merges=remerge
SHALLOW_NOTE = (
    "shallow clone: history is truncated at the clone depth, older commits were not scanned "
    "(run `git fetch --unshallow` to scan them)"
)
EMPTY_NOTE = "empty repository: no commits to scan"


def history(
    repo: Repo,
    project: Project,
    revs: list[str] | None,
    rules: Sequence[Rule],
    *,
    notes: Sequence[str] = (),
    stderr: TextIO,
    jobs: int | None = None,
    known: Known | None = None,
    now: datetime | None = None,
    explain: bool = False,
) -> Report:
    """`history`: the commits `revs` (None: nothing to walk, the notes say why), the baseline applied;
    with `explain`, the dropped candidates named."""
    said = list(notes)
    if revs is None:
        return known_findings(Report(checks=("leak",), notes=tuple(said)), known, now)
    if gitrepo.is_shallow(repo):
        said.append(SHALLOW_NOTE)
    engine = make_engine(project, rules, known, explain)
    report = history_report(repo, revs, engine, project, stderr, said, jobs)
    return known_findings(explained(report, engine), known, now)


def open_repo(start: Path) -> Repo:
    """The repository at `start`, or one line saying history needs one."""
    if not start.exists():
        raise SecretHygieneError(f"{start}: no such file or directory")
    try:
        return gitrepo.open_repo(start)
    except NotAGitRepo:
        raise NotAGitRepo(f"{start}: not a git repository (history reads commits; run it in one)") from None


def history_report(
    repo: Repo,
    revs: list[str],
    engine: Engine,
    project: Project,
    stderr: TextIO,
    notes: list[str],
    jobs: int | None = None,
) -> Report:
    """The walk's report, plus keys in commit messages, changed paths and ref names (names.py)."""
    jobs = 1 if engine.dropped is not None else jobs  # --explain: this process's engine records drops
    walk = walk_history(repo, revs, engine, project, stderr, notes, jobs)
    report = walk.report(notes)
    found = walk.named if walk.named is not None else names.message_and_ref_findings(repo, revs, engine)
    changed = names.changed_path_findings(walk.changed, engine, lambda path: not project.excluded(path))
    named = names.combined(found, changed)
    # redact: the reporters' guard reuses this engine instead of loading the packs again
    return replace(report, findings=(*report.findings, *named), redact=Redactor(engine))


OLD_GIT_NOTE = "git older than 2.36: changes made in merge commits themselves were not scanned"
READ_ONLY_NOTE = (
    "read-only repository: git cannot write the temporary objects that re-doing a merge needs, "
    "so changes made in merge commits themselves (conflict resolutions) were not scanned"
)


def walk_history(
    repo: Repo,
    revs: list[str],
    engine: Engine,
    project: Project,
    stderr: TextIO,
    notes: list[str],
    jobs: int | None = None,
) -> Walk:
    """Stream the patches of `revs` through a Walk; merges' own changes when git can show them.

    `--diff-merges=remerge` writes objects to a temporary directory inside the repository: in a
    checkout the user cannot write, that fails, so the walk runs again without it, with a note.
    """
    merges = gitrepo.version(repo) >= REMERGE_GIT
    if not merges:
        notes.append(OLD_GIT_NOTE)
    elif not gitrepo.objects_writable(repo):
        merges = False
        notes.append(READ_ONLY_NOTE)
    try:
        return _walk(repo, revs, engine, project, stderr, merges, jobs)
    except GitError as exc:
        if not merges or "temporary object directory" not in str(exc):
            raise
    notes.append(READ_ONLY_NOTE)
    return _walk(repo, revs, engine, project, stderr, False, jobs)


# Below this many commits one `git log -p` pipe is as fast as starting workers.
PARALLEL_MIN_COMMITS = 2000
SLICES_PER_JOB = 4  # more slices than workers: a slice of huge early imports does not hold up the rest
# What forked workers inherit: repository, engine (compiled), project, merges shown, the revs.
_job: tuple[Repo, Engine, Project, bool, list[str]] | None = None


def _walk(
    repo: Repo,
    revs: list[str],
    engine: Engine,
    project: Project,
    stderr: TextIO,
    merges: bool,
    jobs: int | None = None,
) -> Walk:
    """One `git log -p` pipe, or, for a long history and more than one job, the commit list cut
    into consecutive slices, each read by its own `git log -p --no-walk` in a worker process.

    `git log -p` alone costs more than the scan (kafka: 15 s of 22 s), so one pipe caps the
    speed at git's; slices spread git's diffing over the cores too. The slices are replayed in
    order, newest first, so each secret's oldest commit is kept exactly as one pipe keeps it.
    The changed paths whose names are scanned (names.py) are collected from the same patches;
    asking git for them again (`git log --name-only`) cost 1.2 s of CPU on kafka. With workers,
    the keys in commit messages and ref names are looked for by a worker too, as the first task,
    instead of after the walk while one core waits.
    """
    scan = Walk(engine)
    config = project.config
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    commits = _commit_list(repo, revs) if jobs > 1 else []
    with _progress(stderr, repo, revs) as bar:
        if len(commits) < PARALLEL_MIN_COMMITS:
            scan.read(repo, patches.log_args(revs, merges), project, bar)
        else:
            import multiprocessing  # only long histories pay for the pool machinery

            global _job
            _job = (repo, engine, project, merges, revs)
            size = -(-len(commits) // (jobs * SLICES_PER_JOB))
            slices = [commits[i : i + size] for i in range(0, len(commits), size)]
            try:
                with multiprocessing.get_context("fork").Pool(jobs) as pool:
                    named = pool.apply_async(_named_job)  # queued first: a worker starts on it at once
                    for part in pool.imap(_walk_slice, slices):
                        scan.merge(part, bar)
                    scan.named = named.get()
            finally:
                _job = None
    scan.wide(repo, config.max_file_size)
    return scan


def _commit_list(repo: Repo, revs: list[str]) -> list[str]:
    """The commits `git log --date-order revs` shows, in its order (newest first)."""
    return gitrepo.run(repo, "rev-list", "--date-order", *revs, "--").split()


def _walk_slice(commits: list[str]) -> Walk:
    """A worker's walk over consecutive commits of the list, given by SHA (no walking of parents)."""
    assert _job is not None
    repo, engine, project, merges, _ = _job
    part = Walk(engine)
    log = patches.log_args(commits, merges)
    part.read(repo, [log[0], "--no-walk=unsorted", *log[1:]], project, None)
    part.engine = None
    return part


def _named_job() -> tuple[list[Finding], list[Finding]]:
    """A worker's search of the commit messages and ref names (the changed paths come with the walk)."""
    assert _job is not None
    repo, engine, _, _, revs = _job
    return names.message_and_ref_findings(repo, revs, engine)


@dataclass
class Walk:
    """Findings of a newest-first walk, one per secret and file; one seen again in an older commit
    in the same file moves there. A secret copied into several files is reported in each (each
    copy must be removed), at the commit that introduced it in that file."""

    engine: Engine | None  # None in a worker's result: a compiled engine is not sent back
    oldest: dict[tuple[str, str], Finding] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    scanned: int = 0
    commits: int = 0
    lines: int = 0
    named: tuple[list[Finding], list[Finding]] | None = None  # keys in messages and refs, from a worker
    # Each path the walk's patches add or change, at its oldest commit (engine/names.py reads them).
    changed: dict[str, str | None] = field(default_factory=dict)

    def read(self, repo: Repo, log: Sequence[str], project: Project, bar: Any) -> None:
        """Scan the patches `git log` prints with the arguments `log` (patches.log_args). git is
        told not to diff the generated files the walk skips by name: a lockfile's diff is often
        the biggest of its commit."""
        config = project.config
        undiffed = skipped_by_name(config.scan_generated)
        with gitrepo.stream(repo, *log, config=patches.PATCH_CONFIG, undiffed=undiffed) as out:
            self.feed(patches.parse(out, config.max_file_size, project.judge, changed=self.changed), bar)

    def feed(self, items: Iterable[patches.CommitStart | Blob | Skipped], bar: Any) -> None:
        """Scan every Blob of a `patches.parse` stream; count and tick the progress bar at each commit."""

        def commit(_: patches.CommitStart) -> None:
            self.commits += 1
            if bar is not None:
                bar.update(1)

        self._scan(patches.commit_blobs(items, commit))

    def _scan(self, source: Iterable[Blob | Skipped]) -> None:
        """Every Blob of `source` through the one scan loop (engine/scan.py), each secret's oldest kept."""
        assert self.engine is not None
        for result in loop.scan(source, self.engine, self._count):
            self._keep(result)

    def _count(self, blob: Blob, _: Sequence[Finding | Skipped]) -> None:
        self.scanned += 1
        self.lines += len(blob.line_map) if blob.line_map is not None else blob.data.count(b"\n")

    def wide(self, repo: Repo, max_size: int) -> None:
        """Rescan the files git's diff called binary that are UTF-16/32 text, whole, from their blob.

        git gives no patch for them, so the whole file at that commit is scanned (its lines are what
        the commit holds); the walk's order, newest first, is kept so an older commit still wins.
        """
        binary = [s for s in self.skipped if s.reason == "binary" and s.commit and "\n" not in s.path]
        if not binary or self.engine is None:
            return
        names = [f"{s.commit}:{s.path}" for s in binary]
        shas = gitrepo.blob_shas(repo, names)
        sizes = gitrepo.blob_sizes(repo, [sha for sha in shas if sha])
        small = [sha for sha in shas if sha and sizes.get(sha, max_size + 1) <= max_size]
        contents = gitrepo.read_blobs(repo, small) if small else {}
        decoded: set[int] = set()
        blobs: list[Blob] = []
        for skip, sha in zip(binary, shas, strict=True):
            data = contents.get(sha) if sha else None
            if data is None or decode_wide(data) is None:
                continue
            decoded.add(id(skip))
            blobs.append(Blob(skip.path, data, skip.commit))
        self._scan(blobs)
        self.skipped = [s for s in self.skipped if id(s) not in decoded]

    def merge(self, part: Walk, bar: Any) -> None:
        """Add a walk over the next (older) commits, as if this walk had gone on through them."""
        self.scanned += part.scanned
        self.commits += part.commits
        self.lines += part.lines
        self.skipped += part.skipped
        self.changed.update(part.changed)  # the part's commits are older: its commit for a path wins
        for key, finding in part.oldest.items():
            seen = self.oldest.get(key)
            if seen is None or seen.commit != finding.commit:
                self.oldest[key] = finding
        if bar is not None:
            bar.update(part.commits)

    def _keep(self, result: Finding | Skipped) -> None:
        if isinstance(result, Skipped):
            self.skipped.append(result)
            return
        key = (result.fingerprint, result.path)
        seen = self.oldest.get(key)
        # Same commit: keep the first line; an older commit (seen later in the walk) wins.
        if seen is None or seen.commit != result.commit:
            self.oldest[key] = result

    def report(self, notes: list[str]) -> Report:
        """The findings (one per secret and file, each naming the other files), skips and notes."""
        findings = sorted(copies(self.oldest.values()), key=lambda f: (f.path, f.line or 0, f.column or 0))
        distinct = len({f.fingerprint for f in findings})
        if distinct < len(findings):
            notes = [*notes, f"{len(findings)} finding(s) are {distinct} distinct secret(s): "
                     "a secret in several files is reported in each"]  # fmt: skip
        checked = f"{self.commits} commit(s), {self.scanned} changed file(s), {self.lines} added line(s)"
        return Report(
            tuple(findings),
            tuple(self.skipped),
            tuple(notes),
            ("leak",),
            scanned=self.scanned,
            checked=checked,
        )


def copies(findings: Iterable[Finding]) -> list[Finding]:
    """Each finding with an `also_in` detail naming the other files holding the same secret."""
    every = list(findings)
    paths: dict[str, list[str]] = {}
    for f in every:
        paths.setdefault(f.fingerprint, []).append(f.path)
    out = []
    for f in every:
        others = sorted(set(paths[f.fingerprint]) - {f.path})
        shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
        out.append(replace(f, details=(*f.details, ("also_in", shown))) if others else f)
    return out


def revisions(
    repo: Repo,
    *,
    rev_range: str | None = None,
    since: str | None = None,
    every: bool = False,
    pre_push: Sequence[str] | None = None,
    stdin: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
    notes: list[str],
) -> list[str] | None:
    """The `git log` revisions to walk, or None (with a note) when there is nothing to walk."""
    if pre_push is not None:
        if len(pre_push) > 2:
            raise SecretHygieneError("history: --pre-push takes at most REMOTE and URL (see --help)")
        return _pre_push(list(pre_push), stdin, environ or {}, repo, notes)
    if every:
        if not gitrepo.has_refs(repo):
            notes.append(EMPTY_NOTE)
            return None
        return ["--all"]
    if not gitrepo.resolves(repo, "HEAD"):
        notes.append(EMPTY_NOTE)
        return None
    if rev_range is not None:
        return [_rev(repo, rev_range, "--range")]
    if since is not None:
        return ["HEAD", "^" + _rev(repo, since, "--since")]
    return ["HEAD"]


def _rev(repo: Repo, text: str, flag: str) -> str:
    """`text` when it names commits here (each end of an A..B or A...B range); else one clear line."""
    if not text or text.startswith("-"):
        raise SecretHygieneError(f"history: {flag} wants a git revision, got {text!r}")
    ends = text.split("...") if "..." in text else text.split("..")
    for end in ends:
        if end and not gitrepo.resolves(repo, end):
            shown = text if end == text else f"{end!r} in {text!r}"
            raise SecretHygieneError(
                f"history: {flag} {shown}: no such commit, branch or tag in this repository "
                "(see `git log --oneline`)"
            )
    return text


def pre_push_revisions(repo: Repo, stdin: Iterable[str]) -> list[str] | None:
    """Revisions for the refs a pre-push hook receives (`<local ref> <local sha> <remote ref> <remote sha>`).

    An update scans remote..local; a new branch (or a remote commit we do not have) scans the
    commits on no remote-tracking ref; a delete scans nothing. None when nothing is pushed.
    """
    include: list[str] = []
    exclude: list[str] = []
    new_branch = False
    for local, remote in _push_lines(stdin):
        if _zero(local):
            continue
        include.append(local)
        if _zero(remote) or not gitrepo.resolves(repo, remote):
            new_branch = True
        else:
            exclude.append("^" + remote)
    if not include:
        return None
    return include + exclude + (["--not", "--remotes"] if new_branch else [])


def _pre_push(
    hook_args: list[str], stdin: TextIO | None, environ: Mapping[str, str], repo: Repo, notes: list[str]
) -> list[str] | None:
    """Refs from stdin (a git hook); else pre-commit's environment; else HEAD's unpushed commits.

    pre-commit reads git's stdin itself and hands its hooks an empty one, with the pushed range in
    PRE_COMMIT_FROM_REF/PRE_COMMIT_TO_REF instead (issue 7).
    """
    lines = [] if stdin is None or is_terminal(stdin) else [line for line in stdin if line.strip()]
    if lines or hook_args:  # git ran us as its pre-push hook: its stdin is the whole truth
        revs = pre_push_revisions(repo, lines)
        if revs is None:
            notes.append("pre-push: no commits to scan (nothing pushed, or only deletions)")
        return revs
    revs = precommit_revisions(environ)
    if revs is not None:
        return revs
    if not gitrepo.resolves(repo, "HEAD"):
        notes.append(EMPTY_NOTE)
        return None
    notes.append("pre-push: no refs on stdin or from pre-commit; scanned HEAD's commits on no remote")
    return ["HEAD", "--not", "--remotes"]


def precommit_revisions(environ: Mapping[str, str]) -> list[str] | None:
    """The pushed range pre-commit exports to pre-push hooks, or None when it exports none.

    pre-commit sets FROM/TO for an update; for a branch whose history reaches a root commit it sets
    only the local branch and remote name, and the hook scans what that remote does not have.
    """
    start, end = environ.get("PRE_COMMIT_FROM_REF", ""), environ.get("PRE_COMMIT_TO_REF", "")
    if start and end:
        return [_env_rev(end, "PRE_COMMIT_TO_REF"), "^" + _env_rev(start, "PRE_COMMIT_FROM_REF")]
    branch, remote = environ.get("PRE_COMMIT_LOCAL_BRANCH", ""), environ.get("PRE_COMMIT_REMOTE_NAME", "")
    if branch and remote:
        return [_env_rev(branch, "PRE_COMMIT_LOCAL_BRANCH"), "--not", f"--remotes={remote}"]
    return None


def _env_rev(value: str, name: str) -> str:
    if value.startswith("-") or any(c.isspace() for c in value):
        raise SecretHygieneError(f"history --pre-push: {name}={value[:80]!r} is not a git revision")
    return value


def _push_lines(stdin: Iterable[str]) -> Iterator[tuple[str, str]]:
    for raw in stdin:
        fields = raw.split()
        if not fields:
            continue
        if len(fields) != 4 or not all(_sha(f) for f in (fields[1], fields[3])):
            raise SecretHygieneError(
                "history --pre-push: expected '<local ref> <local sha> <remote ref> <remote sha>' "
                f"lines on stdin (as git gives a pre-push hook), got {raw.strip()[:120]!r}"
            )
        yield fields[1], fields[3]


def _sha(text: str) -> bool:
    return len(text) in (40, 64) and all(c in "0123456789abcdef" for c in text.lower())


def _zero(sha: str) -> bool:
    return not sha.strip("0")


def _progress(stderr: TextIO, repo: Repo, revs: list[str]) -> Any:
    """A tqdm bar over the commits on stderr when it is a terminal; nothing otherwise."""
    if not is_terminal(stderr):
        return nullcontext(None)
    from tqdm import tqdm  # only a terminal run pays for the import and the count

    total = gitrepo.commit_count(repo, revs)
    return tqdm(total=total, unit="commit", file=stderr, leave=False, desc="history")
