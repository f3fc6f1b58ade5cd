"""Landscape theory (Axelrod & Bennett 1993) against a plain brute force written here.

The brute force computes E straight from its definition (a double loop over ordered pairs),
tries every single switch by recomputing E, and follows the documented descent: the switch
that lowers E the most, ties to the lowest actor index, until no switch lowers E.
"""

from fractions import Fraction
from itertools import product

import numpy as np
import pytest

from sim.alignment.landscape import (
    analyze_landscape, check_inputs, descend, energy, enumerate_landscape, frustration,
    sample_landscape,
)
from sim.errors import UserError


def brute_energy(config, sizes, prop):
    n = len(config)
    return sum(sizes[i] * sizes[j] * prop[i][j] * (config[i] != config[j])
               for i in range(n) for j in range(n) if i != j)


def switched(config, i):
    return config[:i] + (1 - config[i],) + config[i + 1:]


def brute_descent(config, sizes, prop):
    while True:
        e = brute_energy(config, sizes, prop)
        best, best_e = None, e
        for i in range(len(config)):
            e_i = brute_energy(switched(config, i), sizes, prop)
            if e_i < best_e:          # strict: lowest index wins a tie
                best, best_e = i, e_i
        if best is None:
            return config
        config = switched(config, best)


def canonical(config):
    return tuple(c ^ config[0] for c in config)


def brute_landscape(sizes, prop):
    """{canonical stable configuration: (energy, basin share)} over all 2^n starts."""
    n = len(sizes)
    ends = {}
    for start in product((0, 1), repeat=n):
        end = canonical(brute_descent(start, sizes, prop))
        ends[end] = ends.get(end, 0) + 1
    stable = {c for c in product((0, 1), repeat=n) if c[0] == 0
              and all(brute_energy(switched(c, i), sizes, prop) >= brute_energy(c, sizes, prop)
                      for i in range(n))}
    assert stable == set(ends)        # every stable configuration is its own basin
    return {c: (brute_energy(c, sizes, prop), Fraction(k, 2 ** n)) for c, k in ends.items()}


def instance(seed, integer):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 9))
    if integer:   # small integers: many exact ties between switches and between energies
        sizes = [int(v) for v in rng.integers(1, 3, n)]
        upper = rng.integers(-2, 3, (n, n))
    else:
        sizes = [float(v) for v in rng.uniform(0.2, 3.0, n)]
        upper = rng.normal(size=(n, n))
    prop = np.triu(upper, 1)
    prop = prop + prop.T
    return sizes, prop.tolist()


@pytest.mark.parametrize("integer", [True, False], ids=["ties", "generic"])
@pytest.mark.parametrize("seed", range(15))
def test_minima_and_basins_equal_brute_force(seed, integer):
    sizes, prop = instance(seed, integer)
    expected = brute_landscape(sizes, prop)
    result = enumerate_landscape(sizes, prop)
    assert result.exact and result.starts == 2 ** (len(sizes) - 1)
    got = {tuple(int(v) for v in m.side): (m.energy, m.basin) for m in result.minima}
    assert set(got) == set(expected)
    for config, (e, basin) in expected.items():
        assert got[config][0] == pytest.approx(float(e), abs=1e-9)
        assert got[config][1] == pytest.approx(float(basin), abs=1e-12)
    energies = [m.energy for m in result.minima]
    assert energies == sorted(energies)
    assert sum(m.basin for m in result.minima) == pytest.approx(1.0)


def test_all_indifferent_is_one_flat_minimum_per_configuration():
    # propensity 0 everywhere: nobody gains by switching, so every configuration is stable
    result = enumerate_landscape([1, 1, 1, 1], np.zeros((4, 4)))
    assert len(result.minima) == 8
    assert all(m.energy == 0 and m.basin == pytest.approx(1 / 8) for m in result.minima)


