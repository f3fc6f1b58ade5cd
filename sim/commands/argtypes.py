"""Argument types shared by the subcommands: a bad value is one clear line and exit 2."""

from __future__ import annotations

import argparse


def whole_number(low: int = 1, high: int | None = None):
    """An argparse type accepting whole numbers in [low, high]."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        if value < low or (high is not None and value > high):
            bounds = f"{low} to {high}" if high is not None else f"{low} or more"
            raise argparse.ArgumentTypeError(f"{value} is out of range ({bounds})")
        return value

    return parse


positive_int = whole_number(1, 1200)
"""Months to run."""


def share(text: str) -> float:
    """An argparse type accepting a number from 0 to 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{value:g} is out of range (0 to 1)")
    return value
