"""Design points: full factorial, or Latin hypercube, Sobol and Morris samples (SALib).

A design is the list of parameter settings to run, in a fixed order. For the SALib
designs it also keeps the sample matrix in SALib's space and the `problem` dict, which
the analysis hands back to SALib with the outcomes in the same order.

Parameters given as `values:` take part in samplers as a uniform choice among the
values: SALib samples an index in [0, k) and the floor picks the value. Parameters with
`integer: true` sample [low, high + 1) and take the floor, so each whole number between
the bounds is equally likely.
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.sweep.seeds import derive_seed
from sim.sweep.spec import ParameterSpec, SweepSpec


@dataclass(frozen=True)
class Design:
    """The points of a design, in run order."""

    kind: str
    names: list[str]
    points: list[dict[str, Any]]
    matrix: np.ndarray | None = None  # (n_points, D) in SALib space
    problem: dict | None = None

    def __len__(self) -> int:
        return len(self.points)


def salib_problem(params: list[ParameterSpec]) -> dict:
    """SALib's problem dict; discrete and integer parameters get index ranges."""
    bounds = []
    for p in params:
        if p.values is not None:
            bounds.append([0.0, float(len(p.values))])
        elif p.integer:
            bounds.append([math.ceil(p.bounds[0]), math.floor(p.bounds[1]) + 1.0])
        else:
            bounds.append([float(p.bounds[0]), float(p.bounds[1])])
    return {"num_vars": len(params), "names": [p.path for p in params], "bounds": bounds}


def decode(p: ParameterSpec, x: float, bound: list[float]) -> Any:
    """A value in SALib space mapped to the parameter's value."""
    if p.values is not None:
        return p.values[min(int(math.floor(x)), len(p.values) - 1)]
    if p.integer:
        return int(min(math.floor(x), bound[1] - 1))
    return float(x)


def sample_matrix(spec: SweepSpec, problem: dict) -> np.ndarray:
    """The SALib sample for the spec's design (seeded from the sweep's root seed)."""
    from SALib.sample import latin, morris, sobol

    seed = derive_seed(spec.seed, "design") % (2**31)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if spec.design == "lhs":
            return latin.sample(problem, spec.samples, seed=seed)
        if spec.design == "sobol":
            return sobol.sample(problem, spec.samples, calc_second_order=spec.second_order, seed=seed)
        if spec.design == "morris":
            return morris.sample(problem, spec.samples, num_levels=spec.morris_levels, seed=seed)
    raise ValueError(f"not a sampled design: {spec.design}")


def expected_points(spec: SweepSpec) -> int:
    """How many points the design has, from its definition (used to check the samplers)."""
    d = len(spec.parameters)
    if spec.design == "full_factorial":
        return math.prod(len(p.factorial_values()) for p in spec.parameters)
    if spec.design == "lhs":
        return spec.samples
    if spec.design == "sobol":
        return spec.samples * (2 * d + 2 if spec.second_order else d + 2)
    return spec.samples * (d + 1)


def build_design(spec: SweepSpec) -> Design:
    """All points of the spec's design, deterministic given the spec."""
    names = [p.path for p in spec.parameters]
    if spec.design == "full_factorial":
        levels = [p.factorial_values() for p in spec.parameters]
        points = [dict(zip(names, combo)) for combo in itertools.product(*levels)]
        return Design(spec.design, names, points)
    problem = salib_problem(spec.parameters)
    matrix = np.asarray(sample_matrix(spec, problem), dtype=float)
    points = [{p.path: decode(p, row[j], problem["bounds"][j]) for j, p in enumerate(spec.parameters)}
              for row in matrix]
    return Design(spec.design, names, points, matrix, problem)
