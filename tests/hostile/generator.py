"""Builds hostile repositories: what an attacker or bad luck puts in a checkout under review.

Each builder makes one case under a directory and returns the keys it planted, so a test can
assert that none of them is ever printed or written whole. Every git repository is armed with
marker programs (an fsmonitor, textconv, clean/smudge filters, an external diff, hooks) that
append to one marker file: a command that runs any of them leaves a line there.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from testing import commit, fake, git, github_token

UPPER32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
# Git programs a repository may name in its own config; each one writes to the marker file.
DRIVERS = {
    "core.fsmonitor": "fsmonitor",
    "core.pager": "pager",
    "core.editor": "editor",
    "core.sshCommand": "ssh",
    "diff.external": "external-diff",
    "diff.evil.textconv": "textconv",
    "diff.evil.command": "diff-command",
    "filter.evil.clean": "clean",
    "filter.evil.smudge": "smudge",
    "filter.evil.process": "process",
    "merge.evil.driver": "merge-driver",
    "uploadpack.packObjectsHook": "pack-objects-hook",
}
HOOKS = (
    "pre-commit",
    "pre-push",
    "post-index-change",
    "post-checkout",
    "reference-transaction",
    "fsmonitor-watchman",
)
ATTRIBUTES = "* filter=evil diff=evil merge=evil\n"
# A YAML alias bomb: nine levels of ten aliases expand to 10**9 strings when followed.
YAML_BOMB = 'a: &a ["x","x","x","x","x","x","x","x","x","x"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
)


def aws_key(seed: int) -> str:
    """A synthetic AWS access key id (AKIA + 16 base32 characters)."""
    return fake("AK" + "IA", 16, alphabet=UPPER32, seed=seed)


def stripe_key(seed: int) -> str:
    """A synthetic Stripe live secret key."""
    return fake("sk_" + "live_", 32, seed=seed)


@dataclass
class Case:
    """One hostile checkout: where to run, what was planted, what git program would mark."""

    name: str
    root: Path
    secrets: list[str] = field(default_factory=list)
    git: bool = True
    baseline: Path | None = None

    def plant(self, secret: str) -> str:
        """Remember a key this case holds somewhere and return it."""
        self.secrets.append(secret)
        return secret


def marker_program(bin_dir: Path, marker: Path) -> Path:
    """A script that records its own run in `marker` and passes its input through."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    script = bin_dir / "evil"
    script.write_text(f'#!/bin/sh\necho "$0 $*" >> "{marker}"\ncat\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return script


def arm(repo: Path, script: Path, git_dir: Path | None = None) -> None:
    """Name the marker program everywhere git could run one from in this repository."""
    for key, word in DRIVERS.items():
        git(repo, "config", key, f"{script} {word}")
    git(repo, "config", "filter.evil.required", "true")
    hooks = (git_dir or repo / ".git") / "hooks"
    hooks.mkdir(exist_ok=True)
    for hook in HOOKS:
        path = hooks / hook
        path.write_text(f"#!/bin/sh\n{script} hook-{hook}\n")
        path.chmod(0o755)


def _init(path: Path, template: Path, *extra: str) -> Path:
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main", f"--template={template}", *extra)
    return path


def _write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def _add_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A", "--", ".")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)


def build_secrets(case: Case, template: Path) -> None:
    """Keys everywhere a key can hide: files, history, env files, templates, names, messages, refs."""
    repo = _init(case.root, template)
    gone = case.plant(github_token(seed=101))
    commit(repo, {".gitignore": ".env\n.env.*\n!.env.example\n", "app.py": f"KEY = '{gone}'\n"}, "first")
    commit(repo, {"app.py": "import os\nKEY = os.environ['KEY']\n"}, "remove the key")
    in_message = case.plant(github_token(seed=102))
    in_name = case.plant(aws_key(103))
    notebook_key = case.plant(aws_key(104))
    cell = (
        '{"cell_type": "code", "source": ["KEY = \\"'
        + notebook_key
        + '\\"\\n"], "metadata": {}, "outputs": []}'
    )
    files: dict[str, str | bytes | None] = {
        "settings.py": f"AWS_ACCESS_KEY_ID = '{case.plant(aws_key(105))}'\n",
        f"keys/{in_name}.txt": "nothing here\n",
        "nb.ipynb": '{"cells": [' + cell + '], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n',
        ".env.example": f"STRIPE_SECRET_KEY={case.plant(stripe_key(106))}\n{case.plant(github_token(seed=107))}\n",  # noqa: E501
        "deploy/.env.staging": f"SENTRY_AUTH_TOKEN={case.plant(fake('', 40, seed=108))}\n",
        ".secret-rotation.yaml": "keys:\n  STRIPE_SECRET_KEY:\n    rotated: 2020-01-01\n",
    }
    git(repo, "add", "-f", "--", ".gitignore")
    for name, content in files.items():
        assert content is not None
        _write(repo / name, content)
        git(repo, "add", "-f", "--", name)
    git(repo, "commit", "-q", "-m", f"add settings {in_message}")
    git(repo, "branch", f"leak-{case.plant(github_token(seed=109))}")
    bare_token = case.plant(github_token(seed=110))
    _write(repo / ".env", f"{bare_token}\nSTRIPE_SECRET_KEY={case.plant(stripe_key(111))}\nexport  A-B=1\n")
    _write(repo / "staged.py", f"T = '{case.plant(github_token(seed=112))}'\n")
    git(repo, "add", "--", "staged.py")
    _write(repo / "untracked.py", f"U = '{case.plant(aws_key(113))}'\n")


HOSTILE_NAMES = [
    "src/evil\n::add-mask::secret-hygiene\nx.py",
    ".env.local\n::error title=forged::all clear",
    "--help",
    "-rf",
    "--config=/tmp/x.yaml",
    "%0A%25::warning::x.py",
    "# <h1>title</h1> [link](https://example.invalid) `tick`.py",
    "carriage\rreturn.py",
    "tab\tand space .py",
    "\u202eevil-bidi.py",
]


def build_names(case: Case, template: Path) -> None:
    """File names that are options, workflow commands, Markdown, controls or not UTF-8."""
    repo = _init(case.root, template)
    for index, name in enumerate(HOSTILE_NAMES):
        _write(repo / name, f"K = '{case.plant(github_token(seed=200 + index))}'\n")
    raw = os.fsencode(repo) + b"/bad\xff\xfename.py"
    with open(raw, "wb") as handle:
        handle.write(f"K = '{case.plant(aws_key(220))}'\n".encode())
    _add_all(repo, "names")
    _write(repo / "--staged-help", f"K = '{case.plant(github_token(seed=221))}'\n")
    git(repo, "add", "--", "--staged-help")


def build_encodings(case: Case, template: Path) -> None:
    """Binary, bad UTF-8, UTF-16 with and without a BOM, Latin-1, NUL bytes, CRLF."""
    repo = _init(case.root, template)
    key = case.plant(aws_key(300))
    _write(repo / "blob.bin", b"\x00\x01\x02" * 100 + key.encode() + b"\x00\xff" * 100)
    _write(repo / "bad-utf8.py", b"x = '\xff\xfe\xc3'\nKEY = '" + case.plant(aws_key(301)).encode() + b"'\n")
    _write(repo / "utf16le.py", f"\ufeffKEY = '{case.plant(aws_key(302))}'\n".encode("utf-16-le"))
    _write(repo / "utf16be.py", f"\ufeffKEY = '{case.plant(aws_key(303))}'\n".encode("utf-16-be"))
    _write(repo / "nobom16.py", f"KEY = '{case.plant(aws_key(304))}'\n".encode("utf-16-le"))
    _write(repo / "latin1.py", f"# caf\xe9\nKEY = '{case.plant(aws_key(305))}'\n".encode("latin-1"))
    _write(repo / "crlf.env.example", f"API_TOKEN={case.plant(github_token(seed=306))}\r\nB=\r\n")
    _write(repo / "nul.py", b"\x00" * 10 + b"KEY='" + case.plant(github_token(seed=307)).encode() + b"'\n")
    _add_all(repo, "encodings")


def build_huge(case: Case, template: Path) -> None:
    """A file over the size cap, a long line of one key prefix repeated, a long line with a key.

    The cap is lowered to 1 MB in the repository's config so the case stays quick to build and
    scan; tests/engine/test_linear_time.py measures the default cap and the 4.8 MB line of the issue.
    """
    repo = _init(case.root, template)
    over = case.plant(aws_key(400))
    _write(repo / ".secret-hygiene.yaml", "max-file-size: 1MB\n")
    _write(repo / "over-cap.txt", f"K = '{over}'\n" + "x" * (1536 * 1024))
    _write(repo / "one-line.txt", ("AK" + "IA") * (200 * 1024))
    middle = case.plant(github_token(seed=401))
    _write(repo / "long-line.js", "a" * 400_000 + f" '{middle}' " + "b" * 300_000 + "\n")
    _add_all(repo, "huge")


def build_links(case: Case, template: Path, outside: Path) -> None:
    """Symlink loops, broken links, links out of the repository (ledger, baseline), a FIFO."""
    repo = _init(case.root, template)
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "ledger.yaml").write_text("keys: {}\n")
    (outside / "baseline.json").write_text("{}\n")
    (outside / "secret.py").write_text(f"K = '{case.plant(github_token(seed=500))}'\n")
    (repo / "loop-a").symlink_to("loop-b")
    (repo / "loop-b").symlink_to("loop-a")
    (repo / "self").symlink_to("self")
    (repo / "dir").mkdir()
    (repo / "dir" / "up").symlink_to("..")
    (repo / "dir" / "key.py").write_text(f"K = '{case.plant(aws_key(501))}'\n")
    (repo / "broken").symlink_to("does/not/exist")
    (repo / "passwd").symlink_to("/etc/passwd")
    (repo / "out.py").symlink_to(outside / "secret.py")
    (repo / ".secret-rotation.yaml").symlink_to(outside / "ledger.yaml")
    (repo / ".secret-hygiene-baseline.json").symlink_to(outside / "baseline.json")
    (repo / ".env").symlink_to(outside / "secret.py")
    _add_all(repo, "links")
    os.mkfifo(repo / "fifo.py")
    os.mkfifo(repo / ".env.local")


