"""Team orders: the model's own action kinds, checked when submitted.

An order is an `ActionSpec` whose actor is the team's country. It is checked by the same
`ActionKind.check_spec` the scenario loader and the injects use, then against the
country's resources *together with its other orders this turn*: two orders that between
them exceed a stock are refused with the reason, never scaled down.

A UN vote intention is an order of kind `diplomatic` with item `vote_against` (it votes
for the resolution condemning the target), `vote_for` (it sides with the target: votes
against the resolution) or `abstain`. It is accepted only when a vote condemning that
target falls in the turn, and it replaces the doctrine's choice in that vote.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import ValidationError

from sim.actions import ACTION_KINDS, UNITS, Action, prose_name
from sim.scenario import unknown
from sim.scenario.schema import ITEMS, ActionSpec, Prices
from sim.world import ITEM

ORDER_KINDS = tuple(k for k in ACTION_KINDS if k != "policy")   # a policy change is the facilitator's (set)
VOTE_CHOICE = {"vote_against": "for", "vote_for": "against", "abstain": "abstain"}
"""A vote intention's item -> how the country votes on the resolution condemning the target."""
MAX_AMOUNT = 1e9
MAX_ORDERS = 50   # per team and turn
MAX_REASON = 500  # characters


class OrderProblem(Exception):
    """An order that cannot be accepted; the message says why."""


def parse_order(raw: Any, actor: str) -> ActionSpec:
    """An order from a mapping (YAML, JSON or a form); `actor` defaults to the team's country."""
    if isinstance(raw, ActionSpec):
        raw = raw.model_dump()
    if not isinstance(raw, dict):
        raise OrderProblem(f"an order is a mapping with kind, target, item, amount (got {type(raw).__name__})")
    raw = {"actor": actor, **raw}
    kind = raw.get("kind")
    if kind not in ORDER_KINDS:
        if kind == "policy":
            raise OrderProblem("kind 'policy': a policy change is set by the facilitator, not ordered")
        raise OrderProblem(f"kind: {unknown('action', kind, ORDER_KINDS)}")
    try:
        spec = ActionSpec.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            field = ".".join(str(x) for x in err["loc"]) or "order"
            if err["type"] == "extra_forbidden":
                problems.append(f"{field}: unknown field (fields: {', '.join(ActionSpec.model_fields)})")
            else:
                problems.append(f"{field}: got {err.get('input')!r} ({err['msg'].replace('Input should be ', '')})")
        raise OrderProblem("; ".join(problems)) from None
    if len(spec.reason) > MAX_REASON:
        raise OrderProblem(f"reason: {len(spec.reason)} characters (at most {MAX_REASON})")
    for field in ("amount", "payment_amount"):
        value = getattr(spec, field)
        if not math.isfinite(value) or value > MAX_AMOUNT:
            raise OrderProblem(f"{field}: got {value!r} (a number from 0 to {MAX_AMOUNT:g})")
    return spec


def resource_use(spec: ActionSpec) -> dict[str, float]:
    """What an order draws on: 'stocks.ITEM' (units) and 'reserves' ($bn)."""
    if spec.kind == "arms_transfer":
        return {f"stocks.{spec.item}": spec.amount}
    if spec.kind in ("economic_support", "procure") or (spec.kind == "payment" and spec.item == "cash"):
        return {"reserves": spec.amount}
    return {}


def available(model, country: str) -> dict[str, float]:
    """The pools a country's orders draw on, at the start of the turn."""
    w = model.world
    i = w.index[country]
    return {**{f"stocks.{k}": float(w.stocks[i, ITEM[k]]) for k in ITEMS}, "reserves": float(w.reserves[i])}


