"""Sweep throughput and memory: `blocsim sweep` against `mesa.batch_run`.

Both run the same model (scenarios/feb2022_baseline.yaml, a few steps), the same runs
(a 10 x 10 full factorial over China's reputation concern and US aid, times
replications, with the same seed per replication), and keep the same outcomes
(`sim.runner.outcomes`, 100+ scalars per run). Both build each run's scenario the same
way (`sim.sweep.worker.build_scenario`), so the comparison measures the runners.

Each measurement runs in a fresh Python process, so imports and caches are equal; the
figures are that process's wall time and peak RSS (parent only, and its children).

    .venv/bin/python benchmarks/bench_sweep.py [--steps 6] [--sizes 100 2000]

Prints figures and ratios; asserts nothing. On a shared machine the rates are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "feb2022_baseline.yaml"
P1, P2 = "actors.CHN.reputation_concern", "actors.USA.doctrine_params.aid_per_month"
LEVELS1 = [round(0.05 + 0.1 * i, 2) for i in range(10)]
LEVELS2 = [round(0.5 * i, 1) for i in range(10)]
ROOT_SEED = 2025


def spec_text(reps: int, steps: int) -> str:
    return f"""\
name: bench
scenarios: {SCENARIO}
parameters:
  - path: {P1}
    values: {LEVELS1}
  - path: {P2}
    values: {LEVELS2}
