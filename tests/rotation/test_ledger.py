"""The rotation ledger: validation with file and line, and round-trip edits that keep comments."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from secret_hygiene.errors import LedgerError
from secret_hygiene.rotation.ledger import load_ledger, record_rotation

LEDGER = """\
# Rotation ledger: reviewed every quarter.
max_age_days: 60   # stricter than the default
warn_days: 7

keys:
  # payments
  STRIPE_SECRET_KEY:
    rotated: 2026-01-15  # after the Q4 audit
    owner: payments-team
    provider: Stripe
    max_age_days: 30
  GITHUB_TOKEN:
    rotated: '2026-02-01'
  VAULT_TOKEN:
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / ".secret-rotation.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_ledger_is_read_with_defaults_entries_and_lines(tmp_path: Path) -> None:
    ledger = load_ledger(_write(tmp_path, LEDGER), ".secret-rotation.yaml")
    assert (ledger.exists, ledger.max_age_days, ledger.warn_days) == (True, 60, 7)
    stripe = ledger.entries["STRIPE_SECRET_KEY"]
    assert (stripe.rotated, stripe.owner, stripe.provider, stripe.max_age_days, stripe.line) == (
        date(2026, 1, 15), "payments-team", "Stripe", 30, 7,
    )  # fmt: skip
    assert ledger.entries["GITHUB_TOKEN"].rotated == date(2026, 2, 1)
    assert ledger.entries["VAULT_TOKEN"].rotated is None
    assert list(ledger.entries) == ["STRIPE_SECRET_KEY", "GITHUB_TOKEN", "VAULT_TOKEN"]


def test_a_missing_or_empty_ledger_is_an_empty_one(tmp_path: Path) -> None:
    assert not load_ledger(tmp_path / "absent.yaml", "absent.yaml").exists
    empty = load_ledger(_write(tmp_path, "# nothing yet\n"), "l.yaml")
    assert empty.exists and not empty.entries and empty.max_age_days is None


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("keys:\n  A: {rotated: 2026-01-01\n  B: 1\n", ":3:", "invalid YAML"),
        ("keys:\n  A:\n    rotated: soon\n", ":3:", "keys.A.rotated must be a date"),
        ("keys:\n  A:\n    rotated: '2026-02-30'\n", ":3:", "must be a date"),
        (
            "keys:\n  A:\n    rotated: 2026-01-01\n    secret: hunter2\n",
            ":4:",
            "unknown ledger key keys.A.secret",
        ),
        ("max_age_days: 90\nmax_age: 30\n", ":2:", "unknown ledger key max_age"),
        ("max_age_days: -1\n", ":1:", "max_age_days must be a whole number >= 1"),
        ("warn_days: many\n", ":1:", "warn_days must be a whole number >= 0"),
        ("keys:\n  A:\n    owner: [a, b]\n", ":3:", "keys.A.owner must be a string"),
        ("keys:\n  - A\n", ":1:", "'keys' must map key names"),
        ("keys:\n  A: 2026-01-01\n", ":2:", "keys.A must be a mapping"),
        ("keys:\n  A: {}\n  A: {}\n", ":3:", "invalid YAML"),
        ("- just\n- a list\n", ":1:", "must be a mapping"),
        ("keys:\n  A:\n    rotated: 2026-13-01\n", ":", "invalid date"),
    ],
)
def test_a_malformed_ledger_names_the_file_and_line(
    tmp_path: Path, text: str, where: str, words: str
) -> None:
    with pytest.raises(LedgerError) as err:
        load_ledger(_write(tmp_path, text), "conf/ledger.yaml")
    message = str(err.value)
    assert message.startswith("conf/ledger.yaml" + where), message
    assert words in message
    assert "\n" not in message


def test_record_updates_an_entry_keeping_comments_and_order(tmp_path: Path) -> None:
    path = _write(tmp_path, LEDGER)
    created = record_rotation(path, "l.yaml", "STRIPE_SECRET_KEY", date(2026, 3, 2), (90, 14))
    text = path.read_text(encoding="utf-8")
    assert not created
    assert text == LEDGER.replace("rotated: 2026-01-15  # after", "rotated: 2026-03-02  # after")


def test_record_fills_an_empty_entry_and_appends_a_new_one(tmp_path: Path) -> None:
    path = _write(tmp_path, LEDGER)
    record_rotation(path, "l.yaml", "VAULT_TOKEN", date(2026, 3, 3), (90, 14))
    record_rotation(path, "l.yaml", "NEW_KEY", date(2026, 3, 4), (90, 14))
    text = path.read_text(encoding="utf-8")
    assert "# Rotation ledger: reviewed every quarter." in text
    assert "# stricter than the default" in text and "# after the Q4 audit" in text
    ledger = load_ledger(path, "l.yaml")
    assert list(ledger.entries) == ["STRIPE_SECRET_KEY", "GITHUB_TOKEN", "VAULT_TOKEN", "NEW_KEY"]
    assert ledger.entries["VAULT_TOKEN"].rotated == date(2026, 3, 3)
    assert ledger.entries["NEW_KEY"].rotated == date(2026, 3, 4)
    assert ledger.entries["GITHUB_TOKEN"].rotated == date(2026, 2, 1)


