"""The hindcast scorecard of the current scenario (sim/hindcast.py): shares of the record's
patterns hit per group, fitting and held-out parts apart, and the patterns missed.

Offered for a scenario a shipped record names as its run (`sim.record.records_of`); it runs
several seeds, so it is scored when asked, off the page's thread.
"""

from __future__ import annotations

import threading
from html import escape

import solara

from sim.errors import UserError
from sim.record import GROUPS, PARTS, records_of

PART_LABEL = {"fit": "fitting part", "held_out": "held-out part"}


def _model(row: dict) -> str:
    """The model's median as the scorecard prints it in the terminal (3,600 rather than 3.6e+03)."""
    from sim.hindcast import figure

    return row["model"] if isinstance(row["model"], str) else figure(row["model"])


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
        f"<td>{escape(r['range'])}</td><td colspan='2'>{escape(r['source'])}</td></tr>" for r in misses)
    missed = ("<tr><th>missed pattern</th><th>part</th><th>record</th><th>model median</th><th>90% range</th>"
              f"<th colspan='2'>source</th></tr>{miss_rows}") if misses else ""
    return head + "".join(rows) + missed


def record_note(scenario: str | None) -> tuple[str | None, str]:
    """(the record file that covers `scenario`, or None; what the panel says about it)."""
    try:
        found = records_of(scenario)
    except UserError as exc:
        return None, " ".join(exc.messages)
    if not found:
        what = f"The scenario {scenario}" if scenario else "An uploaded scenario"
        return None, (f"{what} has no historical record to be scored against: a hindcast scores only a "
                      "scenario that a record in scenarios/record/ names as its run (us_pullback_2025 for the "
                      "Ukraine war record).")
    return str(found[0]), f"Scores this scenario against the record {found[0].name}."


def score(scenario: str, record: str, overrides: dict, seeds: int) -> tuple[dict | None, str]:
    """(the scorecard, "") or (None, the problem)."""
    from sim.hindcast import hindcast

    try:
        return hindcast(scenario, seeds=seeds, record_path=record, overrides=overrides or None), ""
    except UserError as exc:
        return None, " ".join(exc.messages)


@solara.component
def ScorecardView(scenario: str | None, overrides: dict, seeds: int = 5):
    """A button that scores the current shipped scenario (with the run's overrides) against its record."""
    record, note = solara.use_memo(lambda: record_note(scenario), [scenario])
    card, set_card = solara.use_state(None)
    problem, set_problem = solara.use_state("")
    running, set_running = solara.use_state(False)

    def work(cancel: threading.Event):
        if not running:
            return
        got, why = None, "scoring stopped"
        try:
            got, why = score(scenario, record, overrides, seeds)
        finally:
            set_running(False)   # first: the page never shows "Scoring…" beside the new card
            set_card(got)
            set_problem(why)

    solara.use_thread(work, dependencies=[running], intrusive_cancel=False)
    solara.Text(note, classes=["blocsim-scorecard-note"])
    if record is None:
        return
    with_overrides = f", with this run's {len(overrides)} override(s)" if overrides else ""
    solara.Text(f"It runs {seeds} seeds (0 to {seeds - 1}) over the record's months{with_overrides}: "
                "the share of recorded patterns the model's median hits, per group.")
    solara.Button(f"Score against the record ({seeds} seeds)", on_click=lambda: set_running(True),
                  disabled=running, classes=["blocsim-score"])
    if running:
        solara.Text("Scoring…")
    if problem:
        solara.Error(problem)
    if card:
        solara.HTML(tag="table", unsafe_innerHTML=scorecard_html(card), classes=["blocsim-table", "blocsim-scorecard"])
