"""Loading and checking scenarios. `load_scenario` is the one way in."""

from __future__ import annotations

import copy
import difflib
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from sim.errors import UserError
from sim.scenario.schema import ITEMS, MONTH, Scenario
from sim.scenario.yamlio import (SHIPPED_DIR, Tracked, excerpt, load_with_extends, merge, parse_yaml,
                                 shipped_names, shipped_path)

__all__ = ["Scenario", "ScenarioTemplate", "load_scenario", "parse_scenario", "validate_tracked", "resolve_path",
           "shipped_scenarios", "value_at", "scenario_from_dict", "parse_assignment", "MISSING", "did_you_mean", "unknown", "SCENARIO_DIR",
           "DEFAULT_SCENARIO", "describe_validation_error"]

SCENARIO_DIR = SHIPPED_DIR
DEFAULT_SCENARIO = "feb2022_baseline"
MAX_ACTORS = 500
"""Most actors a scenario may hold: the model keeps several actor x actor matrices."""
MAX_ACTOR_MONTHS = 200_000
"""Most actors x months in one run (e.g. 500 actors for 400 months, 166 for 1,200)."""


@dataclass(frozen=True)
class ShippedScenario:
    name: str
    path: Path
    description: str


def resolve_path(name_or_path: str | Path) -> Path:
    """A path as given, or the name of a shipped scenario (with or without .yaml)."""
    p = Path(name_or_path)
    if p.exists() or p.suffix in (".yaml", ".yml") and p.parent != Path("."):
        return p
    for candidate in (SCENARIO_DIR / p, SCENARIO_DIR / f"{p}.yaml"):
        if candidate.exists():
            return candidate
    return p


class ScenarioTemplate:
    """A scenario file parsed once (with its `extends:` chain), built many times with overrides.

    Parsing is most of the cost of loading, often more than a short run, so sweeps keep
    one template per file. Messages keep their file and line.
    """

    def __init__(self, path: str | Path):
        self.path = resolve_path(path)
        if not self.path.exists() and self.path.parent == Path("."):  # a bare name: a shipped scenario?
            names = sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))
            raise UserError(f"{path}: no such scenario file or shipped scenario "
                            f"({did_you_mean(self.path.stem, names)}shipped: {', '.join(names)})")
        self.tracked = load_with_extends(self.path)
        self._base: Scenario | None = None

    @classmethod
    def from_upload(cls, text: str, file: str = "<upload>") -> "ScenarioTemplate":
        """A template from uploaded scenario text. Its `extends:` may name only a shipped scenario,
        by name (`extends: feb2022_baseline`): never a path, so an upload reads no other file."""
        tracked = parse_yaml(text, file)
        if isinstance(tracked.data, dict) and "extends" in tracked.data:
            parent = tracked.data.pop("extends")
            target = shipped_path(parent) if isinstance(parent, str) and not set("/\\\0") & set(parent) else None
            if target is None:
                raise UserError(tracked.message(("extends",), f"got {excerpt(parent)}: an uploaded scenario may "
                                                f"extend only a shipped scenario, by name "
                                                f"(one of: {', '.join(shipped_names())})"))
            tracked = merge(load_with_extends(target), tracked)
        template = cls.__new__(cls)
        template.path, template.tracked, template._base = Path(file), tracked, None
        return template

    @classmethod
    def from_text(cls, text: str, file: str) -> ScenarioTemplate:
        """A template of a self-contained scenario text (its `extends:` already merged in);
        it reads no file."""
        template = cls.__new__(cls)
        template.path, template._base = Path(file), None
        template.tracked = parse_yaml(text, file)
        if isinstance(template.tracked.data, dict) and "extends" in template.tracked.data:
            raise UserError(template.tracked.message(("extends",), "a merged scenario text extends nothing"))
        return template

    def build(self, overrides: dict[str, Any] | None = None) -> Scenario:
        if overrides:
            self._check_settable(overrides)
        tracked = copy.deepcopy(self.tracked) if overrides else self.tracked
        if overrides:
            apply_overrides(tracked, overrides)
        return _validate(tracked)

    def _check_settable(self, overrides: dict[str, Any]) -> None:
        """Overrides of fields that may also change during a run get that field's own check
        (sim.settable), as an event's `set:`, a dial or an order would."""
        from sim.settable import check, parse

        settable = {k: v for k, v in overrides.items() if str(k).startswith(("actors.", "theaters."))}
        if not settable:
            return
        if self._base is None:
            try:
                self._base = _validate(self.tracked)
            except UserError:
                return  # the file itself is wrong: building reports it
        problems = []
        for dotted, value in settable.items():
            if isinstance(parse(self._base, dotted), str):
                continue  # not a settable field: the schema checks it
            doctrine = overrides.get(".".join(str(dotted).split(".")[:2] + ["doctrine"]))
            problem = check(self._base, dotted, value, doctrine)
            if problem:
                problems.append(f"override: {dotted}: {problem}")
        if problems:
            raise UserError(problems)


