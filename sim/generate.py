"""Synthetic worlds of any size, for benchmarks and scaling tests.

Actors get a doctrine mix like the historical scenarios' (a few patrons, belligerents
in pairs, exporters, a covert partner, the rest hedgers), random economies, stocks and
a two-camp affinity structure with noise. Everything comes from one seeded generator.
"""

from __future__ import annotations

import numpy as np

from sim.scenario.schema import Scenario


def generate_scenario(n: int, seed: int = 0, wars: int | None = None, steps: int = 24) -> Scenario:
    rng = np.random.default_rng(seed)
    ids = [f"A{i:03d}" for i in range(n)]
    wars = wars if wars is not None else max(1, n // 25)
    camp = np.where(np.arange(n) % 2 == 0, -1.0, 1.0)
    doctrines = ["hedger"] * n
    for i in range(min(3, n)):
        doctrines[i] = "patron" if camp[i] < 0 else "covert_partner"
    fighters = list(range(3, 3 + 2 * wars))
    for i in fighters:
        doctrines[i] = "belligerent"
    for i in range(3 + 2 * wars, min(n, 3 + 2 * wars + max(2, n // 10))):
        doctrines[i] = "arms_exporter"
    actors = {}
    for i, aid in enumerate(ids):
        economy = float(np.round(rng.lognormal(5.5, 1.3), 1))
        actors[aid] = {
            "name": f"Actor {i}", "doctrine": doctrines[i], "economy": economy,
            "military_spending": round(economy * 0.02, 2),
            "stocks": {"shells": float(rng.integers(1e5, 5e6)), "drones": float(rng.integers(0, 5000)),
                       "missiles": float(rng.integers(0, 2000)), "air_defence": float(rng.integers(0, 2000)),
                       "troops": float(rng.integers(10, 500))},
            "production": {"shells": float(rng.integers(0, 1e5)), "drones": float(rng.integers(0, 300))},
            "reserves": round(economy * 0.1, 1), "food_exports": round(float(rng.uniform(0, 3)), 2),
            "reputation_concern": round(float(rng.uniform(0, 1)), 2),
        }
    noise = rng.normal(0, 0.25, (n, n))
    base = np.clip(0.5 * np.outer(camp, camp) + (noise + noise.T) / 2, -1, 1)
    relations = [[ids[i], ids[j], round(float(base[i, j]), 3)] for i in range(n) for j in range(i + 1, n)]
    theaters = {}
    for w in range(wars):
        a, d = fighters[2 * w], fighters[2 * w + 1]
        burn = {"shells": 200000.0, "drones": 100.0, "missiles": 20.0, "troops": 50.0}
        theaters[f"war{w}"] = {"name": f"War {w}", "attacker": ids[a], "defender": ids[d], "front": 10.0,
                               "attacker_burn": burn, "defender_burn": burn}
    return Scenario.model_validate({
        "name": f"generated-{n}", "description": f"synthetic world of {n} actors", "fictional": True,
        "steps": steps, "poles": {"west": [ids[0]], "east": [ids[1]]}, "actors": actors,
        "relations": relations, "theaters": theaters,
        "sanctions": [{"by": ids[0], "on": ids[1], "intensity": 0.3}],
    })
