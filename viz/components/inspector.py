"""The country inspector: stocks, needs, partners, sanctions on it, doctrine and flows."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import solara

from sim.cards import actor_card
from viz import theme
from viz.session import Frame

def _n(x: float) -> str:
    x = float(x)
    if abs(x) >= 1e6:
        return f"{x / 1e6:.1f}M"
    if abs(x) >= 1e4:
        return f"{x / 1e3:.0f}k"
    return f"{x:,.0f}" if abs(x) >= 10 else f"{x:.2f}"


def inspect(f: Frame, actor: str) -> dict | None:
    """Everything the inspector shows about ``actor`` (its actor card, sim.cards), or None if unknown.
    A fogged frame brings its cards: only the public part of the countries its reader may not see."""
    if actor not in f.ids:
        return None
    i = f.ids.index(actor)
    if f.world is not None:
        card = actor_card(f.world, actor, lean=f.lean[i], doctrine=f.doctrine[i], needs=f.needs[i])
    elif actor in f.cards:
        card = f.cards[actor]
    else:
        return None
    return {**card, "bloc": int(f.bloc[i])}


def _pairs(items: list[tuple[str, float]], fmt=lambda v: f"{v:+.2f}") -> str:
    return ", ".join(f"{a} {fmt(v)}" for a, v in items) or "none"


@solara.component
def Inspector(frame: Frame | None, ids: list[str], actor: str | None, on_select: Callable[[str | None], None],
              preview: bool = False, names: list[str] | None = None):
    """A card with the selected (or, with ``preview``, hovered) country's details, or a hint.

    ``frame`` may be None while nothing is shown, so stepping does not re-render the hint."""
    with solara.Card(style={"min-height": "520px"}, classes=["blocsim-inspector"]):
        d = inspect(frame, actor) if actor and frame is not None else None
        if d is None:
            solara.Text("Inspector", style={"font-weight": "500"})
            solara.Text("Hover over a country in the network to preview it; click it (or pick one below) "
                        "to keep it here.",
                        style={"color": "#666", "display": "block", "margin": "8px 0"})
            choices = theme.actor_choices(ids, frame.names if frame is not None else names)
            solara.Select(label="Country", value=None, values=list(choices), on_value=lambda x: on_select(choices.get(x)))
            return
        colour = theme.bloc_colour(d["bloc"])
        with solara.Row(justify="space-between", style={"align-items": "center"}):
            solara.HTML(tag="div", unsafe_innerHTML=(
                f"<span style='font-size:18px;font-weight:600;color:{colour}'>{escape(d['name'])}</span> "
                f"<span style='color:#666'>({d['id']}) · {theme.bloc_label(d['bloc'])}</span>"),
                attributes={"data-inspector": d["id"], "data-preview": "1" if preview else "0"})
            if preview:
                solara.Button("Keep", icon_name="mdi-pin", on_click=lambda: on_select(d["id"]), small=True,
                              text=True, classes=["blocsim-inspector-keep"])
            else:
                solara.Button(icon_name="mdi-close", icon=True, on_click=lambda: on_select(None), small=True)
        doctrine = f"Doctrine: {d['doctrine']} · " if d["doctrine"] is not None else ""
        solara.Text(f"{doctrine}lean {d['lean']:+.2f} (− US-led, + Russia/China) · "
                    f"power {d['power']:.3f}", style={"display": "block"})
        reserves = (f" · reserves {theme.money(d['reserves'])} (frozen {theme.money(d['frozen'])})"
                    if d["reserves"] is not None else "")
        solara.Text(f"Economy {theme.money(d['economy'])}/yr{reserves} · sanction pressure "
                    f"{d['sanction_pressure']:.2f}", style={"display": "block"})
        if d["stocks"] is None:
            solara.HTML(tag="div", classes=["blocsim-inspector-private"], style={"margin": "8px 0", "color": "#666"},
                        unsafe_innerHTML=(f"{escape(d['name'])}'s stocks, production, needs, reserves and doctrine "
                                          "are its own: not known to you. What follows is public."))
        rows = "".join(
            f"<tr><td>{s['item'].replace('_', ' ')}</td><td>{_n(s['stock'])}</td><td>{_n(s['production'])}</td>"
            f"<td>{_n(s['received'])}</td><td>{_n(s['sent'])}</td></tr>" for s in d["stocks"] or [])
        if rows:
            solara.HTML(tag="table", unsafe_innerHTML=(
                "<tr><th>item</th><th>stock</th><th>made/mo</th><th>received</th><th>sent</th></tr>" + rows),
                classes=["blocsim-table"], style={"margin": "8px 0"})
        needs = None if d["needs"] is None else (", ".join(x.replace("_", " ") for x in d["needs"]) or "nothing")
        for label, text in (
            *([("Needs (short of the months of fire it keeps in stock)", needs)] if needs is not None else []),
            ("Partners", _pairs(d["partners"])),
            ("Rivals", _pairs(d["rivals"])),
            ("Sanctioned by", _pairs(d["sanctioned_by"], lambda v: f"{v:.2f}")),
            ("Sanctions on", _pairs(d["sanctions_on"], lambda v: f"{v:.2f}")),
            ("Arms in (last step)", _pairs(d["arms_in"], _n)),
            ("Arms out (last step)", _pairs(d["arms_out"], _n)),
            ("Aid (last step)", f"received {theme.money(d['aid_in'])} · gave {theme.money(d['aid_out'])}"),
        ):
            solara.HTML(tag="div", unsafe_innerHTML=f"<b>{label}:</b> {escape(text)}", style={"font-size": "13px"})