def load_scenario(path: str | Path, overrides: dict[str, Any] | None = None) -> Scenario:
    """Read, merge (`extends:`), override and validate a scenario file."""
    return ScenarioTemplate(path).build(overrides)


def parse_scenario(text: str, file: str = "<upload>", overrides: dict[str, Any] | None = None) -> Scenario:
    """Validate scenario text (an upload), with overrides; its `extends:` may name only a shipped
    scenario, by name (`ScenarioTemplate.from_upload`)."""
    return ScenarioTemplate.from_upload(text, file).build(overrides)


def parse_assignment(text: str) -> tuple[str, Any]:
    """`dotted.path = value` -> (path, value), the value read as YAML within the loader's limits (a
    number, true/false, text or a list; no tags). ValueError says what is wrong, for the caller to
    place (a flag, an overrides line)."""
    path, eq, value = str(text).partition("=")
    path = path.strip()
    if not eq or not path or " " in path:
        raise ValueError("expected PATH=VALUE, e.g. actors.CHN.reputation_concern=0.2")
    if not value.strip():
        return path, None
    try:
        return path, parse_yaml(value.strip(), path).data
    except UserError as exc:  # a value has no file and one line: say the problem only
        raise ValueError("; ".join(m.replace(f"{path}:1: (top level): ", "").replace(f"{path}:1: ", "")
                                   for m in exc.messages)) from None


def scenario_from_dict(data: Any, file: str = "<data>") -> Scenario:
    """Validate a scenario held as data (a saved run's `scenario`), with every check of a file."""
    return _validate(Tracked(copy.deepcopy(data), {}, file))


def run_size_problem(n_actors: int, steps: Any) -> str | None:
    """Why a run of this many actors and months is refused (too much memory), or None."""
    if n_actors > MAX_ACTORS:
        return f"{n_actors:,} actors (at most {MAX_ACTORS:,}, the limit for one scenario)"
    if isinstance(steps, int) and n_actors * steps > MAX_ACTOR_MONTHS:
        return (f"{n_actors:,} actors x {steps:,} months = {n_actors * steps:,} actor-months "
                f"(at most {MAX_ACTOR_MONTHS:,} in one run; fewer months or actors)")
    return None


def check_run_size(scenario: Scenario, steps: int, where: str) -> None:
    """Refuse, before it starts, a run too large for memory (`where` names the file or flag)."""
    problem = run_size_problem(len(scenario.actors), steps)
    if problem:
        raise UserError(f"{where}: {problem}")


def apply_overrides(tracked: Tracked, overrides: dict[str, Any]) -> None:
    """Set fields by dotted path (`actors.CHN.reputation_concern`) before validation.

    A key that itself holds dots, like those under an event's `set:`, is matched whole:
    `events.us_pullback.set.actors.USA.doctrine_params.aid_per_month`.
    """
    errors = []
    for dotted, value in overrides.items():
        if _non_finite(value):
            errors.append(f"override: {dotted}: got {excerpt(value)} (a finite number)")
            continue
        parts = str(dotted).split(".")
        node: Any = tracked.data
        for depth, part in enumerate(parts):
            rest = ".".join(parts[depth:])
            if isinstance(node, dict) and depth > 0 and rest in node:
                node[rest] = value
                tracked.origins[tuple(parts[:depth]) + (rest,)] = ("override", 0)
                break
            key: Any = int(part) if part.isdigit() and isinstance(node, list) else part
            if depth == len(parts) - 1:
                if isinstance(node, dict) or (isinstance(node, list) and isinstance(key, int) and key < len(node)):
                    node[key] = value
                    tracked.origins[tuple(parts)] = ("override", 0)  # errors read "override: PATH: problem"
                else:
                    errors.append(f"override: {dotted}: cannot set this path in {tracked.file} (a dotted path to a field)")
                break
            if isinstance(node, dict) and key not in node and (depth >= 2 or _optional_section(parts[:depth + 1])):
                node[key] = {}
            try:
                node = node[key]
            except (KeyError, IndexError, TypeError):
                errors.append(f"override: {dotted}: no field {'.'.join(parts[:depth + 1])} "
                              f"in {tracked.file} (a dotted path to an existing field)")
                break
    if errors:
        raise UserError(errors)


