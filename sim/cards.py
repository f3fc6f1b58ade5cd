"""One actor's state as plain data: what `blocsim exercise --actor` prints and the dashboard's inspector shows.

Everything is read from the world's arrays and running totals, never re-summed from the event log.
"""

from __future__ import annotations

import numpy as np

from sim.actions import UNITS
from sim.scenario.schema import ITEMS
from sim.world import World


def _ranked(values: np.ndarray, ids: list[str], keep: np.ndarray, descending: bool = True) -> list[tuple[str, float]]:
    order = np.argsort(-values if descending else values, kind="stable")
    return [(ids[j], float(values[j])) for j in order if keep[j]]


def actor_card(world: World, aid: str, *, lean: float, doctrine: str, needs: np.ndarray) -> dict:
    """The card of actor `aid`: standing, economy, stocks and what it lacks, partners, sanctions, flows.

    `needs` is its row of `BlocModel.needs()` (units it lacks, per item); `doctrine` the one in force.
    Flows come twice: this month's (`arms_in`, `aid_in`...) and the whole run's (`arms_sent`...)."""
    w = world
    i = w.index[aid]
    stocks = [{"item": item, "unit": UNITS[item], "stock": float(w.stocks[i, k]),
               "production": float(w.production[i, k]), "lacks": float(needs[k]),
               "received": float(w.arms_flow[:, i, k].sum()), "sent": float(w.arms_flow[i, :, k].sum())}
              for k, item in enumerate(ITEMS)]
    sent, received = w.arms_total[i].sum(axis=0), w.arms_total[:, i].sum(axis=0)
    return {
        "id": aid, "name": w.names[i], "doctrine": doctrine, "lean": float(lean), "power": float(w.power[i]),
        "economy": float(w.economy[i]), "reserves": float(w.reserves[i]), "frozen": float(w.frozen[i]),
        "sanction_pressure": float(w.sanction_pressure[i]), "economic_damage": float(w.damage[i]),
        "reputation_concern": float(w.reputation[i]), "reputation_cost": float(w.reputation_cost[i]),
        "stocks": stocks,
        "needs": [s["item"] for s in stocks if s["lacks"] > 0],
        **_relations(i, w.ids, affinity=w.affinity, sanctions=w.sanctions, arms=w.arms_flow, aid=w.aid_flow),
        # the whole run
        "arms_sent": {item: float(x) for item, x in zip(ITEMS, sent) if x > 0},
        "arms_received": {item: float(x) for item, x in zip(ITEMS, received) if x > 0},
        "dual_use_sold_bn": float(w.covert_total[i].sum()),
        "aid_given_bn": float(w.aid_total[i].sum()), "aid_received_bn": float(w.aid_total[:, i].sum()),
    }


def public_card(actor: str, ids: list[str], names: list[str], *, affinity: np.ndarray, sanctions: np.ndarray,
                arms: np.ndarray, aid: np.ndarray, power: np.ndarray, economy: np.ndarray, pressure: np.ndarray,
                lean: np.ndarray) -> dict:
    """The public part of `actor`'s card: standing, relations, sanctions and this month's open flows
    (`arms` (n, n, K) and `aid` (n, n) as the reader may see them). Its own data (stocks, production,
    needs, reserves, doctrine) is None: not known."""
    i = ids.index(actor)
    return {
        "id": actor, "name": names[i], "doctrine": None, "lean": float(lean[i]), "power": float(power[i]),
        "economy": float(economy[i]), "reserves": None, "frozen": None, "sanction_pressure": float(pressure[i]),
        "stocks": None, "needs": None,
        **_relations(i, ids, affinity=affinity, sanctions=sanctions, arms=arms, aid=aid),
    }


def _relations(i: int, ids: list[str], *, affinity: np.ndarray, sanctions: np.ndarray, arms: np.ndarray,
               aid: np.ndarray) -> dict:
    """Actor `i`'s partners and rivals, the sanctions on it and by it, and this month's arms (n, n, K)
    and aid (n, n) flows in and out: the part of a card that is public."""
    others = np.arange(len(ids)) != i
    aff = affinity[i]
    arms_now = arms.sum(axis=2)
    return {
        "partners": _ranked(aff, ids, others & (aff > 0))[:5],
        "rivals": _ranked(aff, ids, others & (aff < 0), descending=False)[:5],
        "sanctioned_by": _ranked(sanctions[:, i], ids, others & (sanctions[:, i] > 0.005)),
        "sanctions_on": _ranked(sanctions[i], ids, others & (sanctions[i] > 0.005)),
        "arms_in": _ranked(arms_now[:, i], ids, others & (arms_now[:, i] > 0)),
        "arms_out": _ranked(arms_now[i], ids, others & (arms_now[i] > 0)),
        "aid_in": float(aid[:, i].sum()), "aid_out": float(aid[i].sum()),
    }


def model_card(model, aid: str) -> dict:
    """The card of `aid` in a live model, with the name of the bloc it ends in."""
    from sim.compare import bloc_of

    i = model.world.index[aid]
    card = actor_card(model.world, aid, lean=model.leans[i], doctrine=model.doctrine_of(i).name,
                      needs=model.needs()[i])
    return {**card, "bloc": bloc_of(model)[aid]}
