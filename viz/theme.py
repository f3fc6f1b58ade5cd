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