def _non_finite(value: Any) -> bool:
    """Whether a value (or anything inside it) is NaN or infinite: every number is finite."""
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_non_finite(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_non_finite(v) for v in value)
    return False


def _optional_section(path: list[str]) -> bool:
    """Sections a file may leave out and an override may still reach (`un.against_above`,
    `alignment.params.eta_triad`); ids (actors, events...) are never created by an override."""
    return path in (["un"], ["blocs"], ["alignment"], ["alignment", "params"]) or path[0] in ("signals", "economy")


def _validate(tracked: Tracked) -> Scenario:
    data = tracked.data
    if isinstance(data, dict) and isinstance(data.get("actors"), dict):
        steps = data.get("steps", Scenario.model_fields["steps"].default)
        problem = run_size_problem(len(data["actors"]), steps)
        if problem:  # refused before validation builds thousands of objects
            raise UserError(tracked.message(("actors",) if len(data["actors"]) > MAX_ACTORS else ("steps",),
                                            problem))
    return validate_tracked(tracked, Scenario, "name: ..., actors: ...",
                            lambda s: check_references(s) + check_sides(s))


def check_sides(s: Scenario) -> list[tuple[tuple, str]]:
    """An actor is on one side only: of a vote's record, and of the two poles."""
    out: list[tuple[tuple, str]] = []
    for vid, v in s.votes.items():
        first: dict[str, str] = {}
        for side, members in v.record.items():
            for i, a in enumerate(members):
                if a in first and first[a] != side:
                    out.append((("votes", vid, "record", side, i),
                                f"'{a}' is also listed under {first[a]} (one side per actor)"))
                first.setdefault(a, side)
    both = [a for a in s.poles.get("west", []) if a in s.poles.get("east", [])]
    for a in dict.fromkeys(both):
        out.append((("poles", "east", s.poles["east"].index(a)),
                    f"'{a}' also leads the west pole (a leader of one pole only)"))
    return out


def validate_tracked(tracked: Tracked, model: type[BaseModel], shape: str, checks=None) -> Any:
    """Validate loaded YAML against a model, then `checks(obj) -> [(path, problem)]`; located errors."""
    if not isinstance(tracked.data, dict):
        raise UserError(tracked.message((), f"the file must hold a mapping of fields ({shape})"))
    try:
        obj = model.model_validate(tracked.data)
    except ValidationError as exc:
        messages = describe_validation_error(exc, tracked, model)
        if checks:
            messages += [tracked.message(path, msg) for path, msg in _checks_despite(exc, tracked, model, checks)]
        raise UserError(_clip_quotes(messages)) from None
    problems = checks(obj) if checks else []
    if problems:
        raise UserError(_clip_quotes([tracked.message(path, msg) for path, msg in problems]))
    return obj


_LONG_QUOTE = re.compile(r"'[^'\n]{100,}'|\"[^\"\n]{100,}\"")


def _clip_quotes(messages: list[str]) -> list[str]:
    """Messages quote at most an excerpt of a value: a long quoted value is cut."""
    return [_LONG_QUOTE.sub(lambda m: excerpt(m.group()[1:-1]), m) for m in messages]


def _checks_despite(exc: ValidationError, tracked: Tracked, model: type[BaseModel], checks) -> list[tuple[tuple, str]]:
    """The cross-reference problems of a file that also has invalid values, so that one pass
    reports them all (see `validate_partial`); none on the fields set aside."""
    found = validate_partial(exc, tracked, model)
    if found is None:
        return []
    obj, cut = found
    return [(path, msg) for path, msg in checks(obj) if not any(tuple(path[:len(loc)]) == loc for loc in cut)]


