"""The interest-driven update against its written equations, and the bloc and indicator readout."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sim.alignment import Signals, make_rule
from sim.blocs import cohesion, find_blocs, lean, polarization
from sim.world import build_world
from tests.conftest import make_scenario

OFF = {"eta_triad": 0.0, "eta_memory": 0.0, "war_weight": 0.0}


def world_and_rule(**params):
    s = make_scenario()
    w = build_world(s)
    return w, make_rule("interest", params, s, w)


def signals(w, coop=None, host=None, sanctions=None):
    z = np.zeros((w.n, w.n))
    return Signals(coop if coop is not None else z.copy(), host if host is not None else z.copy(),
                   sanctions if sanctions is not None else z.copy())


def test_nothing_happening_changes_nothing():
    w, rule = world_and_rule(**OFF)
    before = w.affinity.copy()
    rule.update(w, signals(w), np.random.default_rng(0))
    np.testing.assert_allclose(w.affinity, before)


def test_cooperation_raises_affinity_by_the_stated_amount():
    w, rule = world_and_rule(**OFF)
    i, j = w.index["SUP"], w.index["AGG"]
    coop = np.zeros((w.n, w.n))
    coop[i, j] = 5.0
    before = w.affinity[i, j]
    rule.update(w, signals(w, coop=coop), np.random.default_rng(0))
    assert w.affinity[i, j] == pytest.approx(before + 0.06 * np.tanh(5.0 / 5.0) * (1 - before))
    assert w.affinity[j, i] == w.affinity[i, j]


def test_hostility_lowers_affinity_and_clips_at_minus_one():
    w, rule = world_and_rule(**OFF, eta_host=1.0)
    i, j = w.index["DEF"], w.index["AGG"]
    host = np.zeros((w.n, w.n))
    host[i, j] = 100.0
    rule.update(w, signals(w, host=host), np.random.default_rng(0))
    assert w.affinity[i, j] == -1.0


def test_sanctioned_states_draw_together():
    w, rule = world_and_rule(**OFF)
    a, b, pat = w.index["SUP"], w.index["DEF"], w.index["PAT"]
    sanctions = np.zeros((w.n, w.n))
    sanctions[pat, a] = sanctions[pat, b] = 0.8
    before = w.affinity[a, b]
    rule.update(w, signals(w, sanctions=sanctions), np.random.default_rng(0))
    expected = before + 0.06 * np.tanh(4.0 * 0.64 / 5.0) * (1 - before)   # co_sanction_weight * (S^T S)_ab
    assert w.affinity[a, b] == pytest.approx(expected)


def test_states_sanctioning_the_same_target_draw_together():
    w, rule = world_and_rule(**OFF, co_sanction_weight=0.0)
    a, b, target = w.index["PAT"], w.index["SUP"], w.index["AGG"]
    sanctions = np.zeros((w.n, w.n))
    sanctions[a, target], sanctions[b, target] = 0.8, 0.5
    before = w.affinity[a, b]
    rule.update(w, signals(w, sanctions=sanctions), np.random.default_rng(0))
    expected = before + 0.06 * np.tanh(2.0 * 0.8 * 0.5 / 5.0) * (1 - before)   # co_sender_weight * (S S^T)_ab
    assert w.affinity[a, b] == pytest.approx(expected)


def test_treaty_partners_keep_a_standing_bond_only_while_it_is_in_force():
    w, rule = world_and_rule(**OFF)
    a, b = w.index["PAT"], w.index["DEF"]
    w.treaties["pact"] = {"kind": "mutual_defence", "parties": [a, b], "in_force": False}
    before = w.affinity[a, b]
    rule.update(w, signals(w), np.random.default_rng(0))
    assert w.affinity[a, b] == pytest.approx(before)
    w.treaties["pact"]["in_force"] = True
    rule.update(w, signals(w), np.random.default_rng(0))
    assert w.affinity[a, b] == pytest.approx(before + 0.06 * np.tanh(2.0 / 5.0) * (1 - before))


@pytest.mark.parametrize("pair", [("GBR", "USA"), ("DEU", "USA"), ("BLR", "RUS")])
def test_allies_who_act_together_stay_close_over_the_years(pair):
    from sim.runner import simulate

    def end_affinity(**params):
        overrides = {f"alignment.params.{k}": v for k, v in params.items()}
        m = simulate("feb2022_baseline", seed=0, overrides=overrides)
        i, j = (m.world.index[a] for a in pair)
        return m.world.baseline[i, j], m.world.affinity[i, j]

    start, end = end_affinity()
    assert end > start - 0.15, (pair, start, end)   # three years of shared sanctions or a treaty
    _, without = end_affinity(co_sender_weight=0.0, treaty_weight=0.0, anchor_treaties=False)
    assert without < end - 0.05, (pair, without, end)  # without those bonds the tie wears away


def test_enemy_of_my_enemy_becomes_a_friend():
    w, rule = world_and_rule(eta_triad=0.5, eta_memory=0.0, third_parties=4)
    a, b, c = w.index["PAT"], w.index["AGG"], w.index["SUP"]
    w.affinity[:] = 0.0
    np.fill_diagonal(w.affinity, 1.0)
    for x, y in ((a, b), (b, c)):
        w.affinity[x, y] = w.affinity[y, x] = -0.9
    rule.update(w, signals(w), np.random.default_rng(0))
    assert w.affinity[a, c] > 0.1


def test_triad_term_matches_brute_force():
    w, rule = world_and_rule(eta_coop=0, eta_host=0, eta_memory=0, eta_triad=1.0, third_parties=4,
                             anchor_wars=False)
    rng = np.random.default_rng(3)
    A = rng.uniform(-1, 1, (w.n, w.n))
    A = (A + A.T) / 2
    np.fill_diagonal(A, 1.0)
    w.affinity[:] = A
    power = w.power
    rule.update(w, signals(w), rng)
    for i, j in itertools.combinations(range(w.n), 2):
        ks = [k for k in range(w.n) if k not in (i, j)]
        t = sum(power[k] * A[i, k] * A[k, j] for k in ks) / sum(power[k] for k in ks)
        assert w.affinity[i, j] == pytest.approx(np.clip(t, -1, 1))


def test_fighting_is_hostility_every_month_and_the_war_does_not_fade():
    w, rule = world_and_rule(eta_triad=0.5, eta_memory=0.5, third_parties=4)
    a, d = w.index["AGG"], w.index["DEF"]
    assert w.at_war[a, d]
    for _ in range(3):
        before = w.affinity[a, d]
        rule.update(w, signals(w), np.random.default_rng(0))
        # only the war moves the pair: no pull toward the triad average or the start
        assert w.affinity[a, d] == pytest.approx(before - 0.08 * np.tanh(5.0 / 5.0) * (1 + before))
    w2, rule2 = world_and_rule(eta_triad=0.5, eta_memory=0.5, third_parties=4, war_weight=0.0, anchor_wars=False)
    rule2.update(w2, signals(w2), np.random.default_rng(0))
    assert w2.affinity[a, d] != pytest.approx(w2.baseline[a, d])   # without the rule the pair drifts


def test_treaty_allies_do_not_drift_with_the_triad():
    w, rule = world_and_rule(eta_triad=1.0, eta_memory=0.0, treaty_weight=0.0, war_weight=0.0, third_parties=4)
    a, b = w.index["SUP"], w.index["AGG"]
    w.treaties["pact"] = {"kind": "mutual_defence", "parties": [a, b], "in_force": True}
    before = w.affinity[a, b]
    rule.update(w, signals(w), np.random.default_rng(0))
    assert w.affinity[a, b] == pytest.approx(before)      # a treaty in force: only what passes between them
    w.treaties["pact"]["in_force"] = False
    rule.update(w, signals(w), np.random.default_rng(0))
    assert w.affinity[a, b] != pytest.approx(before)


def test_a_stop_of_steady_support_is_a_hostile_act():
    w, rule = world_and_rule(**OFF, cut_memory=3, cut_weight=3.0)
    p, d = w.index["PAT"], w.index["DEF"]
    for _ in range(3):                       # three months of $2bn aid: steady support
        w.aid_flow[:] = 0.0
        w.aid_flow[p, d] = 2.0
        rule.update(w, signals(w), np.random.default_rng(0))
    w.aid_flow[:] = 0.0                      # it stops
    before = w.affinity[p, d]
    rule.update(w, signals(w), np.random.default_rng(0))
    assert w.affinity[p, d] == pytest.approx(before - 0.08 * np.tanh(3.0 * 2.0 / 5.0) * (1 + before))
    w.at_war[:] = False
    for _ in range(3):                       # the same stop, by a patron of a belligerent: it eases
        w.aid_flow[:] = 0.0                  # the patron's relation with the belligerent's enemy
        w.aid_flow[p, d] = 2.0
        rule.update(w, signals(w), np.random.default_rng(0))
    a = w.index["AGG"]
    w.at_war[d, a] = w.at_war[a, d] = True
    w.aid_flow[:] = 0.0
    before = w.affinity[p, a]
    rule.update(w, signals(w), np.random.default_rng(0))
    assert w.affinity[p, a] == pytest.approx(before + 0.06 * np.tanh(3.0 * 2.0 / 5.0) * (1 - before))
    once, rule_once = world_and_rule(**OFF, cut_memory=3)
    once.aid_flow[p, d] = 20.0               # a one-off loan, then nothing: no steady support, no slight
    rule_once.update(once, signals(once), np.random.default_rng(0))
    once.aid_flow[:] = 0.0
    start = once.affinity[p, d]
    rule_once.update(once, signals(once), np.random.default_rng(0))
    assert once.affinity[p, d] == pytest.approx(start)


def test_the_record_movements_on_the_2025_scenario():
    """Belligerents stay enemies, treaty allies stay close, and the pull-back cools the US on Ukraine."""
    from sim.runner import simulate

    def run(**overrides):
        m = simulate("us_pullback_2025", seed=0, overrides=overrides)
        return m, (lambda a, b: m.world.affinity[m.world.index[a], m.world.index[b]])

    m, aff = run()
    assert aff("RUS", "UKR") <= -0.9 and aff("BLR", "RUS") >= 0.85
    without, aff_without = run(**{"events.us_pullback.enabled": False})
    assert aff("USA", "UKR") < aff_without("USA", "UKR") - 0.1
    assert aff("USA", "RUS") > aff_without("USA", "RUS") + 0.05     # it no longer arms Russia's enemy
    us = m.world.index["USA"]
    assert m.leans[us] > without.leans[us] + 0.01                  # the patron's own alignment moves


# ---------------------------------------------------------------- blocs and indicators

def camps(n_a=4, n_b=3, n_free=2, inside=0.7, between=-0.6, free=0.05):
    n = n_a + n_b + n_free
    A = np.full((n, n), free)
    A[:n_a, :n_a] = inside
    A[n_a:n_a + n_b, n_a:n_a + n_b] = inside
    A[:n_a, n_a:n_a + n_b] = A[n_a:n_a + n_b, :n_a] = between
    np.fill_diagonal(A, 1.0)
    return A


def test_two_camps_and_non_aligned_are_found():
    A = camps()
    power = np.linspace(1, 0.1, A.shape[0])
    labels = find_blocs(A, power, threshold=0.2)
    assert len(set(labels[:4])) == 1 and len(set(labels[4:7])) == 1 and labels[0] != labels[4]
    assert len(set(labels[7:]) | set(labels[:7])) == 4          # two blocs plus two singletons
    assert labels[0] == 0                                       # strongest bloc first


def test_an_actor_hostile_to_a_member_does_not_join():
    A = camps(n_a=3, n_b=0, n_free=1, free=0.5)
    A[0, 3] = A[3, 0] = -0.5                                    # likes two members, hates one
    labels = find_blocs(A, np.ones(4), threshold=0.2)
    assert labels[3] != labels[0]


def test_cohesion_is_mean_affinity_inside_a_bloc():
    A = camps()
    labels = find_blocs(A, np.ones(A.shape[0]), 0.2)
    coh = cohesion(A, labels)
    assert sorted(coh.values()) == [pytest.approx(0.7), pytest.approx(0.7)]


def test_lean_and_polarization():
    A = camps(n_a=2, n_b=2, n_free=1)
    x = lean(A, west=[0], east=[2])
    assert x[0] < 0 < x[2] and abs(x[4]) < 1e-9
    brute = np.mean([abs(p - q) for p, q in itertools.combinations(x, 2)]) / 2
    assert polarization(x) == pytest.approx(brute)
    assert polarization(np.zeros(5)) == 0.0
