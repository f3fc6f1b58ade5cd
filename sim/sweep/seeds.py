"""Seeds for every run, derived from the sweep's root seed alone.

`run_seed(root, i)` is the i-th child of `SeedSequence(root)` (the same child that
`SeedSequence(root).spawn(i + 1)[i]` gives), folded to a non-negative 63-bit integer.
It depends only on the root seed and the run's index, never on which worker runs it or
in what order, so any backend and worker count reproduces the same runs.
"""

from __future__ import annotations

import hashlib

import numpy as np


def _seed_int(ss: np.random.SeedSequence) -> int:
    return int(ss.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


def run_seed(root: int, index: int) -> int:
    """The seed of run (or replication) `index` under root seed `root`."""
    return _seed_int(np.random.SeedSequence(root, spawn_key=(index,)))


def derive_seed(root: int, purpose: str) -> int:
    """A seed for a named side use (e.g. the design sampler), independent of run seeds."""
    tag = int.from_bytes(hashlib.sha256(purpose.encode()).digest()[:4], "big")
    return _seed_int(np.random.SeedSequence([root, tag]))
