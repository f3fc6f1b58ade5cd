"""Hindcast: run a historical scenario over many seeds and score it against the record.

Each seed's run is traced month by month (fronts, affinities, sanctions, treaties, arms
and aid delivered, arms fired, UN votes). Every pattern of the record (sim/record.py) is
read from each trace; the scorecard gives, per pattern, the recorded value, the model's
median and 90% range over the seeds, and hit or miss:

- a level (`compare: approx`) hits when |median - value| <= tolerance;
- `at_least` / `at_most` hit when the median is >= value - tolerance / <= value + tolerance
  (over a window `since`..`date`, each seed contributes its minimum / maximum);
- a `direction` hits when the median change from `since` to `date` exceeds the tolerance
  the right way (strictly);
- a vote hits when the actor's most frequent choice over the seeds is the recorded one.

Scores are the share of patterns hit, per group (votes, front, flows, sanctions,
alignment) and overall, separately for the fitting and the held-out part. A pattern whose
date falls outside the run is listed as not covered and left out of the scores.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from sim.record import GROUPS, PARTS, Pattern, Record, check_against_scenario, load_record
from sim.scenario import Scenario, load_scenario
from sim.world import ITEM

CUMULATIVE = ("delivered", "fired", "aid")


@dataclass
class Trace:
    """One run, month by month (index = step; 0 is the start)."""

    start: str
    steps: int
    index: dict[str, int]
    fronts: dict[str, np.ndarray]
    affinity: np.ndarray          # (T, n, n)
    sanctions: np.ndarray         # (T, n, n)
    delivered: np.ndarray         # (T, n, n, K) cumulative units
    aid: np.ndarray               # (T, n, n) cumulative $bn: economic support plus arms value
    fired: np.ndarray             # (T, n, K) cumulative units
    treaties: list[set]           # per step: frozenset pairs with a treaty
    in_force: list[set]           # per step: frozenset pairs with a treaty in force
    votes: dict[str, dict[str, str]] = field(default_factory=dict)


def trace_run(scenario: Scenario, seed: int) -> Trace:
    """Run the scenario with one seed, keeping what the record is read from."""
    from sim.model import BlocModel

    model = BlocModel(scenario, seed=seed)
    w = model.world
    T = scenario.steps + 1
    n, K = w.n, len(ITEM)
    tr = Trace(start=scenario.start, steps=scenario.steps, index=dict(w.index),
               fronts={tid: np.zeros(T) for tid in w.fronts}, affinity=np.zeros((T, n, n)),
               sanctions=np.zeros((T, n, n)), delivered=np.zeros((T, n, n, K)), aid=np.zeros((T, n, n)),
               fired=np.zeros((T, n, K)), treaties=[], in_force=[])

    def keep(t: int) -> None:
        for tid, f in w.fronts.items():
            tr.fronts[tid][t] = f
        tr.affinity[t] = w.affinity
        tr.sanctions[t] = w.sanctions
        if t:
            tr.delivered[t] = tr.delivered[t - 1] + w.arms_flow
            tr.aid[t] = tr.aid[t - 1] + w.aid_flow + w.arms_flow @ w.prices
            tr.fired[t] = tr.fired[t - 1] + w.fired
        pairs = [(frozenset(x["parties"]), x["in_force"]) for x in w.treaties.values()]
        tr.treaties.append({p for p, _ in pairs})
        tr.in_force.append({p for p, live in pairs if live})

    keep(0)
    for t in range(1, T):
        model.step()
        keep(t)
    for v in model.votes:
        tr.votes[v["id"]] = {a: side for side in ("for", "against", "abstain") for a in v[side]}
    return tr


def month_to_step(start: str, date: str) -> int:
    y0, m0 = map(int, start.split("-"))
    y, m = map(int, date.split("-"))
    return (y - y0) * 12 + (m - m0)


def read(p: Pattern, tr: Trace) -> float | None:
    """The model's value for a pattern in one run, or None when the run does not cover its dates."""
    end = month_to_step(tr.start, p.date)
    begin = month_to_step(tr.start, p.since) if p.since else None
    if not 0 <= end <= tr.steps or (begin is not None and not 0 <= begin <= tr.steps):
        return None
    ix = [tr.index[a] for a in p.actors]
    if p.measure in CUMULATIVE:
        if p.measure == "fired":
            series = tr.fired[:, ix[0], ITEM[p.item]]
        else:
            senders, recipient = ix[:-1], ix[-1]
            if p.measure == "delivered":
                series = tr.delivered[:, senders, recipient, ITEM[p.item]].sum(axis=1)
            else:
                series = tr.aid[:, senders, recipient].sum(axis=1)
        before = series[begin - 1] if begin else 0.0
        return float(series[end] - before) * p.scale
    if p.measure == "front":
        series = tr.fronts[p.theater]
    elif p.measure == "affinity":
        series = tr.affinity[:, ix[0], ix[1]]
    elif p.measure == "sanctions":
        series = tr.sanctions[:, ix[0], ix[1]]
    else:
        sets = tr.treaties if p.measure == "treaty" else tr.in_force
        pair = frozenset(ix)
        series = np.array([1.0 if pair in s else 0.0 for s in sets])
    series = series * p.scale
    if p.direction:
        return float(series[end] - series[begin])
    if begin is not None and p.compare != "approx":
        window = series[begin:end + 1]
        return float(window.min() if p.compare == "at_least" else window.max())
    return float(series[end])


