"""`blocsim run [SCENARIO]`: run a scenario, print a summary, write series and the event log."""

from __future__ import annotations

import json
from pathlib import Path

from sim.commands.argtypes import folder, nonempty_name, positive_int, seed
from sim.errors import UserError
from sim.output import print_summary, write_outputs
from sim.scenario import DEFAULT_SCENARIO, load_scenario, parse_assignment


def register(sub) -> None:
    p = sub.add_parser("run", help="run a scenario and summarise it",
                       description="Run a scenario (default: the Feb 2022 baseline) and write its results.")
    p.add_argument("scenario", nargs="?", default=DEFAULT_SCENARIO,
                   help="a scenario file, or the name of a shipped one (see `blocsim scenarios`)")
    p.add_argument("--steps", type=positive_int, help="months to run (default: the scenario's)")
    p.add_argument("--seed", type=seed, default=0, help="random seed (default 0)")
    p.add_argument("--alignment", type=nonempty_name, help="alignment rule to use instead of the scenario's")
    p.add_argument("--out", type=folder, help="output folder (default runs/SCENARIO-seedS)")
    p.add_argument("--format", choices=("parquet", "csv"), default="parquet", help="series file format")
    p.add_argument("--json", action="store_true", help="print a machine-readable summary on stdout")
    p.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                   help="override a scenario field, e.g. --set actors.CHN.reputation_concern=0.2")
    p.set_defaults(func=run)


def parse_sets(pairs: list[str]) -> dict:
    """--set PATH=VALUE flags -> overrides; each VALUE is read within the scenario loader's limits."""
    from sim.scenario.yamlio import EXCERPT_CHARS

    out = {}
    for pair in pairs:
        try:
            path, value = parse_assignment(pair)
        except ValueError as exc:
            named = (pair.partition("=")[0].strip() or pair)[:EXCERPT_CHARS]
            raise UserError(f"--set {named}: {exc}") from None
        out[path] = value
    return out


def run(args) -> int:
    from sim.model import BlocModel
    from sim.output import prepare_output
    from sim.scenario import check_run_size

    overrides = parse_sets(args.set)
    scenario = load_scenario(args.scenario, overrides)
    steps = args.steps or scenario.steps
    check_run_size(scenario, steps, f"{args.scenario} with --steps {steps}" if args.steps else str(args.scenario))
    name = Path(str(args.scenario)).stem
    out = args.out or Path("runs") / f"{name}-seed{args.seed}"
    prepare_output(out, args.format, where=f"--out {out}")  # an unwritable folder is refused before the run
    model = BlocModel(scenario, seed=args.seed, alignment=args.alignment)
    if args.json:
        model.run(steps)
    else:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeRemainingColumn(), transient=True) as bar:
            task = bar.add_task(f"{scenario.name}", total=steps)
            model.run(steps, progress=lambda: bar.advance(task))
    summary = model.summary()
    files = write_outputs(model, out, args.format, overrides=overrides, summary=summary, where=f"--out {out}")
    if args.json:
        print(json.dumps(summary, indent=2, allow_nan=False))
    else:
        print_summary(model, summary, files, overrides)
    return 0
