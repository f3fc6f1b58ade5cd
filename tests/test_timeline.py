"""A run with a timeline (sim/timeline.py): inputs by month, exact replay, branches, a saved form."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import ClassVar

import pandas as pd
import pytest

from sim.errors import UserError
from sim.model import BlocModel
from sim.scenario.schema import ActionSpec
from sim.timeline import INPUTS, Given, InjectAction, InjectEvent, Input, Run, SetField, register_input
from tests.conftest import make_scenario

EMBARGO = {"embargo": {"description": "Patronia embargoes Supplia", "step": 5, "actions": [
    {"kind": "sanction", "actor": "PAT", "target": "SUP", "item": "trade", "amount": 0.5}]}}
SHELLS = ActionSpec(kind="arms_transfer", actor="SUP", target="DEF", item="shells", amount=200_000,
                    reason="a facilitator injected it")


def played(run: Run) -> Run:
    """A run with one input of each kind, at months 1 and 3, stepped to month 5."""
    run.step(1)
    run.give(InjectEvent("embargo"))
    run.give(SetField("actors.AGG.stocks.shells", 0))
    run.step(2)
    run.give(InjectAction(SHELLS))
    run.step(2)
    return run


@pytest.fixture
def scenario():
    return make_scenario(events=EMBARGO, steps=8)


def test_inputs_apply_at_the_next_month_and_are_logged(scenario):
    run = Run(scenario, seed=3)
    run.step(1)
    run.give(InjectEvent("embargo"))
    assert not [a for a in run.model.events if a.source.startswith("inject")], "nothing before the step"
    run.step(1)
    assert [a.step for a in run.model.events if a.source == "inject:embargo"] == [2]
    assert run.timeline == [Given(1, InjectEvent("embargo"))]


def test_a_run_with_inputs_equals_the_model_driven_by_hand(scenario):
    run = played(Run(scenario, seed=3))
    m = BlocModel(scenario, seed=3)
    m.step()
    m.inject("embargo")
    from sim.settable import Change
    m.inject(Change("actors.AGG.stocks.shells", 0))
    m.run(2)
    m.inject(SHELLS)
    m.run(2)
    pd.testing.assert_frame_equal(run.model.agent_series(), m.agent_series())
    assert [a.to_dict() for a in run.model.events] == [a.to_dict() for a in m.events]


def test_replay_goes_back_exactly_and_keeps_the_later_inputs(scenario):
    run = played(Run(scenario, seed=3))
    run.step(3)
    whole = run.model.agent_series()
    run.replay(2)
    assert run.now == 2
    pd.testing.assert_frame_equal(run.model.agent_series(), whole[whole.step <= 2].reset_index(drop=True))
    run.step(6)
    pd.testing.assert_frame_equal(run.model.agent_series(), whole)


def test_a_branch_shares_the_inputs_before_it_and_leaves_the_run_alone(scenario):
    run = played(Run(scenario, seed=3))
    before = run.model.agent_series()
    branch = run.branch(2)
    assert branch.now == 2 and [g.at for g in branch.timeline] == [1, 1], "the month-3 action is not shared"
    branch.give(SetField("theaters.front.active", False))
    branch.step(3)
    pd.testing.assert_frame_equal(run.model.agent_series(), before)
    assert run.now == 5 and len(run.timeline) == 3
    shared = branch.model.series().iloc[:3]
    pd.testing.assert_frame_equal(shared, run.model.series().iloc[:3])
    assert branch.model.world.fronts["front"] == pytest.approx(branch.model.series().iloc[3]["front_front"])
    assert branch.model.series()["front_front"].iloc[3:].nunique() == 1, "the front stands still once closed"


def test_the_saved_form_is_json_and_replays_the_same_run(scenario):
    run = played(Run(scenario, seed=3))
    text = json.dumps(run.to_dict())
    again = Run.from_dict(json.loads(text))
    assert again.now == run.now and again.timeline == run.timeline
    pd.testing.assert_frame_equal(again.model.agent_series(), run.model.agent_series())
    assert [a.to_dict() for a in again.model.events] == [a.to_dict() for a in run.model.events]
    again.step(3), run.step(3)
    pd.testing.assert_frame_equal(again.model.series(), run.model.series())


@pytest.mark.parametrize("given, words", [
    (InjectEvent("nothing"), "unknown event 'nothing'"),
    (SetField("actors.SUP.reputation_concern", 2), "got 2 (less than or equal to 1)"),
    (SetField("actors.SUP.economy", 2), "cannot change 'economy' during a run"),
    (InjectAction(SHELLS.model_copy(update={"target": "SUP"})), "cannot act on itself"),
    (InjectAction(SHELLS.model_copy(update={"item": "bananas"})), "'bananas' does not fit arms_transfer"),
])
def test_an_input_that_cannot_apply_is_refused_and_not_recorded(scenario, given, words):
    run = Run(scenario, seed=0)
    assert words in run.problem(given)
    with pytest.raises(UserError):
        run.give(given)
    assert run.timeline == []


def test_no_input_after_the_last_month(scenario):
    run = Run(scenario, seed=0)
    assert run.step(100) == 8 and run.at_end
    assert "last step (8)" in run.problem(InjectEvent("embargo"))


@pytest.mark.parametrize("data, words", [
    ({"format": 2}, "not a saved run"),
    ({"format": 1, "scenario": {"name": "x"}}, "description"),
    ({"format": 1, "scenario": None, "seed": -1}, "seed: got -1"),
    ({"format": 1, "scenario": {}, "timeline": [{}] * 10_001}, "got 10001 inputs (a list of at most 10,000"),
])
def test_bad_saved_runs_get_messages(data, words):
    with pytest.raises(UserError) as err:
        Run.from_dict(data)
    assert words in str(err.value)


def test_a_bad_timeline_entry_is_named(scenario):
    data = Run(scenario).to_dict()
    data["timeline"] = [{"at": 0, "kind": "teleport"}]
    with pytest.raises(UserError, match="kind: one of event, action, set"):
        Run.from_dict(data)


def test_a_new_kind_of_input_is_one_class(scenario):
    """A team's orders, say: one Input subclass registered by kind, saved and replayed like the others."""

    @register_input
    @dataclass(frozen=True)
    class Embargoes(Input):
        kind: ClassVar[str] = "embargoes"
        by: str
        on: list

        def injects(self):
            return [ActionSpec(kind="sanction", actor=self.by, target=t, item="trade", amount=0.3) for t in self.on]

    try:
        run = Run(scenario, seed=1)
        assert "got 'NOBODY'" in run.problem(Embargoes("PAT", ["SUP", "NOBODY"]))
        run.give(Embargoes("PAT", ["SUP", "AGG"]))
        run.step(1)
        w = run.model.world
        assert w.sanctions[w.index["PAT"], w.index["AGG"]] == pytest.approx(0.3)
        again = Run.from_dict(json.loads(json.dumps(run.to_dict())))
        pd.testing.assert_frame_equal(again.model.agent_series(), run.model.agent_series())
    finally:
        del INPUTS["embargoes"]
