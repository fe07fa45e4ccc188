"""What the checking commands share: their project, rules and baseline from the parsed arguments."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from secret_hygiene.checks.project import Project, load_known, load_project
from secret_hygiene.context import Context

if TYPE_CHECKING:
    from secret_hygiene.baseline.known import Known


def project_of(
    args: argparse.Namespace, ctx: Context, start: Path | None = None, no_git: bool = False
) -> Project:
    """The project at `start` (default: the working directory), with --config when given."""
    return load_project(ctx.cwd, start, getattr(args, "config", None), no_git)


def baseline_of(args: argparse.Namespace, ctx: Context, project: Project) -> Known | None:
    """--baseline, else the config's baseline, loaded; None without either."""
    given = getattr(args, "baseline", None)
    return load_known(ctx.cwd / given if given is not None else project.baseline)


def extra_rules(args: argparse.Namespace, ctx: Context) -> list[Path]:
    """The --rules packs, from the working directory."""
    return [ctx.cwd / p for p in getattr(args, "rules", [])]
