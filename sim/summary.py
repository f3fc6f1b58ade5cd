"""The run's summary (summary.json): where the world ended, the votes, the largest flows."""

from __future__ import annotations

import numpy as np

from sim import blocs as bloc_rules
from sim.actions import UNITS
from sim.scenario.schema import ITEMS
from sim.votes import record_check
from sim.world import ITEM

K = len(ITEMS)
VOTE_FIELDS = ("id", "title", "date", "body", "condemns", "for", "against", "abstain", "adopted", "vetoed_by", "record")


def summarize(model) -> dict:
    """The summary of `model`'s run so far, as plain data."""
    w = model.world
    blocs, nonaligned = model.bloc_lists()
    coh = bloc_rules.cohesion(w.affinity, model.labels)
    top = []
    flows = np.zeros((w.n, w.n, K))
    for a in model.events:
        if a.kind == "arms_transfer" and a.delivered:
            flows[w.index[a.actor], w.index[a.target], ITEM[a.item]] += a.delivered
    for s, d, k in zip(*np.nonzero(flows)):
        top.append({"from": w.ids[s], "to": w.ids[d], "item": ITEMS[k], "amount": float(flows[s, d, k]),
                    "units": UNITS[ITEMS[k]]})
    aid = [{"from": a.actor, "to": a.target, "item": a.item, "bn": a.amount} for a in model.events
           if a.kind == "economic_support"]
    aid_totals: dict[tuple, float] = {}
    for x in aid:
        aid_totals[(x["from"], x["to"], x["item"])] = aid_totals.get((x["from"], x["to"], x["item"]), 0) + x["bn"]
    return {
        "scenario": model.spec.name, "seed": model.seed, "steps": w.step,
        "start": model.spec.start, "end": model.month, "alignment_rule": model.rule_name,
        "blocs": blocs, "nonaligned": nonaligned,
        "cohesion": [round(coh[int(model.labels[w.index[b[0]]])], 4) for b in blocs],
        "polarization": round(model.rows[-1]["polarization"], 4),
        "lean": {a: round(float(x), 4) for a, x in zip(w.ids, model.leans)},
        "front": {tid: round(f, 3) for tid, f in w.fronts.items()},
        "votes": [{**{k: v[k] for k in VOTE_FIELDS}, "record_check": record_check(v) if v["record"] else None}
                  for v in model.votes],
        "arms_flows": sorted(top, key=lambda x: -x["amount"]),
        "aid_flows": [{"from": f, "to": t, "item": i, "bn": round(v, 3)}
                      for (f, t, i), v in sorted(aid_totals.items(), key=lambda kv: -kv[1])],
        "sanction_pressure": {a: round(float(p), 4) for a, p in zip(w.ids, w.sanction_pressure) if p > 0.005},
        "events_logged": len(model.events),
    }
