"""`blocsim validate FILE...`: check scenarios without running them."""

from __future__ import annotations

import sys

from sim.errors import UserError
from sim.scenario import load_scenario


def register(sub) -> None:
    p = sub.add_parser("validate", help="check scenario files without running them")
    p.add_argument("files", nargs="+", help="scenario files")
    p.set_defaults(func=run)


def run(args) -> int:
    bad = 0
    for path in args.files:
        try:
            s = load_scenario(path)
        except UserError as exc:
            bad += 1
            for line in exc.messages:
                print(line, file=sys.stderr)
            continue
        print(f"{path}: ok ({len(s.actors)} actors, {len(s.events)} events, {s.steps} steps)")
    return 2 if bad else 0
