"""The world's running totals agree with the event log, and everything that reports flows reads them."""

from __future__ import annotations

import pytest

from sim.cards import model_card
from sim.model import BlocModel
from sim.runner import outcomes
from tests.conftest import make_scenario


@pytest.fixture(scope="module")
def run():
    cov = {"name": "Covertia", "doctrine": "covert_partner", "economy": 3000, "reputation_concern": 0.9}
    s = make_scenario(actors__COV=cov, relations=make_scenario().relations + [("COV", "AGG", 0.6)])
    return BlocModel(s, seed=0).run(6)


def logged(model, kind, **match):
    return [a for a in model.events if a.kind == kind and all(getattr(a, k) == v for k, v in match.items())]


def test_the_arms_totals_are_what_the_log_says_was_delivered(run):
    sent = sum(a.delivered for a in logged(run, "arms_transfer", actor="SUP", target="AGG", item="shells"))
    w = run.world
    assert sent > 0
    assert w.arms_total[w.index["SUP"], w.index["AGG"]].sum() == pytest.approx(sent)
    flow = next(f for f in run.summary()["arms_flows"] if (f["from"], f["to"], f["item"]) == ("SUP", "AGG", "shells"))
    assert flow["amount"] == pytest.approx(sent)


def test_the_card_reads_the_totals(run):
    card = model_card(run, "PAT")
    aid = sum(a.amount for a in logged(run, "economic_support", actor="PAT"))
    assert card["aid_given_bn"] == pytest.approx(aid) and aid > 0
    assert card["arms_sent"]["shells"] == pytest.approx(
        sum(a.delivered for a in logged(run, "arms_transfer", actor="PAT", item="shells")))
    assert model_card(run, "DEF")["aid_received_bn"] == pytest.approx(aid)
    covert = sum(a.amount for a in logged(run, "dual_use_trade", actor="COV"))
    assert model_card(run, "COV")["dual_use_sold_bn"] == pytest.approx(covert) and covert > 0
    assert outcomes(run)["covert_total.COV"] == pytest.approx(covert)


def test_the_card_shows_what_a_belligerent_lacks_and_the_doctrine_in_force(run):
    card = model_card(run, "AGG")
    needs = run.needs()[run.world.index["AGG"]]
    assert card["needs"] == [s["item"] for s in card["stocks"] if s["lacks"] > 0]
    assert [s["lacks"] for s in card["stocks"]] == list(needs)
    assert card["doctrine"] == "belligerent" and card["bloc"]
    w = run.world
    assert card["sanctioned_by"] == [("PAT", w.sanctions[w.index["PAT"], w.index["AGG"]])]


def test_summary_outcomes_and_totals_cover_the_same_months(run):
    w = run.world
    series = run.series()
    assert series["arms_shells"].sum() == pytest.approx(w.arms_total[..., 0].sum())
    assert outcomes(run)["total.arms_shells"] == pytest.approx(series["arms_shells"].sum())
