"""Argument types shared by the subcommands: a bad value is one clear line and exit 2."""

from __future__ import annotations

import argparse
import math
from pathlib import Path


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


seed = whole_number(0, 2**32 - 1)
"""A random seed (as the dashboard accepts)."""


def positive_number(text: str) -> float:
    """An argparse type accepting a finite number above 0 (not nan or inf)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"got {text} (a finite number above 0)")
    return value


def nonempty_name(text: str) -> str:
    """An argparse type for a name (a rule, a doctrine): not empty."""
    if not text.strip():
        raise argparse.ArgumentTypeError("got an empty name (leave the flag out for the scenario's own)")
    return text


def folder(text: str) -> Path:
    """An argparse type for an output folder: not empty (which would write into the current folder)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("got an empty path (a folder, e.g. runs/mine; '.' for the current one)")
    if "\0" in text:
        raise argparse.ArgumentTypeError("the path holds a NUL character (a folder path)")
    return Path(text)
