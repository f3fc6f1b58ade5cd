"""Landscape theory (Axelrod & Bennett 1993): how exact enumeration scales with the number of
actors. Every one of the 2^(n-1) two-coalition configurations is a starting point, so time
should roughly double with each actor added.

    .venv/bin/python benchmarks/bench_landscape.py [--sizes 12 14 16 18 20] [--repeat 3]

Prints, per n, the best time of the repeats, the time per configuration, and the ratio to
the previous n (4.0 per two actors is the doubling that enumeration cannot beat; the time per
configuration stays flat). Measured on this 2-core machine:

    n  configurations    best s  us/config  ratio to prev
   16          32,768     0.009       0.29  5.18 per 2 actors
   20         524,288     0.099       0.19  3.59 per 2 actors
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from sim.alignment.landscape import enumerate_landscape


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[12, 14, 16, 18, 20])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'n':>3} {'configurations':>15} {'best s':>9} {'us/config':>10} {'ratio to prev':>18} {'minima':>7}")
    previous = None
    for n in args.sizes:
        rng = np.random.default_rng(n)
        prop = rng.normal(size=(n, n))
        prop = (prop + prop.T) / 2
        sizes = rng.uniform(0.5, 2, n)
        best, result = float("inf"), None
        for _ in range(max(args.repeat, 1)):
            t0 = time.perf_counter()
            result = enumerate_landscape(sizes, prop)
            best = min(best, time.perf_counter() - t0)
        ratio = f"{best / previous[1]:.2f} per {n - previous[0]} actors" if previous else "-"
        print(f"{n:>3} {result.starts:>15,} {best:>9.3f} {best / result.starts * 1e6:>10.2f} {ratio:>18} "
              f"{len(result.minima):>7}")
        previous = (n, best)


if __name__ == "__main__":
    main()
