"""Steps per second of the core, and where the time goes.

    .venv/bin/python benchmarks/bench_step.py [--steps 60] [--repeat 3]

Prints, for the default scenario and generated worlds of 50 and 200 actors: steps per
second (best of --repeat), the share of step time in agents' decisions versus the array
core, and the ratio t(200)/t(50) beside the ratio of actor pairs (16) that O(n^2) allows.
"""

from __future__ import annotations

import argparse
import time

from sim.generate import generate_scenario
from sim.model import BlocModel
from sim.scenario import DEFAULT_SCENARIO, load_scenario


def measure(scenario, steps: int, repeat: int) -> tuple[float, float]:
    best, share = float("inf"), 0.0
    for r in range(repeat):
        m = BlocModel(scenario, seed=r)
        t0 = time.perf_counter()
        m.run(steps)
        elapsed = time.perf_counter() - t0
        if elapsed < best:
            best = elapsed
            share = m.timings["decide"] / max(m.timings["decide"] + m.timings["core"], 1e-12)
    return best / steps, share


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    worlds = [(f"default ({DEFAULT_SCENARIO})", load_scenario(DEFAULT_SCENARIO)),
              ("generated, 50 actors", generate_scenario(50, seed=1, steps=args.steps)),
              ("generated, 200 actors", generate_scenario(200, seed=1, steps=args.steps))]
    print(f"{'world':32} {'actors':>6} {'steps/s':>9} {'ms/step':>8} {'decisions':>10} {'core':>6}")
    per_step = {}
    for label, scn in worlds:
        t, share = measure(scn, args.steps, args.repeat)
        per_step[len(scn.actors)] = t
        print(f"{label:32} {len(scn.actors):6d} {1 / t:9.1f} {t * 1e3:8.2f} {share:9.0%} {1 - share:6.0%}")
    ratio = per_step[200] / per_step[50]
    print(f"t(200)/t(50) = {ratio:.2f}  (actor pairs grow {200 * 199 / (50 * 49):.1f}x; O(n^2) allows up to that)")
    print(f"200 actors: {1 / per_step[200]:.0f} steps/s against a target of 50 steps/s "
          f"-> {'met' if 1 / per_step[200] >= 50 else 'NOT met'}")


if __name__ == "__main__":
    main()
