"""The country inspector: stocks, needs, partners, sanctions on it, doctrine and flows."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import solara

from sim.scenario.schema import ITEMS
from viz import theme
from viz.session import Frame

UNITS = {"shells": "rounds", "drones": "units", "missiles": "units", "air_defence": "interceptors",
         "troops": "thousand"}


def _n(x: float) -> str:
    x = float(x)
    if abs(x) >= 1e6:
        return f"{x / 1e6:.1f}M"
    if abs(x) >= 1e4:
        return f"{x / 1e3:.0f}k"
    return f"{x:,.0f}" if abs(x) >= 10 else f"{x:.2f}"


def inspect(f: Frame, actor: str) -> dict | None:
    """Everything the inspector shows about ``actor``, as plain data (None if unknown)."""
    if actor not in f.ids:
        return None
    i = f.ids.index(actor)
    others = [j for j in range(f.n) if j != i]
    aff = f.affinity[i]
    partners = sorted((j for j in others if aff[j] > 0), key=lambda j: -aff[j])[:5]
    rivals = sorted((j for j in others if aff[j] < 0), key=lambda j: aff[j])[:5]
    arms = f.arms.sum(axis=2) if f.arms.ndim == 3 else f.arms
    stocks = []
    for k, item in enumerate(ITEMS):
        received = float(f.arms[:, i, k].sum()) if f.arms.ndim == 3 else 0.0
        sent = float(f.arms[i, :, k].sum()) if f.arms.ndim == 3 else 0.0
        stocks.append({"item": item, "unit": UNITS.get(item, ""), "stock": float(f.stocks[i, k]),
                       "production": float(f.production[i, k]), "received": received, "sent": sent})
    needs = [s["item"] for s in stocks if s["received"] > 0 and s["received"] >= s["production"]]
    return {
        "id": actor, "name": f.names[i], "doctrine": f.doctrine[i], "bloc": int(f.bloc[i]),
        "lean": float(f.lean[i]), "power": float(f.power[i]), "economy": float(f.economy[i]),
        "reserves": float(f.reserves[i]), "frozen": float(f.frozen[i]), "pressure": float(f.pressure[i]),
        "stocks": stocks,
        "needs": needs,
        "partners": [(f.ids[j], float(aff[j])) for j in partners],
        "rivals": [(f.ids[j], float(aff[j])) for j in rivals],
        "sanctioned_by": sorted(((f.ids[j], float(f.sanctions[j, i])) for j in others if f.sanctions[j, i] > 0),
                                key=lambda t: -t[1]),
        "sanctions_on": sorted(((f.ids[j], float(f.sanctions[i, j])) for j in others if f.sanctions[i, j] > 0),
                               key=lambda t: -t[1]),
        "arms_in": sorted(((f.ids[j], float(arms[j, i])) for j in others if arms[j, i] > 0), key=lambda t: -t[1]),
        "arms_out": sorted(((f.ids[j], float(arms[i, j])) for j in others if arms[i, j] > 0), key=lambda t: -t[1]),
        "aid_in": float(f.aid[:, i].sum()), "aid_out": float(f.aid[i, :].sum()),
    }


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
        solara.Text(f"Doctrine: {d['doctrine']} · lean {d['lean']:+.2f} (− US-led, + Russia/China) · "
                    f"power {d['power']:.3f}", style={"display": "block"})
        solara.Text(f"Economy {theme.money(d['economy'])}/yr · reserves {theme.money(d['reserves'])} "
                    f"(frozen {theme.money(d['frozen'])}) · sanction pressure {d['pressure']:.2f}",
                    style={"display": "block"})
        rows = "".join(
            f"<tr><td>{s['item'].replace('_', ' ')}</td><td>{_n(s['stock'])}</td><td>{_n(s['production'])}</td>"
            f"<td>{_n(s['received'])}</td><td>{_n(s['sent'])}</td></tr>" for s in d["stocks"])
        solara.HTML(tag="table", unsafe_innerHTML=(
            "<tr><th>item</th><th>stock</th><th>made/mo</th><th>received</th><th>sent</th></tr>" + rows),
            classes=["blocsim-table"], style={"margin": "8px 0"})
        needs = ", ".join(x.replace("_", " ") for x in d["needs"]) or "none beyond own production"
        for label, text in (
            ("Needs (imports at least its own output)", needs),
            ("Partners", _pairs(d["partners"])),
            ("Rivals", _pairs(d["rivals"])),
            ("Sanctioned by", _pairs(d["sanctioned_by"], lambda v: f"{v:.2f}")),
            ("Sanctions on", _pairs(d["sanctions_on"], lambda v: f"{v:.2f}")),
            ("Arms in (last step)", _pairs(d["arms_in"], _n)),
            ("Arms out (last step)", _pairs(d["arms_out"], _n)),
            ("Aid (last step)", f"received {theme.money(d['aid_in'])} · gave {theme.money(d['aid_out'])}"),
        ):
            solara.HTML(tag="div", unsafe_innerHTML=f"<b>{label}:</b> {escape(text)}", style={"font-size": "13px"})