def validate_partial(exc: ValidationError, tracked: Tracked, model: type[BaseModel]) -> tuple[Any, set] | None:
    """The file validated with its invalid fields set aside (their defaults, or a blank for a
    required text or number, stand in), and the locations set aside; None when the rest cannot
    stand on its own. For checking the rest of a file in the same pass, never for running it."""
    cut = set()
    for err in exc.errors():
        loc = tuple(err["loc"])
        loc = loc[:max(next((k for k, part in enumerate(loc) if isinstance(part, int)), len(loc)), 1)]
        # set aside a whole field, never one entry of a mapping (that would leave references dangling)
        while len(loc) > 1 and loc[-1] not in getattr(_model_at(model, loc[:-1]), "model_fields", {}):
            loc = loc[:-1]
        cut.add(loc)
    data = copy.deepcopy(tracked.data)
    for loc in cut:
        node = data
        for part in loc[:-1]:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.pop(loc[-1], None)
    try:
        return model.model_validate(data), cut
    except ValidationError as again:   # required fields left out: stand-ins, for this check only
        for err in again.errors():
            loc = tuple(err["loc"])
            owner = _model_at(model, loc[:-1]) if err["type"] == "missing" else None
            field = owner.model_fields.get(loc[-1]) if owner and isinstance(loc[-1], str) else None
            stand_in = {str: "", int: 0, float: 0.0, bool: False}.get(field.annotation) if field else None
            node = data
            for part in loc[:-1]:
                node = node.get(part) if isinstance(node, dict) else None
            if stand_in is None or not isinstance(node, dict):
                return None
            node[loc[-1]] = stand_in
    try:
        return model.model_validate(data), cut
    except ValidationError:
        return None


# ---------------------------------------------------------------- error messages

