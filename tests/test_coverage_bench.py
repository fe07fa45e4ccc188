"""bench/coverage.py: peer detector names resolve to providers, and rules/COVERAGE.md is current."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def _coverage() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_coverage", ROOT / "bench" / "coverage.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_names_are_canonical_and_lose_their_credential_kind() -> None:
    cov = _coverage()
    assert cov.canonical("Polygon.io (Massive)") == "polygon"
    assert cov.canonical("Crypto.com Exchange") == "cryptoexchange"
    assert cov.strip_kind("twilioapikey") == "twilio"
    assert cov.strip_kind("sendgrid") == "sendgrid"


def test_rule_ids_resolve_to_their_longest_known_provider() -> None:
    cov = _coverage()
    resolve = cov.Resolver({"hashicorptf": "terraformcloud"}, {"github", "digitalocean"})
    assert resolve.from_id("github-app-token") == "github"
    assert resolve.from_id("digitalocean-pat") == "digitalocean"
    assert resolve.from_id("hashicorp-tf-api-token") == "terraformcloud"
    assert resolve.from_id("val-town-api-token") == "valtown"


def test_the_committed_coverage_table_is_current() -> None:
    # After adding rules: python bench/coverage.py (rules/README.md, "Adding providers").
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "coverage.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "peer providers with a recognisable key format covered" in done.stdout
