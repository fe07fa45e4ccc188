"""`baseline audit` context lines never show a value flagged elsewhere or held by a secret-like name."""

from __future__ import annotations

from pathlib import Path

from secret_hygiene.baseline.review import context
from secret_hygiene.engine.rules import load_rules
from secret_hygiene.engine.scanner import Engine
from secret_hygiene.model import Blob, Finding
from testing import commit, fake, github_token, run_cli
from tests.baseline.test_baseline import run_tty


def stripe_live(seed: int) -> str:
    return "sk_" + "live_" + fake("", 24, seed=seed)


def test_context_of_a_template_hides_values_flagged_by_the_template_check(git_repo: Path) -> None:
    random_pw, session, other = fake("", 22, seed=1), fake("", 18, seed=2), fake("", 26, seed=3)
    template = (
        f"STRIPE_KEY={stripe_live(4)}\nDB_PASSWORD={random_pw}\nSESSION_SECRET={session}\n"
        f"PORT=8080\nAPI_TOKEN='keyboard cat {other}'\n"
    )
    commit(git_repo, {".gitignore": ".env\n", ".env.example": template})
    assert run_cli(["baseline", "create", "--checks", "env"], git_repo).code == 0
    run = run_tty(["baseline", "audit"], git_repo, "s\ns\ns\ns\n")
    assert run.code == 0, run.err
    for value in (random_pw, session, other, stripe_live(4)):
        assert value not in run.out and value[:10] not in run.out
    assert "PORT=8080" in run.out


def test_context_hides_the_line_of_another_finding_no_rule_matched() -> None:
    token, hidden = github_token(5), fake("", 30, seed=6)
    data = f"a = 1\nT = '{token}'\nx = compute('{hidden}')\n".encode()
    engine = Engine(load_rules())
    leak = next(f for f in engine.scan_blob(Blob("app.py", data)) if isinstance(f, Finding))
    other = Finding("leak", "detect-secrets-high-entropy", "app.py", 3, 14, "High entropy", "0" * 40)
    shown = "\n".join(context(leak, lambda f: data, engine, [other]))
    assert token not in shown and hidden not in shown and "a = 1" in shown
