"""Errors that stop a run; cli.py maps every one of them to exit code 2."""

from __future__ import annotations


class SecretHygieneError(Exception):
    """Root of our errors: the message says what went wrong and what to do next."""


class ConfigError(SecretHygieneError):
    """The project config is unreadable or invalid."""


class RuleError(SecretHygieneError):
    """A rule pack is unreadable or a rule in it is invalid."""


class BaselineError(SecretHygieneError):
    """A baseline file is unreadable or invalid."""


class NotAGitRepo(SecretHygieneError):
    """A git repository was needed and the path is not one."""


class GitError(SecretHygieneError):
    """A git command failed."""


class LedgerError(SecretHygieneError):
    """The rotation ledger is unreadable or invalid."""
