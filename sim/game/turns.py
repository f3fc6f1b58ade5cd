"""Playing one turn on a `Run` (sim/timeline.py): the facilitator's changes, injects and the teams' orders.

This is the one place the game touches the model, and only through the run's timeline. A
turn's inputs are given at its first month: settable changes, then injects, then each
team's orders (a `TeamOrders` input) in place of its country's doctrine decisions. In a
turn's later months a team's country takes no decisions of its own; its vote intentions
hold for every vote in the turn.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from sim.actions import Action
from sim.model import BlocModel
from sim.scenario import unknown
from sim.scenario.schema import ActionSpec
from sim.timeline import InjectAction, InjectEvent, Input, Run, SetField, register_input

from sim.game.orders import VOTE_CHOICE, OrderProblem, is_vote, order_problem, parse_order, to_action


@register_input
@dataclass(frozen=True)
class TeamOrders(Input):
    """A team's orders for the next month. They replace its country's doctrine decisions that
    month (no orders: it takes none); its vote intentions replace its votes."""

    kind: ClassVar[str] = "orders"
    country: str
    orders: tuple   # ActionSpec fields, JSON-safe

    def specs(self) -> list[ActionSpec]:
        return [ActionSpec.model_validate(o) for o in self.orders]

    def problem(self, model: BlocModel) -> str | None:
        if self.country not in model.world.index:
            return f"orders: {unknown('actor', self.country, model.world.index)}"
        try:
            for raw in self.orders:
                spec = parse_order(raw, self.country)
                if spec.actor != self.country:
                    return f"orders of {self.country}: actor {spec.actor} (a team acts for its own country)"
                problem = order_problem(model, spec)
                if problem:
                    return f"orders of {self.country}: {problem}"
        except OrderProblem as exc:
            return f"orders of {self.country}: {exc}"
        return None

    def queue(self, model: BlocModel) -> None:
        step = model.world.step + 1
        date = model.spec.step_to_month(step)
        specs = self.specs()
        model.orders[self.country] = [to_action(s, step, date, f"order:{self.country}")
                                      for s in specs if not is_vote(s)]
        for s in specs:
            if is_vote(s):
                model.vote_intents[(self.country, s.target)] = (VOTE_CHOICE[s.item], s.item,
                                                                s.reason or "its team decided so")

    @classmethod
    def from_dict(cls, data: dict) -> "TeamOrders":
        return cls(str(data["country"]), tuple(data["orders"]))


@dataclass
class TurnInputs:
    """What the people in the room put into one turn."""

    sets: list[tuple[str, object]] = field(default_factory=list)          # (path, value), in order
    injects: list[str | ActionSpec] = field(default_factory=list)         # event ids or composed actions
    orders: dict[str, list[ActionSpec]] = field(default_factory=dict)     # team country -> its orders

    def first_month(self) -> list[Input]:
        """The facilitator's inputs, given at the turn's first month."""
        return [SetField(p, v) for p, v in self.sets] + \
            [InjectEvent(i) if isinstance(i, str) else InjectAction(i) for i in self.injects]


def play_turn(run: Run, inputs: TurnInputs, months: int, teams: list[str]) -> None:
    """Step `run` through one turn of `months` months with `inputs` (UserError if an input cannot apply)."""
    for month in range(months):
        given = inputs.first_month() if month == 0 else []
        for team in teams:
            orders = inputs.orders.get(team, [])
            kept = orders if month == 0 else [o for o in orders if is_vote(o)]
            given.append(TeamOrders(team, tuple(o.model_dump() for o in kept)))
        for item in given:
            run.give(item)
        run.step(1)


def doctrine_advice(model: BlocModel, country: str, inputs: TurnInputs) -> list[Action]:
    """What `country`'s doctrine would decide at the turn's first month (on a copy of the model)."""
    trial = copy.deepcopy(model)
    for item in inputs.first_month():
        item.queue(trial)
    captured: list[Action] = []
    agent = next(a for a in trial.agents if a.actor_id == country)
    real = agent.doctrine

    class Recorder:   # the country's own doctrine; its decisions are kept (after the step: with outcomes)
        def __getattr__(self, name):
            return getattr(real, name)

        def decide(self, me, ctx):
            out = real.decide(me, ctx)
            captured.extend(out)
            return out

    agent.doctrine = Recorder()
    trial.step()
    return [a for a in captured if a.actor == country and not a.blocked]


def state_digest(model: BlocModel) -> str:
    """A fingerprint of the model state: its arrays, fronts, treaties, doctrines, random state, the
    latest month's moves and series row (the arrays carry everything earlier months did)."""
    h = hashlib.sha256()
    w = model.world
    for f in dataclasses.fields(w):
        value = getattr(w, f.name)
        if isinstance(value, np.ndarray):
            h.update(f.name.encode())
            h.update(np.ascontiguousarray(value).tobytes())
    rest = {"step": w.step, "fronts": w.fronts, "rng": model.rng.bit_generator.state,
            "treaties": {k: {**t, "assistance": list(map(float, t["assistance"]))} for k, t in w.treaties.items()},
            "doctrines": [(a.doctrine.name, a.doctrine.params.model_dump()) for a in model.agents],
            "events": len(model.events), "last": [a.to_dict() for a in model.events.for_step(w.step)],
            "rows": model.rows[-1], "votes": model.votes}
    h.update(json.dumps(rest, sort_keys=True, default=str).encode())
    return h.hexdigest()
