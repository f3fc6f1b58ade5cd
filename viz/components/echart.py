"""An ECharts chart served from the local asset cache, with a PNG download button.

The option travels as one JSON string: serialising it once in Python is much faster than
letting the widget layer walk a nested dict of thousands of small lists on every step.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import numpy as np
import solara


def _default(o):
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return None if not np.isfinite(o) else float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


_NON_FINITE = re.compile(r"(?<=[:,\[])(?:-?Infinity|NaN)(?=[,\]}])")


def option_json(option: dict) -> str:
    """The option as JSON (numpy values allowed; NaN and infinities become null)."""
    text = json.dumps(option, default=_default, separators=(",", ":"))
    return _NON_FINITE.sub("null", text)


@solara.component_vue("echart.vue")
def _EChartWidget(
    option_json: str,
    name: str,
    title: str = "",
    filename: str = "",
    revision: int = 0,
    height: str = "320px",
    event_click: Callable[[dict], None] | None = None,
    event_hover: Callable[[dict], None] | None = None,
):
    pass


@solara.component
def EChart(option: str, name: str, title: str = "", filename: str = "", revision: int = 0,
           height: str = "320px", event_click: Callable[[dict], None] | None = None,
           event_hover: Callable[[dict], None] | None = None):
    """Render an ECharts option given as JSON (see `option_json`); ``revision`` is echoed in
    ``data-rendered`` once drawn. A string, not a dict, so the renderer compares one value
    instead of walking thousands of nested ones on every step."""
    _EChartWidget(option_json=option, name=name, title=title, filename=filename or name, revision=revision,
                  height=height, event_click=event_click, event_hover=event_hover)