def test_energy_and_frustration_by_hand():
    # sizes 1, 2, 3; p01 = 1, p02 = -1, p12 = 2; actor 0 alone on its side
    sizes = [1.0, 2.0, 3.0]
    prop = [[0, 1, -1], [1, 0, 2], [-1, 2, 0]]
    side = [0, 1, 1]
    # F_0 = 2*1 + 3*(-1) = -1;  F_1 = 1*1 = 1;  F_2 = 1*(-1) = -1
    assert frustration(side, sizes, prop).tolist() == [-1.0, 1.0, -1.0]
    # E = 1*(-1) + 2*1 + 3*(-1) = -2 = 2 * (s0 s1 p01 + s0 s2 p02) = 2 * (2 - 3)
    assert energy(side, sizes, prop) == pytest.approx(-2.0)
    assert energy([0, 0, 0], sizes, prop) == 0.0
    # switching 0 to join 1 and 2 changes E by 2 * s0 * (-F_0) = +2, so 0 stays alone;
    # switching 1 or 2 away from its ally raises E too: [0, 1, 1] is stable
    assert descend(side, sizes, prop).tolist() == side
    assert descend([0, 0, 0], sizes, prop).tolist() == side


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf")])
def test_bad_sizes_are_rejected_by_name(bad):
    with pytest.raises(UserError) as err:
        enumerate_landscape([1.0, bad, 2.0], np.zeros((3, 3)), ids=["FRA", "GER", "ITA"])
    assert len(err.value.messages) == 1
    assert "landscape.sizes.GER" in err.value.messages[0] and "> 0" in err.value.messages[0]


def test_other_bad_inputs_are_rejected():
    with pytest.raises(UserError, match="at least one actor"):
        check_inputs([], np.zeros((0, 0)))
    with pytest.raises(UserError, match="symmetric"):
        check_inputs([1, 1], [[0, 1], [2, 0]], ids=["A", "B"])
    with pytest.raises(UserError, match="3 x 3"):
        check_inputs([1, 1, 1], np.zeros((2, 2)))
    with pytest.raises(UserError, match="samples"):
        sample_landscape([1, 1], np.zeros((2, 2)), 0, np.random.default_rng(0))


def test_sampling_finds_the_minima_and_estimates_basins():
    rng = np.random.default_rng(0)
    n = 12
    sizes = rng.uniform(0.5, 2, n)
    prop = rng.normal(size=(n, n))
    prop = (prop + prop.T) / 2
    exact = enumerate_landscape(sizes, prop)
    sampled = sample_landscape(sizes, prop, 20000, np.random.default_rng(1), seed=1)
    assert not sampled.exact and sampled.notes and sampled.starts == 20000
    by_side = {tuple(m.side): m for m in exact.minima}
    assert sum(m.basin for m in sampled.minima) == pytest.approx(1.0)
    for m in sampled.minima:
        truth = by_side[tuple(m.side)]        # every sampled end point is a true minimum
        assert m.energy == pytest.approx(truth.energy)
        assert abs(m.basin - truth.basin) < 0.02
    assert sampled.minima[0].energy == pytest.approx(exact.minima[0].energy)


def test_analyze_switches_to_sampling_above_the_limit():
    rng = np.random.default_rng(5)
    n = 9
    prop = rng.normal(size=(n, n))
    prop = (prop + prop.T) / 2
    assert analyze_landscape(np.ones(n), prop, exact_limit=9).exact
    sampled = analyze_landscape(np.ones(n), prop, exact_limit=8, samples=500, seed=3)
    assert not sampled.exact and sampled.seed == 3 and sampled.starts == 500
    again = analyze_landscape(np.ones(n), prop, exact_limit=8, samples=500, seed=3)
    assert [m.basin for m in again.minima] == [m.basin for m in sampled.minima]


def test_twenty_actors_enumerate_every_start():
    rng = np.random.default_rng(20)
    prop = rng.normal(size=(20, 20))
    prop = (prop + prop.T) / 2
    result = enumerate_landscape(rng.uniform(0.5, 2, 20), prop)
    assert result.starts == 2 ** 19 and sum(m.basin for m in result.minima) == pytest.approx(1.0)


# --- the registered rule ------------------------------------------------------------------

from types import SimpleNamespace  # noqa: E402