def test_record_creates_a_missing_ledger_with_defaults(tmp_path: Path) -> None:
    path = tmp_path / ".secret-rotation.yaml"
    assert record_rotation(path, "l.yaml", "API_TOKEN", date(2026, 5, 1), (45, 10))
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Key rotation ledger")
    ledger = load_ledger(path, "l.yaml")
    assert (ledger.max_age_days, ledger.warn_days) == (45, 10)
    assert ledger.entries["API_TOKEN"].rotated == date(2026, 5, 1)
    assert "keys:\n  API_TOKEN:\n    rotated: 2026-05-01\n" in text


@pytest.mark.parametrize("text", ["", "\n  \n", "\ufeff"])
def test_an_empty_ledger_file_is_an_error_never_an_empty_pass(tmp_path: Path, text: str) -> None:
    path = _write(tmp_path, text)  # what a writer killed mid-write used to leave
    with pytest.raises(LedgerError, match=r"^l\.yaml: the rotation ledger is empty"):
        load_ledger(path, "l.yaml")
    with pytest.raises(LedgerError, match="is empty"):
        record_rotation(path, "l.yaml", "API_TOKEN", date(2026, 5, 1), (90, 14))
    assert path.read_text(encoding="utf-8") == text


def test_record_never_overwrites_a_malformed_ledger(tmp_path: Path) -> None:
    broken = "keys:\n  A: [unclosed\n"
    path = _write(tmp_path, broken)
    with pytest.raises(LedgerError, match=r"^l\.yaml:\d+:"):
        record_rotation(path, "l.yaml", "A", date(2026, 5, 1), (90, 14))
    assert path.read_text(encoding="utf-8") == broken


def test_record_refuses_a_name_that_is_no_variable(tmp_path: Path) -> None:
    with pytest.raises(LedgerError):
        record_rotation(tmp_path / "l.yaml", "l.yaml", "two words", date(2026, 5, 1), (90, 14))
    assert not (tmp_path / "l.yaml").exists()


def test_record_keeps_crlf_bom_and_comments(tmp_path: Path) -> None:
    path = tmp_path / ".secret-rotation.yaml"
    path.write_bytes(
        b"\xef\xbb\xbf# team ledger\r\nkeys:\r\n  A_TOKEN:  # billing\r\n    rotated: 2026-01-01\r\n"
    )
    record_rotation(path, "l.yaml", "A_TOKEN", date(2026, 5, 1), (90, 14))
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf# team ledger\r\n") and b"# billing" in data
    assert b"rotated: 2026-05-01\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert load_ledger(path, "l.yaml").entries["A_TOKEN"].rotated == date(2026, 5, 1)


def test_record_into_a_comment_only_ledger_keeps_its_comments(tmp_path: Path) -> None:
    path = _write(tmp_path, "# Rotation ledger of the payments team.\n# Ask #payments before editing.\n")
    record_rotation(path, "l.yaml", "API_TOKEN", date(2026, 5, 1), (90, 14))
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Rotation ledger of the payments team.\n# Ask #payments before editing.\n")
    assert load_ledger(path, "l.yaml").entries["API_TOKEN"].rotated == date(2026, 5, 1)


def test_record_on_a_big_ledger_changes_one_line_and_keeps_the_rest(tmp_path: Path) -> None:
    rows = "".join(f"  KEY_{i}_TOKEN:  # team {i % 7}\n    rotated: 2026-01-01\n" for i in range(3000))
    original = f"# big\nmax_age_days: 90\nkeys:\n{rows}# trailing comment\n"
    path = _write(tmp_path, original)
    record_rotation(path, "l.yaml", "KEY_1500_TOKEN", date(2026, 5, 1), (90, 14))
    changed = [
        (a, b)
        for a, b in zip(original.splitlines(), path.read_text(encoding="utf-8").splitlines(), strict=True)
        if a != b
    ]
    assert changed == [("    rotated: 2026-01-01", "    rotated: 2026-05-01")]
    record_rotation(path, "l.yaml", "NEW_TOKEN", date(2026, 5, 2), (90, 14))
    ledger = load_ledger(path, "l.yaml")
    assert len(ledger.entries) == 3001 and ledger.entries["NEW_TOKEN"].rotated == date(2026, 5, 2)
    assert path.read_text(encoding="utf-8").count("# team") == 3000
