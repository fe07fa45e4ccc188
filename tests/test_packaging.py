"""The built wheel carries the rule packs and finds them at run time, away from the checkout."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_ships_rules_and_loads_them_outside_the_checkout(tmp_path: Path) -> None:
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"), str(ROOT)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = (tmp_path / "dist").glob("secret_hygiene-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        zf.extractall(tmp_path / "site")
    packs = sorted(
        n.removeprefix("secret_hygiene/rules/")
        for n in names
        if n.startswith("secret_hygiene/rules/") and n.endswith(".yaml")
    )
    # the packs, and the shared placeholder filters in their subdirectory (not a pack)
    assert packs == sorted(p.relative_to(ROOT / "rules").as_posix() for p in (ROOT / "rules").rglob("*.yaml"))
    assert "filters/placeholders.yaml" in packs
    assert "secret_hygiene/py.typed" in names  # PEP 561: type checkers use our annotations
    probe = (
        "import secret_hygiene.engine.rules as r; d = r.builtin_rules_dir(); "
        "print(d); print(len(r.load_rules())); "
        "import secret_hygiene.engine.noise as n; assert n.placeholder_reason('<your-key>')"
    )
    run = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(tmp_path / 'site')!r}); {probe}"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    where, count = run.stdout.split()
    assert Path(where) == tmp_path / "site" / "secret_hygiene" / "rules"
    shipped = sum(  # a pack may indent its rule list or not
        len(re.findall(r"^[ ]*- id: ", p.read_text(encoding="utf-8"), re.M))
        for p in (ROOT / "rules").glob("*.yaml")
    )
    assert int(count) == shipped
