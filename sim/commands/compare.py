"""`blocsim compare SCENARIO`: the same scenario under several alignment rules, side by side.

Each rule runs the scenario with the same seed and months. For each rule it prints the
blocs, the non-aligned actors, polarization, and the actors whose bloc differs from the
first rule's (see sim/compare.py for how blocs are matched). `--json` prints one entry per
rule with `rule`, `title`, `blocs`, `nonaligned`, `polarization` and `lean`, and more.
"""

from __future__ import annotations

import json
from typing import Any

from sim.commands.argtypes import positive_int, seed
from sim.commands.run import parse_sets
from sim.alignment import RULES
from sim.compare import DEFAULT_RULES, NONALIGNED, compare_rules
from sim.errors import UserError
from sim.scenario import DEFAULT_SCENARIO, parse_assignment, unknown


def register(sub) -> None:
    p = sub.add_parser(
        "compare", help="run a scenario under several alignment rules and compare the blocs",
        description="Run one scenario under each alignment rule (same seed, same months) and show "
                    "the blocs, non-aligned actors and polarization side by side, with the actors "
                    "whose bloc differs from the first rule's.")
    p.add_argument("scenario", nargs="?", default=DEFAULT_SCENARIO,
                   help="a scenario file, or the name of a shipped one (default: the Feb 2022 baseline)")
    p.add_argument("--rules", metavar="RULE,RULE,...",
                   help=f"comma-separated alignment rules, the first is the reference "
                        f"(default: {','.join(DEFAULT_RULES)})")
    p.add_argument("--seed", type=seed, default=0, help="random seed, the same for every rule (default 0)")
    p.add_argument("--steps", type=positive_int, help="months to run (default: the scenario's)")
    p.add_argument("--param", action="append", default=[], metavar="RULE.NAME=VALUE",
                   help="a rule parameter, e.g. --param balance_triad.p=0.3 (repeatable)")
    p.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                   help="override a scenario field, e.g. --set actors.CHN.reputation_concern=0.2")
    p.add_argument("--json", action="store_true", help="print the comparison as JSON")
    p.set_defaults(func=run)


def parse_rules(text: str | None) -> list[str]:
    """Rule names from "a,b,c" (None: DEFAULT_RULES, those that are registered), checked."""
    if text is None:
        return [r for r in DEFAULT_RULES if r in RULES]
    names = [t.strip() for t in str(text).split(",") if t.strip()]
    if not names:
        raise UserError(f"--rules: no rule named (a comma-separated list of: {', '.join(sorted(RULES))})")
    missing = [n for n in names if n not in RULES]
    if missing:
        raise UserError([f"--rules: {unknown('rule', n, RULES)}" for n in missing])
    seen: list[str] = []
    for n in names:
        if n not in seen:
            seen.append(n)
    return seen


def parse_rule_params(pairs: list[str] | None) -> dict[str, dict[str, Any]]:
    """{"balance_triad": {"p": 0.3}} from ["balance_triad.p=0.3"]; values are read as YAML."""
    out: dict[str, dict[str, Any]] = {}
    for pair in pairs or []:
        try:
            path, value = parse_assignment(pair)
        except ValueError:
            path, value = "", None
        if "." not in path:
            raise UserError(f"--param {pair}: expected RULE.NAME=VALUE (e.g. balance_triad.p=0.3)")
        rule, name = path.split(".", 1)
        if rule not in RULES:
            raise UserError(f"--param {pair}: {unknown('rule', rule, RULES)}")
        out.setdefault(rule, {})[name] = value
    return out


def run(args) -> int:
    rules = parse_rules(args.rules)
    params = parse_rule_params(args.param)
    result = compare_rules(args.scenario, rules, seed=args.seed, steps=args.steps,
                           overrides=parse_sets(args.set), params=params)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_comparison(result)
    return 0


def _params_text(params: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in params.items()) if params else "defaults"


def print_comparison(result: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    c = Console()
    names = result["names"]
    entries = result["rules"]
    ref = entries[0]["rule"]
    c.print(f"[bold]{result['scenario']}[/] - seed {result['seed']}, {result['steps']} months "
            f"({result['start']} to {result['end']}), under {len(entries)} alignment rules")
    for e in entries:
        c.print()
        c.print(f"[bold]{e['rule']}[/]: {e['title']} - {e['citation']} "
                f"(parameters: {_params_text(e['params'])})")
        for k, (members, coh) in enumerate(zip(e["blocs"], e["cohesion"]), 1):
            c.print(f"  bloc {k} (cohesion {coh:.2f}): " + ", ".join(names[a] for a in members))
        c.print("  non-aligned: " + (", ".join(names[a] for a in e["nonaligned"]) or "none"))
        c.print(f"  polarization: {e['polarization']:.2f}; signs {'balanced' if e['balanced'] else 'not balanced'}"
                f" (Heider), {e['friendly_share']:.0%} of pairs friendly")
        if e["rule"] != ref:
            if e["changes"]:
                moves = "; ".join(f"{names[ch['actor']]} ({ch['from']} -> {ch['to']})" for ch in e["changes"])
                c.print(f"  changes bloc relative to {ref}: {moves}")
            else:
                c.print(f"  changes bloc relative to {ref}: nobody")
    table = Table(title="Each actor's bloc under each rule (named by its most powerful member)",
                  title_justify="left")
    table.add_column("actor")
    for e in entries:
        table.add_column(e["rule"])
    for aid in result["power_order"]:
        cells = []
        for k, e in enumerate(entries):
            text = e["bloc_of"][aid]
            moved = k > 0 and any(ch["actor"] == aid for ch in e["changes"])
            cells.append(f"[bold]{text} *[/]" if moved else (f"[dim]{text}[/]" if text == NONALIGNED else text))
        table.add_row(f"{names[aid]} ({aid})", *cells)
    table.add_row("polarization", *[f"{e['polarization']:.2f}" for e in entries])
    c.print()
    c.print(table)
    c.print(f"* changes bloc relative to {ref}. A bloc is matched to the {ref} bloc it shares most "
            "members with; see docs/THEORIES.md.")
