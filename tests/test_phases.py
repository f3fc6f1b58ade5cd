"""Each phase of the month in a small world: combat, UN votes, the economy, a doctrine switched mid-run."""

from __future__ import annotations

import numpy as np
import pytest

from sim import economy, theaters, votes
from sim.model import BlocModel
from sim.world import ITEM, build_world
from tests.conftest import make_scenario

STRIKES = {"drones": 1000, "missiles": 100}


def duel(defender_air_defence: float = 0.0, attacker_troops: float = 150, deployed: float = 0.0, **theater):
    """A world where Aggressia strikes Defendia with drones and missiles; no noise, so the front is exact."""
    front = {"name": "The front", "attacker": "AGG", "defender": "DEF", "front": 10, "noise": 0.0,
             "attacker_burn": {"shells": 300_000, "troops": 100, **STRIKES},
             "defender_burn": {"shells": 100_000, "troops": 80}, **theater}
    s = make_scenario(theaters={"front": front},
                      actors__AGG={"stocks": {"shells": 500_000, "troops": attacker_troops,
                                              "drones": 10_000, "missiles": 1_000}},
                      actors__DEF={"stocks": {"shells": 100_000, "troops": 100,
                                              "air_defence": defender_air_defence}})
    w = build_world(s)
    w.deployed[w.index["DEF"]] = deployed
    w.stocks[w.index["DEF"], ITEM["troops"]] += deployed
    return w, {tid: t for tid, t in s.theaters.items()}


def fight_a_month(**kw):
    w, ts = duel(**kw)
    theaters.resolve(w, ts, np.random.default_rng(0))
    return w


# ------------------------------------------------------------------ combat

def test_air_defence_intercepts_strikes_and_slows_the_attacker():
    bare = fight_a_month(defender_air_defence=0)
    defended = fight_a_month(defender_air_defence=5_000)
    dfd = defended.index["DEF"]
    # 1000 drones and 100 missiles fired (the tempo: half the stock would allow more), 60% of them intercepted
    assert defended.fired[dfd, ITEM["air_defence"]] == pytest.approx(0.6 * (1000 + 100))
    assert defended.stocks[dfd, ITEM["air_defence"]] == pytest.approx(5_000 - 0.6 * 1100)
    assert defended.fronts["front"] < bare.fronts["front"]


def test_interception_is_limited_by_the_interceptors_in_stock():
    w = fight_a_month(defender_air_defence=100)
    dfd = w.index["DEF"]
    assert w.stocks[dfd, ITEM["air_defence"]] == 0 and w.fired[dfd, ITEM["air_defence"]] == 100


def test_engaged_troops_are_lost_at_the_theater_rate():
    w = fight_a_month(troop_loss=0.05)
    agg, dfd = w.index["AGG"], w.index["DEF"]
    assert w.stocks[agg, ITEM["troops"]] == pytest.approx(150 - 0.05 * 100)   # 100 thousand engaged
    assert w.stocks[dfd, ITEM["troops"]] == pytest.approx(100 - 0.05 * 80)
    assert w.fired[agg, ITEM["troops"]] == pytest.approx(5.0)                   # losses are reported as fired


def test_a_side_short_of_troops_fights_with_what_it_has():
    w = fight_a_month(attacker_troops=40, troop_loss=0.1)
    assert w.stocks[w.index["AGG"], ITEM["troops"]] == pytest.approx(40 - 0.1 * 40)


def test_foreign_troops_fight_on_top_of_the_defender_and_share_its_losses():
    alone = fight_a_month(troop_loss=0.05)
    helped = fight_a_month(troop_loss=0.05, deployed=20)
    dfd = helped.index["DEF"]
    assert helped.fronts["front"] < alone.fronts["front"]           # 100 thousand engaged instead of 80
    assert helped.fired[dfd, ITEM["troops"]] == pytest.approx(0.05 * 100)
    assert helped.deployed[dfd] == pytest.approx(20 * (1 - 0.05))


def test_an_inactive_theater_does_not_fight():
    w = fight_a_month(active=False)
    assert w.fronts["front"] == 10 and not w.fired.any()


# ------------------------------------------------------------------ UN votes

def world_for_votes(**un):
    s = make_scenario(relations=[["PAT", "AGG", -0.6], ["DEF", "AGG", -0.9], ["SUP", "AGG", 0.7],
                                 ["PAT", "DEF", 0.7]],
                      un={"reputation_weight": 0.0, **un},
                      actors__SUP={"veto": True}, actors__PAT={"veto": True})
    return s, build_world(s)


def vote_on(s, w, **vote):
    v = make_scenario(votes={"v": {"title": "Condemn Aggressia", "step": 1, "condemns": "AGG", **vote}}).votes["v"]
    return votes.hold(s, w, "v", v, "2024-02")


