"""Landscape theory of aggregation: Axelrod & Bennett, "A landscape theory of aggregation",
British Journal of Political Science 23(2):211-233, 1993.

Inputs: a size s_i > 0 per actor and a symmetric propensity p_ij per pair (positive: the two
want to be together). A configuration X puts every actor on one of two sides; d_ij(X) is 0
on the same side and 1 otherwise.

* frustration  F_i(X) = sum_{j != i} s_j p_ij d_ij(X)
* energy       E(X)   = sum_i s_i F_i(X) = sum over ordered pairs i != j of s_i s_j p_ij d_ij(X)

Switching actor i changes F_i by dF_i and E by dE_i = 2 s_i dF_i (the pair counts twice in
E), so an actor lowers its own frustration exactly when it lowers the energy. Writing
sigma_i = +1 / -1 for the two sides and W_ij = s_i s_j p_ij (W_ii = 0):
    E = (sum W - sigma^T W sigma) / 2,        dE_i = 2 sigma_i (W sigma)_i.

Descent (the order used for basins): while some actor's switch lowers E by more than a
tolerance, the actor whose switch lowers E the most switches; ties within the tolerance go
to the lowest actor index. A configuration is stable when no switch lowers E by more than
the tolerance (so a switch that leaves E unchanged does not happen). Configurations and
their mirror images (everyone swaps sides) are the same coalition structure, so actor 0
is always on side 0 and the exact enumeration covers 2^(n-1) configurations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Sequence

import numpy as np
from pydantic import Field

from sim.alignment.base import AlignmentRule, RuleParams, Signals, register_rule
from sim.alignment.balance import leading_eigenvector_camps
from sim.errors import UserError

__all__ = [
    "EXACT_LIMIT", "StableConfiguration", "LandscapeResult", "check_inputs", "pair_weights",
    "energy", "frustration", "switch_energy_changes", "descend", "enumerate_landscape",
    "sample_landscape", "analyze_landscape", "LandscapeInputs", "scenario_inputs",
    "world_inputs", "LandscapeRule",
]

EXACT_LIMIT = 20
"""Largest number of actors enumerated exactly by default (2^19 configurations)."""

CHUNK = 1 << 15


@dataclass(frozen=True)
class StableConfiguration:
    """A configuration stable under single switches, with actor 0 on side 0."""

    side: np.ndarray      # (n,) int8, 0 or 1
    energy: float
    basin: float          # share of starting configurations whose descent ends here

    def coalitions(self, ids: Sequence[str]) -> tuple[list[str], list[str]]:
        """The two coalitions as lists of ids (the first holds actor 0; the second may be empty)."""
        return ([a for a, s in zip(ids, self.side) if s == 0],
                [a for a, s in zip(ids, self.side) if s == 1])


@dataclass(frozen=True)
class LandscapeResult:
    minima: list[StableConfiguration]   # sorted by energy, then by configuration
    exact: bool                         # True: every configuration was enumerated
    starts: int                         # starting configurations descended from
    seed: int | None = None             # sampled runs: the seed, when known
    notes: list[str] = field(default_factory=list)

    def to_dict(self, ids: Sequence[str]) -> dict:
        return {
            "exact": self.exact,
            "method": "enumeration" if self.exact else "sampling",
            "starts": self.starts,
            "seed": self.seed,
            "notes": list(self.notes),
            "minima": [{"coalitions": list(m.coalitions(ids)), "energy": m.energy, "basin": m.basin}
                       for m in self.minima],
        }


# --- inputs ---------------------------------------------------------------------------

def check_inputs(sizes, propensity, ids: Sequence[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Validated (sizes, propensity) as float arrays; raises UserError naming every problem.

    Sizes must be finite and > 0; the propensity matrix must be square, match the sizes,
    be finite and symmetric. Its diagonal is ignored (set to 0).
    """
    s = np.asarray(sizes, dtype=float)
    p = np.array(propensity, dtype=float)
    names = list(ids) if ids is not None else [str(i) for i in range(s.size)]
    errors = []
    if s.ndim != 1 or s.size == 0:
        raise UserError(["landscape.sizes: needs at least one actor (a positive size per actor)"])
    for name, v in zip(names, s):
        if not np.isfinite(v) or v <= 0:
            errors.append(f"landscape.sizes.{name}: size {v:g} is not allowed (a number > 0)")
    if p.shape != (s.size, s.size):
        errors.append(f"landscape.propensities: matrix of shape {p.shape} for {s.size} actors "
                      f"(a {s.size} x {s.size} matrix)")
    else:
        if not np.all(np.isfinite(p)):
            errors.append("landscape.propensities: contains a value that is not a finite number")
        elif not np.allclose(p, p.T, rtol=0, atol=1e-12):
            i, j = np.argwhere(~np.isclose(p, p.T, rtol=0, atol=1e-12))[0]
            errors.append(f"landscape.propensities: {names[i]}-{names[j]} is {p[i, j]:g} but "
                          f"{names[j]}-{names[i]} is {p[j, i]:g} (propensities are symmetric)")
    if errors:
        raise UserError(errors)
    np.fill_diagonal(p, 0.0)
    return s, p


