"""The event log: each step's actions in plain sentences with their reasons, filterable."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import solara

from sim.camps import DRIVER_MONTHS
from viz import theme
from viz.session import Frame

MAX_ROWS = 250


def filter_events(events: list[dict], actors: list[str] | None = None, kinds: list[str] | None = None,
                  step: int | None = None, text: str = "", since: int | None = None) -> list[dict]:
    """Events that involve any of ``actors`` (as actor or target), of any of ``kinds``,
    at ``step`` (None: every step; with ``since``, the steps after ``since`` up to ``step``)
    and containing ``text``; newest first."""
    actors_set, kinds_set, needle = set(actors or []), set(kinds or []), text.strip().lower()
    out = []
    for e in reversed(events):
        if actors_set and e["actor"] not in actors_set and e["target"] not in actors_set:
            continue
        if kinds_set and e["kind"] not in kinds_set:
            continue
        if step is not None and (e["step"] > step if since is not None else e["step"] != step):
            continue
        if since is not None and e["step"] <= since:
            continue
        if needle and needle not in e["sentence"].lower():
            continue
        out.append(e)
    return out


def is_inject(row: dict) -> bool:
    """True for actions a facilitator injected (a composed action, or an event fired by hand)."""
    return str(row.get("source", "")).startswith("inject")


def events_html(rows: list[dict], limit: int = MAX_ROWS) -> str:
    """The rows as an HTML table (escaped), at most ``limit`` of them."""
    def row(r: dict) -> str:
        source = escape(str(r["source"]))
        inject = is_inject(r)
        return (f"<tr data-kind='{escape(r['kind'])}' data-actor='{escape(r['actor'])}' "
                f"data-target='{escape(r['target'])}' data-source='{source}'{' data-inject=1' if inject else ''}>"
                f"<td>{r['step']}</td><td>{escape(r['kind'].replace('_', ' '))}</td>"
                f"<td>{f'<b>{source}</b>' if inject else source}</td><td>{escape(r['sentence'])}</td></tr>")

    body = "".join(row(r) for r in rows[:limit])
    return "<tr><th>step</th><th>kind</th><th>source</th><th>what happened, and why</th></tr>" + body


@solara.component_vue("scrollhere.vue")
def _ScrollHere(target: str):
    """Scrolls the closest ``target`` ancestor into view when it appears."""


def focus_caption(frame: Frame, focus: tuple[str, int]) -> str:
    """'Why Turkey changed camp in 2023-04: ...' above the log while it shows one change's cause."""
    actor, step = focus
    month = frame.months[step] if 0 <= step < len(frame.months) else f"step {step}"
    return (f"Why {frame.name_of(actor)} changed camp in {month}: the actions by or on it in the "
            f"{DRIVER_MONTHS} months up to the change.")


@solara.component
def EventLogView(frame: Frame, focus: tuple[str, int] | None = None,
                 on_focus: Callable[[tuple[str, int] | None], None] | None = None):
    """The log with actor, kind, step and text filters; ``focus`` (actor, step) shows the actions
    that drove that actor's change of camp, until cleared."""
    actors, set_actors = solara.use_state([])
    kinds, set_kinds = solara.use_state([])
    only_last, set_only_last = solara.use_state(False)
    text, set_text = solara.use_state("")
    all_kinds = sorted({e["kind"] for e in frame.events})
    if focus is not None:
        rows = filter_events(frame.events, [focus[0]], step=focus[1], since=focus[1] - DRIVER_MONTHS)
        with solara.Div(classes=["blocsim-log-focus"], style={"background": "#fff8e1", "padding": "4px 8px",
                                                                "border-left": "4px solid #ffb300"}):
            _ScrollHere(target=".blocsim-panel-log").key(f"scroll-{focus[0]}-{focus[1]}")
            solara.Text(focus_caption(frame, focus), style={"font-weight": "600"})
            if not rows:
                solara.Text(" None: its ties drifted until its bloc no longer held it (see its lean in the "
                            "time series).")
            if on_focus is not None:
                solara.Button("show the whole log", small=True, text=True, color="primary",
                              on_click=lambda: on_focus(None), classes=["blocsim-log-unfocus"])
    else:
        rows = filter_events(frame.events, actors, kinds, frame.step if only_last else None, text)
    choices = theme.actor_choices(frame.ids, frame.names)
    label_of = {a: label for label, a in choices.items()}
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "8px"}):
        with solara.Div(style={"min-width": "220px", "flex": "1"}):
            solara.SelectMultiple("Actor", values=[label_of[a] for a in actors if a in label_of],
                                  all_values=list(choices),
                                  on_value=lambda labels: set_actors([choices[x] for x in labels if x in choices]),
                                  dense=True, classes=["blocsim-filter-actor"])
        with solara.Div(style={"min-width": "220px", "flex": "1"}):
            solara.SelectMultiple("Kind", values=kinds, all_values=all_kinds, on_value=set_kinds, dense=True,
                                  classes=["blocsim-filter-kind"])
        with solara.Div(style={"min-width": "180px", "flex": "1"}):
            solara.InputText("Contains", value=text, on_value=set_text, continuous_update=True)
        solara.Checkbox(label="Last step only", value=only_last, on_value=set_only_last)
    shown = min(len(rows), MAX_ROWS)
    count = f"{len(rows)} of {len(frame.events)} actions" + (f" (newest {shown} shown)" if len(rows) > shown else "")
    solara.HTML(tag="div", unsafe_innerHTML=escape(count), classes=["blocsim-log-count"],
                attributes={"data-step": str(frame.step)}, style={"font-size": "12px", "color": "#666"})
    # newest first: rows that arrive on top must not scroll the view down to older ones (scroll anchoring)
    with solara.Div(style={"max-height": "420px", "overflow-y": "auto", "overflow-anchor": "none"}):
        solara.HTML(tag="table", unsafe_innerHTML=events_html(rows), classes=["blocsim-table", "blocsim-log"])
