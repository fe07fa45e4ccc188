"""`secret-hygiene history` on real repositories: ranges, merges, pre-push, shallow and odd repos."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from secret_hygiene.cli import main
from secret_hygiene.context import Context
from secret_hygiene.model import Blob, Skipped
from secret_hygiene.sources.files import GENERATED_REASON, verdict
from secret_hygiene.sources.patches import DROP, CommitStart, diff_path, parse
from testing import commit, fake, git, github_token, run_cli

SCHEMA = Path(__file__).resolve().parents[1] / "fixtures" / "sarif-schema-2.1.0.json"  # OASIS, vendored
ZERO = "0" * 40


def history(repo: Path, *args: str, stdin: str = "") -> tuple[int, dict[str, Any]]:
    run = run_cli(["history", *args, "--format", "json"], repo, stdin=stdin)
    assert run.code in (0, 1), run.err
    return run.code, json.loads(run.out)


def found(doc: dict[str, Any]) -> list[tuple[str, int, str]]:
    return [(f["path"], f["line"], f["commit"]) for f in doc["findings"]]


def state(repo: Path) -> tuple[str, str, str]:
    return git(repo, "status", "--porcelain"), git(repo, "diff", "--cached"), git(repo, "diff")


def test_key_added_then_removed_is_found_by_history_not_by_scan(git_repo: Path) -> None:
    key = github_token(1)
    first = commit(
        git_repo, {"app.py": "import os\n\nTOKEN = '" + key + "'\n"}, when="2025-03-04T05:06:07+00:00"
    )
    commit(git_repo, {"app.py": "import os\n\nTOKEN = os.environ['TOKEN']\n"})
    assert run_cli(["scan"], git_repo).code == 0
    before = state(git_repo)
    code, doc = history(git_repo)
    assert code == 1 and found(doc) == [("app.py", 3, first)]
    finding = doc["findings"][0]
    assert finding["column"] == 10 and finding["details"]["date"] == "2025-03-04T05:06:07+00:00"
    assert key not in json.dumps(doc)
    assert state(git_repo) == before


def test_one_secret_is_reported_once_per_file_at_the_commit_that_put_it_there(git_repo: Path) -> None:
    key = github_token(2)
    commit(git_repo, {"README.md": "hello\n"})
    oldest = commit(git_repo, {"a.py": f"T = '{key}'\n"})
    commit(git_repo, {"a.py": f"T = '{key}'\nX = 1\n"})
    into_b = commit(git_repo, {"b.py": f"T2 = '{key}'\n", "a.py": None})
    into_c = commit(git_repo, {"c.py": f"again = '{key}'\n"})
    code, doc = history(git_repo)
    assert code == 1 and found(doc) == [("a.py", 1, oldest), ("b.py", 1, into_b), ("c.py", 1, into_c)]
    assert len({f["fingerprint"] for f in doc["findings"]}) == 1
    assert doc["findings"][0]["details"]["also_in"] == "b.py, c.py"


def test_a_key_added_to_two_files_in_one_commit_is_reported_in_both(git_repo: Path) -> None:
    key = fake("", 64, seed=5)
    sha = commit(git_repo, {
        "settings.py": f'BINANCE_API_KEY = "{key}"\n',
        "deploy.yaml": f"env:\n  BINANCE_API_KEY: {key}\n",
    })  # fmt: skip
    code, doc = history(git_repo)
    assert code == 1 and found(doc) == [("deploy.yaml", 2, sha), ("settings.py", 1, sha)]
    for path in ("deploy.yaml", "settings.py"):
        assert key in git(git_repo, "show", sha, "--", path)
    text = run_cli(["history"], git_repo).out
    assert "2 finding(s) are 1 distinct secret(s)" in text and key not in text
    assert "checked 1 commit(s), 2 changed file(s), 3 added line(s)" in text


def test_since_or_range_naming_no_commit_is_one_clear_line(git_repo: Path) -> None:
    commit(git_repo, {"a.py": "x = 1\n"})
    for args in (["--since", "doesnotexist"], ["--range", "nope..HEAD"]):
        run = run_cli(["history", *args], git_repo)
        assert run.code == 2 and run.out == "" and run.err.count("\n") == 1
        assert "no such commit, branch or tag" in run.err and "fatal" not in run.err


def test_two_secrets_are_two_findings(git_repo: Path) -> None:
    first = commit(git_repo, {"a.py": f"T = '{github_token(3)}'\n"})
    second = commit(git_repo, {"a.py": f"T = '{github_token(4)}'\n"})
    _, doc = history(git_repo)
    assert sorted(f[2] for f in found(doc)) == sorted([first, second])


def test_range_and_since_include_or_exclude_the_offending_commit(git_repo: Path) -> None:
    base = commit(git_repo, {"README.md": "hello\n"})
    bad = commit(git_repo, {"a.py": f"T = '{github_token(5)}'\n"})
    commit(git_repo, {"README.md": "hello again\n"})
    assert found(history(git_repo, "--range", f"{base}..HEAD")[1]) == [("a.py", 1, bad)]
    assert found(history(git_repo, "--range", f"{bad}..HEAD")[1]) == []
    assert found(history(git_repo, "--since", base)[1]) == [("a.py", 1, bad)]
    assert found(history(git_repo, "--since", "HEAD~1")[1]) == []


def test_bad_range_is_exit_two_with_one_line(git_repo: Path) -> None:
    commit(git_repo, {"README.md": "hello\n"})
    for args in (["--range", "nope..HEAD"], ["--since", "--all"], ["--range", "-p"]):
        run = run_cli(["history", *args], git_repo)
        assert run.code == 2 and len(run.err.strip().splitlines()) == 1, (args, run.err)


def test_merge_counts_a_branch_key_once_at_its_own_commit(git_repo: Path) -> None:
    commit(git_repo, {"README.md": "hello\n"})
    git(git_repo, "checkout", "-q", "-b", "side")
    side = commit(git_repo, {"side.py": f"T = '{github_token(6)}'\n"})
    git(git_repo, "checkout", "-q", "main")
    commit(git_repo, {"main.py": "x = 1\n"})
    git(git_repo, "merge", "-q", "--no-ff", "-m", "merge side", "side")
    code, doc = history(git_repo)
    assert code == 1 and found(doc) == [("side.py", 1, side)]


def test_a_key_written_while_resolving_a_merge_is_found_at_the_merge(git_repo: Path) -> None:
    commit(git_repo, {"conf.py": "a = 1\nb = 2\n"})
    git(git_repo, "checkout", "-q", "-b", "side")
    commit(git_repo, {"conf.py": "a = 1\nb = 3\n"})
    git(git_repo, "checkout", "-q", "main")
    commit(git_repo, {"conf.py": "a = 1\nb = 4\n"})
    git(git_repo, "merge", "-q", "side", check=False)  # conflicts
    merge = commit(git_repo, {"conf.py": f"a = 1\nb = 5\nT = '{github_token(7)}'\n"}, "resolve")
    assert len(git(git_repo, "rev-parse", f"{merge}^2", check=False).split()) == 1
    code, doc = history(git_repo)
    assert code == 1 and found(doc) == [("conf.py", 3, merge)]


def test_all_refs_and_detached_head(git_repo: Path) -> None:
    base = commit(git_repo, {"README.md": "hello\n"})
    git(git_repo, "checkout", "-q", "-b", "other")
    bad = commit(git_repo, {"o.py": f"T = '{github_token(8)}'\n"})
    git(git_repo, "checkout", "-q", "main")
    assert found(history(git_repo)[1]) == []
    assert found(history(git_repo, "--all")[1]) == [("o.py", 1, bad)]
    git(git_repo, "checkout", "-q", "--detach", bad)
    assert found(history(git_repo)[1]) == [("o.py", 1, bad)]
    git(git_repo, "checkout", "-q", "--detach", base)
    assert found(history(git_repo)[1]) == []


def test_allow_comment_on_the_line_above_counts_even_from_an_older_commit(git_repo: Path) -> None:
    commit(git_repo, {"t.py": "# fixture key, secret-hygiene: allow\n\nend = 1\n"})
    commit(git_repo, {"t.py": f"# fixture key, secret-hygiene: allow\nT = '{github_token(9)}'\nend = 1\n"})
    code, doc = history(git_repo)
    assert code == 0 and doc["findings"] == []


@pytest.fixture
def pushed(git_repo: Path, tmp_path: Path) -> tuple[Path, str, str]:
    """A repo whose main (holding an old key) is pushed to a local bare remote."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    old = commit(git_repo, {"old.py": f"T = '{github_token(10)}'\n"})
    git(git_repo, "remote", "add", "origin", str(remote))
    git(git_repo, "push", "-q", "origin", "main")
    return git_repo, old, str(remote)