def test_votes_follow_affinity_thresholds():
    s, w = world_for_votes(against_above=0.5, for_below=-0.5)
    w.set_affinity("DEF", "AGG", 0.0)                   # between the thresholds: abstains
    _, rec = vote_on(s, w)
    assert rec["for"] == ["PAT"] and rec["abstain"] == ["DEF"] and rec["against"] == ["AGG", "SUP"]
    assert not rec["adopted"]                            # 1 for, 2 against
    s, w = world_for_votes(against_above=0.8, for_below=0.12)
    _, rec = vote_on(s, w)
    assert rec["for"] == ["PAT", "DEF"] and rec["abstain"] == ["SUP"] and rec["adopted"]


def test_reputation_concern_pulls_a_vote_toward_condemnation():
    s, w = world_for_votes(against_above=0.5, reputation_weight=1.0)
    w.reputation[w.index["SUP"]] = 0.5                  # 0.7 - 0.5 = 0.2: no longer above 0.5
    _, rec = vote_on(s, w)
    assert "SUP" in rec["abstain"]


def test_a_permanent_member_voting_against_vetoes_a_council_resolution():
    s, w = world_for_votes()
    acts, rec = vote_on(s, w, body="security_council", members=["PAT", "DEF", "SUP"])
    assert rec["for"] == ["PAT", "DEF"] and rec["against"] == ["SUP"]
    assert rec["vetoed_by"] == ["SUP"] and not rec["adopted"]     # a majority for, but vetoed
    vetoes = [a for a in acts if a.item == "veto"]
    assert [(a.actor, a.target) for a in vetoes] == [("SUP", "AGG")]
    _, general = vote_on(s, w, body="general_assembly", members=["PAT", "DEF", "SUP"])
    assert general["vetoed_by"] == [] and general["adopted"]     # no veto in the General Assembly


def test_only_the_listed_members_vote():
    s, w = world_for_votes()
    _, rec = vote_on(s, w, members=["PAT", "SUP"])
    assert sorted(rec["for"] + rec["against"] + rec["abstain"]) == ["PAT", "SUP"]


def test_a_vote_is_held_in_its_month_and_logged_with_reasons():
    s = make_scenario(votes={"v": {"title": "Condemn Aggressia", "step": 2, "condemns": "AGG"}})
    m = BlocModel(s, seed=0).run(3)
    assert [v["step"] for v in m.votes] == [2]
    cast = [a for a in m.events if a.source == "vote:v"]
    assert {a.step for a in cast} == {2} and all(a.reason for a in cast)


# ------------------------------------------------------------------ the economy

def test_sanction_pressure_cuts_production():
    s = make_scenario(actors__SUP={"production": {"shells": 1000}},
                      sanctions=[{"by": "PAT", "on": "SUP", "intensity": 0.9}])
    w = build_world(s)
    sup = w.index["SUP"]
    before = w.stocks[sup, ITEM["shells"]]
    economy.produce(w)
    made = w.stocks[sup, ITEM["shells"]] - before
    assert made == pytest.approx(1000 * (1 - 0.5 * w.sanction_pressure[sup])) and made < 1000


def test_sanction_damage_grows_to_its_cap_and_recovers_once_lifted():
    s = make_scenario(sanctions=[{"by": "PAT", "on": "SUP", "intensity": 1.0}])
    w = build_world(s)
    sup, pat = w.index["SUP"], w.index["PAT"]
    for _ in range(200):
        economy.respond(w)
    assert w.damage[sup] == pytest.approx(0.6)          # the cap
    assert w.spent[pat] > 0                             # the sender pays in lost trade
    w.sanctions[pat, sup] = 0.0
    hurt = w.damage[sup]
    economy.respond(w)
    assert w.damage[sup] == pytest.approx(hurt * 0.98)


# ------------------------------------------------------------------ a doctrine switched mid-run

def test_an_event_switches_a_doctrine_mid_run():
    s = make_scenario(events={"turn": {"description": "Supplia turns to quiet trade", "step": 3,
                                       "set": {"actors.SUP.doctrine": "hedger"}}})
    m = BlocModel(s, seed=0).run(5)
    sup = [(a.step, a.kind) for a in m.events if a.actor == "SUP" and a.target == "AGG"]
    assert {k for st, k in sup if st < 3} == {"arms_transfer"}
    assert {k for st, k in sup if st >= 3} == {"dual_use_trade"}
    assert m.doctrine_of(m.world.index["SUP"]).name == "hedger"
    switch = [a for a in m.events if a.kind == "policy" and a.actor == "SUP"]
    assert switch[0].step == 3 and "doctrine" in switch[0].sentence()
