"""Side by side: the blocs the same world ends in under every alignment rule (sim.compare)."""

from __future__ import annotations

import threading
from html import escape

import solara

from sim.compare import compare_rules
from sim.errors import UserError


def rules_table_html(result: dict) -> str:
    """One row per actor, one column per rule: the bloc it ends in (blank: non-aligned)."""
    rules = result["rules"]
    head = "".join(f"<th title='{escape(r['citation'])}'>{escape(r['title'])}<br><code>{escape(r['rule'])}</code>"
                   f"<br>polarization {r['polarization']:.2f}</th>" for r in rules)
    rows = []
    for aid in result["actors"]:
        cells = []
        for r in rules:
            bloc = r["bloc_of"].get(aid, "")
            moved = any(c.get("actor") == aid for c in r["changes"])
            style = " style='background:#fff4e0'" if moved else ""
            shown = "<i>non-aligned</i>" if bloc in ("", "non-aligned") else escape(bloc)
            cells.append(f"<td{style}>{shown}</td>")
        rows.append(f"<tr><td>{escape(result['names'].get(aid, aid))}</td>{''.join(cells)}</tr>")
    return (f"<table class='blocsim-table blocsim-rules'><tr><th>actor</th>{head}</tr>{''.join(rows)}</table>"
            "<small>Shaded: the actor is in a different bloc than under the first rule.</small>")


@solara.component
def RulesCompareView(session, frame):
    """Runs the current scenario, seed and months under every rule, off the UI thread."""
    result, set_result = solara.use_state(None)
    running, set_running = solara.use_state(False)
    error, set_error = solara.use_state("")

    def work(cancel: threading.Event):
        if not running:
            return
        try:
            set_result(compare_rules(session.scenario, seed=frame.seed, steps=frame.steps))
            set_error("")
        except UserError as exc:
            set_error("; ".join(exc.messages))
        finally:
            set_running(False)

    solara.use_thread(work, dependencies=[running], intrusive_cancel=False)
    solara.Text("Would another theory of alignment have predicted other blocs? Runs this scenario, seed and "
                f"{frame.steps} months under each rule.")
    solara.Button("Compare all rules", on_click=lambda: set_running(True), disabled=running,
                  classes=["blocsim-compare-rules"])
    if running:
        solara.Text("Running the scenario under each rule…")
    if error:
        solara.Error(error)
    if result:
        solara.HTML(tag="div", unsafe_innerHTML=rules_table_html(result))
