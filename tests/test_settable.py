"""Settable fields (sim/settable.py): one check, one way to apply, one sentence, wherever a change comes from."""

from __future__ import annotations

import pytest
import yaml

from sim import settable
from sim.errors import UserError
from sim.model import BlocModel
from sim.scenario import load_scenario
from sim.settable import FIELDS, Change, Settable, check, register_settable
from sim.world import ITEM
from tests.conftest import SMALL, make_scenario

def _agent(m: BlocModel, actor_id: str):
    return next(a for a in m.agents if a.actor_id == actor_id)


def _write(tmp_path, data) -> str:
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(data))
    return str(path)


# One row per registered field: a path in the small world, a value, what the running model
# shows afterwards, who the record names, and the sentence it says. Adding a field to the
# registry without a row here fails `test_every_registered_field_has_a_row`.
CASES = [
    ("actors.PAT.doctrine", "hedger", lambda m: _agent(m, "PAT").doctrine.name == "hedger",
     ("PAT", "PAT"), "Patronia set its doctrine to hedger"),
    ("actors.PAT.doctrine_params.aid_per_month", 0.5,
     lambda m: _agent(m, "PAT").doctrine.params.aid_per_month == 0.5,
     ("PAT", "PAT"), "Patronia set its aid per month to 0.5"),
    ("actors.SUP.reputation_concern", 0.9, lambda m: m.world.reputation[m.world.index["SUP"]] == 0.9,
     ("SUP", "SUP"), "Supplia set its reputation concern to 0.9"),
    ("actors.SUP.production.air_defence", 40,
     lambda m: m.world.production[m.world.index["SUP"], ITEM["air_defence"]] == 40,
     ("SUP", "SUP"), "Supplia set its production of air defence to 40"),
    ("actors.AGG.stocks.shells", 0, lambda m: m.world.stocks[m.world.index["AGG"], ITEM["shells"]] == 0,
     ("AGG", "AGG"), "Aggressia set its stock of shells to 0"),
    ("theaters.front.active", False, lambda m: not m.theaters["front"].active and not m.world.at_war.any(),
     ("AGG", "DEF"), "Aggressia and Defendia stopped fighting on their front"),
    ("theaters.front.front", 55, lambda m: m.world.fronts["front"] == 55,
     ("AGG", "DEF"), "The front moved: Aggressia now holds 55% of Defendia's territory"),
    ("theaters.front.attacker_burn.shells", 1000, lambda m: m.burn[m.world.index["AGG"], ITEM["shells"]] == 1000,
     ("AGG", "AGG"), "Aggressia set its attacker fire rate of shells to 1000"),
    ("theaters.front.defender_burn.troops", 5, lambda m: m.burn[m.world.index["DEF"], ITEM["troops"]] == 5,
     ("DEF", "DEF"), "Defendia set its defender fire rate of troops to 5"),
    ("theaters.front.speed", 4.0, lambda m: m.theaters["front"].speed == 4.0,
     ("AGG", "AGG"), "Aggressia set its speed to 4.0"),
    ("theaters.front.defender_advantage", 2.5, lambda m: m.theaters["front"].defender_advantage == 2.5,
     ("AGG", "AGG"), "Aggressia set its defender advantage to 2.5"),
    ("theaters.front.noise", 0.0, lambda m: m.theaters["front"].noise == 0.0,
     ("AGG", "AGG"), "Aggressia set its noise to 0.0"),
]


def test_every_registered_field_has_a_row():
    rows = set()
    for path, *_ in CASES:
        found = settable.parse(make_scenario(), path)
        assert not isinstance(found, str), found
        rows.add(found[0].pattern())
    assert rows == set(FIELDS)


@pytest.mark.parametrize("path, value, holds, concerns, sentence", CASES, ids=[c[0] for c in CASES])
def test_a_change_applies_to_the_running_model_and_a_scheduled_one_is_told(path, value, holds, concerns, sentence):
    m = BlocModel(make_scenario(), seed=0)
    assert not holds(m)
    Change(path, value).apply(m)
    assert holds(m)
    s = make_scenario(events={"e": {"description": "a change", "step": 2, "set": {path: value}}})
    m = BlocModel(s, seed=0).run(2)
    [record] = [a for a in m.events if a.kind == "policy"]
    assert record.step == 2 and (record.actor, record.target) == concerns
    assert (record.path, record.value) == (path, value), "the record carries the path and the typed value"
    assert record.sentence(dict(zip(m.world.ids, m.world.names))) == f"{sentence}, because of the event: a change."