def test_pre_push_update_scans_only_the_pushed_commits(pushed: tuple[Path, str, str]) -> None:
    repo, old, url = pushed
    new = commit(repo, {"new.py": f"T = '{github_token(11)}'\n"})
    stdin = f"refs/heads/main {new} refs/heads/main {old}\n"
    code, doc = history(repo, "--pre-push", "origin", url, stdin=stdin)
    assert code == 1 and found(doc) == [("new.py", 1, new)]
    code, doc = history(repo, "--pre-push", stdin=f"refs/heads/main {old} refs/heads/main {old}\n")
    assert code == 0 and doc["findings"] == []
    unknown = "ab" * 20  # a forced push over a remote commit we never fetched: scan what no remote has
    code, doc = history(repo, "--pre-push", stdin=f"refs/heads/main {new} refs/heads/main {unknown}\n")
    assert code == 1 and found(doc) == [("new.py", 1, new)]


def test_pre_push_new_branch_scans_commits_on_no_remote_ref(pushed: tuple[Path, str, str]) -> None:
    repo, _, url = pushed
    git(repo, "fetch", "-q", "origin")
    git(repo, "checkout", "-q", "-b", "feature")
    new = commit(repo, {"feature.py": f"T = '{github_token(12)}'\n"})
    stdin = f"refs/heads/feature {new} refs/heads/feature {ZERO}\n"
    code, doc = history(repo, "--pre-push", "origin", url, stdin=stdin)
    assert code == 1 and found(doc) == [("feature.py", 1, new)]


