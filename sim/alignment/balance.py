"""Structural balance (Heider): two published dynamics and the rules built on them.

A triad of a complete signed network is balanced when the product of its three signs is
positive; the whole network is balanced exactly when it splits into at most two camps,
friendly inside and hostile between (Cartwright & Harary 1956).

* Continuous time: Marvel, Kleinberg, Kleinberg & Strogatz, "Continuous-time model of
  structural balance", PNAS 108(5):1771-1776, 2011. dX/dt = X X on a real symmetric
  matrix. Solved here in closed form (`marvel_solution`), not by an integrator.
* Discrete local triad dynamics (LTD): Antal, Krapivsky & Redner, "Dynamics of social
  balance on networks", Phys. Rev. E 72, 036121 (2005), arXiv:cond-mat/0506476
  (`antal_triad_dynamics`).

Signs and affinities: an affinity matrix (signed, symmetric, in [-1, 1]) is read as a sign
pattern by `sign_pattern`: positive entries are friendly (+1), negative ones hostile (-1).
The dynamics here never produce exact zeros in practice; where a sign is needed and an
entry is exactly 0, `signs_from_affinity` counts it as friendly (neutral is not hostile).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from pydantic import Field

from sim.alignment.base import AlignmentRule, RuleParams, Signals, register_rule

__all__ = [
    "sign_pattern", "signs_from_affinity", "is_balanced", "camp_labels",
    "leading_eigenvector_camps", "marvel_blowup_time", "marvel_solution",
    "marvel_time_to_balance", "antal_triad_dynamics", "AntalRun", "TriadIndex",
    "ContinuousBalance", "TriadBalance",
]


# --- reading signs and camps -------------------------------------------------------

def sign_pattern(x: np.ndarray) -> np.ndarray:
    """Signs (+1, -1, 0) of a square matrix as int8; the diagonal is set to +1."""
    s = np.sign(np.asarray(x, dtype=float)).astype(np.int8)
    np.fill_diagonal(s, 1)
    return s


def signs_from_affinity(affinity: np.ndarray) -> np.ndarray:
    """±1 sign matrix of an affinity matrix; an exact 0 counts as friendly (+1)."""
    s = np.where(np.asarray(affinity) < 0, -1, 1).astype(np.int8)
    np.fill_diagonal(s, 1)
    return s


def is_balanced(x: np.ndarray) -> bool:
    """True when every off-diagonal entry is nonzero and every triad has a positive sign product.

    For a complete network this is tested in O(n^2) through the equivalent two-camp form:
    with sigma_j = sign(x_0j) (sigma_0 = +1), balance holds iff sign(x_ij) = sigma_i sigma_j for
    all i != j. (Any triad (0, i, j) then has product sigma_i^2 sigma_j^2 = 1, and conversely
    the triads through actor 0 force this form.) A network of n <= 2 is balanced when its
    entries are nonzero.
    """
    s = sign_pattern(x).astype(np.int64)
    n = s.shape[0]
    if n != s.shape[1]:
        raise ValueError(f"need a square matrix, got shape {s.shape}")
    off = ~np.eye(n, dtype=bool)
    if np.any(s[off] == 0) or np.any(s != s.T):
        return False
    sigma = s[0].copy()
    sigma[0] = 1
    return bool(np.array_equal(s[off], np.outer(sigma, sigma)[off]))


def camp_labels(x: np.ndarray) -> np.ndarray:
    """Camp of each actor (0 = actor 0's camp, 1 = the other) in a balanced network.

    Raises ValueError when the sign pattern is not balanced. A harmony (all friendly)
    gives all zeros.
    """
    if not is_balanced(x):
        raise ValueError("the sign pattern is not balanced, so it has no two-camp split")
    s = sign_pattern(x)
    labels = (s[0] < 0).astype(np.int64)
    labels[0] = 0
    return labels


def leading_eigenvector_camps(x: np.ndarray) -> np.ndarray:
    """Camps from the signs of the eigenvector of the largest eigenvalue of symmetric x.

    Label 0 is the side of actor 0 (the eigenvector's overall sign is arbitrary). A
    component that is exactly zero, which generic matrices do not have, joins label 0.
    This is Marvel et al.'s prediction of the camps for dX/dt = X X.
    """
    x = np.asarray(x, dtype=float)
    _, vectors = np.linalg.eigh((x + x.T) / 2)
    u = vectors[:, -1]
    ref = 1.0 if u[0] >= 0 else -1.0
    return (u * ref < 0).astype(np.int64)


# --- Marvel, Kleinberg, Kleinberg & Strogatz (2011) -------------------------------

def _eig(x0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x0 = np.asarray(x0, dtype=float)
    if x0.ndim != 2 or x0.shape[0] != x0.shape[1]:
        raise ValueError(f"need a square matrix, got shape {x0.shape}")
    if not np.allclose(x0, x0.T, atol=1e-12, rtol=0):
        raise ValueError("dX/dt = X X is solved here for symmetric matrices only")
    return np.linalg.eigh((x0 + x0.T) / 2)


def marvel_blowup_time(x0: np.ndarray) -> float:
    """t* = 1/lambda_1, the blow-up time of dX/dt = X X from symmetric x0 (inf if lambda_1 <= 0)."""
    lam, _ = _eig(x0)
    return 1.0 / lam[-1] if lam[-1] > 0 else float("inf")


def marvel_solution(x0: np.ndarray, t: float) -> np.ndarray:
    """X(t) for dX/dt = X X, X(0) = x0 symmetric, by the closed form of Marvel et al. (2011).

    With x0 = V diag(lambda) V^T, each eigen-direction evolves on its own as
    d(mu)/dt = mu^2, so X(t) = V diag(lambda / (1 - lambda t)) V^T. Valid for 0 <= t < t*.
    """
    lam, vectors = _eig(x0)
    t_star = 1.0 / lam[-1] if lam[-1] > 0 else float("inf")
    if not 0 <= t < t_star:
        raise ValueError(f"t = {t} is outside [0, t*) with t* = {t_star}")
    mu = lam / (1.0 - lam * t)
    return (vectors * mu) @ vectors.T


def marvel_time_to_balance(x0: np.ndarray, points: int = 400,
                           closest_gap: float = 1e-12) -> tuple[float, float]:
    """(t_balance, t*): when X(t) becomes balanced for good before the blow-up time t*.

    X(t) is evaluated on a grid that is geometric in the remaining time t* - t, from t = 0
    to t* (1 - closest_gap); t_balance is the earliest grid time from which every later grid
    point is balanced with the same camps. Near t*, X(t) (1 - lambda_1 t) -> lambda_1 u1 u1^T,
    so these camps are the signs of the leading eigenvector u1 (Marvel et al. 2011). Returns
    (inf, t*) when the grid never settles (lambda_1 <= 0, or a repeated leading eigenvalue).
    """
    t_star = marvel_blowup_time(x0)
    if not np.isfinite(t_star):
        return float("inf"), t_star
    gaps = np.geomspace(1.0, closest_gap, points)
    times = np.concatenate([[0.0], t_star * (1.0 - gaps[1:])])
    settled_from = None
    final = None
    for t in times[::-1]:
        x = marvel_solution(x0, float(t))
        if not is_balanced(x):
            break
        labels = camp_labels(x)
        if final is None:
            final = labels
        elif not np.array_equal(labels, final):
            break
        settled_from = float(t)
    if settled_from is None:
        return float("inf"), t_star
    return settled_from, t_star


# --- Antal, Krapivsky & Redner (2005) ------------------------------------------------

@dataclass(frozen=True)
class TriadIndex:
    """Index arrays of the complete graph on n nodes: links (i < j) and triads (i < j < k)."""

    n: int
    link_nodes: np.ndarray    # (M, 2)
    link_id: np.ndarray       # (n, n), -1 on the diagonal
    triad_links: np.ndarray   # (T, 3) link ids of each triad
    link_triads: np.ndarray   # (M, n - 2) triad ids containing each link

    @staticmethod
    @lru_cache(maxsize=16)
    def of(n: int) -> "TriadIndex":
        iu, ju = np.triu_indices(n, 1)
        link_id = -np.ones((n, n), dtype=np.int64)
        link_id[iu, ju] = np.arange(iu.size)
        link_id[ju, iu] = np.arange(iu.size)
        nodes = np.arange(n)
        i, j, k = np.meshgrid(nodes, nodes, nodes, indexing="ij")
        keep = (i < j) & (j < k)
        i, j, k = i[keep], j[keep], k[keep]
        triad_links = np.stack([link_id[i, j], link_id[i, k], link_id[j, k]], axis=1)
        order = np.argsort(triad_links.ravel(), kind="stable")
        link_triads = (order // 3).reshape(iu.size, max(n - 2, 0))
        return TriadIndex(n, np.stack([iu, ju], axis=1), link_id, triad_links, link_triads)


@dataclass
class AntalRun:
    signs: np.ndarray   # (n, n) final ±1 matrix, diagonal +1
    updates: int        # update events performed (each flips one link)
    balanced: bool      # no imbalanced triad remains


def antal_triad_dynamics(signs: np.ndarray, p: float, rng: np.random.Generator,
                         max_updates: int | None = None) -> AntalRun:
    """Local triad dynamics (LTD) of Antal, Krapivsky & Redner (2005) on a complete signed graph.

    Each update picks an imbalanced triad uniformly at random (a triad with one or three
    hostile links) and reverses the sense of one of its links so that the triad becomes
    balanced ("the sense of a link in an imbalanced triad ... is reversed to make the triad
    balanced", from the paper's abstract). The update rule of LTD:
      * one hostile link (Delta_1): with probability p the hostile link turns friendly
        (Delta_1 -> Delta_0); otherwise (probability 1 - p) one of the two friendly links,
        chosen uniformly, turns hostile (Delta_1 -> Delta_2);
      * three hostile links (Delta_3): one of them, chosen uniformly, turns friendly
        (Delta_3 -> Delta_2) with probability 1; it is the only reversal that balances the
        triad, since flipping a hostile link is all there is. (docs/THEORIES.md's shorthand "otherwise
        a friendly link turns hostile" applies to Delta_1 only.)
    Runs until no imbalanced triad remains (the absorbing, balanced state every finite
    network reaches) or `max_updates` events. All randomness comes from `rng`.

    Which triads are imbalanced is tracked incrementally: flipping link (i, j) toggles
    exactly the n - 2 triads that contain it.
    """
    s_full = np.asarray(signs)
    n = s_full.shape[0]
    if s_full.shape != (n, n):
        raise ValueError(f"need a square matrix, got shape {s_full.shape}")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be in [0, 1], got {p}")
    off = ~np.eye(n, dtype=bool)
    if np.any((s_full[off] != 1) & (s_full[off] != -1)) or np.any(s_full != s_full.T):
        raise ValueError("signs must be a symmetric matrix of +1 and -1 off the diagonal")
    idx = TriadIndex.of(n)
    s = s_full[idx.link_nodes[:, 0], idx.link_nodes[:, 1]].astype(np.int8)
    if n < 3:
        return AntalRun(_full_signs(s, idx), 0, True)
    imbalanced = np.prod(s[idx.triad_links], axis=1) < 0
    limit = np.iinfo(np.int64).max if max_updates is None else int(max_updates)
    updates = 0
    block = 1024
    while updates < limit:
        candidates = np.flatnonzero(imbalanced)
        if candidates.size == 0:
            break
        if updates % block == 0:
            u = rng.random((block, 3))
        pick, coin, which = u[updates % block]
        triad = candidates[int(pick * candidates.size)]
        links = idx.triad_links[triad]
        hostile = links[s[links] < 0]
        if hostile.size == 1:
            if coin < p:
                flip = hostile[0]
            else:
                friendly = links[s[links] > 0]
                flip = friendly[int(which * 2)]
        else:  # three hostile links
            flip = hostile[int(which * 3)]
        s[flip] = -s[flip]
        imbalanced[idx.link_triads[flip]] ^= True
        updates += 1
    return AntalRun(_full_signs(s, idx), updates, not imbalanced.any())


def _full_signs(link_signs: np.ndarray, idx: TriadIndex) -> np.ndarray:
    full = np.ones((idx.n, idx.n), dtype=np.int8)
    i, j = idx.link_nodes[:, 0], idx.link_nodes[:, 1]
    full[i, j] = link_signs
    full[j, i] = link_signs
    return full


# --- the rules ----------------------------------------------------------------------------

class ContinuousBalanceParams(RuleParams):
    blowup_fraction: float = Field(
        0.3, gt=0.0, lt=1.0,
        description="share of the time left to blow-up (1/lambda_1) that one month advances")


@register_rule
class ContinuousBalance(AlignmentRule):
    """Marvel et al. (2011): each month, dX/dt = X X advances from the current X.

    X starts as world.affinity. One month advances model time t = blowup_fraction /
    lambda_1(X), a fixed share of the way to the blow-up, by the closed form
    (`marvel_solution`). When the largest off-diagonal |entry| of the result exceeds 1, X is
    divided by it: dX/dt = X X is homogeneous (c X(c t) is again a solution), so this changes
    the clock, not the path. world.affinity receives the off-diagonal part of X, clipped to
    [-1, 1], with diagonal 1. The rule keeps X itself, including its diagonal (which the
    dynamics need), and continues from it next month unless something else has changed
    world.affinity since, in which case it restarts from world.affinity. So, left alone,
    the affinity follows Marvel et al.'s trajectory to a balanced sign pattern: two camps
    given by the signs of the leading eigenvector of the starting matrix, or one (harmony).
    """

    name = "balance_continuous"
    title = "Structural balance, continuous time (dX/dt = X²)"
    citation = ("Marvel, Kleinberg, Kleinberg & Strogatz, Continuous-time model of structural "
                "balance, PNAS 108(5):1771-1776 (2011)")
    Params = ContinuousBalanceParams

    def __init__(self, params, scenario, world) -> None:
        super().__init__(params, scenario, world)
        self._state: np.ndarray | None = None     # X, diagonal included
        self._written: np.ndarray | None = None   # what this rule last wrote to world.affinity

    def update(self, world, signals: Signals, rng: np.random.Generator) -> None:
        a = np.asarray(world.affinity, dtype=float)
        if self._state is not None and np.array_equal(a, self._written):
            x = self._state
        else:
            x = (a + a.T) / 2
        t_star = marvel_blowup_time(x)
        if not np.isfinite(t_star):   # no positive eigenvalue: X(t) decays, nothing to sharpen
            return
        x = marvel_solution(x, self.params.blowup_fraction * t_star)
        x = (x + x.T) / 2
        off = ~np.eye(x.shape[0], dtype=bool)
        largest = np.abs(x[off]).max() if off.any() else 0.0
        if largest > 1.0:
            x = x / largest
        out = np.clip(x, -1.0, 1.0)
        np.fill_diagonal(out, 1.0)
        world.affinity[:] = out
        self._state, self._written = x, out.copy()


class TriadBalanceParams(RuleParams):
    p: float = Field(0.5, ge=0.0, le=1.0,
                     description="chance that a triad with one hostile link resolves by friendship")
    sweeps_per_step: float = Field(
        1.0, ge=0.0, le=1000.0,
        description="update events per month, in units of the number of links n(n-1)/2")
    flip_magnitude: float = Field(
        0.1, gt=0.0, le=1.0, description="least |affinity| of a link whose sign was reversed")


@register_rule
class TriadBalance(AlignmentRule):
    """Antal, Krapivsky & Redner (2005) local triad dynamics on the signs of world.affinity.

    Each month: the signs are read off the affinity (`signs_from_affinity`: negative is
    hostile, anything else friendly); ceil(sweeps_per_step * n(n-1)/2) LTD update events run
    (`antal_triad_dynamics`, stopping early once balanced); then each link whose sign was
    reversed is written back as new_sign * max(|old affinity|, flip_magnitude), and every
    other link keeps its value. So the sign pattern of world.affinity after the month is
    exactly the LTD state, and magnitudes record how strong each relation was.
    """

    name = "balance_triad"
    title = "Structural balance, local triad dynamics"
    citation = ("Antal, Krapivsky & Redner, Dynamics of social balance on networks, "
                "Phys. Rev. E 72, 036121 (2005)")
    Params = TriadBalanceParams

    def update(self, world, signals: Signals, rng: np.random.Generator) -> None:
        a = world.affinity
        n = a.shape[0]
        before = signs_from_affinity(a)
        budget = int(np.ceil(self.params.sweeps_per_step * n * (n - 1) / 2))
        if budget == 0 or n < 3:
            return
        after = antal_triad_dynamics(before, self.params.p, rng, max_updates=budget).signs
        flipped = after != before
        if flipped.any():
            magnitude = np.maximum(np.abs(a[flipped]), self.params.flip_magnitude)
            a[flipped] = after[flipped] * magnitude
