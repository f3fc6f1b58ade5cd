"""The model's step, determinism, conservation, theaters, events, treaties and votes."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import BlocModel
from sim.runner import outcomes, simulate
from sim.scenario import load_scenario
from sim.world import ITEM
from tests.conftest import make_scenario


def test_same_seed_gives_identical_series_and_log(small):
    a, b = BlocModel(small, seed=7).run(), BlocModel(small, seed=7).run()
    assert a.series().equals(b.series())
    assert a.agent_series().equals(b.agent_series())
    assert [x.to_dict() for x in a.events] == [x.to_dict() for x in b.events]


def test_different_seeds_give_different_fronts(small):
    fronts = {round(BlocModel(small, seed=s).run().world.fronts["front"], 6) for s in range(4)}
    assert len(fronts) > 1


def test_arms_are_conserved_every_step(model):
    """Change in the world's stock = created - fired: transfers only move arms."""
    for _ in range(6):
        before = model.world.stocks.sum(axis=0).copy()
        model.step()
        w = model.world
        expected = before + w.created.sum(axis=0) - w.fired.sum(axis=0)
        np.testing.assert_allclose(w.stocks.sum(axis=0), expected, rtol=1e-9, atol=1e-6)
        assert (w.stocks >= -1e-9).all()


def test_supplier_stock_falls_by_what_recipient_receives(model):
    model.step()
    w = model.world
    sup, agg = w.index["SUP"], w.index["AGG"]
    sent = w.arms_flow[sup, agg, ITEM["shells"]]
    assert sent > 0
    assert w.stocks[sup, ITEM["shells"]] == pytest.approx(3_000_000 - sent)


def test_front_moves_toward_the_stronger_side():
    strong = make_scenario(actors__SUP={"doctrine_params": {"export_share": 0.2, "items": ["shells"]}})
    weak = make_scenario(actors__SUP={"doctrine_params": {"export_share": 0.0, "items": ["shells"]}},
                         actors__PAT={"doctrine_params": {"aid_per_month": 0, "arms_share": 0.2}})
    front_strong = np.mean([simulate(strong, seed=s).world.fronts["front"] for s in range(3)])
    front_weak = np.mean([simulate(weak, seed=s).world.fronts["front"] for s in range(3)])
    assert front_strong > front_weak


def test_event_fires_at_its_step_and_not_before():
    s = make_scenario(events={"embargo": {"description": "Patronia embargoes Supplia", "step": 3, "actions": [
        {"kind": "sanction", "actor": "PAT", "target": "SUP", "item": "trade", "amount": 0.5}]}})
    m = BlocModel(s, seed=0)
    m.run(2)
    assert m.world.sanctions[m.world.index["PAT"], m.world.index["SUP"]] == 0
    m.step()
    assert m.world.sanctions[m.world.index["PAT"], m.world.index["SUP"]] == 0.5
    fired = [a for a in m.events if a.source == "event:embargo"]
    assert len(fired) == 1 and fired[0].step == 3
    assert "Patronia embargoes Supplia" in fired[0].sentence()


def test_disabled_event_does_not_fire():
    s = make_scenario(events={"embargo": {"description": "x", "step": 1, "enabled": False, "actions": [
        {"kind": "sanction", "actor": "PAT", "target": "SUP", "amount": 0.5}]}})
    m = BlocModel(s, seed=0).run(2)
    assert not [a for a in m.events if a.source.startswith("event:")]


def test_event_can_change_doctrine_parameters():
    s = make_scenario(events={"cut": {"description": "Patronia stops aid", "step": 2,
                                      "set": {"actors.PAT.doctrine_params.aid_per_month": 0.0}}})
    m = BlocModel(s, seed=0).run(4)
    aid_steps = {a.step for a in m.events if a.kind == "economic_support" and a.actor == "PAT"}
    assert aid_steps == {1}


def test_inject_applies_at_next_step_and_is_logged_as_inject(model):
    from sim.scenario.schema import ActionSpec
    model.step()
    model.inject(ActionSpec(kind="withdraw", actor="PAT", target="DEF", item="all", reason="a test inject"))
    model.step()
    injected = [a for a in model.events if a.source == "inject"]
    assert len(injected) == 1 and injected[0].step == 2
    model.step()
    assert not [a for a in model.events if a.step == 3 and a.actor == "PAT" and a.target == "DEF"
                and a.kind in ("economic_support", "arms_transfer")]


def test_mutual_defence_obligation_triggers_after_an_attack():
    s = make_scenario(
        treaties={"pact": {"parties": ["AGG", "SUP"], "assistance": {"troops": 12}}},
        actors__SUP={"stocks": {"shells": 3_000_000, "troops": 500}},
        events={"raid": {"description": "Defendia raids Aggressia", "step": 2, "actions": [
            {"kind": "attack", "actor": "DEF", "target": "AGG", "item": "troops", "amount": 5}]}})
    m = BlocModel(s, seed=0).run(3)
    sent = [a for a in m.events if a.source == "treaty:pact"]
    assert [(a.actor, a.target, a.item, a.amount, a.step) for a in sent] == [("SUP", "AGG", "troops", 12.0, 3)]
    assert sent[0].reason == "it must assist Aggressia, which Defendia attacked, under their mutual-defence treaty"


def test_no_obligation_without_an_attack():
    s = make_scenario(treaties={"pact": {"parties": ["AGG", "SUP"], "assistance": {"troops": 12}}})
    m = BlocModel(s, seed=0).run(4)
    assert not [a for a in m.events if a.source.startswith("treaty:")]


def test_outcomes_are_flat_scalars(model):
    model.run()
    out = outcomes(model)
    assert "front.front" in out and "lean.AGG" in out and "bloc.PAT" in out
    assert all(isinstance(v, (int, float)) for v in out.values())


# ------------------------------------------------------------- the historical baseline

@pytest.fixture(scope="module")
def baseline():
    return simulate(load_scenario("feb2022_baseline"), seed=0)


def test_es11_1_reproduces_the_record_for_modelled_actors(baseline):
    vote = next(v for v in baseline.summary()["votes"] if v["id"] == "es11_1")
    for side in ("for", "against", "abstain"):
        assert sorted(vote[side]) == sorted(vote["record"][side]), side
    assert vote["date"] == "2022-03" and vote["adopted"]


def test_baseline_blocs(baseline):
    blocs = baseline.summary()["blocs"]
    bloc_of = {a: i for i, b in enumerate(blocs) for a in b}
    east, west = ["RUS", "BLR", "PRK", "IRN"], ["USA", "EU", "GBR", "JPN", "KOR", "UKR"]
    assert len({bloc_of.get(a) for a in east}) == 1 and bloc_of.get("RUS") is not None
    assert len({bloc_of.get(a) for a in west}) == 1 and bloc_of.get("USA") is not None
    assert bloc_of["RUS"] != bloc_of["USA"]


def test_baseline_leans_have_the_right_signs(baseline):
    lean = baseline.summary()["lean"]
    assert all(lean[a] < -0.3 for a in ("USA", "EU", "GBR", "UKR"))
    assert all(lean[a] > 0.3 for a in ("RUS", "BLR", "PRK", "CHN"))


def test_china_supports_covertly_not_openly(baseline):
    chn = [a for a in baseline.events if a.actor == "CHN"]
    assert any(a.kind == "dual_use_trade" and a.target == "RUS" for a in chn)
    assert not any(a.kind == "arms_transfer" for a in chn)
