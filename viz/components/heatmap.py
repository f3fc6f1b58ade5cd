"""The relations heatmap: the affinity matrix with actors ordered by bloc."""

from __future__ import annotations

import numpy as np
import solara

from viz import theme
from viz.components.echart import EChart, option_json
from viz.session import Frame


def bloc_order(f: Frame) -> list[int]:
    """Actor indices grouped by bloc (non-aligned last), by lean then power inside a bloc."""
    key = [(int(b) if b >= 0 else 10**6, float(f.lean[i]), -float(f.power[i])) for i, b in enumerate(f.bloc)]
    return sorted(range(f.n), key=lambda i: key[i])


def heatmap_option(f: Frame) -> dict:
    """ECharts option for the affinity heatmap of frame ``f``."""
    order = bloc_order(f)
    labels = [{"value": f.ids[i], "textStyle": {"color": theme.bloc_colour(int(f.bloc[i])), "fontWeight": "bold"}}
              for i in order]
    A = f.affinity[np.ix_(order, order)]
    data = [[x, y, round(float(A[y, x]), 2)] for y in range(len(order)) for x in range(len(order))]
    # lines between blocs
    bounds = [k for k in range(1, len(order)) if f.bloc[order[k]] != f.bloc[order[k - 1]]]
    marks = [{"xAxis": k - 0.5} for k in bounds] + [{"yAxis": k - 0.5} for k in bounds]
    return {
        "animation": False,
        "tooltip": {"position": "top"},
        "grid": {"left": 60, "right": 20, "top": 10, "bottom": 90},
        "xAxis": {"type": "category", "data": labels, "axisLabel": {"rotate": 90, "fontSize": 10, "interval": 0},
                  "splitArea": {"show": False}},
        "yAxis": {"type": "category", "data": labels, "inverse": True,
                  "axisLabel": {"fontSize": 10, "interval": 0}},
        "visualMap": {"min": -1, "max": 1, "calculable": False, "orient": "horizontal", "left": "center",
                      "bottom": 0, "itemHeight": 180, "text": ["friendly +1", "hostile -1"],
                      "inRange": {"color": [theme.NEGATIVE, "#ffffff", theme.POSITIVE]}},
        "series": [{
            "type": "heatmap", "data": data, "name": "affinity",
            "markLine": {"silent": True, "symbol": "none", "data": marks, "label": {"show": False},
                         "lineStyle": {"color": "#333", "type": "solid", "width": 1}} if marks else None,
        }],
    }


@solara.component
def HeatmapView(frame: Frame, height: str = "460px"):
    """The heatmap chart."""
    option = solara.use_memo(lambda: frame.memo("heatmap", lambda: option_json(heatmap_option(frame))), [frame])
    EChart(option=option, name="heatmap", title="Relations (affinity), ordered by bloc",
           filename=f"heatmap-step{frame.step}", revision=frame.revision, height=height)