def build_dotenv(case: Case, template: Path) -> None:
    """Env files and templates a dotenv parser can trip on; a malformed notebook."""
    repo = _init(case.root, template)
    _write(repo / ".gitignore", ".env\n")
    multi = case.plant(github_token(seed=600))
    text = (
        f'MULTI="line one\n{multi}\nline three"\n'
        f"UNTERMINATED='{case.plant(stripe_key(601))}\n"
        "export\n=novalue\n\x00NUL=1\n"
        f"  export   SPACED = {case.plant(aws_key(602))}  # comment\n"
        f"{'A' * 5000}=1\n"
        "\u00e9t\u00e9=1\n"
    )
    _write(repo / ".env.example", text)
    _write(repo / "config/.env.sample", f"KEY=${{{case.plant(github_token(seed=603))}}}\n")
    _write(
        repo / "broken.ipynb", '{"cells": [{"cell_type": "code", "source": "' + case.plant(aws_key(604)) + '"'
    )
    _write(repo / "list.ipynb", '{"cells": "not a list", "nbformat": 4}')
    _add_all(repo, "dotenv")
    _write(repo / ".env", f"\ufeff{case.plant(github_token(seed=605))}=\n" + "X=" + "\\" * 10000 + "\n")


def build_bad_config(case: Case, template: Path) -> None:
    """A config that is not YAML at all."""
    repo = _init(case.root, template)
    commit(
        repo,
        {".secret-hygiene.yaml": "rules: [\n  - {id: x\n\t:", "a.py": f"K='{case.plant(aws_key(700))}'\n"},
    )


