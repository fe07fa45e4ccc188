"""`secret-hygiene rules list|test`: what the loaded rules are, and whether they hold up."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from secret_hygiene.checks.project import project_rules
from secret_hygiene.cli.commands.common import project_of
from secret_hygiene.context import Context
from secret_hygiene.engine.rules import Rule
from secret_hygiene.engine.ruletest import check_examples, picked
from secret_hygiene.errors import SecretHygieneError

CHECKING = False
HELP = "list the loaded rules, or test every rule against its own examples"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """rules list|test [--format text|json] [--rules FILE] [--config FILE]."""
    parser.add_argument("action", choices=["list", "test", "filters"])
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument("--config", type=Path, metavar="FILE")
    parser.add_argument("--rules", type=Path, action="append", default=[], metavar="FILE",
                        help="an extra rule pack (file or directory); repeatable")  # fmt: skip
    parser.add_argument("--only", action="append", default=[], metavar="ID",
                        help="with test: only these ids, or ids starting with ID* (repeatable)")  # fmt: skip


def run(args: argparse.Namespace, ctx: Context) -> int:
    """List or test rules; `test` exits 1 on any failing example."""
    project = project_of(args, ctx)
    rules = project_rules(project, [ctx.cwd / p for p in args.rules])
    if args.action == "list":
        _list(rules, args.format, ctx)
        return 0
    if args.action == "filters":
        _filters(args.format, ctx)
        return 0
    return _test(rules, args, ctx)


def _list(rules: list[Rule], fmt: str, ctx: Context) -> None:
    if fmt == "json":
        doc = [
            {"id": r.id, "family": r.family, "provider": r.provider, "severity": r.severity,
             "description": r.description, "keywords": list(r.keywords), "tags": list(r.tags),
             "references": list(r.references), "paths": list(r.paths), "requires": r.requires_id,
             "revoke": {"url": r.revoke[0], "how": r.revoke[1]} if r.revoke else None}
            for r in rules
        ]  # fmt: skip
        json.dump(doc, ctx.stdout, indent=2)
        ctx.stdout.write("\n")
        return
    width = max((len(r.id) for r in rules), default=0)
    for r in rules:
        ctx.stdout.write(f"{r.id:<{width}}  {r.family:<18} {r.severity:<8} {r.description}\n")
    families = len({r.family for r in rules})
    ctx.stdout.write(f"{len(rules)} rules in {families} families\n")


def _filters(fmt: str, ctx: Context) -> None:
    """The shared filters a rule may skip (`filters: {skip: [...]}`): placeholder entries, judge checks."""
    from secret_hygiene.engine import judge, placeholders

    entries = placeholders.builtin().entries
    if fmt == "json":
        doc = {
            "placeholder-filters": [{"name": e.name, "description": e.description} for e in entries],
            "judge-checks": list(judge.CHECKS),
        }
        json.dump(doc, ctx.stdout, indent=2)
        ctx.stdout.write("\n")
        return
    width = max(len(e.name) for e in entries)
    ctx.stdout.write("placeholder filters (rules/filters/placeholders.yaml):\n")
    for e in entries:
        ctx.stdout.write(f"  {e.name:<{width}}  {e.description}\n")
    ctx.stdout.write(
        f"judge checks (context of the match, src/secret_hygiene/judge.py):\n  {', '.join(judge.CHECKS)}\n"
    )


def _test(rules: list[Rule], args: argparse.Namespace, ctx: Context) -> int:
    only = args.only
    unknown = [o for o in only if not any(picked(r.id, o) for r in rules)]
    if unknown:
        raise SecretHygieneError(
            f"rules test: --only {', '.join(unknown)}: no loaded rule has that id "
            "(see `secret-hygiene rules list`)"
        )
    failures = check_examples(rules, only)
    for failure in failures:
        ctx.stdout.write(f"FAIL {failure}\n")
    tested = [r for r in rules if not only or any(picked(r.id, o) for o in only)]
    examples = sum(len(r.examples) + len(r.negative_examples) for r in tested)
    ctx.stdout.write(f"{len(tested)} rules, {examples} examples, {len(failures)} failure(s)\n")
    return 1 if failures else 0
