"""The org-audit HTML report: one self-contained file (inline CSS, inline SVG, a little inline JS).

Built from the results database only, so it shows the trend over every recorded run. Everything
from a repository (names, paths, messages) is escaped; findings carry redacted previews only.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from html import escape

STATES = ("overdue", "due-soon", "ok", "unknown")
_COLOURS = {"overdue": "#c0392b", "due-soon": "#e67e22", "ok": "#27ae60", "unknown": "#95a5a6"}
_TREND = (("open", "#34495e"), ("new", "#c0392b"), ("fixed", "#27ae60"))

_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#222;max-width:80rem}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eee}
th{background:#f6f6f6}td.n{text-align:right;font-variant-numeric:tabular-nums}
.tiles{display:flex;gap:1rem;flex-wrap:wrap}.tile{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem}
.tile b{display:block;font-size:1.5rem}.failed{color:#c0392b}.legend span{margin-right:1rem}
.filters{margin:.5rem 0;display:flex;gap:1rem;align-items:center}
"""

_JS = """
(function(){
  var q=document.getElementById('repo-filter'),s=document.getElementById('status-filter'),
      f=document.getElementById('failing-only'),rows=document.querySelectorAll('#repos tbody tr');
  function apply(){
    var text=q.value.toLowerCase(),status=s.value,only=f.checked,shown=0;
    rows.forEach(function(r){
      var ok=r.dataset.name.indexOf(text)>=0&&(!status||r.dataset.status===status)&&
             (!only||Number(r.dataset.failing)>0);
      r.style.display=ok?'':'none';if(ok){shown++;}
    });
    document.getElementById('repo-count').textContent=shown+' shown';
  }
  [q,s,f].forEach(function(e){e.addEventListener('input',apply);e.addEventListener('change',apply);});
  apply();
})();
"""


@dataclass(frozen=True)
class RepoLine:
    """One row of the repositories table."""

    name: str
    url: str
    status: str
    reason: str | None
    head: str | None
    last_scanned: str | None
    failing: int
    warnings: int
    keys: dict[str, int]


def render(db: sqlite3.Connection, title: str = "secret-hygiene organisation audit") -> str:
    """The whole report as one HTML document."""
    repos = _repos(db)
    parts = [
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{escape(title)}</title>",
        "<meta name='viewport' content='width=device-width'>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        _totals(db, repos),
        _trend(db),
        _repo_table(repos),
        _families(db),
        _key_ages(db, repos),
        _overdue(db),
        f"<script>{_JS}</script></body></html>",
    ]
    return "\n".join(parts)


def _repos(db: sqlite3.Connection) -> list[RepoLine]:
    lines = []
    for rid, name, url, status, reason, head, scanned in db.execute(
        "SELECT id, name, url, status, reason, head, last_scanned FROM repositories"
    ):
        counts = dict(
            db.execute(
                "SELECT level, COUNT(*) FROM findings WHERE repository_id=? AND fixed_run IS NULL"
                " GROUP BY level",
                (rid,),
            ).fetchall()
        )
        keys = dict(
            db.execute("SELECT state, COUNT(*) FROM keys WHERE repository_id=? GROUP BY state", (rid,))
        )
        lines.append(
            RepoLine(
                name,
                url,
                status or "",
                reason,
                head,
                scanned,
                counts.get("error", 0),
                counts.get("warning", 0),
                keys,
            )
        )
    return sorted(lines, key=lambda r: (-r.failing, -r.warnings, r.name))


def _totals(db: sqlite3.Connection, repos: list[RepoLine]) -> str:
    runs = db.execute("SELECT COUNT(*), MAX(finished) FROM runs").fetchone()
    tiles = [
        ("repositories", len(repos)),
        ("failed to audit", sum(r.status == "failed" for r in repos)),
        ("open failing findings", sum(r.failing for r in repos)),
        ("open warnings", sum(r.warnings for r in repos)),
        ("overdue keys", sum(r.keys.get("overdue", 0) for r in repos)),
        ("runs recorded", runs[0]),
    ]
    body = "".join(f"<div class='tile' id='total-{_slug(k)}'><b>{v}</b>{escape(k)}</div>" for k, v in tiles)
    last = escape(str(runs[1] or "-"))
    return f"<section id='totals'><p>Last run: {last}</p><div class='tiles'>{body}</div></section>"