def test_pre_push_delete_scans_nothing(pushed: tuple[Path, str, str]) -> None:
    repo, old, url = pushed
    code, doc = history(repo, "--pre-push", "origin", url, stdin=f"(delete) {ZERO} refs/heads/gone {old}\n")
    assert code == 0 and doc["findings"] == [] and doc["summary"]["notes"]


def test_pre_push_rejects_malformed_stdin(pushed: tuple[Path, str, str]) -> None:
    repo, _, _ = pushed
    run = run_cli(["history", "--pre-push"], repo, stdin="refs/heads/main nope\n")
    assert run.code == 2 and len(run.err.strip().splitlines()) == 1


def test_shallow_clone_scans_what_is_there_with_one_note(git_repo: Path, tmp_path: Path) -> None:
    commit(git_repo, {"gone.py": f"T = '{github_token(13)}'\n"})
    commit(git_repo, {"gone.py": None, "README.md": "x\n"})
    tip = commit(git_repo, {"kept.py": f"T = '{github_token(14)}'\n"})
    clone = tmp_path / "shallow"
    git(tmp_path, "-c", "protocol.file.allow=always", "clone", "-q", "--depth", "1",
        f"file://{git_repo}", str(clone))  # fmt: skip
    code, doc = history(clone)
    assert code == 1 and found(doc) == [("kept.py", 1, tip)]
    notes = doc["summary"]["notes"]
    assert len(notes) == 1 and "shallow" in notes[0]


