"""Time series: bloc cohesion and polarization, leans, arms flows, sanction pressure, fronts,
and a chosen set of indicators compared between this run and a pinned one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import solara

from sim.scenario.schema import ITEMS
from viz import theme
from viz.components.echart import EChart, option_json
from viz.session import Frame

MAX_LINES = 14


@dataclass(frozen=True)
class Indicator:
    """One plottable quantity: a model-level column, or one actor's variable."""

    key: str      # "series:COLUMN" or "actor:VARIABLE:ID"
    label: str
    group: str


def _pretty(col: str) -> str:
    for prefix, label in (("cohesion_", "cohesion "), ("front_", "front "), ("arms_", "arms: ")):
        if col.startswith(prefix):
            return label + col[len(prefix):].replace("_", " ")
    return {"polarization": "polarization", "n_blocs": "number of blocs", "aid_bn": "aid ($bn)",
            "covert_bn": "dual-use trade ($bn)", "sanction_pressure_mean": "sanction pressure (mean)",
            "sanction_pressure_max": "sanction pressure (max)"}.get(col, col.replace("_", " "))


def indicators(f: Frame) -> list[Indicator]:
    """Everything the comparison chart can show for this run."""
    out = []
    for col in f.series.columns:
        if col in ("step", "date") or not pd.api.types.is_numeric_dtype(f.series[col]):
            continue
        out.append(Indicator(f"series:{col}", _pretty(col), "run"))
    for var, label in (("lean", "lean"), ("pressure", "sanction pressure")):
        if var in f.agent_series.columns:
            out += [Indicator(f"actor:{var}:{a}", f"{label}: {f.name_of(a)}", label) for a in f.ids]
    return out


def values(run, key: str) -> tuple[list[int], list[float | None]]:
    """Steps and values of one indicator in a run (a Frame or a Pinned run); empty when it lacks it."""
    kind, _, rest = key.partition(":")
    if kind == "series":
        series = run.series
        if rest not in series.columns:
            return [], []
        return series["step"].astype(int).tolist(), [_clean(v) for v in series[rest]]
    var, _, actor = rest.partition(":")
    table = run.actor_table(var)
    if actor not in table.columns:
        return [], []
    return table.index.astype(int).tolist(), [_clean(v) for v in table[actor]]


def _clean(v) -> float | None:
    v = float(v)
    return round(v, 5) if np.isfinite(v) else None


DIRECT_LABELS = 5  # more lines than this: each is labelled at its end instead of in a legend that would page
PLOT_PX = 190      # the plotting area's height in a standard chart (260px less margins), for end labels


def line_option(lines: list[dict], steps: int, y_name: str = "", log: bool = False,
                y_range: tuple[float, float] | None = None) -> dict:
    """A line chart over steps 0..``steps``. Each line: name, x, y, colour, dashed, and an optional
    short ``label`` written at the line's end when the lines are too many for a legend."""
    direct = len(lines) > DIRECT_LABELS
    nudges = _label_nudges([ln["y"] for ln in lines], y_range) if direct and y_range else [0.0] * len(lines)
    series = []
    for ln, nudge in zip(lines, nudges):
        ys = [None if (y is None or (log and y <= 0)) else y for y in ln["y"]]
        series.append({
            "type": "line", "name": ln["name"], "data": [[x, y] for x, y in zip(ln["x"], ys)],
            "showSymbol": len(ys) <= 3, "symbolSize": 5, "connectNulls": False,
            "lineStyle": {"width": 2, "type": "dashed" if ln.get("dashed") else "solid", "color": ln["colour"]},
            "itemStyle": {"color": ln["colour"]},
            **({"endLabel": {"show": True, "formatter": ln.get("label", ln["name"]), "color": ln["colour"],
                             "fontSize": 10, "distance": 3, "offset": [0, nudge]}} if direct else {}),
        })
    y_axis = {"type": "log" if log else "value", "name": y_name, "nameTextStyle": {"align": "left"},
              "scale": not log}
    if y_range:
        y_axis.update(min=y_range[0], max=y_range[1])
    return {
        "animation": False,
        "tooltip": {"trigger": "axis", "confine": True},
        "legend": {"show": not direct, "top": 0, "textStyle": {"fontSize": 11}},
        "grid": {"left": 10, "right": 52 if direct else 24, "top": 48 if not direct else 28, "bottom": 26,
                 "containLabel": True},
        "xAxis": {"type": "value", "min": 0, "max": max(int(steps), 1), "name": "step", "minInterval": 1,
                  "nameLocation": "middle", "nameGap": 22},
        "yAxis": y_axis,
        "series": series,
    }


