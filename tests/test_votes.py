"""UN votes by kind of resolution (docs/THEORIES.md, UN votes): the rule, and the record it was fitted on."""

from __future__ import annotations

import pytest

from sim.runner import simulate


@pytest.fixture(scope="module")
def baseline():
    return simulate("feb2022_baseline", seed=0)


def choices(model, vid):
    v = next(v for v in model.votes if v["id"] == vid)
    return {a: side for side in ("for", "against", "abstain") for a in v[side]}


def test_states_that_abstain_on_a_condemnation_vote_against_reparations(baseline):
    assert choices(baseline, "es11_1")["CHN"] == "abstain"
    assert choices(baseline, "es11_5")["CHN"] == "against"
    why = next(a.reason for a in baseline.events if a.source == "vote:es11_5" and a.actor == "CHN")
    assert "asks reparations from Russia" in why


def test_without_the_kind_shift_china_abstains_on_reparations_too():
    model = simulate("feb2022_baseline", seed=0, overrides={"un.kind_shift": {}})
    assert choices(model, "es11_5")["CHN"] == "abstain"


def test_a_coalition_member_votes_the_coalition_line(baseline):
    why = next(a.reason for a in baseline.events if a.source == "vote:es11_5" and a.actor == "HUN")
    assert "the European Union" in why and choices(baseline, "es11_5")["HUN"] == "for"


def test_the_fitting_votes_are_at_least_90_percent_right(baseline):
    """The target the rule was fitted to: actor-votes as on record, over the votes the baseline holds."""
    compared = matches = 0
    for v in baseline.summary()["votes"]:
        compared += v["record_check"]["compared"]
        matches += v["record_check"]["matches"]
    assert compared >= 70 and matches / compared >= 0.9, (matches, compared)
