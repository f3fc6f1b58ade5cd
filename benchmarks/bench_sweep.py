"""Sweep throughput and memory: `blocsim sweep` against `mesa.batch_run`.

Both run the same model (scenarios/feb2022_baseline.yaml, a few steps), the same runs
(a 10 x 10 full factorial over China's reputation concern and US aid, times
replications, with the same seed per replication), and keep the same outcomes
(`sim.runner.outcomes`, 100+ scalars per run). Both build each run's scenario the same
way (`sim.sweep.worker.build_scenario`), so the comparison measures the runners.

Each measurement runs in a fresh Python process, so imports and caches are equal. It
reports wall time, and memory sampled every 50 ms with psutil: the peak RSS of the
parent (where batch_run keeps every result) and the peak total RSS of the parent plus
all its worker processes. Rates are the best of `--repeat` tries, since other work on
a shared machine only ever slows a try down; the load average is printed alongside.

    .venv/bin/python benchmarks/bench_sweep.py [--steps 6] [--sizes 100 2000] [--repeat 2]

Prints figures and ratios; asserts nothing.
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

class MemorySampler:
    """Peak RSS of this process, and of it plus all its descendants, sampled in a thread."""

    def __init__(self, every: float = 0.05):
        import threading

        import psutil

        self.proc = psutil.Process()
        self.parent = self.tree = 0
        self.child_cpu: dict[int, float] = {}  # CPU seconds seen per descendant
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        import psutil

        own = self.proc.memory_info().rss
        total = own
        for child in self.proc.children(recursive=True):
            try:
                total += child.memory_info().rss
                t = child.cpu_times()
                self.child_cpu[child.pid] = max(self.child_cpu.get(child.pid, 0.0), t.user + t.system)
            except psutil.Error:
                pass
        self.parent, self.tree = max(self.parent, own), max(self.tree, total)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.every)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def cpu(self) -> tuple[float, float]:
        """CPU seconds used by this process, and by its descendants (as last sampled)."""
        t = self.proc.cpu_times()
        return t.user + t.system, sum(self.child_cpu.values())


def measure_blocsim(runs: int, workers: int, steps: int) -> dict:
    from sim.sweep.session import run_sweep
    from sim.sweep.store import read_results

    out = Path(tempfile.mkdtemp(prefix="bench-sweep-")) / "out"
    spec = out.parent / "bench.yaml"
    spec.write_text(spec_text(runs // 100, steps))
    with MemorySampler() as mem:
        start = time.perf_counter()
        totals = run_sweep(spec, out, workers=workers, probe=False)
        wall = time.perf_counter() - start
    df = read_results(out)
    parent_cpu, workers_cpu = mem.cpu()
    return {"tool": "blocsim", "runs": totals.ran, "parent_cpu": parent_cpu, "workers_cpu": workers_cpu, "ok": totals.ok, "workers": workers, "seconds": wall,
            "peak_parent_mb": mem.parent / 2**20, "peak_tree_mb": mem.tree / 2**20,
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
    with MemorySampler() as mem:
        start = time.perf_counter()
        results = mesa.batch_run(BatchBlocModel, {"reputation_concern": LEVELS1, "aid": LEVELS2},
                                 number_processes=processes, max_steps=steps, display_progress=False,
                                 rng=[run_seed(ROOT_SEED, r) for r in range(reps)])
        wall = time.perf_counter() - start
    parent_cpu, workers_cpu = mem.cpu()
    return {"tool": "batch_run", "runs": len(results), "parent_cpu": parent_cpu, "workers_cpu": workers_cpu, "ok": len(results), "workers": processes,
            "seconds": wall, "peak_parent_mb": mem.parent / 2**20, "peak_tree_mb": mem.tree / 2**20,
            "check": float(sum(r["outcomes"]["polarization"] for r in results)),
            "outcomes": len(results[0]["outcomes"]) if results else 0}


def _one(args: argparse.Namespace) -> None:
    fn = measure_blocsim if args.one == "blocsim" else measure_batch_run
    print(json.dumps(fn(args.runs, args.workers, args.steps)))


# ------------------------------------------------------------------ the comparison

def run_one(tool: str, runs: int, workers: int, steps: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    load = os.getloadavg()[0]
    proc = subprocess.run([sys.executable, __file__, "--one", tool, "--runs", str(runs), "--workers",
                           str(workers), "--steps", str(steps)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=1800)
    if proc.returncode != 0:
        raise SystemExit(f"{tool} {runs} runs failed:\n{proc.stderr[-3000:]}")
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    r["rate"] = r["runs"] / r["seconds"]
    print(f"  {tool:9s} {runs:5d} runs, {workers} worker(s): {r['seconds']:6.1f} s, {r['rate']:6.1f} runs/s, "
          f"peak RSS parent {r['peak_parent_mb']:6.1f} MB, parent+workers {r['peak_tree_mb']:6.1f} MB "
          f"(load avg {load:.1f}); CPU s parent {r['parent_cpu']:.1f}, workers {r['workers_cpu']:.1f}",
          flush=True)
    return r


def best(tries: list[dict]) -> dict:
    """The fastest try, with the largest memory peaks seen in any try."""
    out = dict(max(tries, key=lambda r: r["rate"]))
    out["peak_parent_mb"] = max(r["peak_parent_mb"] for r in tries)
    out["peak_tree_mb"] = max(r["peak_tree_mb"] for r in tries)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=6, help="months per run (default 6)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 2000], help="run counts (multiples of 100)")
    ap.add_argument("--workers", type=int, default=2, help="parallel workers (default 2)")
    ap.add_argument("--repeat", type=int, default=2, help="tries per measurement; the fastest counts")
    ap.add_argument("--one", choices=("blocsim", "batch_run"), help=argparse.SUPPRESS)
    ap.add_argument("--runs", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        _one(args)
        return
    w = args.workers
    big = max(args.sizes)
    print(f"model: {SCENARIO.name}, {args.steps} steps per run; {os.cpu_count()} CPUs")
    tries: dict[tuple, list] = {}
    for _ in range(args.repeat):  # interleaved, so a busy spell hits every kind alike
        for n in args.sizes:
            for key in (("batch_run", n, w), ("blocsim", n, w)):
                tries.setdefault(key, []).append(run_one(key[0], n, key[2], args.steps))
        tries.setdefault(("blocsim", big, 1), []).append(run_one("blocsim", big, 1, args.steps))
    res = {k: best(v) for k, v in tries.items()}

    print(f"\nsummary (best of {args.repeat})")
    for n in args.sizes:
        a, b = res[("blocsim", n, w)], res[("batch_run", n, w)]
        same = "same" if abs(a["check"] - b["check"]) < 1e-9 * max(1.0, abs(b["check"])) else "DIFFERENT"
        print(f"  {n:5d} runs, {w} workers: blocsim {a['rate']:.1f} runs/s vs batch_run {b['rate']:.1f} runs/s "
              f"= {a['rate'] / b['rate']:.2f}x; peak RSS parent {a['peak_parent_mb']:.0f} vs "
              f"{b['peak_parent_mb']:.0f} MB, parent+workers {a['peak_tree_mb']:.0f} vs "
              f"{b['peak_tree_mb']:.0f} MB; results {same} (sum of polarization)")
    small = min(args.sizes)
    if big != small:
        for tool in ("blocsim", "batch_run"):
            a, b = res[(tool, small, w)], res[(tool, big, w)]
            print(f"  {tool}: from {small} to {big} runs the parent's peak RSS grows "
                  f"{b['peak_parent_mb'] - a['peak_parent_mb']:+.0f} MB, parent+workers "
                  f"{b['peak_tree_mb'] - a['peak_tree_mb']:+.0f} MB")
    one, two = res[("blocsim", big, 1)], res[("blocsim", big, w)]
    print(f"  blocsim {big} runs: {w} workers {two['rate']:.1f} runs/s vs 1 worker {one['rate']:.1f} runs/s "
          f"= {two['rate'] / one['rate']:.2f}x speedup (wall clock; the load average above shows "
          f"how many cores other work took)")
    # Independent of other load: if each worker had a core, a run costs its CPU time divided
    # among the workers, while the parent works alongside on its own core share.
    for r in (one, two):
        r["cpu_per_run"] = (r["workers_cpu"] + r["parent_cpu"]) / r["runs"]
    ideal = w * one["cpu_per_run"] / two["cpu_per_run"]
    print(f"  CPU per run: 1 worker {1000 * one['cpu_per_run']:.1f} ms, {w} workers "
          f"{1000 * two['cpu_per_run']:.1f} ms (parent {100 * two['parent_cpu'] / (two['parent_cpu'] + two['workers_cpu']):.0f}%"
          f" of it): on {w} idle cores, {w} workers would run {ideal:.2f}x as fast as 1")


if __name__ == "__main__":
    main()