def build_yaml_bombs(case: Case, template: Path) -> None:
    """Alias bombs as config, ledger and baseline."""
    repo = _init(case.root, template)
    commit(repo, {".secret-hygiene.yaml": YAML_BOMB, ".secret-rotation.yaml": YAML_BOMB})
    commit(repo, {"a.py": f"K='{case.plant(aws_key(701))}'\n"})


def build_bad_state(case: Case, template: Path) -> None:
    """A ledger that is not a mapping, a baseline that is not JSON, a rule pack with a ReDoS rule."""
    repo = _init(case.root, template)
    pack = (
        "rules:\n  - id: hostile-redos\n    description: catastrophic backtracking\n"
        "    regex: '(?P<secret>(a|aa)+b)'\n    examples: ['aaab']\n"
        "  - id: hostile-broken\n    regex: '(unclosed'\n"
    )
    files: dict[str, str | bytes | None] = {
        ".secret-rotation.yaml": "- just\n- a list\n",
        ".secret-hygiene-baseline.json": '{"version": 1, "findings": [',
        "rules/evil.yaml": pack,
        "a.py": f"K='{case.plant(aws_key(702))}'\n" + "a" * 42 + "\n",
    }
    commit(repo, files)
    case.baseline = repo / ".secret-hygiene-baseline.json"