def hit(p: Pattern, median: float) -> bool:
    if p.direction == "up":
        return median > p.tolerance
    if p.direction == "down":
        return median < -p.tolerance
    if p.compare == "at_least":
        return median >= p.value - p.tolerance
    if p.compare == "at_most":
        return median <= p.value + p.tolerance
    return abs(median - p.value) <= p.tolerance + 1e-9


def expected_text(p: Pattern) -> str:
    """The recorded value as a short phrase: '18 ± 1.5', '>= 0.4 2022-03..2025-12', 'up > 0.1 since 2022-02'."""
    if p.direction:
        return f"{'up' if p.direction == 'up' else 'down'} > {p.tolerance:g} since {p.since}"
    sign = {"approx": "", "at_least": ">= ", "at_most": "<= "}[p.compare]
    tol = f" ± {p.tolerance:g}" if p.compare == "approx" and p.tolerance else ""
    window = f" {p.since}..{p.date}" if p.since else ""
    return f"{sign}{figure(p.value) if abs(p.value) >= 1000 else f'{p.value:g}'}{tol}{window}"


def score_patterns(record: Record, traces: list[Trace]) -> list[dict]:
    """One row per pattern (votes expanded per actor) with the model's spread and the verdict."""
    rows = []
    for v in record.votes:
        for side, actors in v.record.items():
            for a in actors:
                choices = [tr.votes.get(v.vote, {}).get(a) for tr in traces]
                row = {"id": f"vote.{v.vote}.{a}", "group": "votes", "part": v.part, "date": v.date,
                       "source": v.source, "what": f"{a} on {v.title} ({v.kind})", "record": side}
                steps = month_to_step(traces[0].start, v.date) if traces else -1
                if not traces or not 0 <= steps <= traces[0].steps:
                    rows.append({**row, "covered": False})
                    continue
                held = [c for c in choices if c]
                if not held:
                    rows.append({**row, "covered": True, "model": "not held", "range": "no such vote in the run",
                                 "hit": False})
                    continue
                counts = {c: held.count(c) for c in ("for", "against", "abstain") if c in held}
                modal = max(counts, key=counts.get)
                spread = ", ".join(f"{c} {n / len(traces):.0%}" for c, n in counts.items())
                rows.append({**row, "covered": True, "model": modal, "range": spread, "hit": modal == side})
    for p in record.patterns:
        values = [read(p, tr) for tr in traces]
        row = {"id": p.id, "group": p.group, "part": p.part, "date": p.date, "source": p.source,
               "what": p.note or p.id, "record": expected_text(p)}
        if not values or any(x is None for x in values):
            rows.append({**row, "covered": False})
            continue
        arr = np.array(values, float)
        median = float(np.median(arr))
        lo, hi = np.percentile(arr, [5, 95])
        rows.append({**row, "covered": True, "model": median, "low": float(lo), "high": float(hi),
                     "range": f"{figure(lo)} to {figure(hi)}", "hit": hit(p, median)})
    return rows


def figure(x: float) -> str:
    """A figure as the scorecard prints it: thousands with commas, small values to 2 decimals."""
    x = float(x)
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def scores(rows: Iterable[dict]) -> dict[str, dict[str, Any]]:
    """{part: {group: {"hits", "n", "score"}, "overall": {...}}} over covered rows."""
    out: dict[str, dict[str, Any]] = {}
    rows = [r for r in rows if r.get("covered")]
    for part in PARTS:
        mine = [r for r in rows if r["part"] == part]
        table = {}
        for group in GROUPS + ("overall",):
            sel = mine if group == "overall" else [r for r in mine if r["group"] == group]
            hits = sum(1 for r in sel if r["hit"])
            table[group] = {"hits": hits, "n": len(sel), "score": hits / len(sel) if sel else None}
        out[part] = table
    return out


def hindcast(scenario_path: str | Path | None = None, seeds: int = 10, record_path: str | Path | None = None,
             overrides: dict[str, Any] | None = None, progress=None) -> dict:
    """Run a scenario over `seeds` seeds (0..seeds-1) and score it against the record."""
    record, tracked = load_record(record_path)
    path = scenario_path or record.scenario
    scenario = load_scenario(path, overrides)
    check_against_scenario(record, tracked, scenario)
    traces = []
    for seed in range(seeds):
        traces.append(trace_run(scenario, seed))
        if progress:
            progress()
    rows = score_patterns(record, traces)
    return scorecard(record, scenario, seeds, rows, tracked.file)