def check_order(model, country: str, spec: ActionSpec, others: list[ActionSpec], months: range) -> None:
    """Raise OrderProblem unless `spec` can be carried out by `country` this turn beside `others`
    (its other orders this turn). `model` is the world at the start of the turn."""
    if spec.actor != country:
        raise OrderProblem(f"actor '{spec.actor}': a team acts only for its own country ({country})")
    problem = order_problem(model, spec)
    if problem:
        raise OrderProblem(problem)
    if len(others) >= MAX_ORDERS:
        raise OrderProblem(f"at most {MAX_ORDERS} orders a turn (withdraw one first)")
    if spec.kind == "diplomatic" and spec.item in VOTE_CHOICE:
        _check_vote(model, country, spec, others, months)
    pools = available(model, country)
    for pool, amount in resource_use(spec).items():
        used = sum(resource_use(o).get(pool, 0.0) for o in others)
        if used + amount > pools[pool] + 1e-9:
            unit = "$bn of reserves" if pool == "reserves" else UNITS[pool.split(".")[1]]
            together = f"; with its other orders this turn ({_num(used)}) that makes {_num(used + amount)}" if used else ""
            raise OrderProblem(f"{country} has {_num(pools[pool])} {unit}; this order needs {_num(amount)}{together}"
                               " (lower the amount or withdraw an order)")


def _num(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.3g}"


def order_problem(model, spec: ActionSpec) -> str | None:
    """The check an inject of the same action gets (`BlocModel.inject_problem`); a purchase from
    one's own industry (procure) names the country itself as its target."""
    if spec.kind != "procure":
        return model.inject_problem(spec)
    if spec.actor not in model.world.index:
        return f"actor: {unknown('actor', spec.actor, model.world.index)}"
    if spec.target != spec.actor:
        return "target: procure names the country itself"
    return ACTION_KINDS["procure"].check_spec(spec)


def _check_vote(model, country: str, spec: ActionSpec, others: list[ActionSpec], months: range) -> None:
    s, w = model.spec, model.world
    due = [v for v in s.votes.values() if s.when(v) in months and v.condemns == spec.target]
    if not due:
        upcoming = sorted((s.when(v), v.condemns) for v in s.votes.values() if s.when(v) >= months.start)
        nxt = "; next: " + ", ".join(f"{s.step_to_month(t)} on {c}" for t, c in upcoming[:3]) if upcoming else ""
        raise OrderProblem(f"no UN vote condemning {spec.target} is held this turn "
                           f"({s.step_to_month(months.start)}){nxt}")
    for v in due:
        voters = v.members or [a for a in w.ids if w.un_member[w.index[a]]]
        if country not in voters:
            raise OrderProblem(f"{country} does not vote on \"{v.title}\"")
    if any(o.kind == "diplomatic" and o.item in VOTE_CHOICE and o.target == spec.target for o in others):
        raise OrderProblem(f"{country} already has a vote intention on {spec.target} this turn (change that one)")


def is_vote(spec: ActionSpec) -> bool:
    return spec.kind == "diplomatic" and spec.item in VOTE_CHOICE


def to_action(spec: ActionSpec, step: int, date: str, source: str) -> Action:
    """The model's record of an order, ready for the step it is carried out in."""
    return Action(step=step, date=date, source=source, **spec.model_dump())


def order_sentence(spec: ActionSpec, names: dict[str, str], prices=None, proposed: bool = False) -> str:
    """An order in one plain sentence, as the log tells a move (`proposed`: as a move not yet made);
    ``prices`` (the scenario's ``economy.prices_bn``) say what a purchase buys at home prices."""
    if is_vote(spec):
        choice = VOTE_CHOICE[spec.item]
        verb, on = {"for": ("vote", "for"), "against": ("vote", "against"), "abstain": ("abstain", "on")}[choice]
        verb = f"would {verb} {on}" if proposed else f"{verb}s {on}"
        who, whom = (prose_name(names.get(x, x)) for x in (spec.actor, spec.target))
        text = f"{who} {verb} the resolution condemning {whom}" + (f", because {spec.reason}" if spec.reason else "")
        return text[0].upper() + text[1:] + "."
    action = to_action(spec, 0, "", "order")
    if spec.kind == "procure":   # what the money buys at home prices
        action = action.with_result(delivered=spec.amount / getattr(prices or Prices(), spec.item))
    return action.sentence(names, proposed)
