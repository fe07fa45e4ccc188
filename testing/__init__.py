"""Helpers shared by the tests: synthetic keys, real git repositories, in-process CLI runs.

The pytest fixtures that use them (git_repo, plain_dir, cli, the autouse isolation and
no-network guards) stay registered in tests/conftest.py.
"""

from __future__ import annotations

from testing.cli import Run, run_cli
from testing.gitrepo import GIT_ENV, commit, git
from testing.keys import ALNUM, fake, github_token

__all__ = ["ALNUM", "GIT_ENV", "Run", "commit", "fake", "git", "github_token", "run_cli"]
