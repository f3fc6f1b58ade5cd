"""Changes of camp, made impossible to miss: a band per actor coloured by its camp month by
month (a marker at each change; clicking one opens its cause in the event log), and a live
feed of the changes with the actions that drove them. The camps come from sim.camps."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import numpy as np
import solara

from sim.camps import CampChange, camp_changes, camp_codes, driver_text
from viz import theme
from viz.components.echart import EChart, option_json
from viz.session import Frame


def frame_changes(f: Frame) -> list[CampChange]:
    """Every change of camp up to the frame's step, oldest first, with its drivers (computed once
    per frame: the timeline, the feed and the network share it)."""
    cache = f.__dict__
    if "_camp_changes" not in cache:
        names, months = dict(zip(f.ids, f.names)), f.months
        blocs, lean = f.actor_table("bloc"), f.actor_table("lean")
        cache["_camp_changes"] = [] if blocs.empty else camp_changes(
            None, f.poles, names, lambda s: months[s] if 0 <= s < len(months) else str(s), f.events,
            blocs=blocs, lean=lean)
    return cache["_camp_changes"]


def changes_at(f: Frame, changes: list[CampChange] | None = None) -> list[CampChange]:
    """The changes of camp made on the frame's own step (what the network marks)."""
    return [c for c in (frame_changes(f) if changes is None else changes) if c.step == f.step]


def change_key(c: CampChange) -> str:
    """The name a change's marker carries, read back when it is clicked."""
    return f"change:{c.actor}:{c.step}"


def parse_change_key(name: str) -> tuple[str, int] | None:
    """(actor, step) of a marker name, or None for anything else."""
    kind, _, rest = str(name or "").partition(":")
    actor, _, step = rest.rpartition(":")
    if kind != "change" or not actor or not step.isdigit():
        return None
    return actor, int(step)


def timeline_option(f: Frame, changes: list[CampChange]) -> dict:
    """ECharts option: a row per actor, a cell per month coloured by camp, a marker per change."""
    names = dict(zip(f.ids, f.names))
    if f.agent_series.empty:
        return {"title": {"text": "no months run yet", "left": "center", "top": "middle",
                          "textStyle": {"fontSize": 12, "color": "#777"}}}
    steps, columns, codes, order = camp_codes(None, f.poles, names, f.actor_table("bloc"))
    rank = np.lexsort(([f.ids.index(a) if a in f.ids else 0 for a in columns], codes[0]))
    actors = [columns[k] for k in rank]
    row_of = {a: k for k, a in enumerate(actors)}
    months = f.months or [str(s) for s in range(f.steps + 1)]
    grid = codes[:, rank]
    cells = np.column_stack([np.repeat(steps, len(actors)), np.tile(np.arange(len(actors)), len(steps)),
                             grid.ravel()]).tolist()
    markers = [{"value": [c.step, row_of[c.actor]], "name": change_key(c),
                "tooltip": {"formatter": escape(f"{c.sentence()} Click to see why in the event log.")}}
               for c in changes if c.actor in row_of]
    used = sorted({v for _, _, v in cells})
    return {
        "animation": False,
        "tooltip": {"trigger": "item", "confine": True},
        "grid": {"left": 8, "right": 16, "top": 34, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": months, "splitArea": {"show": False},
                  "axisLabel": {"fontSize": 10}},
        "yAxis": {"type": "category", "data": [names.get(a, a) for a in actors], "inverse": True,
                  "axisLabel": {"fontSize": 10, "width": 150, "overflow": "truncate"}},
        "visualMap": {"type": "piecewise", "dimension": 2, "seriesIndex": 0, "orient": "horizontal", "top": 0,
                      "left": "center", "itemWidth": 14, "itemHeight": 10, "textStyle": {"fontSize": 11},
                      "pieces": [{"value": k, "label": order[k], "color": theme.camp_colour(order[k], order)}
                                 for k in used]},
        "series": [
            {"type": "heatmap", "data": cells, "itemStyle": {"borderColor": "#fff", "borderWidth": 0.5},
             "tooltip": {"show": False}, "silent": True},
            {"type": "scatter", "name": "changes of camp", "data": markers, "symbol": "diamond",
             "symbolSize": 14, "z": 5, "cursor": "pointer",
             "itemStyle": {"color": theme.CHANGE, "borderColor": "#000", "borderWidth": 1.5}},
        ],
    }


def feed_item_html(c: CampChange) -> str:
    """One change in the feed: month, actor, from where to where, and what drove it (escaped HTML)."""
    return (f"<b>{escape(c.month)} · {escape(c.name)}</b>: {escape(c.from_camp)} → <b>{escape(c.to_camp)}</b>"
            f"<div class='blocsim-feed-why'>{escape(driver_text(c))}</div>")


@solara.component
def CampsView(frame: Frame, on_focus: Callable[[tuple[str, int] | None], None]):
    """The membership timeline and the live feed of changes of camp, side by side."""
    changes = solara.use_memo(lambda: frame_changes(frame), [frame.revision])
    option = solara.use_memo(lambda: option_json(timeline_option(frame, changes)), [frame.revision])

    def clicked(ev: dict):
        found = parse_change_key(ev.get("name"))
        if found:
            on_focus(found)

    height = f"{max(220, 18 * frame.n + 70)}px"
    with solara.Columns([8, 4], gutters_dense=True):
        EChart(option=option, name="camps", title="Bloc membership by month (◆ a change of camp: click it)",
               filename=f"camps-step{frame.step}", revision=frame.revision, height=height, event_click=clicked)
        with solara.Div(classes=["blocsim-feed"], style={"max-height": height, "overflow-y": "auto"}):
            solara.Text(f"Changes of camp so far: {len(changes)}", classes=["blocsim-panel-title"])
            if not changes:
                solara.Text("No actor has changed camp yet.", style={"color": "#666"},
                            classes=["blocsim-feed-empty"])
            for c in reversed(changes):
                with solara.Div(classes=["blocsim-feed-item"],
                                style={"border-left": f"4px solid {theme.CHANGE}", "padding": "2px 8px",
                                       "margin-bottom": "8px", "font-size": "13px"}):
                    solara.HTML(tag="div", unsafe_innerHTML=feed_item_html(c),
                                attributes={"data-actor": c.actor, "data-step": str(c.step)})
                    solara.Button("show in the event log", small=True, text=True, color="primary",
                                  on_click=lambda c=c: on_focus((c.actor, c.step)),
                                  classes=["blocsim-feed-open"])
