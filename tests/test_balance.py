"""Structural balance: Marvel et al. (2011) and Antal, Krapivsky & Redner (2005).

Each check uses something computed independently of the code under test: a brute-force
count of triads, a numerical ODE integration, or a simple Monte Carlo share.
"""

from itertools import combinations
from types import SimpleNamespace

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from sim.alignment import RULES, make_rule
from sim.alignment.balance import (
    antal_triad_dynamics, camp_labels, is_balanced, leading_eigenvector_camps,
    marvel_blowup_time, marvel_solution, marvel_time_to_balance, signs_from_affinity,
)


def balanced_by_triads(x) -> bool:
    """Plain definition: every triad's sign product is positive (and no zero links)."""
    s = np.sign(x)
    n = len(s)
    if any(s[i, j] == 0 for i in range(n) for j in range(n) if i != j):
        return False
    return all(s[i, j] * s[i, k] * s[j, k] > 0 for i, j, k in combinations(range(n), 3))


def random_signs(n, friendly_share, rng):
    upper = np.where(rng.random((n, n)) < friendly_share, 1, -1)
    s = np.triu(upper, 1)
    s = s + s.T
    np.fill_diagonal(s, 1)
    return s.astype(np.int8)


def symmetric(n, rng, shift=0.0):
    a = rng.normal(size=(n, n)) + shift
    return (a + a.T) / 2


# --- reading balance -----------------------------------------------------------------

@pytest.mark.parametrize("seed", range(40))
def test_is_balanced_agrees_with_triad_count(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 8))
    if seed % 2:   # a balanced network: two camps with random magnitudes
        camp = rng.integers(0, 2, n) * 2 - 1
        x = np.outer(camp, camp) * rng.uniform(0.1, 1, (n, n))
        x = (x + x.T) / 2
    else:
        x = random_signs(n, 0.6, rng)
    assert is_balanced(x) == balanced_by_triads(x)


def test_camps_of_a_two_camp_network():
    x = np.array([[1, 1, -1, -1], [1, 1, -1, -1], [-1, -1, 1, 1], [-1, -1, 1, 1]])
    assert camp_labels(x).tolist() == [0, 0, 1, 1]
    assert camp_labels(np.ones((3, 3))).tolist() == [0, 0, 0]
    with pytest.raises(ValueError):
        camp_labels(np.array([[1, -1, -1], [-1, 1, -1], [-1, -1, 1]]))   # three enemies


def test_zero_affinity_counts_as_friendly():
    assert signs_from_affinity(np.array([[1.0, 0.0], [0.0, 1.0]])).tolist() == [[1, 1], [1, 1]]


# --- Marvel, Kleinberg, Kleinberg & Strogatz -------------------------------------------

@pytest.mark.parametrize("seed", range(4))
def test_closed_form_matches_numerical_integration(seed):
    rng = np.random.default_rng(seed)
    x0 = symmetric(6, rng)
    t = 0.6 * marvel_blowup_time(x0)
    ode = solve_ivp(lambda _, y: (y.reshape(6, 6) @ y.reshape(6, 6)).ravel(), (0, t), x0.ravel(),
                    method="DOP853", rtol=1e-11, atol=1e-12)
    assert np.allclose(marvel_solution(x0, t), ode.y[:, -1].reshape(6, 6), rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("seed", range(12))
def test_random_start_balances_before_blowup_into_eigenvector_camps(seed):
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(3, 13))
    x0 = symmetric(n, rng)
    t_balance, t_star = marvel_time_to_balance(x0)
    eigen_camps = leading_eigenvector_camps(x0)
    assert t_star == pytest.approx(1 / np.linalg.eigvalsh(x0)[-1])
    assert t_balance < t_star
    x = marvel_solution(x0, t_balance)
    assert balanced_by_triads(x)
    assert camp_labels(x).tolist() == eigen_camps.tolist()
    # independently: integrate the ODE numerically up to the same time
    ode = solve_ivp(lambda _, y: (y.reshape(n, n) @ y.reshape(n, n)).ravel(), (0, t_balance),
                    x0.ravel(), method="DOP853", rtol=1e-12, atol=1e-12)
    x_numeric = ode.y[:, -1].reshape(n, n)
    assert balanced_by_triads(x_numeric)
    assert camp_labels(x_numeric).tolist() == eigen_camps.tolist()


@pytest.mark.parametrize("seed", range(4))
def test_friendly_start_ends_in_harmony(seed):
    rng = np.random.default_rng(200 + seed)
    x0 = symmetric(8, rng, shift=2.0)   # mostly friendly: the leading eigenvector has one sign
    t_balance, t_star = marvel_time_to_balance(x0)
    assert t_balance < t_star
    x = marvel_solution(x0, t_balance)
    assert (x[~np.eye(8, dtype=bool)] > 0).all()
    assert camp_labels(x).tolist() == [0] * 8 == leading_eigenvector_camps(x0).tolist()


def test_solution_refuses_times_past_blowup():
    x0 = np.array([[1.0, 0.5], [0.5, 1.0]])   # lambda_1 = 1.5
    assert marvel_blowup_time(x0) == pytest.approx(1 / 1.5)
    with pytest.raises(ValueError):
        marvel_solution(x0, 1 / 1.5)


def world_with(affinity):
    return SimpleNamespace(affinity=np.array(affinity, dtype=float), n=len(affinity))


