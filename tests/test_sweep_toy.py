"""A tiny deterministic model for the sweep engine's own tests (and its checks).

`toy_run(task)` follows the run-function contract of `sim.sweep.worker`: it returns
(outcomes, series). Its outcomes depend only on the parameters and the seed, so any
backend must reproduce them exactly. `toy.fail: true` makes it raise; `toy.crash: true` kills its process; `toy.sleep`
slows each run down (seconds) so a test can kill a sweep in the middle.
"""

from __future__ import annotations

import os
import time

import numpy as np
import pandas as pd

from sim.sweep.plan import RunTask


def toy_run(task: RunTask):
    p = task.overrides
    if p.get("toy.crash") and p.get("toy.x") == 1.0 and p.get("toy.k") == 4 and task.replication == 0:
        os._exit(3)  # the worker process dies, as on a segfault or the OOM killer
    if p.get("toy.fail"):
        raise ValueError(f"toy failure at x={p.get('toy.x')}")
    if p.get("toy.sleep"):
        time.sleep(float(p["toy.sleep"]))
    rng = np.random.default_rng(task.seed)
    x = float(p.get("toy.x", 0.0))
    k = int(p.get("toy.k", 1))
    steps = task.steps or 5
    level = np.cumsum(x * k + rng.normal(0.0, 0.1, steps))
    out = {"y": float(level[-1]), "noise": float(rng.random()), "flag": bool(p.get("toy.flag", False)),
           "bloc.AAA": int(level[-1] > 0), "bloc.BBB": 0, "bloc.CCC": int(x > 0.5)}
    series = pd.DataFrame({"step": np.arange(1, steps + 1), "level": level, "double": 2 * level})
    if p.get("toy.done_file"):  # a line per finished run, for tests that wait on progress
        with open(p["toy.done_file"], "a") as f:
            f.write(f"{task.run_id}\n")
    return out, series


def wide_run(task: RunTask):
    """Two hundred outcomes per run: holding results in memory would show at once."""
    rng = np.random.default_rng(task.seed)
    return {f"o{i:03d}": float(v) for i, v in enumerate(rng.random(200))}, None


def test_toy_is_deterministic_and_seed_dependent():
    t = RunTask(run_id=0, scenario_index=0, point_id=0, replication=0, seed=5, params={"toy.x": 1.0},
                fixed={}, scenario=None, steps=4, final=("*",))
    a, sa = toy_run(t)
    b, _ = toy_run(t)
    c, _ = toy_run(RunTask(**{**t.__dict__, "seed": 6}))
    assert a == b and a["y"] != c["y"]
    assert list(sa["step"]) == [1, 2, 3, 4]