def pair_weights(sizes: np.ndarray, propensity: np.ndarray) -> np.ndarray:
    """W_ij = s_i s_j p_ij with a zero diagonal."""
    w = np.outer(sizes, sizes) * propensity
    np.fill_diagonal(w, 0.0)
    return w


def _tolerance(w: np.ndarray) -> float:
    return 1e-9 * (float(np.abs(w).sum()) + 1e-300)


# --- the definitions ------------------------------------------------------------------

def energy(side, sizes, propensity) -> np.ndarray | float:
    """E(X) = sum_{i != j} s_i s_j p_ij d_ij(X) for one configuration (n,) or a batch (k, n)."""
    side = np.asarray(side)
    sigma = 1.0 - 2.0 * side
    w = pair_weights(np.asarray(sizes, float), np.asarray(propensity, float))
    e = (w.sum() - np.einsum("...i,ij,...j->...", sigma, w, sigma)) / 2.0
    return float(e) if side.ndim == 1 else e


def frustration(side, sizes, propensity) -> np.ndarray:
    """F_i(X) = sum_{j != i} s_j p_ij d_ij(X), one value per actor."""
    side = np.asarray(side)
    d = (side[:, None] != side[None, :]).astype(float)
    p = np.array(propensity, dtype=float)
    np.fill_diagonal(p, 0.0)
    return (p * d) @ np.asarray(sizes, float)


def switch_energy_changes(sigma: np.ndarray, w: np.ndarray) -> np.ndarray:
    """dE_i = 2 sigma_i (W sigma)_i: change of E if actor i alone switched (rows: configurations)."""
    return 2.0 * sigma * (sigma @ w)