from sim.alignment import RULES, make_rule  # noqa: E402
from sim.scenario.schema import Landscape  # noqa: E402


def toy_world(ids, affinity, power=None):
    affinity = np.array(affinity, dtype=float)
    return SimpleNamespace(ids=list(ids), n=len(ids), affinity=affinity, baseline=affinity.copy(),
                           power=np.ones(len(ids)) if power is None else np.asarray(power, float))


def toy_scenario(ids, landscape):
    return SimpleNamespace(actors={a: None for a in ids}, landscape=landscape)


def test_rule_moves_members_toward_the_descent_end_and_leaves_others_alone():
    ids = ["A", "B", "C", "D", "X"]
    # A-B and C-D are friends, the two pairs are enemies; X has no size and takes no part.
    # Today's affinity puts everyone loosely together, so the descent must split them.
    affinity = np.full((5, 5), 0.1)
    np.fill_diagonal(affinity, 1.0)
    affinity[4, :4] = affinity[:4, 4] = [0.5, -0.3, 0.2, -0.7]
    world = toy_world(ids, affinity)
    section = Landscape(sizes={"A": 1, "B": 2, "C": 1, "D": 2},
                        propensities=[["A", "B", 1.0], ["C", "D", 1.0], ["A", "C", -1.0],
                                      ["A", "D", -1.0], ["B", "C", -1.0], ["B", "D", -1.0]])
    rule = make_rule("landscape", {"rate": 0.5}, toy_scenario(ids, section), world)
    outsider = world.affinity[4].copy()
    for _ in range(12):
        rule.update(world, None, np.random.default_rng(0))
    assert rule.configuration.tolist() == [0, 0, 1, 1]
    block = world.affinity[:4, :4]
    assert block[0, 1] > 0.99 and block[2, 3] > 0.99
    assert (block[:2, 2:] < -0.99).all()
    assert np.array_equal(world.affinity[4], outsider) and np.array_equal(world.affinity[:, 4], outsider)
    assert np.allclose(world.affinity, world.affinity.T) and (np.diag(world.affinity) == 1).all()


def test_one_step_moves_by_the_rate():
    ids = ["A", "B", "C"]
    affinity = [[1, 0.2, -0.2], [0.2, 1, -0.4], [-0.2, -0.4, 1]]
    world = toy_world(ids, affinity)
    rule = make_rule("landscape", {"source": "world", "rate": 0.25}, None, world)
    rule.update(world, None, None)
    # propensity = starting affinity, equal sizes: A and B together against C
    target = np.array([[1, 1, -1], [1, 1, -1], [-1, -1, 1]], dtype=float)
    expected = np.array(affinity) + 0.25 * (target - np.array(affinity))
    np.fill_diagonal(expected, 1.0)
    assert np.allclose(world.affinity, expected)


def test_world_source_uses_power_as_size():
    # B is huge and likes A only mildly, while A and C like each other a lot but are tiny;
    # C dislikes B. With power as size, B's pull decides where A goes.
    ids = ["A", "B", "C"]
    affinity = [[1, 0.3, 0.5], [0.3, 1, -0.9], [0.5, -0.9, 1]]
    world = toy_world(ids, affinity, power=[0.1, 10.0, 0.1])
    rule = make_rule("landscape", {"source": "world"}, None, world)
    rule.update(world, None, None)
    assert rule.configuration.tolist() == [0, 0, 1]


def test_scenario_source_without_sizes_is_a_user_error():
    world = toy_world(["A", "B"], np.eye(2))
    with pytest.raises(UserError, match="landscape.sizes"):
        make_rule("landscape", {"source": "scenario"}, toy_scenario(["A", "B"], None), world)
    section = Landscape(sizes={"A": 1}, propensities=[["A", "B", 1.0]])
    with pytest.raises(UserError, match="B has no size"):
        make_rule("landscape", {}, toy_scenario(["A", "B"], section), world)


def test_landscape_rule_is_registered():
    assert RULES["landscape"].citation.startswith("Axelrod & Bennett")
