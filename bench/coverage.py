"""Provider coverage against the peers: rules/COVERAGE.md and bench/coverage_gaps.tsv.

    python bench/coverage.py [--check]

Reads bench/peer_providers.tsv (the peers' detector names, made by coverage_extract.py),
bench/coverage_aliases.tsv (peer or rule spellings -> one provider name, kept by hand)
and bench/coverage_exclusions.tsv (providers we leave out, each with the reason), loads
our rules, and writes one row per provider: which peers detect it, our rule ids, or why it
is left out. It prints the coverage of the union of providers that have a recognisable
key format (every provider not excluded). With --check it only compares the committed
COVERAGE.md with what it would write (exit 1 when stale). Runs offline.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from secret_hygiene.engine.rules import Rule, load_rules  # noqa: E402

BENCH = ROOT / "bench"
PEERS = ("gitleaks", "kingfisher", "noseyparker", "trufflehog", "betterleaks")
SHORT = {"gitleaks": "G", "kingfisher": "K", "noseyparker": "N", "trufflehog": "T", "betterleaks": "B"}
# Words that name a kind of credential, not a provider: dropped from the end of detector names.
_KIND = (
    "personalaccesstoken accesstoken refreshtoken apitoken apikey apisecret secretkey privatekey "
    "clientsecret clientid accesskey authtoken oauth2 oauth webhookurl webhook token secret key"
).split()
# Words of a rule id that start the credential part (`val-town-api-token` -> `valtown`).
_KIND_WORDS = set(
    "api key keys token tokens secret secrets access client id pat auth oauth app application personal private "
    "public refresh bearer password pass user username webhook url uri sdk admin service account credential "
    "credentials cred creds file yaml header license live test prod sandbox signing encryption master".split()
)
_DOMAIN = re.compile(r"\.(?:io|com|ai|net|dev|co|org|so|app|cloud)\b")


@dataclass
class Provider:
    """One row of the table."""

    name: str
    peers: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    prefixes: set[str] = field(default_factory=set)
    ours: set[str] = field(default_factory=set)


def canonical(text: str) -> str:
    """Lowercase letters and digits only; parenthesised asides and domain suffixes dropped."""
    text = re.sub(r"\(.*?\)", "", text.lower())
    return re.sub(r"[^a-z0-9]", "", _DOMAIN.sub("", text))


def strip_kind(name: str) -> str:
    """`twilioapikey` -> `twilio`: credential-kind words removed from the end, repeatedly."""
    changed = True
    while changed:
        changed = False
        for kind in _KIND:
            if name.endswith(kind) and len(name) > len(kind) + 2:
                name, changed = name[: -len(kind)], True
    return name


def read_tsv(path: Path) -> list[list[str]]:
    """Rows of a TSV, without comment lines and the header."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    return [ln.split("\t") for ln in lines[1:]]


class Resolver:
    """Peer rule names and our rules -> provider names, through the alias table."""

    def __init__(self, aliases: dict[str, str], known: set[str]) -> None:
        self.aliases = aliases
        self.known = known

    def name(self, raw: str) -> str:
        """The provider a raw name (file stem, detector dir, provider field) stands for."""
        key = canonical(raw)
        if key in self.aliases:
            return self.aliases[key]
        stripped = strip_kind(key)
        return self.aliases.get(stripped, stripped)

    def from_id(self, rule_id: str) -> str:
        """The provider of a dash-separated rule id: its longest known leading words."""
        words = [w for w in re.split(r"[-_.]", rule_id.lower()) if w]
        for n in range(len(words), 0, -1):
            head = "".join(words[:n])
            if head in self.aliases:
                return self.aliases[head]
            if head in self.known:
                return head
        lead = []
        for word in words:
            if word in _KIND_WORDS and lead:
                break
            lead.append(word)
        return self.name("".join(lead)) if lead else rule_id


def build(rules: list[Rule]) -> tuple[dict[str, Provider], dict[str, str]]:
    """Every provider with its peers and our rule ids; and the exclusion reasons."""
    aliases = {canonical(a): canonical(p) for a, p in read_tsv(BENCH / "coverage_aliases.tsv")}
    excluded = {canonical(p): why for p, why in read_tsv(BENCH / "coverage_exclusions.tsv")}
    rows = read_tsv(BENCH / "peer_providers.tsv")
    known = {strip_kind(canonical(stem)) for _, stem, _, _ in rows if stem}
    resolve = Resolver(aliases, known | set(aliases.values()))
    providers: dict[str, Provider] = {}
    for peer, stem, rule_id, prefix in rows:
        name = resolve.name(stem) if stem else resolve.from_id(rule_id)
        entry = providers.setdefault(name, Provider(name))
        entry.peers[peer].add(rule_id)
        entry.prefixes.update(p for p in prefix.split(",") if p)
    for rule in rules:
        name = resolve.name(rule.provider) if rule.provider else resolve.from_id(rule.id)
        providers.setdefault(name, Provider(name)).ours.add(rule.id)
    return providers, excluded


