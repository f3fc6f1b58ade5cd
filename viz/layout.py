"""Node positions for the alignment network: friends close, rivals far, and steady over time.

The target distance between two actors is ``1 - affinity`` (0 for allies, 2 for enemies).
The first layout is classical multidimensional scaling of those distances; each later
layout starts from the previous positions and takes a few stress-majorization steps
(SMACOF, de Leeuw 1977), so nodes drift as alignments change instead of jumping.
"""

from __future__ import annotations

import numpy as np


def classical_mds(D: np.ndarray) -> np.ndarray:
    """Two-dimensional classical MDS of a distance matrix."""
    n = D.shape[0]
    if n == 1:
        return np.zeros((1, 2))
    J = np.eye(n) - 1.0 / n
    B = -0.5 * J @ (D ** 2) @ J
    vals, vecs = np.linalg.eigh(B)
    top = np.argsort(vals)[::-1][:2]
    X = vecs[:, top] * np.sqrt(np.maximum(vals[top], 1e-9))
    if X.shape[1] < 2:
        X = np.hstack([X, np.zeros((n, 2 - X.shape[1]))])
    # a tiny deterministic spread so coincident actors stay apart
    angle = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return X + 0.02 * np.c_[np.cos(angle), np.sin(angle)]


def smacof(D: np.ndarray, X: np.ndarray, iterations: int = 30) -> np.ndarray:
    """Stress-majorization steps (Guttman transform) from positions ``X``."""
    n = D.shape[0]
    X = X.copy()
    for _ in range(iterations):
        diff = X[:, None, :] - X[None, :, :]
        dist = np.sqrt((diff ** 2).sum(-1))
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(dist > 1e-9, D / dist, 0.0)
        B = -ratio
        np.fill_diagonal(B, 0.0)
        np.fill_diagonal(B, -B.sum(axis=1))
        X = B @ X / n
    return X


def affinity_layout(affinity: np.ndarray, previous: np.ndarray | None = None) -> np.ndarray:
    """(n, 2) positions in [-1, 1] for an affinity matrix, continuing ``previous`` when given."""
    A = np.clip(np.nan_to_num(np.asarray(affinity, dtype=float)), -1.0, 1.0)
    n = A.shape[0]
    if n == 0:
        return np.zeros((0, 2))
    D = 1.0 - (A + A.T) / 2.0
    np.fill_diagonal(D, 0.0)
    D = np.maximum(D, 0.15)  # allies keep a readable distance
    np.fill_diagonal(D, 0.0)
    if previous is None or previous.shape != (n, 2):
        X = smacof(D, classical_mds(D), iterations=60)
    else:
        X = smacof(D, previous, iterations=8)
    X = X - X.mean(axis=0)
    scale = np.abs(X).max()
    return X / scale if scale > 1e-9 else X
