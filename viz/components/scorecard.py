"""The hindcast scorecard of the current scenario (sim/hindcast.py): shares of the record's
patterns hit per group, fitting and held-out parts apart, and the patterns missed.

Not wired into the layout yet: `ScorecardView(frame)` is a self-contained panel.
"""

from __future__ import annotations

from html import escape

import solara

from sim.errors import UserError
from sim.record import GROUPS, PARTS

PART_LABEL = {"fit": "fitting part", "held_out": "held-out part"}


def _model(row: dict) -> str:
    return row["model"] if isinstance(row["model"], str) else f"{row['model']:.3g}"


def scorecard_html(card: dict) -> str:
    """Scores per group and part, then the missed patterns (escaped HTML table rows)."""
    head = "<tr><th>part</th>" + "".join(f"<th>{g}</th>" for g in GROUPS + ("overall",)) + "</tr>"
    rows = []
    for part in PARTS:
        cells = []
        for g in GROUPS + ("overall",):
            c = card["scores"][part][g]
            cells.append("<td>–</td>" if c["score"] is None else f"<td>{c['score']:.0%} ({c['hits']}/{c['n']})</td>")
        rows.append(f"<tr data-part='{part}'><td>{PART_LABEL[part]}</td>{''.join(cells)}</tr>")
    misses = [r for r in card["patterns"] if r.get("covered") and not r["hit"]]
    miss_rows = "".join(
        f"<tr data-miss='{escape(r['id'])}'><td>{escape(r['id'])}</td><td>{escape(PART_LABEL[r['part']])}</td>"
        f"<td>{escape(str(r['record']))}</td><td>{escape(_model(r))}</td>"
        f"<td>{escape(r['range'])}</td><td>{escape(r['source'])}</td></tr>" for r in misses)
    missed = ("<tr><th>missed pattern</th><th>part</th><th>record</th><th>model median</th><th>90% range</th>"
              f"<th>source</th></tr>{miss_rows}") if misses else ""
    return head + "".join(rows) + missed


@solara.component
def ScorecardView(frame, seeds: int = 5):
    """A button that scores the current scenario file against the record over `seeds` seeds."""
    card, set_card = solara.use_state(None)
    problem, set_problem = solara.use_state("")

    def score():
        from sim.hindcast import hindcast

        try:
            set_card(hindcast(frame.source, seeds=seeds))
            set_problem("")
        except UserError as exc:
            set_problem(" ".join(exc.messages))

    solara.Button(f"Score against the record ({seeds} seeds)", on_click=score)
    if problem:
        solara.Text(problem, style={"color": "#a31515"})
    if card:
        solara.HTML(tag="table", unsafe_innerHTML=scorecard_html(card), classes=["blocsim-table", "blocsim-scorecard"])