def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The pydantic model class that a location inside `model` points at."""
    current: Any = model
    for key in loc:
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(key) if isinstance(key, str) else None
            if field is None:
                return None
            current = field.annotation
        else:
            current = _unwrap_container(current)
            if current is None:
                return None
        while get_origin(current) is not None and not _is_container(current):
            args = [a for a in get_args(current) if a is not type(None)]
            current = args[0] if args else None
    if isinstance(current, type) and issubclass(current, BaseModel):
        return current
    inner = _unwrap_container(current)
    return inner if isinstance(inner, type) and issubclass(inner, BaseModel) else None


def _is_container(tp: Any) -> bool:
    return get_origin(tp) in (dict, list, tuple)


def _unwrap_container(tp: Any) -> Any:
    origin = get_origin(tp)
    if origin is dict:
        return get_args(tp)[1]
    if origin in (list, tuple):
        return get_args(tp)[0]
    return None


def did_you_mean(value: Any, known) -> str:
    """"did you mean 'x'? " for the closest known name, or nothing."""
    near = difflib.get_close_matches(str(value), sorted(known), n=1)
    return f"did you mean '{near[0]}'? " if near else ""


def unknown(what: str, value: Any, known) -> str:
    """"unknown rule 'x' (did you mean 'y'? one of: a, b)" for a name not in ``known``."""
    return f"unknown {what} '{value}' ({did_you_mean(value, known)}one of: {', '.join(sorted(known))})"


def describe_validation_error(exc: ValidationError, tracked: Tracked, root: type[BaseModel]) -> list[str]:
    """One message per pydantic error, located in the file."""
    messages = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        kind = err["type"]
        if kind == "extra_forbidden":
            parent = _model_at(root, loc[:-1])
            known = sorted(parent.model_fields) if parent else []
            text = f"unknown field ({did_you_mean(loc[-1], known)}known fields: {', '.join(known)})"
        elif kind == "missing" and len(loc) >= 2 and isinstance(loc[-1], int):
            text = f"missing item {loc[-1] + 1} of the list (a row like [A, B, number])"
        elif kind == "missing":
            text = "missing required field (add it)"
        elif kind in ("dict_type", "model_type"):
            got = type(err.get("input")).__name__
            got = {"list": "a list", "str": "text", "NoneType": "nothing"}.get(got, got)
            text = f"got {got} (a mapping: one 'key: value' per line, or {{key: value, ...}})"
        elif kind == "value_error":   # a validator's own message, written for the user
            text = str(err["msg"]).removeprefix("Value error, ")
        elif kind in ("too_short", "too_long"):
            ctx = err.get("ctx") or {}
            n = ctx.get("actual_length", len(err.get("input") or ()))
            what = ("entry" if n == 1 else "entries") if isinstance(err.get("input"), dict) else \
                ("item" if n == 1 else "items")
            bound = (f"at least {ctx.get('min_length')}" if kind == "too_short"
                     else f"at most {ctx.get('max_length')}")
            text = f"has {n} {what} ({bound} needed)"
        else:
            expected = ""
            ctx = err.get("ctx") or {}
            if "expected" in ctx:
                expected = f"expected {ctx['expected']}"
            elif kind.startswith(("greater", "less")):
                expected = err["msg"].replace("Input should be ", "a number ")
            else:
                expected = err["msg"].replace("Input should be ", "")
            got = err.get("input")
            shown = repr(got) if not isinstance(got, (dict, list)) else type(got).__name__
            text = f"got {shown} ({expected})"
        messages.append(tracked.message(loc, text))
    return messages


# ---------------------------------------------------------------- cross references

def check_references(s: Scenario) -> list[tuple[tuple, str]]:
    """Ids that must name actors, dates that must parse, names that must be registered."""
    from sim.actions import ACTION_KINDS
    from sim.alignment import RULES
    from sim.doctrines import DOCTRINES
    from sim.settable import check_event_set

    ids = set(s.actors)
    known = f"one of the actor ids: {', '.join(sorted(ids))}"
    groups = set(s.groups)
    out: list[tuple[tuple, str]] = []

    def actor(path: tuple, value: str, allow_groups: bool = False) -> None:
        if value in ids or (allow_groups and value in groups):
            return
        hint = did_you_mean(value, ids | (groups if allow_groups else set()))
        out.append((path, f"unknown actor '{value}' ({hint}{known}"
                          f"{' or a group' if allow_groups and groups else ''})"))

    def params(path: tuple, model: type[BaseModel], given: dict) -> None:
        try:
            model.model_validate(given)
        except ValidationError as exc:
            for err in exc.errors():
                loc = path + tuple(err["loc"])
                if err["type"] == "extra_forbidden":
                    out.append((loc, f"unknown parameter ({did_you_mean(loc[-1], model.model_fields)}"
                                      f"known: {', '.join(sorted(model.model_fields))})"))
                else:
                    out.append((loc, f"got {err.get('input')!r} ({err['msg'].replace('Input should be ', '')})"))

    if "poles" not in s.model_fields_set and any(a not in ids for side in s.poles.values() for a in side):
        defaults = ", ".join(a for side in s.poles.values() for a in side)
        out.append((("poles",), "missing: name the leader of each camp with this file's actor ids, for example "
                                "poles: {west: [ID], east: [ID]} (without it the leaders would be "
                                f"{defaults}, which this file does not have)"))
    else:
        for side, leaders in s.poles.items():
            for i, a in enumerate(leaders):
                actor(("poles", side, i), a)
    if not MONTH.match(s.start):
        out.append((("start",), f"got {s.start!r} (a month as YYYY-MM)"))
    for name, members in s.groups.items():
        for i, a in enumerate(members):
            actor(("groups", name, i), a)
    for aid, a in s.actors.items():
        if a.doctrine not in DOCTRINES:
            out.append((("actors", aid, "doctrine"), unknown("doctrine", a.doctrine, DOCTRINES)))
        else:
            params(("actors", aid, "doctrine_params"), DOCTRINES[a.doctrine].Params, a.doctrine_params)
        for i, m in enumerate(a.members):
            actor(("actors", aid, "members", i), m)
            if m == aid:
                out.append((("actors", aid, "members", i), "a coalition cannot be its own member"))
        if a.members and a.kind != "coalition":
            out.append((("actors", aid, "kind"), "an actor with members must have kind: coalition"))
    if s.alignment.rule not in RULES:
        out.append((("alignment", "rule"), unknown("rule", s.alignment.rule, RULES)))
    else:
        params(("alignment", "params"), RULES[s.alignment.rule].Params, s.alignment.params)
    for i, (a, b, _) in enumerate(s.relations):
        actor(("relations", i, 0), a, allow_groups=True)
        actor(("relations", i, 1), b, allow_groups=True)
    for i, sanc in enumerate(s.sanctions):
        actor(("sanctions", i, "by"), sanc.by)
        actor(("sanctions", i, "on"), sanc.on)
    for tid, t in s.treaties.items():
        for i, p in enumerate(t.parties):
            actor(("treaties", tid, "parties", i), p)
    for tid, t in s.theaters.items():
        actor(("theaters", tid, "attacker"), t.attacker)
        actor(("theaters", tid, "defender"), t.defender)
        if t.attacker == t.defender:
            out.append((("theaters", tid, "defender"), "attacker and defender must differ"))
        for k in t.weights:
            if k not in ("shells", "drones", "missiles", "troops"):
                out.append((("theaters", tid, "weights", k), "unknown item (shells, drones, missiles, troops)"))
    for kind, entries in (("votes", s.votes), ("events", s.events)):
        for eid, e in entries.items():
            if (e.step is None) == (e.date is None):
                out.append(((kind, eid), "give exactly one of step: or date: (when it happens)"))
            elif e.date is not None:
                if not MONTH.match(e.date):
                    out.append(((kind, eid, "date"), f"got {e.date!r} (a month as YYYY-MM)"))
                elif MONTH.match(s.start) and s.month_to_step(e.date) < 0:
                    out.append(((kind, eid, "date"), f"{e.date} is before the start {s.start} (a later month)"))
    for vid, v in s.votes.items():
        actor(("votes", vid, "condemns"), v.condemns)
        for i, a in enumerate(v.members):
            actor(("votes", vid, "members", i), a)
        for side, members in v.record.items():
            for i, a in enumerate(members):
                actor(("votes", vid, "record", side, i), a)
    for eid, e in s.events.items():
        for i, act in enumerate(e.actions):
            path = ("events", eid, "actions", i)
            actor(path + ("actor",), act.actor)
            actor(path + ("target",), act.target)
            if act.kind not in ACTION_KINDS:
                out.append((path + ("kind",), unknown("action", act.kind, ACTION_KINDS)))
            else:
                problem = ACTION_KINDS[act.kind].check_spec(act)
                if problem:
                    out.append((path + ("item",), problem))
        for i, (a, b, _) in enumerate(e.affinity):
            actor(("events", eid, "affinity", i, 0), a)
            actor(("events", eid, "affinity", i, 1), b)
        for key, value in e.set.items():
            problem = check_event_set(s, e, key, value)
            if problem:
                out.append((("events", eid, "set", key), problem))
    for i, k in enumerate(s.key_parameters):
        problem = _check_key_parameter(s, k)
        if problem:
            out.append((("key_parameters", i, "path"), problem))
    if s.landscape:
        for a, v in s.landscape.sizes.items():
            actor(("landscape", "sizes", a), a)
        sized = set(s.landscape.sizes)
        for i, (a, b, _) in enumerate(s.landscape.propensities):
            for pos, who in ((0, a), (1, b)):
                actor(("landscape", "propensities", i, pos), who)
                if sized and who in ids and who not in sized:
                    out.append((("landscape", "propensities", i, pos),
                                f"'{who}' has no size (add it under landscape.sizes)"))
    return out


MISSING = object()


def value_at(s: Scenario, dotted: str) -> Any:
    """The value a dotted path (as for --set) names in a loaded scenario, or MISSING.

    A doctrine or alignment-rule parameter the file leaves out has its default; a key that
    holds dots itself (under an event's `set:`) is matched whole.
    """
    from sim.alignment import RULES
    from sim.doctrines import DOCTRINES

    parts = dotted.split(".")
    node: Any = s
    for depth, part in enumerate(parts):
        rest = ".".join(parts[depth:])
        if isinstance(node, dict):
            if depth > 0 and rest in node:
                return node[rest]
            if part not in node:
                owner = None
                if len(parts) == 4 and depth == 3 and parts[0] == "actors" and parts[2] == "doctrine_params":
                    owner = DOCTRINES.get(s.actors[parts[1]].doctrine)
                elif len(parts) == 3 and depth == 2 and parts[:2] == ["alignment", "params"]:
                    owner = RULES.get(s.alignment.rule)
                fields = getattr(owner, "Params", BaseModel).model_fields
                return fields[part].default if part in fields else MISSING
            node = node[part]
        elif isinstance(node, BaseModel) and part in type(node).model_fields:
            node = getattr(node, part)
        else:
            return MISSING
    return node


def _check_key_parameter(s: Scenario, k) -> str | None:
    value = value_at(s, k.path)
    if value is MISSING:
        return f"no field {k.path} in this scenario (a dotted path to a field of this scenario)"
    if isinstance(value, bool):
        return None if k.min is None and k.max is None else "a true/false field takes no min: or max:"
    if not isinstance(value, (int, float)):
        return f"{k.path} is {value!r}, not a number or true/false"
    if k.min is None or k.max is None or not k.min < k.max:
        return f"a number needs min: and max: with min < max (got {k.min}, {k.max})"
    return None  # a value outside the dial's range is allowed (--set may go further); the dial shows it


def shipped_scenarios() -> list[ShippedScenario]:
    """The scenarios shipped in scenarios/, with their one-line descriptions."""
    found = []
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        try:
            desc = load_with_extends(path).data.get("description", "")
        except UserError:
            desc = "(does not load: run blocsim validate)"
        found.append(ShippedScenario(path.stem, path, str(desc)))
    return found

