"""Headless batch sweeps: many runs of a scenario, streamed to Parquet, resumable.

    blocsim sweep scenarios/sweeps/us_pullback_size_timing.yaml --out runs/pullback
    blocsim sweep SPEC.yaml --out DIR --workers 4            # local processes (default: all cores)
    blocsim sweep SPEC.yaml --out DIR --dask-local 4         # a local Dask cluster
    blocsim sweep SPEC.yaml --out DIR --scheduler tcp://host:8786
    blocsim analyze DIR                                      # table, Sobol/Morris, plots, report.html

Rerun the same `sweep` command after Ctrl-C or a kill to resume. In Python::

    from sim.sweep import run_sweep, read_results
    run_sweep("spec.yaml", "out")          # call under `if __name__ == "__main__":` in scripts
    df = read_results("out")               # one row per run: parameters, seed, status, outcomes

One idea per module: `spec` (the YAML schema), `design` (factorial, LHS, Sobol, Morris),
`seeds`, `plan` (runs and their seeds), `prepare` (checks before running), `worker`
(one run, never raises), `backends` (process pool, Dask, inline), `engine` (the loop),
`store` (shards, manifest, reading back), `manifest`, `progress`, `session` (one
invocation), and for the analysis `analysis`, `plots` and `report`.
"""

from sim.sweep.session import run_sweep
from sim.sweep.spec import load_spec, parse_spec
from sim.sweep.store import read_plan, read_results, read_series

__all__ = ["run_sweep", "load_spec", "parse_spec", "read_results", "read_series", "read_plan"]
