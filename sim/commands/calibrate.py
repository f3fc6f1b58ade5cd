"""`blocsim calibrate SPEC.yaml`: fit scenario parameters to the record (sim/calibrate.py)."""

from __future__ import annotations

from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser(
        "calibrate", help="fit scenario parameters to the record (ABC-SMC) and write a calibrated overlay",
        description="Fit the parameters a spec names (dotted paths with ranges) to a part of the record "
                    "with approximate Bayesian computation (pyabc ABC-SMC). Prints each fitted value with its "
                    "90%% credible interval, the fitting score and the held-out score, and writes "
                    "posterior.csv, report.json and overlay.yaml (a scenario that extends the calibrated one).")
    p.add_argument("spec", type=Path, help="a calibration spec (see scenarios/calibration/)")
    p.add_argument("--out", type=Path, help="output folder (default runs/calibrate-SPEC)")
    p.add_argument("--workers", type=int, default=0,
                   help="local processes for the particles (default 0: in this process)")
    p.add_argument("--dask-local", type=int, metavar="N", help="run the particles on a local Dask cluster of N workers")
    p.add_argument("--scheduler", metavar="ADDRESS", help="run the particles on a Dask cluster (tcp://HOST:PORT)")
    p.set_defaults(func=run)


def run(args) -> int:
    from sim.calibrate import calibrate

    out = args.out or Path("runs") / f"calibrate-{args.spec.stem}"
    print(f"calibrating {args.spec} (ABC-SMC); results in {out}")
    report = calibrate(args.spec, out, workers=args.workers, scheduler=args.scheduler, dask_local=args.dask_local)
    print(f"{report['generations']} generations, {report['evaluations']} model evaluations, "
          f"final tolerance {report['epsilon']:.3f}")
    print("Fitted (posterior median [90% credible interval]):")
    for path, v in report["fitted"].items():
        print(f"  {path} = {v['median']:.4g} [{v['low']:.4g}, {v['high']:.4g}]  (prior {v['prior'][0]:g}..{v['prior'][1]:g})")
    for label, table in (("before", report["before"]), ("after", report["after"])):
        fit, held = table["fit"]["overall"], table["held_out"]["overall"]
        print(f"  {label}: fitting part {fit['hits']}/{fit['n']} ({fit['score']:.0%}) hit; "
              f"held-out part {held['hits']}/{held['n']} ({held['score']:.0%})")
    print(f"Overlay: {out / 'overlay.yaml'}")
    return 0
