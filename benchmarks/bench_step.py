"""Steps per second of the core, and where the time goes; optionally as a ratio against another revision.

    .venv/bin/python benchmarks/bench_step.py [--steps 60] [--repeat 3]
    .venv/bin/python benchmarks/bench_step.py --against HEAD~1 [--repeat 5]

Prints, for the default scenario and generated worlds of 50 and 200 actors: steps per
second (best of --repeat), the share of step time in agents' decisions versus the array
core, and the ratio t(200)/t(50) beside the ratio of actor pairs (16) that O(n^2) allows.

With --against REV, the code of git revision REV is checked out in a temporary
`git worktree`, and the two versions run in turns (this one, then REV, --repeat rounds),
each in its own process, on the same worlds, timed in CPU seconds; it prints each world's
best time per step for both and the median over rounds of the ratio this/REV (below 1:
this code is faster). Pairing each round's two runs cancels slow swings in machine load.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def measure(scenario, steps: int, repeat: int, model_cls, clock=time.perf_counter) -> tuple[float, float]:
    best, share = float("inf"), 0.0
    for r in range(repeat):
        m = model_cls(scenario, seed=r)
        t0 = clock()
        m.run(steps)
        elapsed = clock() - t0
        if elapsed < best:
            best = elapsed
            timings = getattr(m, "timings", {"decide": 0.0, "core": 0.0})
            share = timings["decide"] / max(timings["decide"] + timings["core"], 1e-12)
    return best / steps, share


def worlds(steps: int) -> list[tuple[str, object]]:
    """(label, scenario) for the default scenario and generated worlds of 50 and 200 actors."""
    from sim.generate import generate_scenario
    from sim.scenario import DEFAULT_SCENARIO, load_scenario

    return [(f"default ({DEFAULT_SCENARIO})", load_scenario(DEFAULT_SCENARIO)),
            ("generated, 50 actors", generate_scenario(50, seed=1, steps=steps)),
            ("generated, 200 actors", generate_scenario(200, seed=1, steps=steps))]


def worker(root: Path, steps: int) -> None:
    """Measure each world once with the code in `root`; print {label: CPU seconds per step} as JSON.

    CPU time of this process, not wall time: on a shared machine other work then inflates
    neither side (numpy runs single-threaded here, see run_worker)."""
    sys.path.insert(0, str(root))
    import sim
    from sim.model import BlocModel

    assert Path(sim.__file__).resolve().is_relative_to(root.resolve()), sim.__file__   # the code asked for
    print(json.dumps({label: measure(scn, steps, 1, BlocModel, time.process_time)[0]
                      for label, scn in worlds(steps)}))


def run_worker(root: Path, steps: int) -> dict[str, float]:
    single = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    out = subprocess.run([sys.executable, __file__, "--worker", str(root), "--steps", str(steps)], cwd=root,
                         capture_output=True, text=True, check=True, env={**os.environ, **single})
    return json.loads(out.stdout.strip().splitlines()[-1])


def against(rev: str, steps: int, repeat: int) -> None:
    """This checkout against revision `rev`, in turns, each side's best of `repeat` runs."""
    with tempfile.TemporaryDirectory(prefix="blocsim-bench-") as tmp:
        old = Path(tmp) / "old"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(old), rev], check=True)
        try:
            rounds = [(run_worker(ROOT, steps), run_worker(old, steps)) for _ in range(repeat)]
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)], check=True)
    print(f"CPU time per step, best of {repeat}; ratio: median over the rounds of this/{rev} in the same round")
    print(f"{'world':32} {'ms/step this':>13} {'ms/step ' + rev:>20} {'ratio':>7}")
    for label in rounds[0][0]:
        best_new, best_old = (min(r[side][label] for r in rounds) for side in (0, 1))
        ratio = statistics.median(new[label] / old_[label] for new, old_ in rounds)
        print(f"{label:32} {best_new * 1e3:13.2f} {best_old * 1e3:20.2f} {ratio:7.3f}")
    total = statistics.median(sum(new.values()) / sum(old_.values()) for new, old_ in rounds)
    print(f"all worlds: this/{rev} = {total:.3f} ({'faster' if total < 1 else 'slower'}; median of {repeat} "
          "rounds, each running both in turn)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--against", metavar="REV", help="compare with this git revision (e.g. HEAD~1, main)")
    ap.add_argument("--worker", type=Path, help=argparse.SUPPRESS)   # internal: measure the code in this folder
    args = ap.parse_args()
    if args.worker:
        return worker(args.worker, args.steps)
    if args.against:
        return against(args.against, args.steps, args.repeat)
    sys.path.insert(0, str(ROOT))
    from sim.model import BlocModel

    print(f"{'world':32} {'actors':>6} {'steps/s':>9} {'ms/step':>8} {'decisions':>10} {'core':>6}")
    per_step = {}
    for label, scn in worlds(args.steps):
        t, share = measure(scn, args.steps, args.repeat, BlocModel)
        per_step[len(scn.actors)] = t
        print(f"{label:32} {len(scn.actors):6d} {1 / t:9.1f} {t * 1e3:8.2f} {share:9.0%} {1 - share:6.0%}")
    ratio = per_step[200] / per_step[50]
    print(f"t(200)/t(50) = {ratio:.2f}  (actor pairs grow {200 * 199 / (50 * 49):.1f}x; O(n^2) allows up to that)")
    print(f"200 actors: {1 / per_step[200]:.0f} steps/s against a target of 50 steps/s "
          f"-> {'met' if 1 / per_step[200] >= 50 else 'NOT met'}")


if __name__ == "__main__":
    main()
