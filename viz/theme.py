"""Colours and labels shared by every view, so a bloc has one colour everywhere."""

from __future__ import annotations

BLOC_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
                "#e377c2", "#17becf", "#bcbd22", "#393b79"]
NONALIGNED = "#9e9e9e"
POSITIVE = "#2e7d32"
NEGATIVE = "#c62828"
ARMS = "#ef6c00"
AID = "#1565c0"
COVERT = "#6a1b9a"
# One colour per actor, the same in every chart (after Trubetskoy's 20 distinct colours, the pale ones
# darkened to read on white); neighbours in the actor list get far-apart hues. More actors cycle.
ACTOR_COLOURS = ["#4363d8", "#e6194b", "#3cb44b", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#469990",
                 "#9a6324", "#800000", "#808000", "#000075", "#a9a9a9", "#d4a017", "#e8749a", "#8fb31d",
                 "#a48be0", "#000000", "#ff6f61", "#2f4f4f", "#6b8e23", "#c71585", "#1e90ff", "#b8860b"]
CHANGE = "#ffb300"  # the ring around an actor that changed camp this step
ITEM_COLOURS = {"shells": "#795548", "drones": "#ef6c00", "missiles": "#c62828",
                "air_defence": "#1565c0", "troops": "#2e7d32"}


def bloc_colour(bloc: int) -> str:
    """The colour of bloc number ``bloc`` (negative: not aligned)."""
    return NONALIGNED if bloc < 0 else BLOC_COLOURS[bloc % len(BLOC_COLOURS)]


def bloc_label(bloc: int) -> str:
    """A bloc's label in legends."""
    return "non-aligned" if bloc < 0 else f"bloc {bloc + 1}"


def series_colour(i: int) -> str:
    """The i-th line colour of a chart."""
    return BLOC_COLOURS[i % len(BLOC_COLOURS)]


def actor_colour(actor: str, ids: list[str]) -> str:
    """The colour of ``actor`` in every series chart: fixed by its place in the scenario's actor list."""
    i = ids.index(actor) if actor in ids else len(ids)
    return ACTOR_COLOURS[i % len(ACTOR_COLOURS)]


def camp_colour(camp: str, order: list[str]) -> str:
    """A camp's colour: the first pole's bloc blue, the second red, others in turn, non-aligned grey."""
    if camp == "non-aligned":
        return NONALIGNED
    i = order.index(camp) if camp in order else len(order)
    return BLOC_COLOURS[i % len(BLOC_COLOURS)] if i < len(order) - 2 else "#8d6e63"


def actor_choices(ids: list[str], names: list[str] | None = None) -> dict[str, str]:
    """Picker labels for actors, 'North Korea (PRK)', mapped to their ids."""
    names = names or ids
    return {(f"{n} ({a})" if n != a else a): a for a, n in zip(ids, names)}


def money(bn: float) -> str:
    """An amount given in $bn, written as people write money: '$18.0tn', '$58.3bn', '$450m', '$0'."""
    x = float(bn)
    sign, x = ("-" if x < 0 else ""), abs(x)
    if x >= 1000:
        return f"{sign}${x / 1000:,.1f}tn"
    if x >= 1:
        return f"{sign}${x:,.1f}bn"
    if x >= 0.0005:
        return f"{sign}${x * 1000:,.0f}m"
    return "$0"