def test_one_check_for_an_event_a_set_flag_a_dial_and_an_inject(tmp_path):
    """A value out of range gets the same words in a file's event, from --set, from a dial and mid-run."""
    from viz.session import Session

    expected = "got 1.5 (less than or equal to 1)"
    assert check(make_scenario(), "actors.SUP.reputation_concern", 1.5) == expected
    event = {"e": {"description": "x", "step": 1, "set": {"actors.SUP.reputation_concern": 1.5}}}
    with pytest.raises(UserError) as event_error:
        load_scenario(_write(tmp_path, dict(SMALL, events=event)))
    assert event_error.value.messages[0].endswith(f"events.e.set.actors.SUP.reputation_concern: {expected}")
    with pytest.raises(UserError) as flag_error:
        load_scenario(_write(tmp_path, SMALL), overrides={"actors.SUP.reputation_concern": 1.5})
    assert flag_error.value.messages == [f"override: actors.SUP.reputation_concern: {expected}"]
    dial_errors = Session(_write(tmp_path, SMALL)).configure(overrides={"actors.SUP.reputation_concern": 1.5})
    assert dial_errors == flag_error.value.messages
    with pytest.raises(UserError) as inject_error:
        BlocModel(make_scenario(), seed=0).inject(Change("actors.SUP.reputation_concern", 1.5))
    assert str(inject_error.value) == f"set actors.SUP.reputation_concern: {expected}"


def test_a_file_event_out_of_range_is_located(tmp_path):
    data = dict(SMALL, events={"e": {"description": "x", "step": 1, "set": {"theaters.front.speed": 50}}})
    with pytest.raises(UserError) as err:
        load_scenario(_write(tmp_path, data))
    assert "events.e.set.theaters.front.speed: got 50 (less than or equal to 20)" in err.value.messages[0]


@pytest.mark.parametrize("path, words", [
    ("actors.XXX.stocks.shells", "unknown actor 'XXX'"),
    ("actors.PAT.economy", "cannot change 'economy' during a run"),
    ("actors.PAT.stocks.bananas", "a path actors.ID.stocks.ITEM (ITEM: shells"),
    ("actors.PAT.stocks", "a path actors.ID.stocks.ITEM"),
    ("theaters.nowhere.speed", "unknown theater 'nowhere'"),
    ("theaters.front.ration", "cannot change 'ration' during a run"),
    ("alignment.params.x", "a path actors.ID.FIELD"),
    ("actors.PAT.doctrine_params.no_such", "patron has no parameter 'no_such'"),
])
def test_bad_paths_are_named(path, words):
    assert words in check(make_scenario(), path, 1)


def test_a_doctrine_parameter_is_checked_against_the_doctrine_in_force():
    m = BlocModel(make_scenario(), seed=0)
    change = Change("actors.PAT.doctrine_params.aid_per_month", 1.0)
    assert change.problem_now(m) is None
    m.inject(Change("actors.PAT.doctrine", "hedger"))
    m.step()
    assert "hedger has no parameter 'aid_per_month'" in change.problem_now(m)
    with pytest.raises(UserError):
        m.inject(change)


def test_adding_a_field_is_one_entry():
    """A new settable field registered in one class is checked, applied, logged and told."""

    @register_settable
    class Reserves(Settable):
        owner, field, noun = "actors", "reserves", "foreign reserves ($bn)"

        @classmethod
        def apply(cls, model, p, value):
            model.world.reserves[model.world.index[p.id]] = float(value)

    try:
        assert "greater than or equal to 0" in check(make_scenario(), "actors.DEF.reserves", -5)
        s = make_scenario(events={"e": {"description": "a loan", "step": 1, "set": {"actors.DEF.reserves": 40}}})
        m = BlocModel(s, seed=0)
        Change("actors.PAT.reserves", 7).apply(m)
        assert m.world.reserves[m.world.index["PAT"]] == 7
        m.inject(Change("actors.AGG.reserves", 0))
        m.step()
        told = [a.sentence(dict(zip(m.world.ids, m.world.names))) for a in m.events if a.kind == "policy"]
        assert "Defendia set its foreign reserves ($bn) to 40, because of the event: a loan." in told
        assert "Aggressia set its foreign reserves ($bn) to 0." in told
    finally:
        del FIELDS[Reserves.pattern()]


@pytest.mark.parametrize("value, at_war, words", [("no", False, "stopped fighting"), ("yes", True, "opened a front"),
                                                  (False, False, "stopped fighting")])
def test_a_front_closes_or_opens_as_the_value_reads(value, at_war, words):
    s = make_scenario(events={"e": {"description": "x", "step": 1, "set": {"theaters.front.active": value}}})
    m = BlocModel(s, seed=0).run(1)
    assert bool(m.world.at_war.any()) is at_war
    assert words in next(a for a in m.events if a.kind == "policy").sentence()


def test_policy_records_log_as_before(small):
    """The event log keeps its shape: a policy record shows item and detail, not path and value."""
    s = make_scenario(events={"e": {"description": "x", "step": 1, "set": {"actors.AGG.stocks.shells": 0}}})
    m = BlocModel(s, seed=0).run(1)
    [row] = [r for r in m.events.to_dicts() if r["kind"] == "policy"]
    assert row["item"] == "stocks.shells" and row["detail"] == "0" and "path" not in row and "value" not in row