@pytest.mark.parametrize("seed", range(6))
def test_continuous_rule_reaches_the_eigenvector_camps(seed):
    rng = np.random.default_rng(300 + seed)
    n = int(rng.integers(4, 15))
    a = rng.uniform(-1, 1, (n, n))
    a = (a + a.T) / 2
    np.fill_diagonal(a, 1.0)
    world = world_with(a)
    rule = make_rule("balance_continuous", {"blowup_fraction": 0.3}, None, world)
    for _ in range(80):
        rule.update(world, None, rng)
        assert np.allclose(world.affinity, world.affinity.T)
        assert np.abs(world.affinity).max() <= 1.0 and (np.diag(world.affinity) == 1).all()
    assert balanced_by_triads(world.affinity)
    assert camp_labels(world.affinity).tolist() == leading_eigenvector_camps(a).tolist()


def test_continuous_rule_first_month_is_the_closed_form():
    a = np.array([[1.0, 0.2, -0.1], [0.2, 1.0, 0.3], [-0.1, 0.3, 1.0]])
    world = world_with(a)
    make_rule("balance_continuous", {"blowup_fraction": 0.2}, None, world).update(world, None, None)
    expected = marvel_solution(a, 0.2 * marvel_blowup_time(a))
    off = ~np.eye(3, dtype=bool)
    assert np.abs(expected[off]).max() < 1      # so no rescaling happened
    assert np.allclose(world.affinity[off], expected[off])


# --- Antal, Krapivsky & Redner ------------------------------------------------------------

# For p < 1/2 the time to balance grows exponentially with the network (Antal et al.),
# so those runs stay small.
@pytest.mark.parametrize("n, p", [(n, p) for n in (3, 4, 6, 8) for p in (0.0, 0.3)]
                         + [(n, p) for n in (3, 6, 9, 12, 20) for p in (0.5, 0.8, 1.0)])
def test_every_finite_run_ends_balanced(n, p):
    for seed in range(5):
        rng = np.random.default_rng(seed)
        start = random_signs(n, 0.4, rng)
        run = antal_triad_dynamics(start, p, rng)
        assert run.balanced
        assert balanced_by_triads(run.signs)
        assert (run.updates == 0) == balanced_by_triads(start)


def one_triad(hostile_links):
    s = np.ones((3, 3), dtype=np.int8)
    for i, j in hostile_links:
        s[i, j] = s[j, i] = -1
    return s


def test_one_hostile_link_turns_friendly_when_p_is_one():
    run = antal_triad_dynamics(one_triad([(0, 1)]), 1.0, np.random.default_rng(0))
    assert run.updates == 1 and (run.signs == 1).all()


def test_one_hostile_link_spreads_when_p_is_zero():
    for seed in range(10):
        run = antal_triad_dynamics(one_triad([(0, 1)]), 0.0, np.random.default_rng(seed))
        assert run.updates == 1
        assert run.signs[0, 1] == -1                       # the hostile link stays hostile
        assert sorted([run.signs[0, 2], run.signs[1, 2]]) == [-1, 1]   # one friendly link turned


def test_three_enemies_make_one_friendship_whatever_p():
    for p in (0.0, 1.0):
        for seed in range(10):
            run = antal_triad_dynamics(one_triad([(0, 1), (0, 2), (1, 2)]), p,
                                       np.random.default_rng(seed))
            upper = run.signs[np.triu_indices(3, 1)]
            assert run.updates == 1 and sorted(upper.tolist()) == [-1, -1, 1]


def test_p_is_the_chance_a_lone_hostile_link_is_mended():
    rng = np.random.default_rng(7)
    runs = 4000
    mended = sum(antal_triad_dynamics(one_triad([(1, 2)]), 0.3, rng).signs.min() == 1
                 for _ in range(runs))
    assert abs(mended / runs - 0.3) < 0.03


def test_same_seed_same_run_and_update_cap():
    start = random_signs(10, 0.5, np.random.default_rng(1))
    a = antal_triad_dynamics(start, 0.4, np.random.default_rng(5))
    b = antal_triad_dynamics(start, 0.4, np.random.default_rng(5))
    assert np.array_equal(a.signs, b.signs) and a.updates == b.updates
    capped = antal_triad_dynamics(start, 0.4, np.random.default_rng(5), max_updates=3)
    assert capped.updates == 3 and not capped.balanced


def test_triad_rule_writes_back_the_ltd_signs():
    rng = np.random.default_rng(11)
    n = 8
    a = rng.uniform(-1, 1, (n, n))
    a = (a + a.T) / 2
    np.fill_diagonal(a, 1.0)
    world = world_with(a)
    rule = make_rule("balance_triad", {"p": 0.6, "sweeps_per_step": 0.5}, None, world)
    before = world.affinity.copy()
    rule.update(world, None, np.random.default_rng(3))
    # the same LTD run, by hand, from the same signs and seed
    budget = int(np.ceil(0.5 * n * (n - 1) / 2))
    expected = antal_triad_dynamics(signs_from_affinity(before), 0.6, np.random.default_rng(3),
                                    max_updates=budget).signs
    assert np.array_equal(signs_from_affinity(world.affinity), expected)
    kept = signs_from_affinity(before) == expected
    assert np.array_equal(world.affinity[kept], before[kept])
    assert (np.abs(world.affinity[~kept]) >= 0.1).all()
    for _ in range(30):
        rule.update(world, None, rng)
    assert balanced_by_triads(world.affinity)


def test_rules_are_registered():
    assert {"balance_continuous", "balance_triad"} <= set(RULES)
    for name in ("balance_continuous", "balance_triad"):
        assert RULES[name].citation and RULES[name].title
