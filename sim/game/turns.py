"""Playing one turn on the model: the facilitator's changes, injects and the teams' orders.

This is the one place the game touches the model. A turn's inputs apply at its first month:
settable changes, then injects, then the teams' orders in place of their countries' doctrine
decisions. In a turn's later months a team's country takes no decisions of its own; its
vote intentions hold for every vote in the turn.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
from dataclasses import dataclass, field

import numpy as np

from sim.actions import Action
from sim.model import BlocModel, plain
from sim.scenario import check_set_value
from sim.scenario import check_set_path
from sim.scenario.schema import ActionSpec, Scenario

from sim.game.orders import VOTE_CHOICE, is_vote, to_action


@dataclass
class TurnInputs:
    """What the people in the room put into one turn."""

    sets: list[tuple[str, object]] = field(default_factory=list)          # (path, value), in order
    injects: list[str | ActionSpec] = field(default_factory=list)         # event ids or composed actions
    orders: dict[str, list[ActionSpec]] = field(default_factory=dict)     # team country -> its orders


def new_model(scenario: Scenario, seed: int) -> BlocModel:
    return BlocModel(scenario, seed=seed)


def check_set(model: BlocModel, path: str, value) -> str | None:
    """A problem with setting `path` to `value` in the running model, or None."""
    problem = check_set_path(model.spec, path)
    if problem:
        return problem
    doctrine = None
    parts = path.split(".")
    if parts[0] == "actors":
        doctrine = model.doctrines[model.world.index[parts[1]]].name
    return check_set_value(model.spec, path, value, doctrine)


def play_turn(model: BlocModel, inputs: TurnInputs, months: int, teams: list[str]) -> BlocModel:
    """Step `model` through one turn of `months` months with `inputs` (the model is changed)."""
    w = model.world
    step = w.step + 1
    for path, value in inputs.sets:
        model._set(path, value)
        parts = path.split(".")
        who, whom = (parts[1], parts[1]) if parts[0] == "actors" else model._theater_actors(parts)
        model.events.extend([Action(step=step, date=model.spec.step_to_month(step), actor=who, target=whom,
                                    kind="policy", item=".".join(parts[2:]), detail=plain(value),
                                    source="facilitator", reason="the facilitator set it")])
    for item in inputs.injects:
        model.inject(item)
    votes = {(team, o.target): (VOTE_CHOICE[o.item], o.item, o.reason or "its team decided so")
             for team, orders in inputs.orders.items() for o in orders if is_vote(o)}
    for month in range(months):
        step = w.step + 1
        date = model.spec.step_to_month(step)
        model.orders = {team: [] for team in teams}
        if month == 0:
            for team, orders in inputs.orders.items():
                model.orders[team] = [to_action(o, step, date, f"order:{team}") for o in orders if not is_vote(o)]
        model.vote_intents = dict(votes)
        model.step()
    return model


def doctrine_advice(model: BlocModel, country: str, inputs: TurnInputs) -> list[Action]:
    """What `country`'s doctrine would decide at the turn's first month (on a copy of the model)."""
    trial = copy.deepcopy(model)
    for path, value in inputs.sets:
        trial._set(path, value)
    for item in inputs.injects:
        trial.inject(item)
    captured: list[Action] = []
    agent = next(a for a in trial.agents if a.actor_id == country)
    real = agent.doctrine

    class Recorder:   # the country's own doctrine, its decisions kept before they apply
        def __getattr__(self, name):
            return getattr(real, name)

        def decide(self, me, ctx):
            out = real.decide(me, ctx)
            captured.extend(out)   # the records themselves: after the step they say what came of them
            return out

    agent.doctrine = Recorder()
    trial.step()
    return [a for a in captured if a.actor == country and not a.blocked]


def state_digest(model: BlocModel) -> str:
    """A fingerprint of the whole model state: arrays, fronts, treaties, random state, log and series."""
    h = hashlib.sha256()
    w = model.world
    for f in dataclasses.fields(w):
        value = getattr(w, f.name)
        if isinstance(value, np.ndarray):
            h.update(f.name.encode())
            h.update(np.ascontiguousarray(value).tobytes())
    rest = {"step": w.step, "fronts": w.fronts, "rng": model.rng.bit_generator.state,
            "treaties": {k: {**t, "assistance": list(map(float, t["assistance"]))} for k, t in w.treaties.items()},
            "doctrines": [(d.name, d.params.model_dump()) for d in model.doctrines],
            "events": [a.to_dict() for a in model.events], "rows": model.rows[-1], "votes": model.votes}
    h.update(json.dumps(rest, sort_keys=True, default=str).encode())
    return h.hexdigest()
