"""The run's summary (summary.json): where the world ended, the votes, the largest flows."""

from __future__ import annotations

import numpy as np

from sim import blocs as bloc_rules
from sim.actions import UNITS
from sim.scenario.schema import AID, ITEMS
from sim.votes import record_check
VOTE_FIELDS = ("id", "title", "date", "body", "condemns", "for", "against", "abstain", "adopted", "vetoed_by", "record")


def summarize(model) -> dict:
    """The summary of `model`'s run so far, as plain data."""
    w = model.world
    blocs, nonaligned = model.bloc_lists()
    coh = bloc_rules.cohesion(w.affinity, model.labels)
    arms = sorted(zip(*np.nonzero(w.arms_total)), key=lambda sdk: -w.arms_total[sdk])   # largest first
    aid = sorted(zip(*np.nonzero(w.aid_total)), key=lambda sdk: -w.aid_total[sdk])
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
        "arms_flows": [{"from": w.ids[s], "to": w.ids[d], "item": ITEMS[k], "amount": float(w.arms_total[s, d, k]),
                        "units": UNITS[ITEMS[k]]} for s, d, k in arms],
        "aid_flows": [{"from": w.ids[s], "to": w.ids[d], "item": AID[k], "bn": round(float(w.aid_total[s, d, k]), 3)}
                      for s, d, k in aid],
        "sanction_pressure": {a: round(float(p), 4) for a, p in zip(w.ids, w.sanction_pressure) if p > 0.005},
        "events_logged": len(model.events),
    }
