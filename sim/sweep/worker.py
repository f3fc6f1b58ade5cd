"""What a worker does with one task: run the model, keep the chosen outcomes, never raise.

`execute(run_fn, task)` is the function submitted to the executor. It calls
`run_fn(task) -> (outcomes, series)`, keeps the outcomes the spec asks for and the
series rows every k steps, and turns any exception into an error record, so one bad run
never stops a sweep. `run_blocsim` is the run function for blocsim scenarios.
"""

from __future__ import annotations

import fnmatch
import hashlib
import math
import numbers
import time
import traceback
from dataclasses import dataclass
from typing import Any

from sim.scenario import ScenarioTemplate
from sim.sweep.plan import RunTask, ScenarioRef

RESERVED = ("run_id", "scenario", "point_id", "replication", "seed", "status", "error",
            "traceback", "elapsed_s")


@dataclass
class RunResult:
    """One finished run: its flat result row, and its kept series rows (or None)."""

    row: dict[str, Any]
    series: dict[str, list] | None = None

    @property
    def ok(self) -> bool:
        return self.row["status"] == "ok"


_TEMPLATES: dict[str, ScenarioTemplate] = {}


class ScenarioMismatch(RuntimeError):
    """A task's scenario text does not hash to the value the manifest recorded."""


def build_scenario(ref: ScenarioRef, overrides: dict[str, Any]) -> Any:
    """The task's scenario with overrides, from a per-process template of its text.

    The merged scenario text travels with the task (a worker on another machine needs no
    shared files) and is checked against its recorded hash before it is parsed; nothing is
    cached on disk, so no other user of the machine can change what a sweep runs.
    """
    template = _TEMPLATES.get(ref.sha256)
    if template is None:
        if hashlib.sha256(ref.text.encode()).hexdigest() != ref.sha256:
            raise ScenarioMismatch(f"the scenario text of {ref.label} does not match its recorded hash "
                                   f"{ref.sha256[:12]}")
        template = _TEMPLATES[ref.sha256] = ScenarioTemplate.from_text(ref.text, f"{ref.path} (merged)")
    return template.build(overrides)


def run_blocsim(task: RunTask) -> tuple[dict[str, Any], Any]:
    """Build the scenario with the task's overrides, simulate, return outcomes and series."""
    from sim.runner import outcomes, simulate

    model = simulate(build_scenario(task.scenario, task.overrides), seed=task.seed, steps=task.steps)
    return outcomes(model), (model.series() if task.series_every else None)


def select(names: list[str], patterns: tuple[str, ...]) -> list[str]:
    """Names matching any pattern, in the patterns' order, each once."""
    out: dict[str, None] = {}
    for pat in patterns:
        for n in names:
            if n == pat or fnmatch.fnmatchcase(n, pat):
                out.setdefault(n)
    return list(out)


def _scalar(v: Any) -> Any:
    """Outcome values as float (numbers, bools, None) or str (anything else)."""
    if v is None:
        return math.nan
    if isinstance(v, str):
        return v
    try:
        return float(v)
    except (TypeError, ValueError):
        return str(v)


def _non_finite(v: Any) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, numbers.Integral) and not math.isfinite(v)


def outcome_column(name: str, params: dict) -> str:
    """The results column of an outcome; prefixed only if it would clash."""
    return f"outcome.{name}" if name in RESERVED or name in params else name


def _series_rows(task: RunTask, frame: Any) -> dict[str, list] | None:
    """Every k-th step (and the last) of the model's series, kept columns only."""
    if frame is None or task.series_every is None:
        return None
    import pandas as pd

    df = pd.DataFrame(frame)
    steps = df["step"].to_numpy() if "step" in df.columns else df.index.to_numpy()
    cols = [c for c in select([str(c) for c in df.columns], task.series_columns) if c != "step"]
    n = len(df)
    keep = [i for i in range(n) if int(steps[i]) % task.series_every == 0 or i == n - 1]
    out: dict[str, list] = {"run_id": [task.run_id] * len(keep), "step": [int(steps[i]) for i in keep]}
    for c in cols:
        values = df[c].to_numpy()
        out[c] = [_scalar(values[i]) for i in keep]
    return out


def execute(run_fn: Any, task: RunTask) -> RunResult:
    """Run one task; exceptions become an error record with the message and traceback."""
    row: dict[str, Any] = {
        "run_id": task.run_id,
        "scenario": task.scenario.label if task.scenario else "",
        "point_id": task.point_id,
        "replication": task.replication,
        "seed": task.seed,
        **task.params,
    }
    start = time.perf_counter()
    try:
        raw, frame = run_fn(task)
        names = [str(k) for k in raw]
        infinite = [n for n in names if _non_finite(raw[n])]
        if infinite:  # the invariant of every run: its numbers are finite (None is a missing value)
            raise ArithmeticError(f"outcomes that are not finite: {', '.join(infinite[:5])}"
                                  + (f" and {len(infinite) - 5} more" if len(infinite) > 5 else ""))
        for name in select(names, task.final):
            row[outcome_column(name, task.params)] = _scalar(raw[name])
        series = _series_rows(task, frame)
        row.update(status="ok", error="", traceback="")
    except Exception as exc:  # noqa: BLE001 - a failed run is data, not a crash
        messages = getattr(exc, "messages", None)
        text = "; ".join(messages) if messages else str(exc)
        row.update(status="error", error=f"{type(exc).__name__}: {text}"[:2000],
                   traceback=traceback.format_exc()[-8000:])
        series = None
    row["elapsed_s"] = time.perf_counter() - start
    return RunResult(row, series)


def failed(task: RunTask, exc: BaseException) -> RunResult:
    """An error record for a run whose worker could not report (died, lost, cancelled)."""
    row = {
        "run_id": task.run_id, "scenario": task.scenario.label if task.scenario else "",
        "point_id": task.point_id, "replication": task.replication, "seed": task.seed,
        **task.params, "status": "error", "error": f"{type(exc).__name__}: {exc}"[:2000],
        "traceback": "", "elapsed_s": math.nan,
    }
    return RunResult(row, None)