def _trend(db: sqlite3.Connection) -> str:
    runs = [r for (r,) in db.execute("SELECT id FROM runs ORDER BY id")]
    series: dict[str, list[int]] = {"open": [], "new": [], "fixed": []}
    for run in runs:
        q = "SELECT COUNT(*) FROM findings WHERE "
        series["new"].append(db.execute(q + "first_run = ?", (run,)).fetchone()[0])
        series["fixed"].append(db.execute(q + "fixed_run = ?", (run,)).fetchone()[0])
        series["open"].append(
            db.execute(q + "first_run <= ? AND (fixed_run IS NULL OR fixed_run > ?)", (run, run)).fetchone()[
                0
            ]
        )
    rows = "".join(
        f"<tr><td>{run}</td><td class='n'>{series['new'][i]}</td><td class='n'>{series['fixed'][i]}</td>"
        f"<td class='n'>{series['open'][i]}</td></tr>"
        for i, run in enumerate(runs)
    )
    head = "<tr><th>run</th><th>new</th><th>fixed</th><th>open</th></tr>"
    table = f"<table id='trend-table'><thead>{head}</thead><tbody>{rows}</tbody></table>"
    return f"<section id='trend'><h2>Trend over runs</h2>{_trend_svg(series)}{table}</section>"


def _trend_svg(series: dict[str, list[int]]) -> str:
    n = len(series["open"])
    width, height, pad = 640, 180, 30
    top = max([1, *(v for values in series.values() for v in values)])
    step = (width - 2 * pad) / max(n - 1, 1)

    def point(i: int, v: int) -> str:
        return f"{pad + i * step:.1f},{height - pad - v * (height - 2 * pad) / top:.1f}"

    lines = []
    for name, colour in _TREND:
        pts = " ".join(point(i, v) for i, v in enumerate(series[name]))
        dots = "".join(_dot(point(i, v), colour) for i, v in enumerate(series[name]))
        lines.append(f"<polyline fill='none' stroke='{colour}' stroke-width='2' points='{pts}'/>{dots}")
    legend = "".join(f"<span style='color:{c}'>&#9632; {k}</span>" for k, c in _TREND)
    axis = f"<line x1='{pad}' y1='{height - pad}' x2='{width - pad}' y2='{height - pad}' stroke='#999'/>"
    label = f"<text x='{pad}' y='{pad - 10}' font-size='11'>max {top}</text>"
    return (
        f"<svg role='img' aria-label='findings per run' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}'>{axis}{label}{''.join(lines)}</svg>"
        f"<div class='legend'>{legend}</div>"
    )


def _dot(xy: str, colour: str) -> str:
    x, y = xy.split(",")
    return f"<circle cx='{x}' cy='{y}' r='3' fill='{colour}'/>"


