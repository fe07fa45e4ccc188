"""The only module that runs git; hands back str, bytes and datetime.

Every call is a plain git command in a subprocess. GitPython was used at first
and dropped: importing it cost ~100 ms on every hook run, and it took a bare
mirror in a directory not named *.git for a work tree's .git.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, TypeVar

from secret_hygiene.errors import GitError, NotAGitRepo

_T = TypeVar("_T")


@dataclass(frozen=True)
class Repo:
    """A repository as git itself reports it."""

    git_dir: str
    working_tree_dir: str | None  # None for a bare repository
    # (key, value) config that empties every filter and merge driver the repository's config
    # names: filters run on a work-tree file even under `git blame --no-textconv`.
    neutral: tuple[tuple[str, str], ...] = ()

    @property
    def bare(self) -> bool:
        """True when there is no work tree."""
        return self.working_tree_dir is None


def open_repo(path: Path) -> Repo:
    """The repository holding `path` (searching parent directories), or NotAGitRepo."""
    start = path if path.is_dir() else path.parent
    args = ["rev-parse", "--absolute-git-dir", "--is-bare-repository", "--show-toplevel"]
    proc = subprocess.run(
        ["git", *args], cwd=start if start.exists() else None, capture_output=True,
        env=_environment(args, ()), check=False,
    )  # fmt: skip
    lines = proc.stdout.decode("utf-8", "surrogateescape").splitlines()
    if not start.exists() or len(lines) < 2:
        raise NotAGitRepo(
            f"{path}: not a git repository (run inside a repository, or use --no-git for a plain directory)"
        )
    tree = lines[2] if len(lines) > 2 and lines[1] == "false" else None
    repo = Repo(lines[0], tree)
    return Repo(repo.git_dir, tree, _neutral_drivers(repo))


# Programs a repository's own config can make git run during the read-only commands used here:
# an fsmonitor hook (any command that looks at the work tree), hooks, a pager, transports. Each
# is switched off for every call; textconv and external diff drivers are off by the
# --no-textconv / --no-ext-diff options of the commands that would use them, and filter and merge
# drivers are emptied by name (`_neutral_drivers`). Passed as GIT_CONFIG_KEY_n/VALUE_n, which
# outrank every config file, take names `-c` cannot (a subsection holding '='), and reach the git
# processes git starts for submodules.
_SAFE_CONFIG = (
    ("core.fsmonitor", "false"),
    ("core.hooksPath", os.devnull),
    ("core.pager", "cat"),
    ("protocol.allow", "never"),
    # A repository's own config can allow a protocol by name (`git clone -c` stores one), and a
    # partial clone then fetches missing blobs from its promisor remote, over a transport that
    # can run core.sshCommand: every named protocol is refused too.
    *((f"protocol.{name}.allow", "never") for name in ("file", "git", "ssh", "http", "https", "ext")),
)
_DRIVER_KEYS = {"filter": ("clean", "smudge", "process"), "merge": ("driver",)}


def _neutral_drivers(repo: Repo) -> tuple[tuple[str, str], ...]:
    """Config that empties each filter and merge driver defined in any config git reads here."""
    out = pipe(repo, "config", "-z", "--name-only", "--get-regexp", r"^(filter|merge)\.", ok=(0, 1))
    names = {n.decode("utf-8", "surrogateescape") for n in out.split(b"\0") if n}
    pairs: list[tuple[str, str]] = []
    for name in sorted(names):
        section, _, rest = name.partition(".")
        driver = rest.rpartition(".")[0]
        if not driver:
            continue
        pairs += [(f"{section}.{driver}.{key}", "") for key in _DRIVER_KEYS[section.lower()]]
        if section.lower() == "filter":
            pairs.append((f"filter.{driver}.required", "false"))
    return tuple(dict.fromkeys(pairs))


def _environment(args: Sequence[str], neutral: Sequence[tuple[str, str]]) -> dict[str, str]:
    """The environment for one git call: quiet, no system config, no repository-named programs."""
    env = {**os.environ, **_QUIET_ENV, "GIT_NO_LAZY_FETCH": "1"}  # git >= 2.45 says it in one word
    safe = [
        (k, v) for k, v in _SAFE_CONFIG
        # The Action's fetch and org-audit's clones (clone_mirror: any URL git clones, file://
        # included) need transports; git's own defaults still refuse ext:: there.
        if not (k.startswith("protocol.") and list(args[:1]) in (["fetch"], ["clone"]))
        and not (k == "core.hooksPath" and list(args[:2]) == ["rev-parse", "--git-path"])
    ]  # fmt: skip
    given = env.get("GIT_CONFIG_COUNT", "")
    count = int(given) if given.isdigit() else 0  # config the caller passed this way still counts
    for i, (key, value) in enumerate([*safe, *neutral], start=count):
        env[f"GIT_CONFIG_KEY_{i}"], env[f"GIT_CONFIG_VALUE_{i}"] = key, value
    env["GIT_CONFIG_COUNT"] = str(count + len(safe) + len(neutral))
    return env


def find_root(start: Path) -> Path | None:
    """The nearest directory at or above `start` holding `.git`, without starting git.

    The one root finder: every command and the Action find a repository this way, cheaply,
    before any git runs (`open_repo` then asks git itself).
    """
    here = start if start.is_dir() else start.parent
    for candidate in (here, *here.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def run(repo: Repo, *args: str) -> str:
    """Run a git command in `repo` and return its stdout; failures become GitError."""
    return run_bytes(repo, *args).decode("utf-8", "surrogateescape")


def run_bytes(repo: Repo, *args: str) -> bytes:
    """Run a git command and return raw stdout bytes."""
    return pipe(repo, *args)


def ls_files(repo: Repo, paths: list[str], untracked: bool = False, submodules: bool = False) -> list[str]:
    """Tracked files (or untracked, not-ignored ones) under `paths`, repo-relative with '/'.

    A submodule is one gitlink entry (skipped as not a regular file) unless `submodules`
    asks for the tracked files of checked-out submodules too.
    """
    args = ["ls-files", "-z", "--others", "--exclude-standard"] if untracked else ["ls-files", "-z"]
    if submodules and not untracked:
        args.append("--recurse-submodules")
    out = run_bytes(repo, *args, "--", *paths)
    return [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]


def plain_tree_files(root: Path) -> list[str] | None:
    """The files under the plain directory `root` that its .gitignore files leave, listed by git
    (sorted), or None when git cannot list them plainly: git missing or refusing the directory,
    a warning (a directory it could not read), a nested repository (which git does not enter).
    The caller then walks the tree itself (sources/files.py).

    git walks and matches in C, with its own ignore rules: moby's 13,000 files in 0.06 s, where
    the walk in Python took 0.12 to 0.2 s before any file was read. git is given a scratch
    repository with an empty index, so every file counts as untracked, and no excludes file but
    the tree's own .gitignore files (core.excludesFile emptied); nothing is written under `root`.
    """
    import tempfile  # only plain-directory scans need it

    try:
        with tempfile.TemporaryDirectory(prefix="secret-hygiene-") as scratch:
            out = _scratch_listing(root, scratch)
    except OSError:  # no git on PATH, no writable temporary directory
        return None
    if out is None:
        return None
    files = [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]
    if any(f.endswith("/") for f in files):
        return None  # a nested repository, listed as one directory
    return sorted(files)


def _scratch_listing(root: Path, scratch: str) -> bytes | None:
    """`git ls-files --others` of `root` over the scratch repository made in `scratch`; None
    when git fails or warns."""
    calls = [
        ["init", "-q", "--bare", "--template=", scratch],
        [f"--git-dir={scratch}", f"--work-tree={root}", "-c", f"core.excludesFile={os.devnull}",
         "ls-files", "-z", "--others", "--exclude-standard"],
    ]  # fmt: skip
    out = b""
    for args in calls:
        proc = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, env=_environment(args, ()), check=False
        )
        if proc.returncode != 0 or proc.stderr:
            return None
        out = proc.stdout
    return out


# Read-only helpers for history and staged scans (issue 4). They never write the index or refs:
# GIT_OPTIONAL_LOCKS=0 keeps git from refreshing the index as a side effect.
_QUIET_ENV = {"GIT_OPTIONAL_LOCKS": "0", "GIT_PAGER": "cat", "LC_ALL": "C", "GIT_CONFIG_NOSYSTEM": "1"}


def _cwd(repo: Repo) -> str:
    return str(repo.working_tree_dir or repo.git_dir)


def _neutral(repo: Repo) -> Sequence[tuple[str, str]]:
    return getattr(repo, "neutral", ())


def _command(args: Sequence[str], config: Sequence[str]) -> list[str]:
    return ["git", *(x for c in config for x in ("-c", c)), *args]


def _failure(args: Sequence[str], stderr: bytes) -> GitError:
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    # git's own verdict is its `fatal:` line; what follows is often advice ("and the repository exists").
    fatal = [line for line in lines if line.startswith("fatal:")]
    message = f"git {args[0]} failed: {(fatal or lines or ['no message'])[-1 if not fatal else 0]}"
    if "promisor remote" in message:  # a partial clone: no blob is fetched behind the user's back
        message += (
            " (a partial clone: fetch its blobs first, e.g. git fetch --refetch, or clone without --filter)"
        )
    return GitError(message)


@contextmanager
def stream(
    repo: Repo,
    *args: str,
    config: Sequence[str] = (),
    overridden: Sequence[str] = (),
    undiffed: Sequence[str] = (),
) -> Iterator[IO[bytes]]:
    """Run a git command that prints patches and hand its stdout over as a pipe, for output too
    big to hold; failures become GitError.

    The caller reads the pipe to its end; leaving early by an exception stops git. git runs on an
    empty scratch work tree, so the repository's .gitattributes files are not read: `*.txt -diff`
    or `binary` would make it say "Binary files differ" for a text file and hide every line it
    adds. A diff of the index also reads the .gitattributes files the index holds: the scratch
    tree gets a `* !diff` file (the attribute unspecified, so git tells binary from text by
    content) in the root and in each directory of `overridden`, which take their place.
    `undiffed` are gitattributes patterns of files the caller skips whatever their content
    (lockfiles, minified bundles): marked `-diff` there, git says "Binary files differ" for them
    without reading their blobs. The index stays the repository's: a relative GIT_INDEX_FILE (a
    commit hook gets `.git/index`) is made absolute from the work tree.
    """
    import tempfile  # only streaming commands (history, staged diffs) need it

    with tempfile.TemporaryFile() as err, tempfile.TemporaryDirectory(prefix="secret-hygiene-") as scratch:
        for directory in {"", *overridden}:
            os.makedirs(os.path.join(scratch, directory), exist_ok=True)
            with open(os.path.join(scratch, directory, ".gitattributes"), "w") as fh:
                fh.write("* !diff\n" + "".join(f"{p} -diff\n" for p in undiffed))
        env = _environment(args, _neutral(repo))
        if env.get("GIT_INDEX_FILE"):
            env["GIT_INDEX_FILE"] = os.path.join(_cwd(repo), env["GIT_INDEX_FILE"])  # kept when absolute
        tree = (f"--git-dir={repo.git_dir}", f"--work-tree={scratch}")
        proc = subprocess.Popen(
            _command((*tree, *args), config), cwd=scratch, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=err, bufsize=1 << 20, env=env,
        )  # fmt: skip
        assert proc.stdout is not None
        try:
            yield proc.stdout
        except BaseException:
            proc.kill()
            raise
        finally:
            proc.stdout.close()
            code = proc.wait()
        if code != 0:
            err.seek(0)
            raise _failure(args, err.read())


def pipe(
    repo: Repo, *args: str, data: bytes = b"", config: Sequence[str] = (), ok: tuple[int, ...] = (0,)
) -> bytes:
    """Run git with `data` on stdin and return its stdout; exit codes outside `ok` become GitError."""
    proc = subprocess.run(
        _command(args, config), cwd=_cwd(repo), input=data, capture_output=True,
        env=_environment(args, _neutral(repo)), check=False,
    )  # fmt: skip
    if proc.returncode not in ok:
        raise _failure(args, proc.stderr)
    return proc.stdout


def version(repo: Repo) -> tuple[int, ...]:
    """The git version as a tuple of ints, e.g. (2, 39, 5)."""
    words = pipe(repo, "version").decode("ascii", "replace").split()
    numbers = words[2].split(".") if len(words) > 2 else []
    return tuple(int(n) for n in numbers if n.isdigit())


def resolves(repo: Repo, rev: str) -> bool:
    """True when `rev` names a commit in this repository."""
    try:
        pipe(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    except GitError:
        return False
    return True


def has_refs(repo: Repo) -> bool:
    """True when the repository has at least one ref (an empty repository has none)."""
    return bool(pipe(repo, "for-each-ref", "--count=1").strip())


def commit_count(repo: Repo, revs: Sequence[str]) -> int:
    """How many commits `git rev-list revs` walks."""
    return int(pipe(repo, "rev-list", "--count", *revs, "--").strip() or 0)


def attribute_dirs(repo: Repo) -> list[str]:
    """The directories (repo-relative, "" for the root) of the .gitattributes files in the index."""
    out = run_bytes(repo, "ls-files", "-z", "--", ":(glob)**/.gitattributes")
    return [os.path.dirname(p.decode("utf-8", "surrogateescape")) for p in out.split(b"\0") if p]


def staged_entries(repo: Repo, pathspecs: Sequence[str]) -> list[tuple[str, str, str]]:
    """(mode, blob sha, path) of each file added, modified or retyped in the index against HEAD."""
    out = pipe(
        repo, "diff", "--cached", "--raw", "-z", "--no-abbrev", "--no-renames", "--no-ext-diff",
        "--no-textconv", "--diff-filter=AMT", "--ignore-submodules=none", "--", *pathspecs,
    )  # fmt: skip
    fields = out.split(b"\0")
    entries = []
    for meta, path in zip(fields[0::2], fields[1::2], strict=False):
        parts = meta.decode("ascii").split()
        if len(parts) == 5:
            entries.append((parts[1], parts[3], path.decode("utf-8", "surrogateescape")))
    return entries


def blob_sizes(repo: Repo, shas: Sequence[str]) -> dict[str, int]:
    """Size in bytes of each blob."""
    out = pipe(repo, "cat-file", "--batch-check", data="".join(f"{s}\n" for s in shas).encode())
    sizes = {}
    for line in out.decode("ascii").splitlines():
        parts = line.split()  # "<sha> missing" for an object the store lacks: left out
        if len(parts) == 3 and parts[1] == "blob":
            sizes[parts[0]] = int(parts[2])
    return sizes


def blob_shas(repo: Repo, names: Sequence[str]) -> list[str | None]:
    """The blob sha of each `REV:PATH` name, in order; None where it names no blob (a deleted file)."""
    data = "".join(f"{n}\n" for n in names).encode("utf-8", "surrogateescape")
    out = pipe(repo, "cat-file", "--batch-check", data=data)
    found: list[str | None] = []
    for line in out.decode("utf-8", "replace").splitlines()[: len(names)]:
        parts = line.split()
        found.append(parts[0] if len(parts) == 3 and parts[1] == "blob" else None)
    return found + [None] * (len(names) - len(found))


def read_blobs(repo: Repo, shas: Sequence[str]) -> dict[str, bytes]:
    """The bytes of each blob, in one `git cat-file --batch`."""
    out = pipe(repo, "cat-file", "--batch", data="".join(f"{s}\n" for s in shas).encode())
    blobs, pos = {}, 0
    while pos < len(out):
        end = out.index(b"\n", pos)
        header = out[pos:end].decode("ascii").split()
        if len(header) != 3:  # "<sha> missing": no content follows
            pos = end + 1
            continue
        sha, _, size = header
        blobs[sha] = out[end + 1 : end + 1 + int(size)]
        pos = end + 1 + int(size) + 1
    return blobs


# --- env-file helpers (issue 5) ---


def check_ignore(repo: Repo, paths: list[str]) -> dict[str, tuple[str, str, str] | None]:
    """For each path, the (source, line, pattern) of the last ignore rule matching it, or None.

    Asks git itself (`check-ignore --no-index -v -n`), so .gitignore files, .git/info/exclude and
    core.excludesFile all count, tracked or not. A pattern starting with '!' un-ignores the path.
    """
    if not paths:
        return {}
    data = b"".join(p.encode("utf-8", "surrogateescape") + b"\0" for p in paths)
    # check-ignore exits 1 when no path is ignored: still an answer, not a failure
    out = pipe(repo, "check-ignore", "--no-index", "-v", "-n", "-z", "--stdin", data=data, ok=(0, 1))
    fields = [f.decode("utf-8", "surrogateescape") for f in out.split(b"\0")]
    result: dict[str, tuple[str, str, str] | None] = {}
    for i in range(0, len(fields) - 3, 4):
        source, line, pattern, path = fields[i : i + 4]
        result[path] = (source, line, pattern) if source else None
    return result


def in_background(call: Callable[[], _T]) -> Callable[[], _T]:
    """Start `call` in a thread and return a function that waits for its result (or raises its
    exception). For git commands that walk the work tree: they otherwise take turns though the
    thread only waits on git (the env check's three listings: 83 -> 52 ms on a kafka clone)."""
    result: list[_T] = []
    error: list[BaseException] = []

    def run() -> None:
        try:
            result.append(call())
        except BaseException as exc:  # raised in the caller by wait()
            error.append(exc)

    thread = threading.Thread(target=run)
    thread.start()

    def wait() -> _T:
        thread.join()
        if error:
            raise error[0]
        return result[0]

    return wait


def ignored_files(repo: Repo) -> list[str]:
    """Untracked files git ignores; an ignored directory is listed once, as 'dir/', not entered."""
    out = run_bytes(repo, "ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory")
    return [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]


def has_head(repo: Repo) -> bool:
    """True when HEAD points at a commit (false in a repository with no commits yet)."""
    try:
        run(repo, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    except GitError:
        return False
    return True


def is_shallow(repo: Repo) -> bool:
    """True in a shallow clone (history before the graft points is missing)."""
    return run(repo, "rev-parse", "--is-shallow-repository").strip() == "true"


def file_changes(repo: Repo, diff_filter: str = "AM") -> list[tuple[str, str, str, str, str]]:
    """(commit, committer date ISO, status, blob sha, path) of each file change reachable from HEAD.

    Renames count as an add (--no-renames); only regular-file blobs are listed, newest commit first.
    """
    out = run_bytes(
        repo, "log", "--no-renames", f"--diff-filter={diff_filter}", "--raw", "--no-abbrev", "-z",
        "--format=%x01%H %cI", "HEAD",
    )  # fmt: skip
    changes: list[tuple[str, str, str, str, str]] = []
    for chunk in out.split(b"\x01")[1:]:
        header, _, rest = chunk.partition(b"\0")
        sha, _, date = header.decode("ascii", "replace").partition(" ")
        fields = rest.lstrip(b"\n").split(b"\0")
        for meta, path in zip(fields[0::2], fields[1::2], strict=False):
            parts = meta.decode("ascii", "replace").lstrip(":").split()
            if len(parts) == 5 and parts[1] in ("100644", "100755"):
                changes.append((sha, date, parts[4][:1], parts[3], path.decode("utf-8", "surrogateescape")))
    return changes


def blob_bytes(repo: Repo, blob: str) -> bytes:
    """The content of one blob."""
    return run_bytes(repo, "cat-file", "blob", blob)


def worktree_files(repo: Repo, skip_dirs: tuple[str, ...] = ()) -> list[tuple[str, bool]]:
    """(path, tracked) for tracked, untracked and ignored-but-present files; `skip_dirs` are not entered.

    Ignored files are listed on purpose: a `.env` is usually ignored, yet it holds the keys (issue 6).
    """
    excludes = [f"--exclude={d}/" for d in skip_dirs]
    out = run_bytes(repo, "ls-files", "-z", "-t", "--cached", "--others", *excludes)
    files: dict[str, bool] = {}
    for entry in out.split(b"\0"):
        if len(entry) < 3:
            continue
        path = entry[2:].decode("utf-8", "surrogateescape")
        files[path] = files.get(path, False) or entry[:1] != b"?"
    return sorted(files.items())


def objects_writable(repo: Repo) -> bool:
    """True when this user may create git's temporary object directory (remerge diffs need one)."""
    objects = Path(run(repo, "rev-parse", "--git-path", "objects").strip())
    return os.access(Path(_cwd(repo)) / objects, os.W_OK | os.X_OK)


def git_path(repo: Repo, name: str) -> Path:
    """The absolute path of `name` inside the git directory (`git rev-parse --git-path`)."""
    rel = run(repo, "rev-parse", "--git-path", name).strip()
    return (Path(_cwd(repo)) / rel).resolve()


def blame_dates(repo: Repo, path: str) -> dict[int, datetime | None]:
    """Author date (UTC) of the commit that last changed each line of a tracked work-tree file.

    None for a line not committed yet, or attributed to a shallow-clone boundary (its true date is older).
    """
    out = run_bytes(repo, "blame", "--no-textconv", "--line-porcelain", "--root", "--", path)
    shallow = _shallow_commits(repo)
    dates: dict[int, datetime | None] = {}
    sha, line = "", 0
    for raw in out.split(b"\n"):
        if raw.startswith(b"\t"):  # the line's content: not kept
            continue
        fields = raw.split(b" ")
        if len(fields) >= 3 and len(fields[0]) == 40 and fields[1].isdigit():
            sha, line = fields[0].decode("ascii"), int(fields[2])
            dates[line] = None
        elif fields[0] == b"author-time" and len(fields) == 2 and sha.strip("0") and sha not in shallow:
            dates[line] = datetime.fromtimestamp(int(fields[1]), timezone.utc)
    return dates


def _shallow_commits(repo: Repo) -> frozenset[str]:
    shallow = git_path(repo, "shallow")
    if not shallow.is_file():
        return frozenset()
    return frozenset(shallow.read_text(encoding="ascii", errors="replace").split())


# Mirrors for org-audit: a remote repository is kept as a bare mirror in a cache directory and
# checked out into a throw-away clone that shares its objects. Hooks never run (core.hooksPath),
# and a mirror never recurses into submodules.
_REMOTE_CONFIG = ("core.hooksPath=/dev/null", "core.fsmonitor=false", "credential.interactive=false")


def clone_mirror(url: str, dest: Path) -> None:
    """`git clone --mirror URL DEST`; failures become GitError."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    where = Repo(str(dest.parent), None)
    env_args = ("clone", "--mirror", "--quiet", "--no-tags", "--", url, str(dest))
    pipe(where, *env_args, config=_REMOTE_CONFIG)


def fetch_mirror(git_dir: Path) -> None:
    """Bring a bare mirror up to date with its remote (`git fetch --prune`)."""
    pipe(Repo(str(git_dir), None), "fetch", "--quiet", "--prune", "origin", config=_REMOTE_CONFIG)


def head_commit(repo: Repo) -> str | None:
    """The full SHA that HEAD names, or None for an empty repository."""
    try:
        return pipe(repo, "rev-parse", "--verify", "--quiet", "HEAD^{commit}").decode("ascii").strip() or None
    except GitError:
        return None


def shared_checkout(git_dir: Path, dest: Path) -> None:
    """A work tree of the mirror's HEAD at `dest` whose objects are borrowed from the mirror."""
    where = Repo(str(dest.parent), None)
    pipe(where, "clone", "--quiet", "--shared", "--", str(git_dir), str(dest), config=_REMOTE_CONFIG)


def is_ancestor(repo: Repo, older: str, newer: str) -> bool:
    """True when commit `older` is an ancestor of (or equal to) `newer`."""
    try:
        pipe(repo, "merge-base", "--is-ancestor", older, newer)
    except GitError:
        return False
    return True
