"""Reading blocs and indicators off the signed affinity matrix, in O(n^2).

Blocs: actors are taken in order of power. Each joins the existing bloc with which its
mean affinity is highest, if that mean is above the threshold and it has no member it
is hostile to (affinity below -threshold); otherwise it founds a new bloc. Two
refinement passes then move any actor to a bloc it fits better. Blocs of one are
reported as non-aligned.
"""

from __future__ import annotations

import numpy as np


def find_blocs(A: np.ndarray, power: np.ndarray, threshold: float) -> np.ndarray:
    """Bloc label per actor (0..B-1); labels ordered by bloc power, largest first."""
    n = A.shape[0]
    order = np.argsort(-power, kind="stable")
    label = np.full(n, -1)
    sums = np.zeros((n, n))        # sums[i, b]: total affinity of i to members of bloc b
    mins = np.full((n, n), np.inf)  # mins[i, b]: least affinity of i to a member of b
    sizes = np.zeros(n)
    blocs = 0
    for i in order:
        label[i] = _best(i, sums, mins, sizes, blocs, threshold, own=-1)
        if label[i] == blocs:
            blocs += 1
        _join(i, label[i], A, sums, mins, sizes)
    for _ in range(2):
        moved = False
        for i in order:
            own = label[i]
            _leave(i, own, A, sums, sizes)
            best = _best(i, sums, mins, sizes, blocs, threshold, own=own)
            if best == blocs:
                blocs += 1
            _join(i, best, A, sums, mins, sizes)
            moved |= best != own
            label[i] = best
        mins = _recompute_mins(A, label, blocs)
        if not moved:
            break
    return _relabel(label, power)


def _best(i, sums, mins, sizes, blocs, threshold, own):
    """The bloc ``i`` fits best (highest mean affinity above the threshold, no hostile
    member), ``own`` if it may stay alone there, else ``blocs`` (a new one). A plain loop:
    there are few blocs, and numpy calls on such short rows cost more than they save."""
    if blocs == 0:
        return 0
    best, best_mean = -1, -np.inf
    for b, (total, least, size) in enumerate(zip(sums[i, :blocs].tolist(), mins[i, :blocs].tolist(),
                                                 sizes[:blocs].tolist())):
        if size <= 0:
            continue
        mean = total / size
        if mean > threshold and least > -threshold and mean > best_mean:
            best, best_mean = b, mean
    if best >= 0:
        return best
    return own if own >= 0 and sizes[own] == 0 else blocs


def _join(i, b, A, sums, mins, sizes):
    sums[:, b] += A[:, i]
    np.minimum(mins[:, b], A[:, i], out=mins[:, b])
    sizes[b] += 1


def _leave(i, b, A, sums, sizes):
    sums[:, b] -= A[:, i]
    sizes[b] -= 1


def _recompute_mins(A, label, blocs):
    n = A.shape[0]
    mins = np.full((n, n), np.inf)
    for b in range(blocs):
        members = label == b
        if members.any():
            mins[:, b] = A[:, members].min(axis=1)
    return mins


def _relabel(label: np.ndarray, power: np.ndarray) -> np.ndarray:
    uniq = np.unique(label)
    strength = np.array([power[label == u].sum() for u in uniq])
    new_of = {u: r for r, u in enumerate(uniq[np.argsort(-strength, kind="stable")])}
    return np.array([new_of[x] for x in label])


def cohesion(A: np.ndarray, label: np.ndarray) -> dict[int, float]:
    """Mean affinity between distinct members, per bloc of two or more."""
    out = {}
    for b in np.unique(label):
        m = np.flatnonzero(label == b)
        if m.size >= 2:
            sub = A[np.ix_(m, m)]
            out[int(b)] = float((sub.sum() - m.size) / (m.size * (m.size - 1)))
    return out


def lean(A: np.ndarray, west: list[int], east: list[int]) -> np.ndarray:
    """Each actor's lean in [-1, 1]: negative toward the US-led pole, positive toward Russia/China."""
    return np.clip((A[:, east].mean(axis=1) - A[:, west].mean(axis=1)) / 2.0, -1.0, 1.0)


def polarization(leans: np.ndarray) -> float:
    """Mean absolute difference of leans over all pairs, halved: 0 (all alike) .. 1 (two poles)."""
    x = np.sort(leans)
    n = x.size
    if n < 2:
        return 0.0
    # sum_{i<j} (x_j - x_i) in O(n log n)
    total = float(((2 * np.arange(n) - n + 1) * x).sum())
    return total / (n * (n - 1) / 2) / 2.0
