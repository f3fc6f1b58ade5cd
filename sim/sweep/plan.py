"""The run plan: every run of a sweep, numbered, with its parameters and seed.

Runs are ordered scenario-major, then design point, then replication:
`run_id = (scenario * n_points + point) * replications + replication`. A run's seed is
`run_seed(root, run_id)`, or `run_seed(root, replication)` with common random numbers
(every point then sees the same noise, which sharpens comparisons between points).
Runs are produced lazily, so the plan costs memory per point, not per run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.sweep.design import Design
from sim.sweep.seeds import run_seed
from sim.sweep.spec import SweepSpec


@dataclass(frozen=True)
class ScenarioRef:
    """A scenario file as the workers see it: path, content hash and text.

    Workers load the path when it holds the same content; elsewhere (a remote Dask
    worker without the file) they fall back to the text shipped with the task.
    """

    label: str
    path: str
    sha256: str
    text: str = field(repr=False)

    @classmethod
    def from_path(cls, label: str, path: Path) -> ScenarioRef:
        data = Path(path).read_bytes()
        return cls(label, str(Path(path).resolve()), hashlib.sha256(data).hexdigest(),
                   data.decode("utf-8", errors="replace"))


@dataclass(frozen=True)
class RunTask:
    """Everything one run needs; small and picklable."""

    run_id: int
    scenario_index: int
    point_id: int
    replication: int
    seed: int
    params: dict[str, Any]
    fixed: dict[str, Any]
    scenario: ScenarioRef | None
    steps: int | None
    final: tuple[str, ...]
    series_every: int | None = None
    series_columns: tuple[str, ...] = ()

    @property
    def overrides(self) -> dict[str, Any]:
        return {**self.fixed, **self.params}


@dataclass
class Plan:
    """Scenarios x design points x replications, with seeds."""

    spec: SweepSpec
    design: Design
    scenarios: list[ScenarioRef]

    @property
    def n_points(self) -> int:
        return len(self.design)

    @property
    def n_runs(self) -> int:
        return len(self.scenarios) * self.n_points * self.spec.replications

    def task(self, run_id: int) -> RunTask:
        if not 0 <= run_id < self.n_runs:
            raise IndexError(run_id)
        reps = self.spec.replications
        rep = run_id % reps
        point = (run_id // reps) % self.n_points
        scen = run_id // (reps * self.n_points)
        seed = run_seed(self.spec.seed, rep if self.spec.common_random_numbers else run_id)
        out = self.spec.outcomes
        return RunTask(
            run_id=run_id, scenario_index=scen, point_id=point, replication=rep, seed=seed,
            params=dict(self.design.points[point]), fixed=dict(self.spec.set),
            scenario=self.scenarios[scen] if self.scenarios else None, steps=self.spec.steps,
            final=tuple(out.final),
            series_every=out.series.every if out.series else None,
            series_columns=tuple(out.series.columns) if out.series else (),
        )

    def tasks(self, skip: Any = None) -> Iterator[RunTask]:
        """Tasks in run order; `skip(run_id) -> bool` leaves finished runs out."""
        for run_id in range(self.n_runs):
            if skip is None or not skip(run_id):
                yield self.task(run_id)
