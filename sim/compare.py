"""Running one scenario under several alignment rules and comparing the blocs they produce.

`compare_rules` returns plain data (lists, dicts, numbers), so the CLI (`blocsim compare`)
and the dashboard show the same thing. Every rule runs the same scenario with the same
seed and number of months; only the alignment rule (and its parameters) differs.

Which actors "change bloc" relative to the first (reference) rule: blocs are sets of
actors and their labels mean nothing across runs, so each bloc of a run is matched to the
reference bloc it shares most members with (one to one, largest overlaps first). A bloc
is named after its most powerful member at the end of the run ("USA's bloc"). An actor
changes bloc when it moves between a bloc and non-alignment, or when its bloc is matched
to a different reference bloc than the one it was in (or to none) and is also led by a
different actor. (The second condition keeps "USA's bloc -> USA's bloc" out of the list
when a bloc breaks into pieces; the first keeps the members of a bloc whose leader left
it from all being listed.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from sim.alignment import RULES
from sim.errors import UserError
from sim.scenario import Scenario, check_run_size, load_scenario, unknown
from sim.scenario.schema import AlignmentConfig

DEFAULT_RULES = ("interest", "balance_continuous", "balance_triad", "landscape")
"""The rules compared when none are named, in this order (the first is the reference)."""

NONALIGNED = "non-aligned"


def rule_params(scenario: Scenario, rule: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The parameters `rule` runs with: the scenario's own (if it names this rule), then `extra`.

    Checked against the rule's Params; a bad name or value raises UserError.
    """
    base = dict(scenario.alignment.params) if scenario.alignment.rule == rule else {}
    params = {**base, **(extra or {})}
    try:
        RULES[rule].Params.model_validate(params)
    except ValidationError as exc:
        known = ", ".join(sorted(RULES[rule].Params.model_fields))
        lines = []
        for err in exc.errors():
            field = ".".join(str(x) for x in err["loc"])
            if err["type"] == "extra_forbidden":
                lines.append(f"{rule}.{field}: unknown parameter of {rule} (known: {known})")
            else:
                lines.append(f"{rule}.{field}: got {err.get('input')!r} "
                             f"({err['msg'].replace('Input should be ', '')})")
        raise UserError(lines) from None
    return params


def with_rule(scenario: Scenario, rule: str, params: dict[str, Any]) -> Scenario:
    """A copy of `scenario` whose alignment section names `rule` with `params`."""
    return scenario.model_copy(update={"alignment": AlignmentConfig(rule=rule, params=params)})


def run_rules(scenario: Scenario | str | Path, rules: list[str] | None = None, seed: int = 0,
              steps: int | None = None, overrides: dict[str, Any] | None = None,
              params: dict[str, dict[str, Any]] | None = None, progress=None):
    """Run the scenario under each rule: a list of (rule, params, finished BlocModel)."""
    from sim.runner import simulate

    where = f"{scenario.name if isinstance(scenario, Scenario) else scenario} with --steps {steps}"
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, overrides)
    elif overrides:
        raise ValueError("overrides apply when loading from a file: pass a path")
    if steps is not None:  # refused before the first rule runs
        check_run_size(scenario, steps, where)
    rules = list(rules) if rules else [r for r in DEFAULT_RULES if r in RULES]
    missing = [r for r in rules if r not in RULES]
    if missing:
        raise UserError([f"alignment rules: {unknown('rule', r, RULES)}" for r in missing])
    for rule in (params or {}):
        if rule not in rules:
            raise UserError(f"{rule}.*: {rule} is not among the compared rules ({', '.join(rules)})")
    chosen = {r: rule_params(scenario, r, (params or {}).get(r)) for r in rules}
    out = []
    for rule in rules:
        model = simulate(with_rule(scenario, rule, chosen[rule]), seed=seed, steps=steps)
        out.append((rule, chosen[rule], model))
        if progress:
            progress(rule)
    return out


def leader(model, members: list[str]) -> str:
    """The most powerful of `members` at the end of the run (ties: the first in actor order)."""
    w = model.world
    return max(members, key=lambda a: (w.power[w.index[a]], -w.index[a]))


def bloc_of(model) -> dict[str, str]:
    """Actor id -> the name of its bloc ("USA's bloc", by its most powerful member) or NONALIGNED."""
    blocs, nonaligned = model.bloc_lists()
    out = {a: NONALIGNED for a in nonaligned}
    for members in blocs:
        head = leader(model, members)
        for a in members:
            out[a] = f"{head}'s bloc"
    return out


