"""The sweep spec: what to vary, how to sample it, how often to repeat, what to keep.

A sweep is a YAML file validated by `SweepSpec`. Example::

    name: us_pullback
    scenarios: [../feb2022_baseline.yaml]     # relative to this file, or a shipped name
    set: {events.us_pullback.date: null}      # fixed overrides for every run
    parameters:
      - path: events.us_pullback.step         # any scenario field by dotted path
        values: [34, 38, 42]
      - path: events.us_pullback.enabled
        values: [true, false]
    design: full_factorial                    # full_factorial | lhs | sobol | morris
    replications: 5
    seed: 2025
    steps: 48
    outcomes:
      final: ["front.*", cohesion.max]        # names or glob patterns; default: all
      series: {every: 6, columns: [polarization]}

Errors are reported as `FILE:LINE: field.path: what is wrong (what is expected)` through
the scenario package's line-tracking loader.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sim.errors import UserError

Scalar = bool | int | float | str
DESIGNS = ("full_factorial", "lhs", "sobol", "morris")
SAMPLED = ("lhs", "sobol", "morris")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ParameterSpec(_Strict):
    """One varied scenario field.

    `values` lists the levels (any design; samplers pick among them uniformly).
    `bounds` gives a continuous range for samplers; with `levels` it also gives evenly
    spaced levels for a full factorial. `integer` draws whole numbers from the bounds.
    """

    path: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$")]
    values: list[Scalar] | None = None
    bounds: tuple[float, float] | None = None
    levels: Annotated[int, Field(ge=2, le=1000)] | None = None
    integer: bool = False

    @field_validator("values")
    @classmethod
    def _values_ok(cls, v: list | None) -> list | None:
        if v is None:
            return v
        if not v:
            raise ValueError("an empty list (at least one value)")
        seen = []
        for x in v:
            if any(type(x) is type(y) and x == y for y in seen):
                raise ValueError(f"{x!r} appears twice (each value once)")
            seen.append(x)
        return v

    @field_validator("bounds")
    @classmethod
    def _bounds_ok(cls, b: tuple[float, float] | None) -> tuple[float, float] | None:
        if b is not None and not (math.isfinite(b[0]) and math.isfinite(b[1]) and b[0] < b[1]):
            raise ValueError(f"[{b[0]}, {b[1]}] is empty ([low, high] with low < high)")
        return b

    @model_validator(mode="after")
    def _one_source(self) -> ParameterSpec:
        if (self.values is None) == (self.bounds is None):
            raise ValueError("has both or neither of values and bounds "
                             "(exactly one of values: [...] or bounds: [low, high])")
        if self.levels is not None and self.bounds is None:
            raise ValueError("levels without bounds (levels: N goes with bounds: [low, high])")
        if self.integer and self.bounds is None:
            raise ValueError("integer without bounds (integer: true goes with bounds:; "
                             "values: are used as written)")
        return self

    def factorial_values(self) -> list[Scalar]:
        """The levels a full factorial design runs."""
        if self.values is not None:
            return list(self.values)
        lo, hi = self.bounds
        out = [lo + (hi - lo) * i / (self.levels - 1) for i in range(self.levels)]
        if self.integer:
            out = list(dict.fromkeys(int(round(x)) for x in out))
        return out

    def probe_values(self) -> list[Scalar]:
        """A few values that exercise the whole range (checked against every scenario)."""
        if self.values is not None:
            return list(self.values)
        lo, hi = self.bounds
        if self.integer:
            return [int(math.ceil(lo)), int(math.floor(hi))]
        return [lo, hi]


class SeriesSpec(_Strict):
    """Per-step indicators kept every `every` steps (from `model.series()`)."""

    every: Annotated[int, Field(ge=1)] = 1
    columns: list[str] = Field(default_factory=lambda: ["*"], min_length=1)


class OutcomeSpec(_Strict):
    """Outcomes kept per run: final values (`sim.runner.outcomes`) and optional series."""

    final: list[str] = Field(default_factory=lambda: ["*"], min_length=1)
    series: SeriesSpec | None = None


class SweepSpec(_Strict):
    """A whole sweep: scenarios x design points x replications."""

    name: str = "sweep"
    description: str = ""
    scenarios: list[str] = Field(min_length=1)
    set: dict[str, Any] = Field(default_factory=dict)
    parameters: list[ParameterSpec] = Field(default_factory=list)
    design: Literal["full_factorial", "lhs", "sobol", "morris"] = "full_factorial"
    samples: Annotated[int, Field(ge=1, le=10_000_000)] | None = None
    second_order: bool = False
    morris_levels: Annotated[int, Field(ge=2, le=100)] = 4
    replications: Annotated[int, Field(ge=1, le=1_000_000)] = 1
    seed: Annotated[int, Field(ge=0, lt=2**63)] = 0
    common_random_numbers: bool = False
    steps: Annotated[int, Field(ge=1, le=1200)] | None = None
    outcomes: OutcomeSpec = Field(default_factory=OutcomeSpec)

    @field_validator("scenarios", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @field_validator("parameters")
    @classmethod
    def _unique_paths(cls, ps: list[ParameterSpec]) -> list[ParameterSpec]:
        seen: set[str] = set()
        for p in ps:
            if p.path in seen:
                raise ValueError(f"{p.path} is varied twice (each path once)")
            seen.add(p.path)
        return ps


def _design_problems(spec: SweepSpec) -> list[tuple[tuple, str]]:
    """Checks that need several fields at once, located at the field to fix."""
    out: list[tuple[tuple, str]] = []
    if spec.design == "full_factorial":
        if spec.samples is not None:
            out.append((("samples",), "only for lhs, sobol and morris (remove it, or pick a sampler design)"))
        for i, p in enumerate(spec.parameters):
            if p.bounds is not None and p.levels is None:
                out.append((("parameters", i, "bounds"),
                            "a full factorial needs levels (add levels: N, or list values:)"))
    else:
        if spec.samples is None:
            what = {"lhs": "number of points", "sobol": "base sample size N, a power of two",
                    "morris": "number of trajectories"}[spec.design]
            out.append((("design",), f"{spec.design} needs samples: N (add samples:, the {what})"))
        elif spec.design == "sobol" and spec.samples & (spec.samples - 1):
            out.append((("samples",), f"got {spec.samples} (a power of two for Sobol, e.g. "
                                      f"{1 << max(1, spec.samples.bit_length() - 1)})"))
        if not spec.parameters:
            out.append((("parameters",), f"design {spec.design} needs at least one parameter to vary"))
        if spec.design == "sobol" and len(spec.parameters) < 2:
            out.append((("parameters",), "Sobol analysis needs at least two parameters"))
        for i, p in enumerate(spec.parameters):
            if p.levels is not None:
                out.append((("parameters", i, "levels"),
                            f"only for full_factorial ({spec.design} samples within the bounds)"))
    for key in spec.set:
        if key in {p.path for p in spec.parameters}:
            out.append((("set", key), "also listed under parameters (fix it here or vary it there)"))
    return out


class LoadedSpec:
    """A validated spec plus where it came from (for messages, hashes and paths)."""

    def __init__(self, spec: SweepSpec, file: str, text: str, tracked: Any):
        self.spec = spec
        self.file = file
        self.text = text
        self.tracked = tracked

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()

    def message(self, path: tuple, problem: str) -> str:
        return self.tracked.message(path, problem)

    def scenario_path(self, i: int) -> Path:
        """Scenario i resolved: a path relative to the spec's own folder (wherever the spec was
        copied, and whatever the working folder), or the name of a shipped scenario."""
        from sim.scenario import resolve_path

        given = self.spec.scenarios[i]
        local = Path(self.file).parent / given
        if local.exists() or len(Path(given).parts) > 1 or Path(given).is_absolute():
            return local
        return Path(resolve_path(given))

    def missing_scenario(self, i: int) -> str | None:
        """A message for scenario i when its file does not exist: where it was looked for, and why there."""
        from sim.scenario import SCENARIO_DIR, did_you_mean

        path = self.scenario_path(i)
        if path.exists():
            return None
        shipped = sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))
        near = did_you_mean(Path(self.spec.scenarios[i]).stem, shipped)
        return (f"{self.spec.scenarios[i]}: no such file: looked for {path.resolve()} (a scenario path is "
                f"relative to the spec's own folder, {Path(self.file).resolve().parent}; or give the name of a "
                f"shipped scenario: {near}{', '.join(shipped)})")


def parse_spec(text: str, file: str = "<string>") -> LoadedSpec:
    """Validate sweep YAML text; raises UserError with located messages."""
    from sim.scenario import validate_tracked
    from sim.scenario.yamlio import parse_yaml

    tracked = parse_yaml(text, file)
    try:
        spec = validate_tracked(tracked, SweepSpec, "scenarios: ..., parameters: ..., design: ...", _design_problems)
    except UserError as exc:
        raise UserError(exc.messages + _path_problems_despite(tracked, file, text)) from None
    return LoadedSpec(spec, file, text, tracked)


def _path_problems_despite(tracked: Any, file: str, text: str) -> list[str]:
    """Whether the parameter paths fit the scenarios, checked with the spec's invalid fields set
    aside: a bad `design:` must not hide a mistyped path. Nothing when that cannot be told."""
    from pydantic import ValidationError

    from sim.scenario import validate_partial
    from sim.sweep.prepare import check_parameters, scenario_ref

    if not isinstance(tracked.data, dict):
        return []
    try:
        found = SweepSpec.model_validate(tracked.data), set()   # valid fields; the design checks failed
    except ValidationError as exc:
        found = validate_partial(exc, tracked, SweepSpec)
    if found is None or not found[0].parameters or ("parameters",) in found[1]:
        return []
    loaded = LoadedSpec(found[0], file, text, tracked)
    try:
        check_parameters(loaded, [scenario_ref(loaded, i)[0] for i in range(len(loaded.spec.scenarios))])
    except UserError as exc:
        return list(exc.messages)
    return []


def load_spec(path: str | Path) -> LoadedSpec:
    """Read and validate a sweep file (safe YAML, line-tracked messages)."""
    from sim.scenario.yamlio import read_text

    return parse_spec(read_text(path, "a sweep YAML file"), str(path))