def test_bare_repository(git_repo: Path, tmp_path: Path) -> None:
    bad = commit(git_repo, {"a.py": f"T = '{github_token(15)}'\n"})
    commit(git_repo, {"a.py": None})
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(git_repo), str(bare))
    code, doc = history(tmp_path, str(bare))
    assert code == 1 and found(doc) == [("a.py", 1, bad)]


def test_empty_repository_exits_zero_with_a_note(git_repo: Path) -> None:
    for args in ([], ["--all"]):
        code, doc = history(git_repo, *args)
        assert code == 0 and doc["findings"] == [] and "no commits" in doc["summary"]["notes"][0]


def test_non_git_directory_is_exit_two_with_one_line(plain_dir: Path) -> None:
    run = run_cli(["history"], plain_dir)
    assert run.code == 2 and run.out == ""
    assert "not a git repository" in run.err and len(run.err.strip().splitlines()) == 1


def test_binary_huge_and_generated_changes_are_skipped_with_their_commit(git_repo: Path) -> None:
    (git_repo / ".secret-hygiene.yaml").write_text("max-file-size: 200\n", encoding="utf-8")
    sha = commit(git_repo, {
        "img.bin": b"\0\1\2" + github_token(16).encode(),
        "big.txt": "x = 1\n" * 50,
        "yarn.lock": f"t {github_token(17)}\n",
        "ok.py": "x = 1\n",
    })  # fmt: skip
    code, doc = history(git_repo)
    assert code == 0
    reasons = {(s["path"], s["commit"]): s["reason"] for s in doc["skipped"]}
    assert reasons[("img.bin", sha)] == "binary"
    assert reasons[("big.txt", sha)].startswith("added lines larger than the size cap")
    assert reasons[("yarn.lock", sha)].startswith("generated")
    text = run_cli(["history"], git_repo).out
    assert "skipped 3 file(s)" in text


def test_odd_paths_and_submodule_pointers(git_repo: Path) -> None:
    names = ["with space.py", "ünïcode.py", "new\nline.py", 'quote"back\\slash.py', "tab\there.py"]
    files: dict[str, str | bytes | None] = {n: f"T = '{github_token(20 + i)}'\n" for i, n in enumerate(names)}
    first = commit(git_repo, files)
    git(git_repo, "update-index", "--add", "--cacheinfo", f"160000,{first},sub")
    second = commit(git_repo, {})
    assert "sub" in git(git_repo, "ls-tree", "--name-only", second)
    code, doc = history(git_repo)
    assert code == 1 and sorted(f[0] for f in found(doc)) == sorted(names)


def test_json_and_sarif_carry_the_commit(git_repo: Path) -> None:
    bad = commit(git_repo, {"a.py": f"T = '{github_token(30)}'\n"})
    _, doc = history(git_repo)
    assert doc["findings"][0]["commit"] == bad
    run = run_cli(["history", "--format", "sarif"], git_repo)
    assert run.code == 1
    sarif = json.loads(run.out)
    jsonschema.validate(sarif, json.loads(SCHEMA.read_text(encoding="utf-8")))
    result = sarif["runs"][0]["results"][0]
    assert result["partialFingerprints"]["commitSha/v1"] == bad and result["properties"]["commit"] == bad


def test_quiet_on_a_non_terminal_stderr(git_repo: Path) -> None:
    commit(git_repo, {"a.py": "x = 1\n"})
    run = run_cli(["history"], git_repo)
    assert run.code == 0 and run.err == ""


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_stderr_only(git_repo: Path) -> None:
    commit(git_repo, {"a.py": "x = 1\n"})
    commit(git_repo, {"b.py": "y = 2\n"})
    out, err = io.StringIO(), _Terminal()
    code = main(["history", "--format", "json"], Context(out, err, io.StringIO(), dict(os.environ), git_repo))
    assert code == 0 and json.loads(out.getvalue())["findings"] == []
    assert "/2 [" in err.getvalue() and "commit/s" in err.getvalue()


