"""From a validated spec to a checked run plan, before any worker starts.

Every scenario must load; every varied path must accept its values in every scenario;
the outcome patterns must name outcomes the model really reports (checked on a one-step
probe run). Problems come back as `SPEC:LINE: field: ...` messages.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path
from typing import Any

import yaml

from sim.errors import UserError
from sim.sweep.design import build_design
from sim.sweep.plan import Plan, ScenarioRef
from sim.sweep.spec import LoadedSpec
from sim.scenario import ScenarioTemplate, run_size_problem
from sim.sweep.worker import RESERVED, run_blocsim, select

_OVERRIDE_PREFIX = re.compile(r"^override: [^:]+: ")


def _inner(exc: UserError) -> str:
    return "; ".join(_OVERRIDE_PREFIX.sub("", m) for m in exc.messages)


def scenario_ref(loaded: LoadedSpec, i: int) -> tuple[ScenarioRef, list[dict]]:
    """Scenario i merged into one self-contained text (its `extends:` resolved), plus
    the hash of every file that went into it."""
    from sim.scenario.yamlio import load_with_extends, parse_yaml

    path = loaded.scenario_path(i)
    missing = loaded.missing_scenario(i)
    if missing:
        raise UserError(loaded.message(("scenarios", i), missing))
    try:
        tracked = load_with_extends(path)
        text = yaml.safe_dump(tracked.data, sort_keys=False, allow_unicode=True)
        parse_yaml(text, f"{path} (merged with what it extends)")  # the workers' copy keeps the limits too
    except UserError as exc:
        raise UserError([loaded.message(("scenarios", i), f"does not load: {m}")
                         for m in exc.messages]) from None
    label = Path(loaded.spec.scenarios[i]).stem
    ref = ScenarioRef(label, str(path.resolve()), hashlib.sha256(text.encode()).hexdigest(), text)
    files = [{"path": str(p), "sha256": hashlib.sha256(p.read_bytes()).hexdigest()}
             for p in tracked.files]  # the file, then each file it extends
    return ref, files


def _base_problems(loaded: LoadedSpec, exc: UserError, label: str, s: int) -> list[str]:
    """Messages for a scenario that does not load with the fixed set and each parameter's
    first value: a bad path is blamed on its parameter or `set:` entry, the rest on `set:`
    (or the scenario entry when there is no `set:`)."""
    spec = loaded.spec
    out, rest = [], []
    for m in exc.messages:
        owner = None
        if _OVERRIDE_PREFIX.match(m):
            dotted = m[len("override: "):].split(":", 1)[0]
            for i, p in enumerate(spec.parameters):
                if p.path == dotted:
                    owner = ("parameters", i, "path")
            if owner is None and dotted in spec.set:
                owner = ("set", dotted)
        if owner is None:
            rest.append(m)
        else:
            out.append(loaded.message(owner, f"{dotted} is rejected by scenario {label}: "
                                             f"{_OVERRIDE_PREFIX.sub('', m)}"))
    if rest:
        where = ("set",) if spec.set else ("parameters",) if spec.parameters else ("scenarios", s)
        what = " with the set: values and each parameter's first value" if spec.set or spec.parameters else ""
        out.append(loaded.message(where, f"scenario {label} does not load{what}: "
                                         + "; ".join(_OVERRIDE_PREFIX.sub("", m) for m in rest)))
    return out


def check_parameters(loaded: LoadedSpec, refs: list[ScenarioRef]) -> list[dict]:
    """Load each scenario with each probe value of each parameter (and the fixed set).

    Returns each scenario's poles (leaders of the two camps), for the analysis."""
    spec = loaded.spec
    problems: list[str] = []
    poles: list[dict] = []
    for i, p in enumerate(spec.parameters):
        if p.path in RESERVED:
            problems.append(loaded.message(("parameters", i, "path"),
                                           f"'{p.path}' is a results column name (a scenario field path)"))
    first = {p.path: p.probe_values()[0] for p in spec.parameters}
    base_overrides = {**spec.set, **first}
    for s, ref in enumerate(refs):
        template = ScenarioTemplate(loaded.scenario_path(s))
        try:
            base = template.build(base_overrides)
            poles.append({k: list(v) for k, v in base.poles.items()})
        except UserError as exc:
            problems += _base_problems(loaded, exc, ref.label, s)
            continue
        too_big = spec.steps and run_size_problem(len(base.actors), spec.steps)
        if too_big:  # the scenario's own steps were checked as it loaded
            problems.append(loaded.message(("steps",), f"too large for scenario {ref.label}: {too_big}"))
        for i, p in enumerate(spec.parameters):
            field = "values" if p.values is not None else "bounds"
            for value in p.probe_values()[1:]:
                try:
                    template.build({**base_overrides, p.path: value})
                except UserError as exc:
                    problems.append(loaded.message(
                        ("parameters", i, field),
                        f"{p.path} = {value!r} is rejected by scenario {ref.label}: {_inner(exc)}"))
                    break
    if problems:
        raise UserError(problems)
    return poles


def check_outcomes(loaded: LoadedSpec, plan: Plan, run_fn: Any) -> list[str]:
    """Run the first task for one step and check the outcome patterns against it.

    Returns the outcome names the probe reported. A probe that crashes is not a spec
    error: the sweep then records each run's error instead.
    """
    spec = loaded.spec
    task = dataclasses.replace(plan.task(0), steps=1)
    try:
        raw, frame = run_fn(task)
    except UserError:
        raise
    except Exception:  # noqa: BLE001
        return []
    names = [str(k) for k in raw]
    problems = []
    shown = ", ".join(names[:30]) + (" ..." if len(names) > 30 else "")
    for j, pat in enumerate(spec.outcomes.final):
        if not select(names, (pat,)):
            problems.append(loaded.message(("outcomes", "final", j),
                                           f"'{pat}' matches no outcome (names or patterns among: {shown})"))
    if spec.outcomes.series is not None and frame is not None:
        cols = [str(c) for c in getattr(frame, "columns", [])]
        for j, pat in enumerate(spec.outcomes.series.columns):
            if not select(cols, (pat,)):
                problems.append(loaded.message(("outcomes", "series", "columns", j),
                                               f"'{pat}' matches no series column (among: {', '.join(cols)})"))
    if problems:
        raise UserError(problems)
    return names


def prepare(loaded: LoadedSpec, run_fn: Any = run_blocsim, probe: bool = True) -> tuple[Plan, list[dict]]:
    """The checked plan and the scenario files' hashes; raises UserError on problems."""
    refs, files = [], []
    for i in range(len(loaded.spec.scenarios)):
        ref, chain = scenario_ref(loaded, i)
        refs.append(ref)
        files.append({"label": ref.label, "merged_sha256": ref.sha256, "files": chain})
    labels = [r.label for r in refs]
    dupes = {x for x in labels if labels.count(x) > 1}
    if dupes:
        raise UserError(loaded.message(("scenarios",), f"two scenarios share the name "
                                       f"{sorted(dupes)[0]} (file names that differ)"))
    if run_fn is run_blocsim:
        for entry, poles in zip(files, check_parameters(loaded, refs)):
            entry["poles"] = poles
    plan = Plan(loaded.spec, build_design(loaded.spec), refs)
    if probe:
        check_outcomes(loaded, plan, run_fn)
    return plan, files