def _label_nudges(ys: list[list[float | None]], y_range: tuple[float, float], plot_px: float = PLOT_PX,
                  gap_px: float = 11.0) -> list[float]:
    """Vertical pixel offsets for end labels so that labels of lines ending close together stack
    one under the other instead of overprinting (lines keep their place; only labels move)."""
    low, high = y_range
    last = [next((v for v in reversed(y) if v is not None), None) for y in ys]
    want = {k: (high - min(max(v, low), high)) / (high - low) * plot_px for k, v in enumerate(last) if v is not None}
    order = sorted(want, key=want.get)
    placed: dict[int, float] = {}
    for k in order:   # top to bottom, each at least a line below the one above
        placed[k] = max(want[k], placed[order[order.index(k) - 1]] + gap_px) if placed else want[k]
    overflow = max(placed.values(), default=0.0) - plot_px
    if overflow > 0:  # pushed past the bottom: slide the stack back up
        for k in reversed(order):
            placed[k] -= overflow
            nxt = order.index(k) - 1
            if nxt < 0 or placed[order[nxt]] <= placed[k] - gap_px:
                break
            overflow = placed[order[nxt]] - (placed[k] - gap_px)
    return [placed[k] - want[k] if k in placed else 0.0 for k in range(len(ys))]


def _series_lines(f: Frame, cols: list[str], pinned: bool = True) -> list[dict]:
    lines = []
    for i, col in enumerate(cols):
        x, y = values(f, f"series:{col}")
        lines.append({"name": _pretty(col), "x": x, "y": y, "colour": theme.series_colour(i)})
    return lines


def _actor_lines(f: Frame, var: str, actors: list[str]) -> list[dict]:
    lines = []
    for a in actors:
        x, y = values(f, f"actor:{var}:{a}")
        lines.append({"name": f.name_of(a), "label": a, "x": x, "y": y, "colour": theme.actor_colour(a, f.ids)})
    return lines


def standard_charts(f: Frame) -> list[tuple[str, str, dict]]:
    """(name, title, option) for each standard time-series chart of this run."""
    cols = list(f.series.columns)
    out = []
    bloc_cols = [c for c in cols if c.startswith("cohesion_")] + [c for c in ("polarization",) if c in cols]
    out.append(("blocs", "Bloc cohesion and polarization",
                line_option(_series_lines(f, bloc_cols), f.steps, "0..1")))
    # leans: the actors whose lean is largest in size, so the chart stays readable
    order = sorted(range(f.n), key=lambda i: -abs(float(f.lean[i])))[:MAX_LINES]
    out.append(("lean", "Lean of each actor (− US-led pole, + Russia/China pole)",
                line_option(_actor_lines(f, "lean", [f.ids[i] for i in order]), f.steps, "lean", y_range=(-1, 1))))
    arms = [c for c in (f"arms_{k}" for k in ITEMS) if c in cols]
    lines = []
    for c in arms:
        x, y = values(f, f"series:{c}")
        item = c[len("arms_"):]
        lines.append({"name": item.replace("_", " "), "x": x, "y": y, "colour": theme.ITEM_COLOURS.get(item, "#555")})
    out.append(("arms", "Arms delivered per step, by kind (log scale)", line_option(lines, f.steps, "units", log=True)))
    money = [c for c in ("aid_bn", "covert_bn") if c in cols]
    out.append(("aid", "Aid and dual-use trade per step", line_option(_series_lines(f, money), f.steps, "$bn")))
    top = sorted(range(f.n), key=lambda i: -float(f.pressure[i]))[:8]
    top = [i for i in top if f.pressure[i] > 0.001] or top[:3]
    out.append(("pressure", "Sanction pressure on the most sanctioned actors",
                line_option(_actor_lines(f, "pressure", [f.ids[i] for i in top]), f.steps, "0..1", y_range=(0, 1))))
    fronts = [c for c in cols if c.startswith("front_")]
    out.append(("front", "Front line (% of the defender's territory held)",
                line_option(_series_lines(f, fronts), f.steps, "%")))
    return out


