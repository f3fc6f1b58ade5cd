"""`blocsim hindcast [SCENARIO]`: score a historical scenario against the record (sim/hindcast.py)."""

from __future__ import annotations

import json
from pathlib import Path

from sim.commands.argtypes import whole_number


def register(sub) -> None:
    p = sub.add_parser(
        "hindcast", help="run a historical scenario over many seeds and score it against the record",
        description="Run a historical scenario (default: the one the record names) over N seeds and print a "
                    "scorecard: each recorded pattern, the model's median and 90%% range, hit or miss, and the "
                    "share hit per group (votes, front, flows, sanctions, alignment), for the fitting and "
                    "the held-out part of the record separately.")
    p.add_argument("scenario", nargs="?", help="a scenario file or shipped name (default: the record's)")
    p.add_argument("--seeds", type=whole_number(1, 1000), default=10, help="seeds 0..N-1 (default 10)")
    p.add_argument("--record", type=Path, help="a record file (default scenarios/record/ukraine_2022_2025.yaml)")
    p.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                   help="override a scenario field, e.g. --set un.against_above=0.45")
    p.add_argument("--json", action="store_true", help="print the scorecard as JSON instead of a table")
    p.add_argument("--json-file", type=Path, metavar="FILE", help="also write the scorecard as JSON to FILE")
    p.add_argument("--html", type=Path, metavar="FILE", help="also write a self-contained HTML report to FILE")
    p.add_argument("--misses", action="store_true", help="list only the patterns missed")
    p.set_defaults(func=run)


def run(args) -> int:
    from sim.commands.run import parse_sets
    from sim.hindcast import hindcast, render_text, write_outputs

    card = hindcast(args.scenario, seeds=args.seeds, record_path=args.record, overrides=parse_sets(args.set))
    write_outputs(card, args.json_file, args.html)
    if args.json:
        print(json.dumps(card, indent=2))
    else:
        print(render_text(card, misses_only=args.misses), end="")
        for label, path in (("JSON", args.json_file), ("HTML report", args.html)):
            if path:
                print(f"{label}: {path}")
    return 0