def _chosen_switch(de: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Per row: does someone switch, and who (largest drop of E, ties to the lowest index)."""
    best = de.min(axis=1)
    moving = best < -tol
    chosen = ((de <= best[:, None] + tol) & (de < -tol)).argmax(axis=1)
    return moving, chosen


def descend(side, sizes, propensity) -> np.ndarray:
    """The stable configuration the descent (module docstring) reaches from `side`, actor 0 on side 0."""
    s, p = check_inputs(sizes, propensity)
    w = pair_weights(s, p)
    tol = _tolerance(w)
    sigma = (1.0 - 2.0 * np.asarray(side, dtype=float))[None, :]
    while True:
        moving, chosen = _chosen_switch(switch_energy_changes(sigma, w), tol)
        if not moving[0]:
            break
        sigma[0, chosen[0]] *= -1.0
    out = (sigma[0] < 0).astype(np.int8)
    return out ^ out[0]


# --- the landscape ----------------------------------------------------------------------

def _sides_of(codes: np.ndarray, n: int) -> np.ndarray:
    """Configurations (k, n) int8 from canonical codes: actor k >= 1 is bit k-1, actor 0 is 0."""
    bits = (codes[:, None] >> np.arange(n - 1, dtype=np.int64)) & 1
    return np.hstack([np.zeros((codes.size, 1), dtype=np.int8), bits.astype(np.int8)])


def _sorted(minima: list[StableConfiguration], scale: float) -> list[StableConfiguration]:
    def key(m: StableConfiguration):
        return (round(m.energy / scale, 9), tuple(int(v) for v in m.side))
    return sorted(minima, key=key)


def enumerate_landscape(sizes, propensity, ids: Sequence[str] | None = None) -> LandscapeResult:
    """Every stable configuration with its energy and exact basin share, by enumeration.

    All 2^(n-1) configurations (actor 0 fixed on side 0) are evaluated in chunks of matrix
    products; each one's descent move is computed at once, and the descent's end point is
    found by pointer jumping (next = next[next] until nothing changes). Flipping actor 0
    is recorded as flipping everyone else (the mirror image).
    """
    s, p = check_inputs(sizes, propensity, ids)
    n = s.size
    w = pair_weights(s, p)
    tol = _tolerance(w)
    total = 1 << (n - 1)
    mirror = total - 1
    nxt = np.empty(total, dtype=np.int64)
    energies = np.empty(total, dtype=float)
    w_sum = w.sum()
    for start in range(0, total, CHUNK):
        codes = np.arange(start, min(start + CHUNK, total), dtype=np.int64)
        sigma = 1.0 - 2.0 * _sides_of(codes, n)
        field_ = sigma @ w
        energies[codes] = (w_sum - np.einsum("ki,ki->k", sigma, field_)) / 2.0
        moving, chosen = _chosen_switch(2.0 * sigma * field_, tol)
        flip_mask = np.where(chosen == 0, mirror, np.left_shift(1, np.maximum(chosen - 1, 0)))
        nxt[codes] = np.where(moving, codes ^ flip_mask, codes)
    while True:
        jumped = nxt[nxt]
        if np.array_equal(jumped, nxt):
            break
        nxt = jumped
    ends, counts = np.unique(nxt, return_counts=True)
    minima = [StableConfiguration(side, float(energies[code]), count / total)
              for code, count, side in zip(ends, counts, _sides_of(ends, n))]
    return LandscapeResult(_sorted(minima, tol * 1e9), exact=True, starts=total)


def sample_landscape(sizes, propensity, samples: int, rng: np.random.Generator,
                     ids: Sequence[str] | None = None, seed: int | None = None) -> LandscapeResult:
    """Stable configurations reached by descents from `samples` random starting configurations.

    Starting points are uniform over all 2^n configurations (drawn from `rng`). The list
    holds only the minima some descent reached, and a basin is the share of the samples;
    both are estimates, which `exact=False` and the notes say.
    """
    s, p = check_inputs(sizes, propensity, ids)
    if int(samples) < 1:
        raise UserError([f"samples: {samples} is not allowed (a whole number >= 1)"])
    n = s.size
    w = pair_weights(s, p)
    tol = _tolerance(w)
    sigma = 1.0 - 2.0 * rng.integers(0, 2, size=(int(samples), n)).astype(float)
    active = np.arange(sigma.shape[0])
    while active.size:
        moving, chosen = _chosen_switch(switch_energy_changes(sigma[active], w), tol)
        active, chosen = active[moving], chosen[moving]
        sigma[active, chosen] *= -1.0
    sides = (sigma < 0).astype(np.int8)
    sides ^= sides[:, :1]
    unique, counts = np.unique(sides, axis=0, return_counts=True)
    minima = [StableConfiguration(side, float(energy(side, s, p)), count / sigma.shape[0])
              for side, count in zip(unique, counts)]
    note = (f"sampled: {int(samples)} random starting configurations of {n} actors; minima with "
            "small basins may be missing, and basin shares are estimates")
    return LandscapeResult(_sorted(minima, tol * 1e9), exact=False, starts=int(samples),
                           seed=seed, notes=[note])


def analyze_landscape(sizes, propensity, ids: Sequence[str] | None = None, *,
                      exact_limit: int = EXACT_LIMIT, samples: int = 20000,
                      seed: int | None = 0) -> LandscapeResult:
    """Exact enumeration up to `exact_limit` actors, sampling from seeded starts above it."""
    s, p = check_inputs(sizes, propensity, ids)
    if s.size <= exact_limit:
        return enumerate_landscape(s, p, ids)
    return sample_landscape(s, p, samples, np.random.default_rng(seed), ids, seed=seed)


# --- where sizes and propensities come from ------------------------------------------

MIN_SIZE = 1e-6
"""World-derived sizes are floored at this share of the largest, as sizes must be > 0."""


@dataclass(frozen=True)
class LandscapeInputs:
    ids: list[str]
    sizes: np.ndarray
    propensity: np.ndarray
    source: str          # a sentence saying where the numbers come from


def scenario_inputs(scenario) -> LandscapeInputs:
    """Sizes and propensities written in the scenario's `landscape:` section.

    The actors are those with a size, in the scenario's actor order; a pair not listed under
    `propensities` has propensity 0 (indifferent), and a pair listed twice takes its last
    value. A propensity naming an actor without a size is an error.
    """
    section = getattr(scenario, "landscape", None)
    if section is None or not section.sizes:
        raise UserError(["landscape.sizes: the scenario gives no sizes (a `landscape:` section "
                         "with `sizes: {ID: number > 0}` and `propensities: [[ID, ID, number]]`)"])
    order = list(getattr(scenario, "actors", {}) or section.sizes)
    ids = [a for a in order if a in section.sizes] + [a for a in section.sizes if a not in order]
    index = {a: i for i, a in enumerate(ids)}
    sizes = np.array([section.sizes[a] for a in ids], dtype=float)
    prop = np.zeros((len(ids), len(ids)))
    errors = []
    for row, (a, b, value) in enumerate(section.propensities):
        missing = [x for x in (a, b) if x not in index]
        if missing:
            errors.append(f"landscape.propensities.{row}: {', '.join(missing)} has no size in "
                          "landscape.sizes (every actor in a pair needs a size)")
        elif a == b:
            errors.append(f"landscape.propensities.{row}: pairs {a} with itself (two different actors)")
        else:
            prop[index[a], index[b]] = prop[index[b], index[a]] = value
    if errors:
        raise UserError(errors)
    sizes, prop = check_inputs(sizes, prop, ids)
    return LandscapeInputs(ids, sizes, prop, "sizes and propensities from the scenario's landscape section")


def world_inputs(world, propensity: Literal["baseline", "current"] = "baseline",
                 regime_weight: float = 0.0) -> LandscapeInputs:
    """Sizes and propensities derived from the world, for every actor.

    size_i = world.power_i (composite economic and military power), floored at MIN_SIZE
    times the largest so that it is positive; p_ij = the scenario's starting affinity
    (world.baseline: history and ideology, fixed during a run) or, with
    propensity="current", today's world.affinity; plus regime_weight * r_i * r_j, where r is
    +1 for a democracy, -1 for an autocracy and 0 for a hybrid regime (Axelrod and Bennett
    counted type of government among the sources of propensity in their 1936 case).
    """
    power = np.asarray(world.power, dtype=float)
    sizes = np.maximum(power, MIN_SIZE * max(float(power.max()), 1e-12))
    matrix = world.baseline if propensity == "baseline" else world.affinity
    prop = np.array(matrix, dtype=float)
    prop = (prop + prop.T) / 2
    if regime_weight:
        prop = prop + regime_weight * np.outer(world.regime, world.regime)
    sizes, prop = check_inputs(sizes, prop, list(world.ids))
    which = "the starting affinity" if propensity == "baseline" else "the current affinity"
    regime = f" + {regime_weight:g} x regime alikeness" if regime_weight else ""
    return LandscapeInputs(list(world.ids), sizes, prop,
                           f"derived from the world: size = power, propensity = {which}{regime}")


# --- the rule --------------------------------------------------------------------------

class LandscapeParams(RuleParams):
    source: Literal["auto", "scenario", "world"] = Field(
        "auto", description="where sizes and propensities come from; auto: the scenario's "
                            "landscape section if it has sizes, else the world")
    propensity: Literal["baseline", "current"] = Field(
        "baseline", description="with source world: starting affinity or current affinity")
    rate: float = Field(0.2, gt=0.0, le=1.0,
                        description="share of the way affinity moves to +1/-1 each month")
    regime_weight: float = Field(0.0, ge=0.0, le=1.0,
                                 description="with source world: propensity added for alike regimes "
                                             "(democracy/autocracy), taken away for opposed ones")


@register_rule
class LandscapeRule(AlignmentRule):
    """Axelrod & Bennett (1993): affinity moves toward the coalitions of the landscape descent.

    Each month, among the participating actors (those with a size; all actors when
    derived from the world, see `world_inputs` and `scenario_inputs`):
      1. the current configuration is read off world.affinity: the two sides are the signs
         of the leading eigenvector of the participants' affinity block;
      2. the descent of the module docstring runs from it to a stable configuration;
      3. affinity between two participants moves by `rate` toward +1 if that configuration
         puts them on the same side and toward -1 otherwise: A += rate (target - A).
    Affinities involving other actors are left alone. `configuration` holds the last
    stable configuration (1 = the side not holding the first participant).
    """

    name = "landscape"
    title = "Landscape theory of aggregation"
    citation = ("Axelrod & Bennett, A landscape theory of aggregation, British Journal of "
                "Political Science 23(2):211-233 (1993)")
    Params = LandscapeParams

    def __init__(self, params, scenario, world) -> None:
        super().__init__(params, scenario, world)
        section = getattr(scenario, "landscape", None) if scenario is not None else None
        has_sizes = section is not None and bool(section.sizes)
        use_scenario = params.source == "scenario" or (params.source == "auto" and has_sizes)
        self.fixed: LandscapeInputs | None = scenario_inputs(scenario) if use_scenario else None
        ids = self.fixed.ids if self.fixed else list(world.ids)
        index = {a: i for i, a in enumerate(world.ids)}
        self.members = np.array([index[a] for a in ids], dtype=np.int64)
        self.configuration: np.ndarray | None = None

    def inputs(self, world) -> LandscapeInputs:
        return self.fixed if self.fixed is not None else world_inputs(world, self.params.propensity, self.params.regime_weight)

    def update(self, world, signals: Signals, rng: np.random.Generator) -> None:
        m = self.members
        if m.size < 2:
            return
        inputs = self.inputs(world)
        block = np.ix_(m, m)
        a = world.affinity[block]
        end = descend(leading_eigenvector_camps(a), inputs.sizes, inputs.propensity)
        target = np.where(end[:, None] == end[None, :], 1.0, -1.0)
        new = a + self.params.rate * (target - a)
        new = np.clip((new + new.T) / 2, -1.0, 1.0)
        np.fill_diagonal(new, 1.0)
        world.affinity[block] = new
        self.configuration = end