def scorecard(record: Record, scenario: Scenario, seeds: int, rows: list[dict], record_file: str) -> dict:
    return {"record": record.name, "record_file": str(record_file), "scenario": scenario.name,
            "start": scenario.start, "end": scenario.step_to_month(scenario.steps), "seeds": seeds,
            "scores": scores(rows), "patterns": rows,
            "not_covered": [r["id"] for r in rows if not r.get("covered")]}


# ---------------------------------------------------------------- rendering

def _pct(cell: dict) -> str:
    return "-" if cell["score"] is None else f"{cell['score']:.0%} ({cell['hits']}/{cell['n']})"


def score_lines(card: dict) -> list[str]:
    """The group scores, one line per part."""
    lines = []
    for part in PARTS:
        table = card["scores"][part]
        groups = ", ".join(f"{g} {_pct(table[g])}" for g in GROUPS if table[g]["n"])
        lines.append(f"{'fitting' if part == 'fit' else 'held-out'}: overall {_pct(table['overall'])}; {groups}")
    return lines


def render_text(card: dict, misses_only: bool = False) -> str:
    out = [f"Hindcast of {card['scenario']} ({card['start']} to {card['end']}) against "
           f"{card['record']}, {card['seeds']} seeds", ""]
    for part in PARTS:
        rows = [r for r in card["patterns"] if r["part"] == part and r.get("covered")]
        if misses_only:
            rows = [r for r in rows if not r["hit"]]
        out.append(f"{'Fitting' if part == 'fit' else 'Held-out'} part ({len(rows)} patterns"
                   f"{' missed' if misses_only else ''}):")
        out.append(f"  {'pattern':40} {'record':>34} {'model median':>13}  {'90% range':22} verdict")
        for r in rows:
            model = r["model"] if isinstance(r["model"], str) else figure(r["model"])
            out.append(f"  {r['id'][:40]:40} {str(r['record'])[:34]:>34} {model[:13]:>13}  "
                       f"{r['range'][:22]:22} {'hit' if r['hit'] else 'MISS'}")
        out.append("")
    out.append("Scores (share of patterns hit):")
    out += [f"  {line}" for line in score_lines(card)]
    if card["not_covered"]:
        out.append(f"Not covered by this run ({len(card['not_covered'])}): {', '.join(card['not_covered'][:8])}"
                   f"{' ...' if len(card['not_covered']) > 8 else ''}")
    return "\n".join(out) + "\n"


def render_html(card: dict) -> str:
    """A self-contained HTML report (no scripts, no external files)."""
    e = html.escape
    parts = []
    for part in PARTS:
        rows = [r for r in card["patterns"] if r["part"] == part and r.get("covered")]
        body = "".join(
            f"<tr class={'hit' if r['hit'] else 'miss'}><td>{e(r['id'])}</td><td>{e(r['group'])}</td>"
            f"<td>{e(r['date'])}</td><td>{e(str(r['record']))}</td>"
            f"<td>{e(r['model'] if isinstance(r['model'], str) else figure(r['model']))}</td>"
            f"<td>{e(r['range'])}</td><td>{'hit' if r['hit'] else 'miss'}</td><td>{e(r['source'])}</td></tr>"
            for r in rows)
        parts.append(f"<h2>{'Fitting' if part == 'fit' else 'Held-out'} part</h2><table><tr><th>pattern</th>"
                     f"<th>group</th><th>date</th><th>record</th><th>model median</th><th>90% range</th>"
                     f"<th>verdict</th><th>source</th></tr>{body}</table>")
    score_rows = "".join(
        f"<tr><td>{'fitting' if part == 'fit' else 'held-out'}</td>"
        + "".join(f"<td>{e(_pct(card['scores'][part][g]))}</td>" for g in GROUPS + ("overall",)) + "</tr>"
        for part in PARTS)
    head = "".join(f"<th>{g}</th>" for g in GROUPS + ("overall",))
    title = f"Hindcast: {card['scenario']}"
    return (f"<!doctype html><html><head><meta charset=utf-8><title>{e(title)}</title><style>"
            "body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;"
            "margin-bottom:1.5em}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:left}"
            "tr.hit td:nth-child(7){color:#14691f;font-weight:600}tr.miss td:nth-child(7){color:#a31515;"
            "font-weight:600}th{background:#f2f2f2}</style></head><body>"
            f"<h1>{e(title)}</h1><p>{e(card['start'])} to {e(card['end'])}, {card['seeds']} seeds, scored "
            f"against <em>{e(card['record'])}</em> ({e(card['record_file'])}). Sources are ids of "
            "docs/SOURCES.md.</p><h2>Scores (share of patterns hit)</h2>"
            f"<table><tr><th>part</th>{head}</tr>{score_rows}</table>{''.join(parts)}</body></html>")


def write_outputs(card: dict, json_path: Path | None = None, html_path: Path | None = None) -> None:
    if json_path:
        json_path.write_text(json.dumps(card, indent=2), encoding="utf-8")
    if html_path:
        html_path.write_text(render_html(card), encoding="utf-8")
