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
from typing import Sequence

import numpy as np

from sim.errors import UserError

__all__ = [
    "EXACT_LIMIT", "StableConfiguration", "LandscapeResult", "check_inputs", "pair_weights",
    "energy", "frustration", "switch_energy_changes", "descend", "enumerate_landscape",
    "sample_landscape", "analyze_landscape",
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
        raise UserError([f"--samples: {samples} is not allowed (a whole number >= 1)"])
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
