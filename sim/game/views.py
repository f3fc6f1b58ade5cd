"""What each role sees, computed from the game (never filtered in a browser).

A team sees its own country (stocks, production, needs, reserves, treaties, sanctions on
it and by it), the public record (open moves, UN votes, the fronts), everything done to
it or by it (covert trade included), its own orders and what the facilitator revealed to
it, and the arms requested of it last month (`requests`). Covert moves and arms requests it
is not party to, other countries' stocks and other teams' orders are not in its view. The observer sees the public record; the facilitator sees everything.

`Sight` is the one statement of these rules: the JSON views below and the pages' dashboard frames
(`viz.session.build_frame`) both apply it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.actions import UNITS
from sim.scenario.schema import ITEMS
from sim.world import ITEM


PRIVATE = ("dual_use_trade", "arms_request", "decline")   # covert trade; requests and answers between two


def _public(a) -> bool:
    """Whether a move is in the public record: not covert trade, and not a field the facilitator set
    by hand (it may tell a country's stocks); scheduled events' changes are public."""
    return (not a.covert and a.kind not in PRIVATE and not (a.kind == "policy" and a.source == "inject"))


# A country's own data: what only its team (and the facilitator) may see of it.
PRIVATE_FIELDS = ("stocks", "production", "reserves", "frozen", "needs", "doctrine")   # per-actor state
PRIVATE_SERIES = (*ITEMS, "reserves", "reputation_cost")   # per-actor series columns (ITEMS: its stocks)
PUBLIC_SUMMARY = ("scenario", "steps", "start", "end", "alignment_rule", "blocs", "nonaligned", "cohesion",
                  "polarization", "lean", "front", "votes")   # what everyone may read of the model's summary


@dataclass(frozen=True)
class Sight:
    """What a principal may see. Everything (the facilitator); or the public record (blocs, leanings,
    relations, power, economies, sanctions and their pressure, open arms transfers and aid, the
    fronts and UN votes) plus, for a team, its own country's private data and the covert moves and
    requests its country made or met (`country`; None for the observer)."""

    everything: bool = False
    country: str | None = None

    def sees_private(self, actor: str) -> bool:
        """Whether the private data (PRIVATE_FIELDS, PRIVATE_SERIES) of `actor` is visible."""
        return self.everything or actor == self.country

    def sees(self, a) -> bool:
        """Whether the move `a` is visible: public, or made or met by the sight's country."""
        return self.everything or _public(a) or (self.country is not None and self.country in (a.actor, a.target))

    @property
    def sees_seed(self) -> bool:
        """Whether the run's seed is told: with it and the public scenario, a reader could replay the AI
        countries' choices offline."""
        return self.everything

    def told(self, a):
        """The move as this sight reads it: the reasons of moves between others are not told (they tell
        what others hold and need)."""
        return a if self.everything or self.country in (a.actor, a.target) else a.with_result(reason="")


EVERYTHING = Sight(everything=True)


def sight_of(p) -> Sight:
    """The sight of a principal (a `sim.game.Principal`)."""
    if p.role == "facilitator":
        return EVERYTHING
    return Sight(country=p.country if p.role == "team" else None)


def _event(a, names, sight: Sight = EVERYTHING) -> dict:
    """A move as a sight reads it."""
    return {"step": a.step, "date": a.date, "actor": a.actor, "target": a.target, "kind": a.kind,
            "source": a.source, "text": sight.told(a).sentence(names)}


def country_state(model, country: str) -> dict:
    """One country's own state: what its team sees of itself."""
    w = model.world
    i = w.index[country]
    needs = model.needs()[i]
    return {
        "id": country, "name": w.names[i],
        "stocks": {k: float(w.stocks[i, ITEM[k]]) for k in ITEMS},
        "production": {k: float(w.production[i, ITEM[k]]) for k in ITEMS},
        "needs": {k: float(needs[ITEM[k]]) for k in ITEMS if needs[ITEM[k]] > 0},
        "units": dict(UNITS),
        "reserves_bn": float(w.reserves[i]), "frozen_bn": float(w.frozen[i]),
        "economy_bn": float(w.economy[i]), "sanction_pressure": float(w.sanction_pressure[i]),
        "sanctions_on_it": {w.ids[j]: float(w.sanctions[j, i]) for j in range(w.n) if w.sanctions[j, i] > 0},
        "its_sanctions": {w.ids[j]: float(w.sanctions[i, j]) for j in range(w.n) if w.sanctions[i, j] > 0},
        "treaties": [{"id": tid, "title": t["title"], "kind": t["kind"], "in_force": bool(t["in_force"]),
                      "parties": [w.ids[p] for p in t["parties"]]}
                     for tid, t in w.treaties.items() if i in t["parties"]],
        "foreign_troops": float(w.deployed[i]),
        "at_war_with": [w.ids[j] for j in range(w.n) if w.at_war[i, j]],
    }


def public_state(model) -> dict:
    """What everyone knows: the fronts, the UN votes, the blocs and leanings."""
    blocs, nonaligned = model.bloc_lists()
    w = model.world
    return {"fronts": {tid: {"name": t.name, "attacker": t.attacker, "defender": t.defender,
                             "front": float(w.fronts[tid]), "active": bool(t.active)}
                       for tid, t in model.theaters.items()},
            "votes": [{k: v[k] for k in ("id", "title", "date", "condemns", "for", "against", "abstain",
                                         "adopted", "vetoed_by")} for v in model.votes],
            "blocs": blocs, "nonaligned": nonaligned,
            "lean": {a: round(float(x), 4) for a, x in zip(w.ids, model.leans)}}


def view(game, p, since: int = 0) -> dict:
    """`since`: only the moves of model steps after it (a page that has the earlier ones)."""
    model = game.current_model()
    moves = [a for a in model.events if a.step > since]
    names = game.names
    status = game.status(p)
    sight = sight_of(p)
    seen = [a for a in moves if sight.sees(a)]
    out = {"role": p.role, "game": status, "public": public_state(model),
           "messages": [m for m in game.messages if m["team"] is None or p.role == "facilitator"
                        or m["team"] == p.country],
           "events": [_event(a, names, sight) for a in seen]}
    if p.role == "facilitator":
        out["countries"] = {a: country_state(model, a) for a in model.world.ids}
        out["orders"] = game.orders(p)
        out["reveals"] = list(game.reveals.values())
        return out
    if p.role == "observer":
        return out
    me = p.country
    out["country"] = country_state(model, me)
    out["done_to_it"] = [_event(a, names, sight) for a in moves if a.target == me and a.actor != me]
    out["orders"] = game.orders(p).get(me, [])
    # arms requested of it last month: its doctrine would weigh them now; a team answers with arms_transfer orders
    out["requests"] = [{**_event(a, names, sight), "item": a.item, "amount": a.amount, "payment_item": a.payment_item,
                        "payment_amount": a.payment_amount}
                       for a in model.events.for_step(model.world.step) if a.kind == "arms_request" and a.target == me]
    revealed = []
    for r in game.reveals.values():
        if r["team"] != me or r["hidden"]:
            continue
        item = {"id": r["id"], "note": r["note"], "about": r["about"], "at": r["at"]}
        if r["about"]:
            kind, _, who = r["about"].partition(":")
            if kind == "stocks":
                item["data"] = country_state(model, who)["stocks"]
            else:
                turn = game.turn
                item["data"] = [o.model_dump() for o in turn.orders_of(who)]
        revealed.append(item)
    out["revealed"] = revealed
    return out