def match_blocs(reference: list[list[str]], other: list[list[str]],
                leaders: list[str] | None = None) -> dict[int, int | None]:
    """Index of each bloc of `other` -> index of its matching bloc in `reference` (or None).

    One to one, by the number of shared members, largest first. On a tie, a bloc holding the
    reference bloc's leader (`leaders[i]`, its most powerful member) wins, so when a bloc
    splits in two equal halves, the half with the old leader keeps the old bloc; remaining
    ties go to the earlier blocs.
    """
    pairs = []
    for j, b in enumerate(other):
        for i, r in enumerate(reference):
            shared = len(set(b) & set(r))
            if shared:
                has_leader = leaders is not None and leaders[i] in b
                pairs.append((-shared, not has_leader, j, i))
    match: dict[int, int | None] = {j: None for j in range(len(other))}
    used: set[int] = set()
    for _, _, j, i in sorted(pairs):
        if match[j] is None and i not in used:
            match[j] = i
            used.add(i)
    return match


def bloc_changes(reference_model, model) -> list[dict[str, str]]:
    """Actors whose bloc under `model` differs from the one under `reference_model` (module docstring).

    Each entry: {"actor", "from", "to"}, with blocs named as in `bloc_of` (each run's own
    names, so "from" is the reference run's and "to" this run's).
    """
    ref_blocs, _ = reference_model.bloc_lists()
    blocs, _ = model.bloc_lists()
    match = match_blocs(ref_blocs, blocs, [leader(reference_model, b) for b in ref_blocs])
    ref_index = {a: i for i, members in enumerate(ref_blocs) for a in members}
    index = {a: j for j, members in enumerate(blocs) for a in members}
    ref_names, names = bloc_of(reference_model), bloc_of(model)
    out = []
    for a in model.world.ids:
        before = ref_index.get(a)
        now = index.get(a)
        mapped = match[now] if now is not None else None
        if before is None and now is None:
            continue
        if before is not None and now is not None and (mapped == before or ref_names[a] == names[a]):
            continue
        out.append({"actor": a, "from": ref_names[a], "to": names[a]})
    return out


def rule_entry(rule: str, params: dict[str, Any], model, reference=None) -> dict[str, Any]:
    """One rule's outcome as plain data."""
    from sim.alignment.balance import is_balanced, signs_from_affinity

    s = model.summary()
    cls = RULES[rule]
    signs = signs_from_affinity(model.world.affinity)
    n = signs.shape[0]
    upper = signs[np.triu_indices(n, 1)]
    entry = {
        "rule": rule,
        "title": cls.title,
        "citation": cls.citation,
        "params": dict(params),
        "blocs": s["blocs"],
        "nonaligned": s["nonaligned"],
        "cohesion": s["cohesion"],
        "polarization": s["polarization"],
        "lean": s["lean"],
        "balanced": bool(is_balanced(signs)),
        "friendly_share": round(float((upper > 0).mean()) if upper.size else 1.0, 4),
        "bloc_of": bloc_of(model),
        "changes": [] if reference is None else bloc_changes(reference, model),
    }
    return entry


def compare_rules(scenario: Scenario | str | Path, rules: list[str] | None = None, seed: int = 0,
                  steps: int | None = None, overrides: dict[str, Any] | None = None,
                  params: dict[str, dict[str, Any]] | None = None, progress=None) -> dict[str, Any]:
    """Run `scenario` under each rule and return the comparison as plain data.

    Returns {"scenario", "seed", "steps", "start", "end", "actors", "names", "reference",
    "rules": [entry, ...]}, where each entry (see `rule_entry`) holds rule, title, citation,
    params, blocs, nonaligned, cohesion, polarization, lean, balanced (the final sign pattern,
    negative = hostile and anything else friendly, splits into at most two camps),
    friendly_share (of all pairs), bloc_of (actor -> bloc name) and changes (actors whose
    bloc differs from the reference rule's, the first one).
    """
    runs = run_rules(scenario, rules, seed=seed, steps=steps, overrides=overrides, params=params,
                     progress=progress)
    reference = runs[0][2]
    w = reference.world
    entries = [rule_entry(rule, p, m, None if k == 0 else reference) for k, (rule, p, m) in enumerate(runs)]
    return {
        "scenario": reference.spec.name,
        "seed": seed,
        "steps": int(w.step),
        "start": reference.spec.start,
        "end": reference.month,
        "actors": list(w.ids),
        "names": dict(zip(w.ids, w.names)),
        "power_order": [w.ids[i] for i in np.argsort(-w.power, kind="stable")],
        "reference": runs[0][0],
        "rules": entries,
    }