replications: {reps}
common_random_numbers: true
seed: {ROOT_SEED}
steps: {steps}
"""


# ------------------------------------------------------------------ one measurement

def _peak_mb() -> tuple[float, float]:
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return self_kb / 1024, child_kb / 1024


def measure_blocsim(runs: int, workers: int, steps: int) -> dict:
    from sim.sweep.session import run_sweep
    from sim.sweep.store import read_results

    out = Path(tempfile.mkdtemp(prefix="bench-sweep-")) / "out"
    spec = out.parent / "bench.yaml"
    spec.write_text(spec_text(runs // 100, steps))
    start = time.perf_counter()
    totals = run_sweep(spec, out, workers=workers, probe=False)
    wall = time.perf_counter() - start
    parent, children = _peak_mb()
    df = read_results(out)
    return {"tool": "blocsim", "runs": totals.ran, "ok": totals.ok, "workers": workers, "seconds": wall,
            "peak_parent_mb": parent, "peak_child_mb": children,
            "check": float(df["polarization"].sum()), "outcomes": int(df.shape[1])}


# batch_run's pool is spawned: its workers import this file as a module, so the model
# class lives at module level and reads its settings from the environment.
try:
    from sim.model import BlocModel as _Base
except ImportError:  # pragma: no cover - run from the repository root
    sys.path.insert(0, str(ROOT))
    from sim.model import BlocModel as _Base

_REF: list = []


def _scenario_ref():
    if not _REF:
        from sim.sweep.prepare import scenario_ref
        from sim.sweep.spec import parse_spec

        _REF.append(scenario_ref(parse_spec(spec_text(1, 1), str(ROOT / "bench.yaml")), 0)[0])
    return _REF[0]


class BatchBlocModel(_Base):
    """The blocsim model as mesa.batch_run wants it: keyword parameters, a DataCollector."""

    def __init__(self, reputation_concern: float, aid: float, rng=None):
        import mesa

        from sim.runner import outcomes
        from sim.sweep.worker import build_scenario

        super().__init__(build_scenario(_scenario_ref(), {P1: reputation_concern, P2: aid}), seed=rng)
        self.max_steps = int(os.environ["BENCH_STEPS"])
        self.datacollector = mesa.DataCollector(model_reporters={"outcomes": outcomes})

    def step(self) -> None:
        super().step()
        if self.steps >= self.max_steps:
            self.datacollector.collect(self)


def measure_batch_run(runs: int, processes: int, steps: int) -> dict:
    import mesa

    from sim.sweep.seeds import run_seed

    os.environ["BENCH_STEPS"] = str(steps)
    reps = runs // 100
    start = time.perf_counter()
    results = mesa.batch_run(BatchBlocModel, {"reputation_concern": LEVELS1, "aid": LEVELS2},
                             number_processes=processes, max_steps=steps, display_progress=False,
                             rng=[run_seed(ROOT_SEED, r) for r in range(reps)])
    wall = time.perf_counter() - start
    parent, children = _peak_mb()
    return {"tool": "batch_run", "runs": len(results), "ok": len(results), "workers": processes,
            "seconds": wall, "peak_parent_mb": parent, "peak_child_mb": children,
            "check": float(sum(r["outcomes"]["polarization"] for r in results)),
            "outcomes": len(results[0]["outcomes"]) if results else 0}


def _one(args: argparse.Namespace) -> None:
    fn = measure_blocsim if args.one == "blocsim" else measure_batch_run
    print(json.dumps(fn(args.runs, args.workers, args.steps)))


# ------------------------------------------------------------------ the comparison

def run_one(tool: str, runs: int, workers: int, steps: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, __file__, "--one", tool, "--runs", str(runs), "--workers",
                           str(workers), "--steps", str(steps)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=1800)
    if proc.returncode != 0:
        raise SystemExit(f"{tool} {runs} runs failed:\n{proc.stderr[-3000:]}")
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    r["rate"] = r["runs"] / r["seconds"]
    print(f"  {tool:9s} {runs:5d} runs, {workers} worker(s): {r['seconds']:6.1f} s, {r['rate']:6.1f} runs/s, "
          f"peak RSS parent {r['peak_parent_mb']:6.1f} MB, largest child {r['peak_child_mb']:6.1f} MB",
          flush=True)
    return r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=6, help="months per run (default 6)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 2000], help="run counts (multiples of 100)")
    ap.add_argument("--workers", type=int, default=2, help="parallel workers (default 2)")
    ap.add_argument("--one", choices=("blocsim", "batch_run"), help=argparse.SUPPRESS)
    ap.add_argument("--runs", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        _one(args)
        return
    w = args.workers
    print(f"model: {SCENARIO.name}, {args.steps} steps per run; {os.cpu_count()} CPUs")
    res = {}
    for n in args.sizes:
        res[("batch_run", n, w)] = run_one("batch_run", n, w, args.steps)
        res[("blocsim", n, w)] = run_one("blocsim", n, w, args.steps)
    big = max(args.sizes)
    res[("blocsim", big, 1)] = run_one("blocsim", big, 1, args.steps)

    print("\nsummary")
    for n in args.sizes:
        a, b = res[("blocsim", n, w)], res[("batch_run", n, w)]
        same = "same" if abs(a["check"] - b["check"]) < 1e-9 * max(1.0, abs(b["check"])) else "DIFFERENT"
        print(f"  {n:5d} runs, {w} workers: blocsim {a['rate']:.1f} runs/s vs batch_run {b['rate']:.1f} runs/s "
              f"= {a['rate'] / b['rate']:.2f}x; parent peak RSS {a['peak_parent_mb']:.0f} MB vs "
              f"{b['peak_parent_mb']:.0f} MB; results {same} (sum of polarization)")
    small = min(args.sizes)
    if big != small:
        for tool in ("blocsim", "batch_run"):
            grow = res[(tool, big, w)]["peak_parent_mb"] - res[(tool, small, w)]["peak_parent_mb"]
            print(f"  {tool}: parent peak RSS grows {grow:+.0f} MB from {small} to {big} runs")
    one, two = res[("blocsim", big, 1)], res[("blocsim", big, w)]
    print(f"  blocsim {big} runs: {w} workers {two['rate']:.1f} runs/s vs 1 worker {one['rate']:.1f} runs/s "
          f"= {two['rate'] / one['rate']:.2f}x speedup")


if __name__ == "__main__":
    main()