def build_custom_rules(case: Case, template: Path) -> None:
    """A config that adds a ReDoS rule pack and points the ledger and baseline outside the repository."""
    repo = _init(case.root, template)
    pack = (
        "rules:\n  - id: hostile-redos\n    description: catastrophic backtracking\n"
        "    severity: low\n    keywords: ['aa']\n"
        "    regex: '(?P<secret>(a|aa)+b)'\n    examples: ['aaab']\n"
    )
    config = (
        "rules: [rules/redos.yaml]\n"
        "rotation:\n  ledger: /tmp/secret-hygiene-hostile-ledger.yaml\n"
        "baseline: ../../outside-baseline.json\n"
    )
    body = "a" * 42 + "c\n" + f"K='{case.plant(aws_key(703))}'\n"
    commit(repo, {".secret-hygiene.yaml": config, "rules/redos.yaml": pack, "a.py": body})


def build_empty(case: Case, template: Path) -> None:
    """A repository with no commit yet."""
    _init(case.root, template)
    _write(case.root / "a.py", f"K='{case.plant(aws_key(800))}'\n")


def build_plain(case: Case, template: Path) -> None:
    """A directory that is not a git repository at all."""
    case.git = False
    case.root.mkdir(parents=True)
    _write(case.root / "a.py", f"K='{case.plant(aws_key(900))}'\n")
    _write(case.root / ".env", f"{case.plant(github_token(seed=901))}\n")
    _write(case.root / ".gitignore", "[unclosed\n!\n\\\n")


def clone_cases(origin: Path, root: Path, template: Path) -> dict[str, Path]:
    """Shallow, bare, partial (blob:none over file://) clones and a linked worktree of `origin`."""
    git(origin, "config", "uploadpack.allowFilter", "true")
    url = f"file://{origin}"
    out: dict[str, Path] = {}
    quiet = ("-q", f"--template={template}", "-c", "protocol.file.allow=always")
    for name, extra in (
        ("shallow", ["--depth=1"]),
        ("bare", ["--bare"]),
        ("partial", ["--filter=blob:none"]),
    ):
        target = root / name
        subprocess.run(["git", "clone", *quiet, *extra, url, str(target)], check=True, capture_output=True)
        out[name] = target
    worktree = root / "worktree"
    git(origin, "worktree", "add", "-q", "-b", "wt", str(worktree))
    out["worktree"] = worktree
    return out


Builder = Callable[[Case, Path], None]
BUILDERS: dict[str, Builder] = {
    "secrets": build_secrets,
    "names": build_names,
    "encodings": build_encodings,
    "huge": build_huge,
    "dotenv": build_dotenv,
    "bad-config": build_bad_config,
    "yaml-bombs": build_yaml_bombs,
    "bad-state": build_bad_state,
    "custom-rules": build_custom_rules,
    "empty": build_empty,
    "plain": build_plain,
}
CLONES = ("shallow", "bare", "partial", "worktree")
CASES = [*BUILDERS, "links", *CLONES]


def build_all(top: Path, script: Path) -> dict[str, Case]:
    """Every case under `top`, armed with the marker program."""
    template = top / "template"
    template.mkdir()
    cases: dict[str, Case] = {}
    for name, builder in BUILDERS.items():
        case = Case(name, top / "cases" / name)
        builder(case, template)
        cases[name] = case
    links = Case("links", top / "cases" / "links")
    build_links(links, template, top / "outside")
    cases["links"] = links
    origin = cases["secrets"].root
    for name, path in clone_cases(origin, top / "cases", template).items():
        cases[name] = Case(name, path, secrets=list(cases["secrets"].secrets))
    for case in cases.values():
        if case.git and case.name != "bare":
            git_dir = Path(git(case.root, "rev-parse", "--absolute-git-dir").strip())
            if case.name != "worktree":
                git(case.root, "config", "core.attributesFile", str(top / "attributes"))
                arm(case.root, script, git_dir)
        elif case.name == "bare":
            arm(case.root, script, case.root)
    (top / "attributes").write_text(ATTRIBUTES)
    for case in cases.values():
        if case.git and case.name not in ("bare", "empty"):
            attrs = case.root / ".gitattributes"
            if not attrs.exists():
                attrs.write_text(ATTRIBUTES)
    return cases


def remove(top: Path) -> None:
    """Remove a tree of cases, FIFOs and read-only directories included."""
    for path in top.rglob("*"):
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
    shutil.rmtree(top, ignore_errors=True)
