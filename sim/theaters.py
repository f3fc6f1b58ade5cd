"""Combat: each active theater burns stocks, air defence intercepts strikes, troops are lost, the front moves.

The phase runs after the month's actions are applied: foreign troops delivered this month
fight on top of the receiving side's own tempo.
"""

from __future__ import annotations

import numpy as np

from sim.scenario.schema import ITEMS, Theater
from sim.world import ITEM, World

K = len(ITEMS)
TROOPS, DRONES, MISSILES, SHELLS, AIR_DEFENCE = (ITEM[k] for k in ("troops", "drones", "missiles", "shells",
                                                                   "air_defence"))


def side_burn(theater: Theater, side_id: str) -> np.ndarray:
    """(K,) monthly fire that `side_id` wants at full tempo in this theater."""
    burn = theater.attacker_burn if side_id == theater.attacker else theater.defender_burn
    return np.array([getattr(burn, k) for k in ITEMS])


def burn_table(world: World, theaters: dict[str, Theater]) -> np.ndarray:
    """(n, K) monthly fire each belligerent wants, summed over its active theaters."""
    burn = np.zeros((world.n, K))
    for t in theaters.values():
        if t.active:
            burn[world.index[t.attacker]] += side_burn(t, t.attacker)
            burn[world.index[t.defender]] += side_burn(t, t.defender)
    return burn


def fight(world: World, t: Theater, side: int, other: int) -> float:
    """One side's month in theater `t`: it fires, the other side intercepts, it loses troops.

    Returns the combat value it delivered (weights x units fired, strikes discounted by interception)."""
    w = world
    tempo = side_burn(t, w.ids[side])
    tempo[TROOPS] += w.deployed[side]          # foreign troops fight too
    fired = np.minimum(w.stocks[side] * t.ration, tempo)
    fired[TROOPS] = min(w.stocks[side, TROOPS], tempo[TROOPS])
    troops = fired[TROOPS]
    fired[TROOPS] = 0.0
    strikes = fired[DRONES] + fired[MISSILES]
    intercept = min(w.stocks[other, AIR_DEFENCE], strikes * t.interception)
    w.stocks[other, AIR_DEFENCE] -= intercept
    w.fired[other, AIR_DEFENCE] += intercept
    hit = 1.0 - (intercept / strikes if strikes > 0 else 0.0)
    value = (t.weights.get("shells", 0) * fired[SHELLS]
             + hit * (t.weights.get("drones", 0) * fired[DRONES] + t.weights.get("missiles", 0) * fired[MISSILES])
             + t.weights.get("troops", 0) * troops)
    w.stocks[side] -= fired
    loss = t.troop_loss * troops
    w.stocks[side, TROOPS] -= loss
    if troops > 0:
        w.deployed[side] *= 1.0 - loss / troops
    fired[TROOPS] = loss
    w.fired[side] += fired
    return value


def resolve(world: World, theaters: dict[str, Theater], rng: np.random.Generator) -> None:
    """Every active theater fights a month; its front moves by the log ratio of combat power, plus noise."""
    w = world
    for tid, t in theaters.items():
        if not t.active:
            continue
        a, d = w.index[t.attacker], w.index[t.defender]
        att = fight(w, t, a, d)
        dfd = fight(w, t, d, a) * t.defender_advantage
        ratio = np.log((att + 1.0) / (dfd + 1.0))
        change = t.speed * np.tanh(ratio) + t.noise * rng.standard_normal()
        w.fronts[tid] = float(np.clip(w.fronts[tid] + change, 0.0, 100.0))