def render(providers: dict[str, Provider], excluded: dict[str, str], rules: int) -> tuple[str, str, str]:
    """COVERAGE.md, the gap TSV, and the one-line summary."""
    peer_seen = {n: p for n, p in providers.items() if p.peers}
    scope = {n: p for n, p in peer_seen.items() if n not in excluded}
    covered = sum(1 for p in scope.values() if p.ours)
    pct = 100.0 * covered / len(scope) if scope else 100.0
    summary = (
        f"{covered} of {len(scope)} peer providers with a recognisable key format covered ({pct:.1f}%); "
        f"{len(peer_seen) - len(scope)} excluded with a reason; {rules} rules"
    )
    order = sorted(peer_seen.values(), key=lambda p: (-len(p.peers), p.name))
    lines = [
        "# Provider coverage",
        "",
        "Generated by `python bench/coverage.py` from the peers' detector names",
        "(bench/peer_providers.tsv), bench/coverage_aliases.tsv and bench/coverage_exclusions.tsv.",
        "Peers: G gitleaks, K kingfisher, N noseyparker, T trufflehog, B betterleaks.",
        "Do not edit by hand.",
        "",
        f"**{summary}.**",
        "",
        "| provider | peers | our rules | note |",
        "| --- | --- | --- | --- |",
    ]
    for p in order:
        peers = "".join(SHORT[x] for x in PEERS if x in p.peers)
        note = f"excluded: {excluded[p.name]}" if p.name in excluded else ("" if p.ours else "gap")
        ours = ", ".join(sorted(p.ours)) if p.ours else "-"
        lines.append(f"| {p.name} | {peers} | {ours} | {note} |")
    only_ours = sorted(n for n, p in providers.items() if p.ours and not p.peers)
    lines += ["", f"Providers only we detect ({len(only_ours)}): " + ", ".join(only_ours), ""]
    gaps = ["provider\tpeer_count\tpeers\tkey_prefix\tsuggested_pack"]
    for p in order:
        if p.name in scope and not p.ours:
            peers = ",".join(x for x in PEERS if x in p.peers)
            gaps.append(
                f"{p.name}\t{len(p.peers)}\t{peers}\t{','.join(sorted(p.prefixes))}\t{suggest_pack(p.name)}"
            )
    return "\n".join(lines), "\n".join(gaps) + "\n", summary


_PACK_HINTS = (
    ("ai.yaml", "gpt llm openai anthropic mistral cohere groq huggingface replicate perplexity deepseek"),
    ("payments.yaml", "pay stripe braintree square paddle adyen checkout razorpay wise bank invoice"),
    ("communication.yaml", "mail sms chat slack discord telegram twilio sendgrid mailgun push message"),
    ("observability.yaml", "log monitor sentry datadog newrelic grafana honeycomb bugsnag rollbar trace"),
    ("databases.yaml", "sql mongo redis postgres mysql elastic supabase neon fauna planetscale"),
    ("registries.yaml", "npm pypi docker nuget rubygems maven cargo crates registry artifactory jfrog"),
    ("ci.yaml", "build circle travis buildkite jenkins drone teamcity deploy netlify vercel"),
    ("cloud-providers.yaml", "cloud aws azure gcp digitalocean heroku linode vultr hetzner fly render"),
    ("identity.yaml", "auth okta clerk login sso identity jumpcloud onelogin"),
    ("crypto-exchanges.yaml", "exchange coin crypto swap"),
)


def suggest_pack(name: str) -> str:
    """The existing pack a provider most likely belongs in, by words in its name; else a new pack."""
    if name.endswith("ai"):
        return "ai.yaml"
    for pack, words in _PACK_HINTS:
        if any(w in name for w in words.split()):
            return pack
    return "saas.yaml (new)"


def main() -> int:
    """Write (or --check) rules/COVERAGE.md and bench/coverage_gaps.tsv; print the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when COVERAGE.md is stale")
    args = parser.parse_args()
    rules = load_rules()
    providers, excluded = build(rules)
    table, gaps, summary = render(providers, excluded, len(rules))
    target = ROOT / "rules" / "COVERAGE.md"
    if args.check:
        stale = not target.exists() or target.read_text(encoding="utf-8") != table + "\n"
        print(("stale: " if stale else "") + summary)
        return 1 if stale else 0
    target.write_text(table + "\n", encoding="utf-8")
    (BENCH / "coverage_gaps.tsv").write_text(gaps, encoding="utf-8")
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