def test_parser_reads_quoted_paths_hunks_and_commit_lines() -> None:
    stream = [
        b"\x00" + b"a" * 40 + b" 2026-01-01T00:00:00+00:00\n",
        b"\n",
        b'diff --git "a/x\\ty\\303\\251" "b/x\\ty\\303\\251"\n',
        b"--- a/x\n",
        b"+++ b/x\n",
        b"@@ -1,2 +1,3 @@\n",
        b" keep\n",
        b"-gone\n",
        b"++++ b/not-a-header\n",
        b"+new\n",
        b"\\ No newline at end of file\n",
        b"diff --git a/bin b/bin\n",
        b"Binary files a/bin and b/bin differ\n",
    ]
    items = list(parse(stream, 1000))
    blob = items[1]
    assert isinstance(blob, Blob) and blob.path == "x\tyé"
    assert blob.data == b"keep\n+++ b/not-a-header\nnew\n"
    assert blob.line_map == (1, 2, 3) and blob.only_lines == frozenset({2, 3})
    assert items[2] == Skipped("bin", "binary", "a" * 40)
    assert diff_path(b"a/a b/c b/a b/c") == "a b/c"


def test_a_path_verdict_scans_drops_silently_or_skips_with_its_reason() -> None:
    judge = verdict(["vendor/"], scan_generated=False)
    assert [judge(p) for p in ("app.py", "vendor/x.py", "package-lock.json")] == [
        None,
        DROP,
        GENERATED_REASON,
    ]
    added = [b"@@ -0,0 +1 @@\n", b"+k = 1\n"]
    stream = [b"\x00" + b"b" * 40 + b" 2026-01-01T00:00:00+00:00\n"]
    for path in ("app.py", "vendor/x.py", "package-lock.json"):
        stream += [f"diff --git a/{path} b/{path}\n".encode(), *added]
    started, blob, *rest = parse(stream, 1000, judge)
    assert isinstance(started, CommitStart) and isinstance(blob, Blob) and blob.path == "app.py"
    assert rest == [Skipped("package-lock.json", GENERATED_REASON, "b" * 40)]  # vendor/ leaves no record


def test_bare_repository_in_a_directory_not_named_dot_git(git_repo: Path, tmp_path: Path) -> None:
    """GitPython can mistake such a directory for a work tree's .git; git itself is asked instead."""
    commit(git_repo, {"k.py": f"t = '{github_token(91)}'\n"})
    bare = tmp_path / "mirror" / "repo"
    git(tmp_path, "clone", "-q", "--bare", str(git_repo), str(bare))
    run = run_cli(["history", str(bare), "--format", "json"], tmp_path)
    assert run.code == 1, run.err
    assert [f["path"] for f in json.loads(run.out)["findings"]] == ["k.py"]


def test_an_over_long_line_is_read_in_bounded_memory_and_later_lines_keep_their_place() -> None:
    import tracemalloc

    cap = 1 << 20
    token = github_token(70)
    patch = b"".join(
        [
            b"\0" + b"a" * 40 + b" 2026-01-01T00:00:00+00:00\n",
            b"diff --git a/big.txt b/big.txt\n@@ -0,0 +1,2 @@\n+",
            b"A" * (24 * cap),
            b"\n+tail\n",
            b"diff --git a/ctx.py b/ctx.py\n@@ -1,2 +1,3 @@\n ",
            b"B" * (3 * cap),
            b"\n+" + f"t = '{token}'".encode() + b"\n \n",
        ]
    )
    stream = io.BytesIO(patch)  # a buffered binary stream, as git's stdout is
    tracemalloc.start()
    items = list(parse(stream, cap))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    skipped = [i for i in items if isinstance(i, Skipped)]
    (blob,) = [i for i in items if isinstance(i, Blob)]
    assert [s.path for s in skipped] == ["big.txt"] and "size cap" in skipped[0].reason
    assert blob.path == "ctx.py" and blob.line_map == (1, 2, 3) and blob.only_lines == frozenset({2})
    assert blob.data.split(b"\n")[1] == f"t = '{token}'".encode()
    assert peak < 8 * cap, f"peak {peak} bytes while parsing a {len(patch)}-byte patch"