def _repo_table(repos: list[RepoLine]) -> str:
    rows = []
    for r in repos:
        cls = " class='failed'" if r.status == "failed" else ""
        rows.append(
            f"<tr data-name='{escape(r.name.lower())}' data-status='{escape(r.status)}' "
            f"data-failing='{r.failing}'{cls}><td>{escape(r.name)}</td><td>{escape(r.url)}</td>"
            f"<td>{escape(r.status)}{': ' + escape(r.reason) if r.reason else ''}</td>"
            f"<td class='n'>{r.failing}</td><td class='n'>{r.warnings}</td>"
            f"<td class='n'>{r.keys.get('overdue', 0)}</td>"
            f"<td><code>{escape((r.head or '')[:12])}</code></td>"
            f"<td>{escape(r.last_scanned or '')}</td></tr>"
        )
    filters = (
        "<div class='filters'>"
        "<input id='repo-filter' placeholder='filter by name' aria-label='filter by name'>"
        "<select id='status-filter' aria-label='status'><option value=''>any status</option>"
        "<option value='ok'>ok</option><option value='failed'>failed</option></select>"
        "<label><input type='checkbox' id='failing-only'> with failing findings only</label>"
        "<span id='repo-count'></span></div>"
    )
    head = (
        "<tr><th>repository</th><th>location</th><th>status</th><th>failing</th><th>warnings</th>"
        "<th>overdue keys</th><th>head</th><th>last scanned</th></tr>"
    )
    return (
        f"<section><h2>Repositories</h2>{filters}<table id='repos'><thead>{head}</thead>"
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


def _families(db: sqlite3.Connection) -> str:
    counts = db.execute(
        "SELECT family, COUNT(*) FROM findings WHERE fixed_run IS NULL GROUP BY family ORDER BY 2 DESC, 1"
    ).fetchall()
    top = max([1, *(c for _, c in counts)])
    bars = "".join(
        f"<tr><td>{escape(f)}</td><td class='n'>{c}</td><td><svg width='300' height='12'>"
        f"<rect width='{300 * c / top:.0f}' height='12' fill='#34495e'/></svg></td></tr>"
        for f, c in counts
    )
    return (
        "<section id='families'><h2>Open findings by provider family</h2><table><thead><tr><th>family</th>"
        f"<th>open</th><th></th></tr></thead><tbody>{bars}</tbody></table></section>"
    )


def _key_ages(db: sqlite3.Connection, repos: list[RepoLine]) -> str:
    legend = "".join(f"<span style='color:{_COLOURS[s]}'>&#9632; {s}</span>" for s in STATES)
    rows = []
    for r in repos:
        if not r.keys:
            continue
        ages = db.execute(
            """SELECT k.age_days, k.max_age_days, k.state FROM keys k JOIN repositories p
               ON p.id = k.repository_id WHERE p.url = ?""",
            (r.url,),
        ).fetchall()
        rows.append(f"<tr><td>{escape(r.name)}</td><td>{_stack(r.keys)}</td><td>{_strip(ages)}</td></tr>")
    if not rows:
        return "<section id='key-ages'><h2>Key ages</h2><p>No keys tracked.</p></section>"
    return (
        "<section id='key-ages'><h2>Key ages against the rotation threshold</h2>"
        f"<div class='legend'>{legend}</div><table><thead><tr><th>repository</th><th>keys by state</th>"
        "<th>age / threshold (line = due)</th></tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table></section>"
    )


def _stack(counts: dict[str, int]) -> str:
    total = sum(counts.values()) or 1
    x, rects = 0.0, []
    for state in STATES:
        w = 240 * counts.get(state, 0) / total
        if w:
            rects.append(
                f"<rect x='{x:.1f}' width='{w:.1f}' height='14' fill='{_COLOURS[state]}'>"
                f"<title>{state}: {counts[state]}</title></rect>"
            )
        x += w
    return f"<svg width='240' height='14' class='key-stack'>{''.join(rects)}</svg>"


def _strip(ages: list[tuple[int | None, int, str]]) -> str:
    """Each key as a dot at age/threshold; the line at 100% is the due date, the strip ends at 200%."""
    dots = []
    for age, limit, state in ages:
        ratio = 2.0 if age is None else min(age / max(limit, 1), 2.0)
        y = 7 if age is not None else 11
        dots.append(
            f"<circle cx='{4 + ratio * 116:.1f}' cy='{y}' r='3' fill='{_COLOURS.get(state, '#999')}'/>"
        )
    return (
        "<svg width='244' height='14' class='key-strip'>"
        "<line x1='120' y1='0' x2='120' y2='14' stroke='#555'/>"
        f"{''.join(dots)}</svg>"
    )


def _overdue(db: sqlite3.Connection) -> str:
    rows = db.execute(
        """SELECT p.name, k.name, k.path, k.age_days, k.due, k.owner, k.provider FROM keys k
           JOIN repositories p ON p.id = k.repository_id WHERE k.state = 'overdue'
           ORDER BY k.age_days DESC, p.name, k.name"""
    ).fetchall()
    body = "".join(
        "<tr>" + "".join(f"<td>{escape('' if v is None else str(v))}</td>" for v in row) + "</tr>"
        for row in rows
    )
    return (
        "<section id='overdue'><h2>Overdue keys</h2><table><thead><tr><th>repository</th><th>key</th>"
        "<th>file</th><th>age (days)</th><th>was due</th><th>owner</th><th>provider</th></tr></thead>"
        f"<tbody>{body or '<tr><td colspan=7>None.</td></tr>'}</tbody></table></section>"
    )


def _slug(text: str) -> str:
    return "-".join(text.lower().split())
