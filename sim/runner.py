"""Running a scenario headless, and the flat outcomes a sweep keeps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.model import BlocModel
from sim.scenario import Scenario, load_scenario
from sim.scenario.schema import ITEMS


def simulate(scenario: Scenario | str | Path, seed: int = 0, steps: int | None = None,
             overrides: dict[str, Any] | None = None, alignment: str | None = None,
             progress=None) -> BlocModel:
    """Build and run a model; `scenario` is a Scenario or a path / shipped name."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, overrides)
    elif overrides:
        raise ValueError("overrides apply when loading from a file: pass a path")
    model = BlocModel(scenario, seed=seed, alignment=alignment)
    return model.run(steps, progress=progress)


def outcomes(model: BlocModel) -> dict[str, Any]:
    """Final values as a flat dict of scalars, for sweeps and comparisons."""
    w = model.world
    last = model.rows[-1]
    out: dict[str, Any] = {
        "polarization": last["polarization"],
        "n_blocs": last["n_blocs"],
        "cohesion_max": last["cohesion_max"],
        "cohesion_west": last.get("cohesion_west", 0.0),
        "cohesion_east": last.get("cohesion_east", 0.0),
        "events": len(model.events),
    }
    for tid, front in w.fronts.items():
        out[f"front.{tid}"] = front
    pressure = w.sanction_pressure
    covert = w.covert_total.sum(axis=1)
    for i, aid in enumerate(w.ids):
        out[f"lean.{aid}"] = float(model.leans[i])
        out[f"bloc.{aid}"] = int(model.labels[i])
        out[f"pressure.{aid}"] = float(pressure[i])
        out[f"covert_total.{aid}"] = float(covert[i])
        out[f"reputation_cost.{aid}"] = float(w.reputation_cost[i])
    for item, value in zip(ITEMS, w.arms_total.sum(axis=(0, 1))):
        out[f"total.arms_{item}"] = float(value)
    return out
