"""The alignment network: actors sized by power and coloured by bloc, affinity as signed
edges, and the last step's arms, aid and dual-use flows as arrows."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import numpy as np
import solara

from viz import theme
from viz.components.camps import changes_at
from viz.components.echart import EChart, option_json
from viz.session import Frame

EDGE_THRESHOLD = 0.25
MAX_EDGES = 600
MAX_ARROWS = 300


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.2f}"


def network_option(f: Frame, positions: np.ndarray, selected: str | None = None,
                   threshold: float = EDGE_THRESHOLD, changed: dict[str, str] | None = None) -> dict:
    """ECharts option for the network of frame ``f`` at the given (n, 2) positions; the actors in
    ``changed`` (id -> 'from → to') changed camp on this step and wear a ring and a note."""
    changed = changed or {}
    n = f.n
    power = np.maximum(f.power, 0.0)
    size = 14 + 46 * np.sqrt(power / power.max()) if n and power.max() > 0 else np.full(n, 20.0)
    blocs = sorted({int(b) for b in f.bloc})
    categories = [{"name": theme.bloc_label(b), "itemStyle": {"color": theme.bloc_colour(b)}} for b in blocs]
    cat_of = {b: i for i, b in enumerate(blocs)}
    arms_total = f.arms.sum(axis=2) if f.arms.ndim == 3 else f.arms
    nodes = []
    for i, a in enumerate(f.ids):
        b = int(f.bloc[i])
        doctrine = f" · doctrine {escape(f.doctrine[i])}" if f.doctrine[i] else ""   # a fogged frame: not known
        tip = (f"<b>{escape(f.names[i])}</b> ({a})<br/>{theme.bloc_label(b)} · lean {f.lean[i]:+.2f}"
               f"<br/>power {f.power[i]:.3f}{doctrine}"
               f"<br/>sanction pressure {f.pressure[i]:.2f}<br/><i>click to inspect</i>")
        node = {
            "name": a, "x": float(positions[i, 0]) * 100, "y": float(positions[i, 1]) * 100,
            "symbolSize": float(size[i]), "category": cat_of[b],
            "label": {"show": True, "formatter": a, "fontSize": 11, "fontWeight": "bold" if a == selected else "normal"},
            "tooltip": {"formatter": tip},
        }
        if a in changed:
            node["itemStyle"] = {"borderColor": theme.CHANGE, "borderWidth": 6, "shadowBlur": 14,
                                 "shadowColor": theme.CHANGE}
            node["label"].update(formatter=f"{a} ⇄ changed camp", fontWeight="bold", color="#7a4f00")
            node["tooltip"]["formatter"] = tip.replace("<br/><i>", f"<br/><b>changed camp this step: "
                                                                  f"{escape(changed[a])}</b><br/><i>", 1)
        if a == selected:
            node["itemStyle"] = {**node.get("itemStyle", {}), "borderColor": "#000", "borderWidth": 3}
        nodes.append(node)
    links = []
    iu, ju = np.triu_indices(n, k=1)
    strength = np.abs(f.affinity[iu, ju])
    strong = np.flatnonzero(strength >= threshold)
    if strong.size > MAX_EDGES:  # big worlds: the strongest ties only, so the chart stays readable and fast
        strong = strong[np.argsort(-strength[strong], kind="stable")[:MAX_EDGES]]
    for i, j in zip(iu[strong], ju[strong]):
        v = float(f.affinity[i, j])
        links.append({
            "source": f.ids[i], "target": f.ids[j], "value": round(v, 2),
            "lineStyle": {"color": theme.POSITIVE if v > 0 else theme.NEGATIVE, "width": 0.5 + 3 * abs(v),
                          "opacity": 0.25 + 0.35 * abs(v), "type": "solid" if v > 0 else "dashed", "curveness": 0},
            "tooltip": {"formatter": f"{escape(f.names[i])} – {escape(f.names[j])}: affinity {v:+.2f}"},
        })
    for flow, colour, label, curve in ((arms_total, theme.ARMS, "arms (units)", 0.25),
                                       (f.aid, theme.AID, "aid ($bn)", -0.25),
                                       (f.covert, theme.COVERT, "dual-use trade ($bn)", 0.4)):
        src, dst = np.nonzero(flow > 0)
        if src.size == 0:
            continue
        if src.size > MAX_ARROWS:
            keep = np.argsort(-flow[src, dst], kind="stable")[:MAX_ARROWS]
            src, dst = src[keep], dst[keep]
        top = flow[src, dst].max()
        for i, j in zip(src, dst):
            v = float(flow[i, j])
            links.append({
                "source": f.ids[i], "target": f.ids[j], "symbol": ["none", "arrow"], "symbolSize": [0, 9],
                "lineStyle": {"color": colour, "width": 1.5 + 3.5 * np.sqrt(v / top), "opacity": 0.9, "curveness": curve},
                "tooltip": {"formatter": f"{escape(f.names[i])} → {escape(f.names[j])}: {label} {_fmt(v)}"},
            })
    return {
        "animation": False,
        "tooltip": {"trigger": "item", "confine": True},
        "legend": [{"data": [c["name"] for c in categories], "top": 0, "left": "center"}],
        "graphic": [{"type": "text", "left": 8, "bottom": 4, "style": {
            "text": "— friendly   - - hostile   → arms (orange), aid (blue), dual-use (purple)",
            "fill": "#555", "fontSize": 11}}] + ([{
                "type": "text", "right": 8, "bottom": 22, "z": 10, "style": {
                    "text": "\n".join(f"Changed camp this step: {f.name_of(a)}, {move}" for a, move in changed.items()),
                    "fill": "#7a4f00", "fontSize": 12, "fontWeight": "bold", "lineHeight": 18,
                    "backgroundColor": "#fff8e1", "padding": [4, 8], "borderColor": theme.CHANGE,
                    "borderWidth": 1}}] if changed else []),
        "series": [{
            "type": "graph", "layout": "none", "roam": True, "draggable": False,
            "categories": categories, "data": nodes, "links": links,
            "edgeSymbol": ["none", "none"], "emphasis": {"focus": "adjacency"},
            "left": 30, "right": 30, "top": 40, "bottom": 30,
        }],
    }


@solara.component
def NetworkView(frame: Frame, selected: str | None,
                on_select: Callable[[str | None], None], on_preview: Callable[[str | None], None] | None = None,
                height: str = "520px"):
    """The network chart; hovering a country previews it in the inspector, clicking keeps it there."""
    def build():
        changed = {c.actor: f"{c.from_camp} → {c.to_camp}" for c in changes_at(frame)}
        return option_json(network_option(frame, frame.positions, selected, changed=changed))

    option = solara.use_memo(lambda: frame.memo(("network", selected), build), [frame, selected])

    def clicked(ev: dict):
        name = ev.get("name")
        if ev.get("dataType") == "node" and name in frame.ids:
            on_select(name)

    def hovered(ev: dict):
        name = ev.get("name")
        if on_preview is not None:
            on_preview(name if name in frame.ids else None)

    EChart(option=option, name="network", title=f"Alignment network · step {frame.step} ({frame.date})",
           filename=f"network-step{frame.step}", revision=frame.revision, height=height, event_click=clicked,
           event_hover=hovered)
