"""The header: scenario, step and date, and the active alignment rule, always in view."""

from __future__ import annotations

from html import escape

import solara

from viz.session import Frame, format_value


def header_html(f: Frame) -> str:
    """The header line as HTML."""
    blocs = int((f.bloc >= 0).any() and len({int(b) for b in f.bloc if b >= 0}))
    return (
        f"<span class='blocsim-brand'>blocsim</span>"
        f"<span class='blocsim-scn'>{escape(f.scenario)}</span>"
        f"<span class='blocsim-stepinfo' data-step='{f.step}' data-revision='{f.revision}'>step {f.step} / {f.steps} · {escape(f.date)}</span>"
        f"<span class='blocsim-blocs'>{blocs} blocs · polarization {float(f.summary.get('polarization', 0)):.2f}</span>"
        f"<span class='blocsim-active-rule' title='{escape(f.rule_citation)}'>Alignment rule: "
        f"<b>{escape(f.rule_title)}</b> <code>{escape(f.rule)}</code></span>"
        + _overrides_html(f.overrides)
    )


def _overrides_html(overrides: dict) -> str:
    """A chip saying the run departs from its scenario file, listing how on hover."""
    if not overrides:
        return ""
    lines = "\n".join(f"{k} = {format_value(v) if isinstance(v, (bool, int, float)) else v}"
                       for k, v in overrides.items())
    n = len(overrides)
    return (f"<span class='blocsim-overrides' data-overrides='{n}' title='{escape(lines)}'>"
            f"{n} override{'s' if n != 1 else ''}</span>")


@solara.component
def Header(frame: Frame, busy: bool):
    """The header line, the rule's citation, and a progress bar while the run is moving."""
    solara.HTML(tag="div", unsafe_innerHTML=header_html(frame), classes=["blocsim-header-line"])
    if frame.rule_citation:
        solara.Text(frame.rule_citation, classes=["blocsim-citation"])
    solara.ProgressLinear(busy, style={"visibility": "visible" if busy else "hidden"})
