"""`blocsim scenarios`: the shipped scenarios with a one-line description each."""

from __future__ import annotations

from sim.scenario import DEFAULT_SCENARIO, shipped_scenarios


def register(sub) -> None:
    p = sub.add_parser("scenarios", help="list the shipped scenarios")
    p.set_defaults(func=run)


def run(args) -> int:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Shipped scenarios (run one with: blocsim run NAME)")
    table.add_column("name", style="bold")
    table.add_column("description")
    for s in shipped_scenarios():
        table.add_row(s.name + (" (default)" if s.name == DEFAULT_SCENARIO else ""), s.description)
    Console().print(table)
    return 0
