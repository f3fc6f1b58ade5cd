"""`blocsim landscape SCENARIO`: the stable coalitions of landscape theory (Axelrod & Bennett 1993).

Lists every two-coalition configuration stable under single switches, sorted by energy, with
the share of starting configurations whose descent ends there. Exact by enumeration up to
`sim.alignment.landscape.EXACT_LIMIT` actors; above that, descents from seeded random starts.
Sizes and propensities come from the scenario's `landscape:` section, or, when it has none,
are derived from the scenario's starting world (`world_inputs`).
"""

from __future__ import annotations

import json
from pathlib import Path

from sim.alignment.landscape import EXACT_LIMIT, analyze_landscape, scenario_inputs, world_inputs
from sim.commands.argtypes import seed, share, whole_number
from sim.errors import UserError
from sim.scenario import load_scenario, resolve_path


def register(sub) -> None:
    p = sub.add_parser(
        "landscape", help="stable coalitions of landscape theory, with energies and basins",
        description="List every two-coalition configuration stable under single switches "
                    "(Axelrod & Bennett 1993), sorted by energy, with its basin of attraction. "
                    f"Exact up to {EXACT_LIMIT} actors; sampled above that.")
    p.add_argument("scenario", help="a scenario file, or the name of a shipped one")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--samples", type=whole_number(1), default=20000,
                   help="random starting configurations when sampling (default 20000)")
    p.add_argument("--seed", type=seed, default=0, help="seed of the sampled starts (default 0)")
    p.add_argument("--regime-weight", type=share, default=None, metavar="W",
                   help="for propensities derived from the world: add W for alike regimes and take W "
                        "away for democracy/autocracy pairs (default: the scenario's landscape "
                        "rule parameter, else 0)")
    p.set_defaults(func=run)


def run(args) -> int:
    scenario = load_scenario(args.scenario)
    if scenario.landscape is not None and scenario.landscape.sizes:
        try:
            inputs = scenario_inputs(scenario)
        except UserError as exc:
            file = resolve_path(args.scenario)
            raise UserError([f"{file}: {line}" for line in exc.messages]) from None
    else:
        from sim.world import build_world
        params = scenario.alignment.params if scenario.alignment.rule == "landscape" else {}
        weight = args.regime_weight if args.regime_weight is not None else params.get("regime_weight", 0.0)
        inputs = world_inputs(build_world(scenario), params.get("propensity", "baseline"), weight)
    result = analyze_landscape(inputs.sizes, inputs.propensity, inputs.ids,
                               samples=args.samples, seed=args.seed)
    out = {"scenario": scenario.name, "file": str(args.scenario), "actors": inputs.ids,
           "source": inputs.source, **result.to_dict(inputs.ids)}
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print_table(out, Path(str(args.scenario)).stem)
    return 0


def print_table(out: dict, name: str) -> None:
    from rich.console import Console
    from rich.table import Table

    n = len(out["actors"])
    if out["exact"]:
        how = f"exact: all {out['starts']} configurations of {n} actors enumerated"
    else:
        how = (f"SAMPLED: descents from {out['starts']} random starts (seed {out['seed']}); "
               "minima with small basins may be missing and basins are estimates")
    table = Table(title=f"Landscape of {name} ({how})", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("energy", justify="right")
    table.add_column("basin", justify="right")
    table.add_column("coalition A")
    table.add_column("coalition B")
    for rank, m in enumerate(out["minima"], 1):
        a, b = m["coalitions"]
        table.add_row(str(rank), f"{m['energy']:.4g}", f"{m['basin']:.1%}",
                      " ".join(a), " ".join(b) or "-")
    console = Console()
    console.print(table)
    console.print(f"Sizes and propensities: {out['source']}. Energy: Axelrod & Bennett's E, "
                  "summed over ordered pairs; lower is more stable.")
