"""`blocsim sweep SPEC.yaml --out DIR`: run or resume a batch sweep."""

from __future__ import annotations

import argparse
import importlib
import json
import signal
import sys

from sim.commands.argtypes import positive_number, whole_number
from sim.errors import UserError

NAME = "sweep"
HELP = "run a parameter sweep (streams to Parquet, resumes after a kill)"


def register(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        NAME, help=HELP,
        description="Run every run of a sweep spec, writing results to DIR as they finish. "
                    "Rerun the same command after an interruption to resume.")
    p.add_argument("spec", metavar="SPEC.yaml", help="the sweep spec (see scenarios/sweeps/)")
    p.add_argument("--out", metavar="DIR", help="results folder (created; reused to resume); needed unless --check")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="local worker processes (default: all cores; 0 runs in this process)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="run on this Dask cluster")
    p.add_argument("--dask-local", type=int, metavar="N", help="run on a local Dask cluster of N workers")
    p.add_argument("--retry-failed", action="store_true", help="rerun runs that failed in an earlier session")
    p.add_argument("--no-progress", action="store_true", help="no progress bar (the totals line still prints)")
    p.add_argument("--shard-runs", type=whole_number(1), default=500, metavar="N",
                   help="write a results shard every N finished runs (default 500)")
    p.add_argument("--shard-seconds", type=positive_number, default=10.0, metavar="S",
                   help="... or every S seconds, whichever comes first (default 10)")
    p.add_argument("--check", action="store_true", help="check the spec and print the plan size, run nothing")
    # a model other than blocsim (module:function taking a RunTask); for tests and benchmarks
    p.add_argument("--run-fn", default=None, help=argparse.SUPPRESS)
    p.set_defaults(func=run)
    return p


def _run_fn(name: str | None):
    from sim.sweep.worker import run_blocsim

    if not name:
        return run_blocsim
    module, _, attr = name.partition(":")
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError, ValueError) as exc:
        raise UserError(f"--run-fn: cannot import {name}: {exc} (module:function)") from None


def _sigterm(signum, frame):
    raise KeyboardInterrupt


def run(args) -> int:
    from sim.sweep.design import expected_points
    from sim.sweep.prepare import prepare
    from sim.sweep.session import run_sweep
    from sim.sweep.spec import load_spec

    if args.scheduler and args.dask_local is not None:
        raise UserError("--scheduler and --dask-local: give one of them (a cluster address, "
                        "or a number of local Dask workers)")
    if args.workers is not None and args.workers < 0:
        raise UserError(f"--workers: got {args.workers} (0 to run in this process, or a positive number)")
    if args.dask_local is not None and args.dask_local < 1:
        raise UserError(f"--dask-local: got {args.dask_local} (a number of workers, 1 or more)")
    loaded = load_spec(args.spec)
    run_fn = _run_fn(args.run_fn)
    if args.check:
        plan, _ = prepare(loaded, run_fn=run_fn)
        s = loaded.spec
        steps = s.steps or "the scenario's"
        print(f"{args.spec}: ok: {len(plan.scenarios)} scenario(s) x {plan.n_points} points "
              f"({s.design}, expected {expected_points(s)}) x {s.replications} replications "
              f"= {plan.n_runs} runs of {steps} steps")
        return 0
    if not args.out:
        raise UserError("--out DIR: where to write the results is required (or --check to only check the spec)")
    previous = signal.signal(signal.SIGTERM, _sigterm)
    out = args.out
    try:
        totals = run_sweep(loaded, out, workers=args.workers, scheduler=args.scheduler,
                           dask_local=args.dask_local, run_fn=run_fn,
                           show_progress=not args.no_progress, retry_failed=args.retry_failed,
                           flush_runs=args.shard_runs, flush_seconds=args.shard_seconds)
    except OSError as exc:
        raise UserError(f"--out {out}: cannot write results: {exc.strerror or exc} "
                        "(a folder you can write to, with free space)") from None
    except KeyboardInterrupt:
        print(f"sweep interrupted: finished runs are saved in {out}; run the same command to resume",
              file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
    print(totals.line(out))
    failed = totals.folder_failed or totals.failed
    if failed:
        print(f"{failed} run(s) failed; their errors and parameters are in the results "
              f"(status == 'error'; `--retry-failed` reruns them).", file=sys.stderr)
        if totals.failures:
            print("First failures of this session:", file=sys.stderr)
        for f in totals.failures[:5]:
            print("  " + json.dumps(f, default=str), file=sys.stderr)
        return 1
    return 0
