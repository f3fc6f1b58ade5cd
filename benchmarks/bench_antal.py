"""Antal, Krapivsky & Redner (2005) local triad dynamics: how often a finite network ends in
"paradise" (every link friendly) for p > 1/2, as the network grows.

The paper predicts that for p > 1/2 an infinite network goes to paradise, so on finite
networks the share of runs ending all-friendly should grow with the size n. Runs start from
uniformly random signs with a given share of friendly links and go until balanced.

    .venv/bin/python benchmarks/bench_antal.py [--runs 200] [--p 0.52 0.6 0.75]
        [--sizes 6 9 12 18 24 32 48] [--friendly 0.5] [--seed 0]

Prints one row per p: the all-friendly share at each n (and mean updates to balance).
Measured with the defaults (200 runs per cell, seed 0, about a minute on one core):

    p        n=6    n=9   n=12   n=18   n=24   n=32   n=48
    0.52   0.470  0.880  0.980  1.000  1.000  1.000  1.000
    0.6    0.700  0.970  0.985  1.000  1.000  1.000  1.000
    0.75   0.900  0.990  1.000  1.000  1.000  1.000  1.000

(also p = 0.51: 0.405 0.865 0.980 1.000 ...; p = 0.55: 0.590 0.940 0.995 1.000 ...)
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from sim.alignment.balance import antal_triad_dynamics


def random_signs(n: int, friendly: float, rng: np.random.Generator) -> np.ndarray:
    upper = np.where(rng.random((n, n)) < friendly, 1, -1)
    s = np.triu(upper, 1)
    s = s + s.T
    np.fill_diagonal(s, 1)
    return s.astype(np.int8)


def paradise_share(n: int, p: float, runs: int, friendly: float, seed: int) -> tuple[float, float]:
    rng = np.random.default_rng([seed, n, int(round(p * 1000))])
    paradise, updates = 0, 0
    for _ in range(runs):
        run = antal_triad_dynamics(random_signs(n, friendly, rng), p, rng)
        assert run.balanced
        paradise += bool((run.signs == 1).all())
        updates += run.updates
    return paradise / runs, updates / runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--p", type=float, nargs="+", default=[0.52, 0.6, 0.75])
    parser.add_argument("--sizes", type=int, nargs="+", default=[6, 9, 12, 18, 24, 32, 48])
    parser.add_argument("--friendly", type=float, default=0.5, help="initial share of friendly links")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    print(f"LTD, {args.runs} runs per cell, initial friendly share {args.friendly}, seed {args.seed}")
    print("share of runs ending all-friendly (mean updates to balance)")
    print("p     " + "".join(f"{f'n={n}':>16}" for n in args.sizes))
    started = time.perf_counter()
    for p in args.p:
        cells = []
        for n in args.sizes:
            share, updates = paradise_share(n, p, args.runs, args.friendly, args.seed)
            cells.append(f"{share:>7.3f} ({updates:>6.0f})")
        print(f"{p:<6}" + "".join(f"{c:>16}" for c in cells), flush=True)
    print(f"took {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
