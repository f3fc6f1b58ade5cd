"""The game engine's cost, as ratios to a plain model step of the same scenario.

    .venv/bin/python benchmarks/bench_game.py [--turns 36] [--repeat 3]

Prints: a plain step of the default scenario; adjudicating one turn with 4 teams (RUS, USA,
CHN, EU each with two orders; the time includes the checks, the model step, the state
fingerprint and the durable append to SQLite); and rebuilding a game of --turns turns from
its log (opening the file replays every turn and checks the last against its recorded state).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sim.game import Game
from sim.model import BlocModel
from sim.scenario import DEFAULT_SCENARIO, load_scenario

TEAMS = ["RUS", "USA", "CHN", "EU"]
ORDERS = {
    "RUS": [{"kind": "procure", "target": "RUS", "item": "shells", "amount": 0.5},
            {"kind": "economic_support", "target": "BLR", "item": "aid", "amount": 0.2}],
    "USA": [{"kind": "economic_support", "target": "UKR", "item": "aid", "amount": 1.0},
            {"kind": "arms_transfer", "target": "UKR", "item": "shells", "amount": 20000}],
    "CHN": [{"kind": "dual_use_trade", "target": "RUS", "amount": 0.3},
            {"kind": "diplomatic", "target": "RUS", "item": "summit"}],
    "EU": [{"kind": "economic_support", "target": "UKR", "item": "aid", "amount": 1.5},
           {"kind": "sanction", "target": "RUS", "item": "banks", "amount": 0.3}],
}


def plain_step(turns: int, repeat: int) -> float:
    scn = load_scenario(DEFAULT_SCENARIO)
    best = float("inf")
    for r in range(repeat):
        m = BlocModel(scn, seed=r)
        t0 = time.perf_counter()
        m.run(turns)
        best = min(best, (time.perf_counter() - t0) / turns)
    return best


def play(path: Path, turns: int) -> list[float]:
    """Play `turns` turns with 4 teams; the time of each adjudication."""
    g, codes = Game.create(path, DEFAULT_SCENARIO, TEAMS, seed=0)
    f = g.join(codes["facilitator"])
    teams = {t: g.join(codes["teams"][t]) for t in TEAMS}
    times = []
    for _ in range(turns):
        for t, who in teams.items():
            g.submit_orders(who, ORDERS[t])
        t0 = time.perf_counter()
        g.adjudicate(f)
        times.append(time.perf_counter() - t0)
    g.close()
    return times


def rebuild(path: Path) -> float:
    t0 = time.perf_counter()
    g = Game.open(path)
    elapsed = time.perf_counter() - t0
    g.close()
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--turns", type=int, default=36)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:   # measured in turns, so that a busy machine slows both alike
        path = Path(tmp) / "bench.db"
        adjudications = play(path, args.turns)
        steps, rebuilds = [], []
        for _ in range(args.repeat):
            steps.append(plain_step(args.turns, 1))
            rebuilds.append(rebuild(path))
    step = min(steps)
    adj = statistics.median(adjudications)
    best = min(rebuilds)
    print(f"plain model step ({DEFAULT_SCENARIO}): {step * 1e3:.2f} ms")
    print(f"adjudicate one turn, 4 teams x 2 orders: {adj * 1e3:.2f} ms median = {adj / step:.1f} plain steps")
    print(f"rebuild a {args.turns}-turn game from its log: {best * 1e3:.0f} ms = {best / step:.1f} plain steps "
          f"({best / (args.turns * step):.2f} per turn)")


if __name__ == "__main__":
    main()
