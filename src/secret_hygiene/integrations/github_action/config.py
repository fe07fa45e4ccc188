"""Which config a pull request's scan obeys: the base commit's, never the one the PR brings.

A pull request that adds `.secret-hygiene.yaml` with `exclude: ["**"]` (or disables the rule that
would catch its key) must not silence its own scan. On a pull_request event the Action reads the
config from the base commit, hands it to every command as `--config` (a YAML file in a temporary
directory, its paths made absolute so they still point into the workspace), and reports each
change the PR makes that scans less as a warning naming the config file.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from secret_hygiene.config import Config, find_config, parse_config
from secret_hygiene.engine.scanner import fingerprint
from secret_hygiene.errors import ConfigError, GitError
from secret_hygiene.model import Finding
from secret_hygiene.sources import git as gitrepo

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib

YAML_NAME, TOML_NAME = ".secret-hygiene.yaml", "pyproject.toml"


def base_config(repo: gitrepo.Repo, root: Path, base: str) -> Config:
    """The config at commit `base`, read as find_config reads a work tree (YAML, then pyproject)."""
    import yaml  # the Action needs it anyway for the rule packs

    text = _show(repo, base, YAML_NAME)
    source = f"{YAML_NAME} at the base commit {base[:12]}"
    try:
        if text is not None:
            raw = yaml.safe_load(text)
            return parse_config({} if raw is None else raw, source, root)
        text = _show(repo, base, TOML_NAME)
        table = tomllib.loads(text).get("tool", {}).get("secret-hygiene") if text is not None else None
    except (yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{source}: cannot be parsed: {str(exc).splitlines()[0]}") from None
    if table is None:
        return Config(base_dir=root)
    return parse_config(table, f"{TOML_NAME} at the base commit {base[:12]}", root)


def _show(repo: gitrepo.Repo, commit: str, name: str) -> str | None:
    try:
        return gitrepo.run_bytes(repo, "cat-file", "blob", f"{commit}:{name}").decode("utf-8", "replace")
    except GitError:
        return None


def as_yaml(config: Config) -> dict[str, Any]:
    """`config` as a YAML mapping whose paths are absolute (it is read from another directory)."""
    root, rot = config.base_dir, config.rotation
    doc: dict[str, Any] = {
        "rules": [str(root / r) for r in config.rules],
        "builtin-rules": config.builtin_rules,
        "disable": list(config.disable),
        "exclude": list(config.exclude),
        "max-file-size": config.max_file_size,
        "scan-generated": config.scan_generated,
        "with-detect-secrets": config.with_detect_secrets,
        "env": {"env-files": list(config.env_files), "templates": list(config.templates)},
        "rotation": {
            "ledger": str(root / rot.ledger), "max-age-days": rot.max_age_days, "warn-days": rot.warn_days,
            "family-max-age-days": dict(rot.family_max_age_days),
            "provider-max-age-days": dict(rot.provider_max_age_days),
            "key-max-age-days": dict(rot.key_max_age_days),
        },
    }  # fmt: skip
    if config.baseline:
        doc["baseline"] = str(root / config.baseline)
    return doc


def weakened(base: Config, root: Path) -> list[Finding]:
    """A warning for each way the work tree's config (the PR's) scans less than the base's."""
    try:
        head = find_config(root)
    except ConfigError as exc:
        return [_finding(YAML_NAME, "config-invalid", f"the pull request's config is invalid: {exc}")]
    path = Path(head.source).name if head.source else YAML_NAME
    changes = [
        ("exclude", sorted(set(head.exclude) - set(base.exclude))),
        ("disable", sorted(set(head.disable) - set(base.disable))),
        ("env.templates no longer", sorted(set(base.templates) - set(head.templates))),
        ("env.env-files no longer", sorted(set(base.env_files) - set(head.env_files))),
    ]
    found = [
        _finding(path, f"config-widens-{key.split()[0].split('.')[-1]}", f"{key} {', '.join(added)}")
        for key, added in changes
        if added
    ]
    if base.builtin_rules and not head.builtin_rules:
        found.append(_finding(path, "config-widens-builtin-rules", "builtin-rules: false"))
    if head.max_file_size < base.max_file_size:
        found.append(_finding(path, "config-widens-max-file-size", f"max-file-size {head.max_file_size}"))
    return found


def _finding(path: str, rule_id: str, change: str) -> Finding:
    return Finding(
        check="config-change", rule_id=rule_id, path=path, line=None, column=None,
        message=f"this pull request's config scans less ({change}); the scan used the base commit's "
        "config instead",
        fingerprint=fingerprint(rule_id, f"{path}\0{change}"), severity="medium", level="warning",
        details=(("fix", "change the scan's config in a pull request of its own, reviewed as such"),),
    )  # fmt: skip
