"""[tool.secret-hygiene] in pyproject.toml or .secret-hygiene.yaml -> a frozen Config."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from secret_hygiene.engine.decode import DEFAULT_DEPTH as DEFAULT_DECODE_DEPTH
from secret_hygiene.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib

DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024
DEFAULT_ENV_FILES = (".env", ".env.*", "*.env", ".envrc", "*.env.*")
DEFAULT_TEMPLATES = (
    ".env.example", ".env.sample", ".env.template", ".env.dist", ".env.defaults",
    ".env.tmpl", ".env.tpl", "example.env", "sample.env", "template.env",
    "*.env.example", "*.env.sample", "*.env.template", "*.env.dist",
    ".env.*.example", ".env.*.sample", ".env.*.template", ".env.*.dist",
    "env.example", "env.sample", "env.template", "*.example.env", "*.sample.env",
)  # fmt: skip


@dataclass(frozen=True)
class RotationConfig:
    """Rotation settings; the ledger's own defaults override max_age_days and warn_days."""

    ledger: str = ".secret-rotation.yaml"
    max_age_days: int = 90
    warn_days: int = 14
    family_max_age_days: Mapping[str, int] = field(default_factory=dict)
    provider_max_age_days: Mapping[str, int] = field(default_factory=dict)
    key_max_age_days: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Config:
    """Everything a project can configure; defaults when there is no config."""

    rules: tuple[str, ...] = ()
    builtin_rules: bool = True
    disable: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    scan_generated: bool = False
    decode_depth: int = DEFAULT_DECODE_DEPTH  # base64/JWT layers decoded and scanned (decode.py)
    with_detect_secrets: bool = False
    baseline: str | None = None
    env_files: tuple[str, ...] = DEFAULT_ENV_FILES
    templates: tuple[str, ...] = DEFAULT_TEMPLATES
    rotation: RotationConfig = field(default_factory=RotationConfig)
    source: str | None = None
    base_dir: Path = Path(".")


_TOP = {
    "rules", "builtin-rules", "disable", "exclude", "max-file-size", "scan-generated",
    "with-detect-secrets", "baseline", "env", "rotation", "decode-depth",
}  # fmt: skip
_ENV = {"env-files", "templates"}
_ROTATION = {
    "ledger", "max-age-days", "warn-days", "family-max-age-days",
    "provider-max-age-days", "key-max-age-days",
}  # fmt: skip


def find_config(root: Path, explicit: Path | None = None) -> Config:
    """The config for a project root: `explicit` if given, else the root's files, else defaults."""
    if explicit is not None:
        return load_config(explicit)
    yaml_path = root / ".secret-hygiene.yaml"
    if yaml_path.is_file():
        return load_config(yaml_path)
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        table = _read_toml(pyproject).get("tool", {}).get("secret-hygiene")
        if table is not None:
            return parse_config(table, str(pyproject), root)
    return Config(base_dir=root)


def load_config(path: Path) -> Config:
    """Read one config file (.toml holds [tool.secret-hygiene]; anything else is YAML)."""
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    if path.suffix == ".toml":
        table = _read_toml(path).get("tool", {}).get("secret-hygiene", {})
        return parse_config(table, str(path), path.parent)
    import yaml  # only projects configured in YAML pay for the import

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}:" if mark is not None else ""
        raise ConfigError(f"{path}:{where} invalid YAML") from None
    return parse_config({} if raw is None else raw, str(path), path.parent)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def parse_config(raw: Any, source: str, base_dir: Path) -> Config:
    """Validate a config mapping; unknown keys and wrong types are errors naming the key."""
    top = _table(raw, _TOP, source, "")
    env = _table(top.get("env", {}), _ENV, source, "env.")
    rot = _table(top.get("rotation", {}), _ROTATION, source, "rotation.")
    rotation = RotationConfig(
        ledger=_str(rot, "ledger", source, "rotation.") or RotationConfig.ledger,
        max_age_days=_int(rot, "max-age-days", 90, source, "rotation."),
        warn_days=_int(rot, "warn-days", 14, source, "rotation."),
        family_max_age_days=_int_map(rot, "family-max-age-days", source),
        provider_max_age_days=_int_map(rot, "provider-max-age-days", source),
        key_max_age_days=_int_map(rot, "key-max-age-days", source),
    )
    return Config(
        rules=_list(top, "rules", source, ""),
        builtin_rules=_bool(top, "builtin-rules", source, default=True),
        disable=_list(top, "disable", source, ""),
        exclude=_list(top, "exclude", source, ""),
        max_file_size=_size(top.get("max-file-size", DEFAULT_MAX_FILE_SIZE), source),
        scan_generated=_bool(top, "scan-generated", source),
        decode_depth=_int(top, "decode-depth", DEFAULT_DECODE_DEPTH, source, ""),
        with_detect_secrets=_bool(top, "with-detect-secrets", source),
        baseline=_str(top, "baseline", source, ""),
        env_files=_list(env, "env-files", source, "env.") or DEFAULT_ENV_FILES,
        templates=_list(env, "templates", source, "env.") or DEFAULT_TEMPLATES,
        rotation=rotation,
        source=source,
        base_dir=base_dir,
    )


def _table(raw: Any, allowed: set[str], source: str, prefix: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: {prefix.rstrip('.') or 'config'} must be a table/mapping")
    table = {str(k).replace("_", "-"): v for k, v in raw.items()}
    unknown = sorted(set(table) - allowed)
    if unknown:
        names = ", ".join(prefix + k for k in unknown)
        raise ConfigError(f"{source}: unknown config key {names} (known: {', '.join(sorted(allowed))})")
    return table


def _list(table: dict[str, Any], key: str, source: str, prefix: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{source}: {prefix}{key} must be a list of strings")
    return tuple(value)


def _str(table: dict[str, Any], key: str, source: str, prefix: str) -> str | None:
    value = table.get(key)
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"{source}: {prefix}{key} must be a string")
    return value


def _bool(table: dict[str, Any], key: str, source: str, default: bool = False) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"{source}: {key} must be true or false")
    return value


def _int(table: dict[str, Any], key: str, default: int, source: str, prefix: str) -> int:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"{source}: {prefix}{key} must be a whole number >= 0")
    return value


def _int_map(table: dict[str, Any], key: str, source: str) -> dict[str, int]:
    value = table.get(key, {})
    if not isinstance(value, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value.values()
    ):
        raise ConfigError(f"{source}: rotation.{key} must map names to whole numbers of days")
    return {str(k): int(v) for k, v in value.items()}


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def _size(value: Any, source: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    m = _SIZE.match(str(value)) if isinstance(value, str) else None
    if m is None:
        raise ConfigError(f"{source}: max-file-size must be bytes or a size such as '5MB'")
    return int(float(m.group(1)) * _UNITS[(m.group(2) or "")[:1].lower()])