def compare_option(f: Frame, keys: list[str]) -> dict:
    """The chosen indicators for this run (solid) and the pinned run (dashed), same axes."""
    labels = {i.key: i.label for i in indicators(f)}
    lines = []
    for n, key in enumerate(keys[:MAX_LINES]):
        actor = key.rpartition(":")[2] if key.startswith("actor:") else None
        colour = theme.actor_colour(actor, f.ids) if actor else theme.series_colour(n)
        x, y = values(f, key)
        lines.append({"name": f"{labels.get(key, key)} (this run)", "x": x, "y": y, "colour": colour})
        if f.pinned is not None:
            x, y = values(f.pinned, key)
            lines.append({"name": f"{labels.get(key, key)} (pinned)", "x": x, "y": y, "colour": colour, "dashed": True})
    steps = max([f.steps] + ([int(f.pinned.series["step"].max())] if f.pinned is not None and len(f.pinned.series) else []))
    return line_option(lines, steps)


@solara.component
def TimeSeriesView(frame: Frame):
    """The standard charts, two per row."""
    charts = solara.use_memo(lambda: frame.memo("series", lambda: [(n, t, option_json(o))
                                                                    for n, t, o in standard_charts(frame)]), [frame])
    with solara.ColumnsResponsive(default=12, large=6):
        for name, title, option in charts:
            EChart(option=option, name=name, title=title, filename=f"{name}-step{frame.step}",
                   revision=frame.revision, height="260px")


DEFAULT_COMPARE = ["series:polarization", "series:cohesion_west", "series:cohesion_east"]


@solara.component
def CompareView(frame: Frame, on_pin: Callable[[], None], on_unpin: Callable[[], None]):
    """Pick indicators and compare this run with the pinned one on the same axes."""
    available = indicators(frame)
    keys_by_label = {i.label: i.key for i in available}
    default = [i.label for i in available if i.key in DEFAULT_COMPARE] or [i.label for i in available[:2]]
    chosen, set_chosen = solara.use_state(default)
    chosen = [c for c in chosen if c in keys_by_label]
    keys = [keys_by_label[c] for c in chosen]
    option = solara.use_memo(lambda: option_json(compare_option(frame, keys)),
                             [frame.revision, tuple(keys), id(frame.pinned)])
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Button("Pin this run for comparison", icon_name="mdi-pin", on_click=on_pin, outlined=True,
                      small=True, color="primary")
        if frame.pinned is not None:
            solara.Button("Unpin", icon_name="mdi-pin-off", on_click=on_unpin, small=True, text=True)
            solara.Text(f"Pinned (dashed): {frame.pinned.label}", style={"font-size": "13px"},
                        classes=["blocsim-pinned"])
        else:
            solara.Text("Pin a run, then reset, change a setting or inject, and step: both runs share the axes.",
                        style={"font-size": "13px", "color": "#666"})
    solara.SelectMultiple("Indicators to compare", values=chosen, all_values=list(keys_by_label),
                          on_value=set_chosen, dense=True)
    EChart(option=option, name="compare", title="Comparison: this run (solid) vs pinned run (dashed)",
           filename=f"compare-step{frame.step}", revision=frame.revision, height="300px")
