"""Calibration against the record: approximate Bayesian computation (ABC-SMC, pyabc).

A spec names a scenario, the part of the record to fit (`fit` by default) and the
parameters to fit, each a dotted path (as for `--set`) with a uniform prior range::

    scenario: us_pullback_2025
    part: fit
    seeds: 2                      # seeds each particle is run with
    population: 30                # particles per generation
    generations: 4
    parameters:
      - {path: alignment.params.eta_triad, min: 0.0, max: 0.04}

The distance of a particle is the share of the fitted part's patterns it misses (votes per
actor, front, flows, sanctions, alignment; sim/hindcast.py), plus a tenth of the mean
normalised distance outside the tolerance of the numeric patterns, so that near misses
rank above far ones. pyabc runs a sequence of populations with falling tolerance; its
particles are evaluated on the sweep backends (sim/sweep/backends.py: in this process,
local processes or Dask). The report gives each parameter's posterior median and 90%
credible interval, the fitting score and, separately, the score on the held-out part the
fit never saw, both at the posterior median over `check_seeds` seeds, and writes a scenario
overlay (`extends:` the scenario) holding the fitted values and their provenance.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field, model_validator

from sim.errors import UserError
from sim.hindcast import hit, read, score_patterns, scorecard, scores, trace_run
from sim.record import Record, check_against_scenario, load_record
from sim.scenario import MISSING, ScenarioTemplate, resolve_path, validate_tracked, value_at
from sim.scenario.schema import Strict
from sim.scenario.yamlio import read_yaml


class FitParameter(Strict):
    path: str = Field(description="a dotted path of a number in the scenario, as for --set")
    min: float
    max: float

    @model_validator(mode="after")
    def _range(self):
        if not self.min < self.max:
            raise ValueError(f"min must be below max (got {self.min}, {self.max})")
        return self


class CalibrationSpec(Strict):
    scenario: str = Field(description="a scenario file (relative to the spec) or a shipped name")
    record: str | None = Field(None, description="a record file (default: the shipped record)")
    part: Literal["fit", "held_out"] = "fit"
    parameters: list[FitParameter] = Field(min_length=1, max_length=12)
    seeds: Annotated[int, Field(ge=1, le=50)] = 2
    population: Annotated[int, Field(ge=5, le=2000)] = 30
    generations: Annotated[int, Field(ge=1, le=30)] = 4
    check_seeds: Annotated[int, Field(ge=1, le=200)] = 10
    seed: int = Field(0, description="seeds pyabc's sampling, so a calibration can be repeated")


class RecordDistance:
    """A picklable model for pyabc: parameters -> {'distance': ...} on one part of the record."""

    def __init__(self, scenario_path: str, record_path: str | None, part: str, names: list[str],
                 paths: list[str], seeds: int):
        self.scenario_path, self.record_path, self.part = scenario_path, record_path, part
        self.names, self.paths, self.seeds = names, paths, seeds
        self._template = self._record = None

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k not in ("_template", "_record")}

    def __setstate__(self, state):
        self.__dict__.update(state, _template=None, _record=None)

    def __call__(self, params) -> dict:
        if self._template is None:
            self._template = ScenarioTemplate(self.scenario_path)
            self._record = load_record(self.record_path)[0]
        overrides = {path: float(params[name]) for name, path in zip(self.names, self.paths)}
        scenario = self._template.build(overrides)
        traces = [trace_run(scenario, seed) for seed in range(self.seeds)]
        return {"distance": distance(self._record, traces, self.part)}


def distance(record: Record, traces, part: str) -> float:
    """Share of the part's patterns missed, plus a tenth of the mean normalised numeric excess."""
    rows = [r for r in score_patterns(record, traces) if r["part"] == part and r.get("covered")]
    if not rows:
        return 1.0
    missed = sum(1 for r in rows if not r["hit"]) / len(rows)
    excess = []
    for p in record.patterns:
        values = [read(p, tr) for tr in traces] if p.part == part else [None]
        if any(v is None for v in values):
            continue
        excess.append(min(gap(p, float(np.median(values))), 1.0))
    return missed + 0.1 * (float(np.mean(excess)) if excess else 0.0)


def gap(p, median: float) -> float:
    """How far a median lies outside a pattern's hit region, relative to the pattern's size (0 on a hit)."""
    if hit(p, median):
        return 0.0
    if p.direction:
        return abs(median - (p.tolerance if p.direction == "up" else -p.tolerance)) / max(p.tolerance, 0.1)
    edge = {"approx": abs(median - p.value) - p.tolerance, "at_least": p.value - p.tolerance - median,
            "at_most": median - p.value - p.tolerance}[p.compare]
    return max(edge, 0.0) / max(abs(p.value), p.tolerance, 0.1)


def load_spec(path: str | Path) -> tuple[CalibrationSpec, Path]:
    tracked = read_yaml(path)
    spec = validate_tracked(tracked, CalibrationSpec, "scenario: ..., parameters: [...]")
    base = Path(path).parent
    candidate = base / spec.scenario
    scenario_path = candidate if candidate.exists() else resolve_path(spec.scenario)
    template = ScenarioTemplate(scenario_path)
    scenario = template.build()
    problems = []
    for i, p in enumerate(spec.parameters):
        value = value_at(scenario, p.path)
        if value is MISSING or isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(tracked.message(("parameters", i, "path"),
                                            f"no number at {p.path} in {scenario.name} (a dotted path as for --set)"))
    if problems:
        raise UserError(problems)
    return spec, Path(scenario_path)


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs) -> list[float]:
    order = np.argsort(values)
    v, w = values[order], weights[order]
    cum = (np.cumsum(w) - 0.5 * w) / w.sum()
    return [float(np.interp(q, cum, v)) for q in qs]


def calibrate(spec_path: str | Path, out: Path, workers: int | None = 0, scheduler: str | None = None,
              dask_local: int | None = None, log=print) -> dict:
    """Run ABC-SMC for a spec; write posterior.csv, report.json and overlay.yaml into `out`."""
    import logging

    import pyabc

    from sim.sweep.backends import open_backend

    for name in ("ABC", "ABC.History", "ABC.Sampler", "ABC.Distance", "ABC.Epsilon", "ABC.Population"):
        logging.getLogger(name).setLevel(logging.WARNING)

    spec, scenario_path = load_spec(spec_path)
    record_path = str(Path(spec_path).parent / spec.record) if spec.record else None
    record, tracked = load_record(record_path)
    check_against_scenario(record, tracked, ScenarioTemplate(scenario_path).build())
    out.mkdir(parents=True, exist_ok=True)
    names = [f"p{i}" for i in range(len(spec.parameters))]
    paths = [p.path for p in spec.parameters]
    model = RecordDistance(str(scenario_path), record_path, spec.part, names, paths, spec.seeds)
    prior = pyabc.Distribution(**{n: pyabc.RV("uniform", p.min, p.max - p.min)
                                  for n, p in zip(names, spec.parameters)})
    np.random.seed(spec.seed)
    db = out / "abc.db"
    if db.exists():
        db.unlink()
    with open_backend(workers=workers, scheduler=scheduler, dask_local=dask_local) as backend:
        sampler = pyabc.ConcurrentFutureSampler(cfuture_executor=backend.executor, client_max_jobs=backend.slots)
        sampler.show_progress = False
        abc = pyabc.ABCSMC(model, prior, lambda x, _: x["distance"], population_size=spec.population,
                           sampler=sampler)
        abc.new(f"sqlite:///{db.resolve()}", {"distance": 0.0})
        history = abc.run(max_nr_populations=spec.generations, minimum_epsilon=0.0)
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    fitted = {}
    for name, p in zip(names, spec.parameters):
        med, lo, hi = weighted_quantiles(frame[name].to_numpy(), np.asarray(weights), (0.5, 0.05, 0.95))
        fitted[p.path] = {"median": med, "low": lo, "high": hi, "prior": [p.min, p.max]}
    frame.assign(weight=weights).rename(columns=dict(zip(names, paths))).to_csv(out / "posterior.csv", index=False)
    overrides = {path: v["median"] for path, v in fitted.items()}
    check = ScenarioTemplate(scenario_path).build(overrides)
    traces = [trace_run(check, seed) for seed in range(spec.check_seeds)]
    card = scorecard(record, check, spec.check_seeds, score_patterns(record, traces), tracked.file)
    base = ScenarioTemplate(scenario_path).build()
    base_traces = [trace_run(base, seed) for seed in range(spec.check_seeds)]
    before = scores(score_patterns(record, base_traces))
    report = {"spec": str(spec_path), "scenario": str(scenario_path), "fitted_part": spec.part,
              "generations": history.max_t + 1, "population": spec.population,
              "evaluations": int(history.total_nr_simulations), "epsilon": float(history.get_all_populations()
                                                                                  ["epsilon"].iloc[-1]),
              "fitted": fitted, "before": before, "after": card["scores"]}
    (out / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    (out / "overlay.yaml").write_text(overlay_text(spec_path, scenario_path, out, report), encoding="utf-8")
    return report


def nested(dotted: str, value: Any) -> dict:
    """{'a': {'b': value}} for 'a.b'; a path under an event's `set:` keeps its dotted key whole."""
    parts = dotted.split(".")
    if len(parts) > 3 and parts[0] == "events" and parts[2] == "set":
        return {"events": {parts[1]: {"set": {".".join(parts[3:]): value}}}}
    out: Any = value
    for part in reversed(parts):
        out = {part: out}
    return out


def merge(a: dict, b: dict) -> dict:
    for k, v in b.items():
        a[k] = merge(a.get(k, {}), v) if isinstance(v, dict) and isinstance(a.get(k), dict) else v
    return a


def overlay_text(spec_path, scenario_path: Path, out: Path, report: dict) -> str:
    """A scenario that extends the calibrated one with the fitted values, and says where they came from."""
    import yaml

    body: dict = {}
    for path, v in report["fitted"].items():
        merge(body, nested(path, round(v["median"], 4)))
    extends = os.path.relpath(Path(scenario_path).resolve(), out.resolve())
    fit, held = report["after"]["fit"]["overall"], report["after"]["held_out"]["overall"]
    lines = [f"# Calibrated by `blocsim calibrate {spec_path}` on {dt.date.today().isoformat()}",
             f"# (ABC-SMC with pyabc: {report['generations']} generations of {report['population']} particles,",
             f"# {report['evaluations']} model evaluations), fitted to the '{report['fitted_part']}' part of the record.",
             "# Posterior median [90% credible interval] of each fitted parameter:"]
    lines += [f"#   {p}: {v['median']:.4g} [{v['low']:.4g}, {v['high']:.4g}] (prior {v['prior'][0]:g}..{v['prior'][1]:g})"
              for p, v in report["fitted"].items()]
    lines += [f"# At the median: fitting part {fit['hits']}/{fit['n']} patterns hit; held-out part (never fitted) "
              f"{held['hits']}/{held['n']}.", ""]
    head = {"extends": extends, "name": f"{Path(scenario_path).stem} (calibrated)",
            "description": f"{Path(scenario_path).stem} with parameters fitted to the record by ABC-SMC"}
    return "\n".join(lines) + yaml.safe_dump({**head, **body}, sort_keys=False)
