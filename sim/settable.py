"""What may change during a run: one registry, one entry per settable field.

A scheduled event's `set:`, an inject, `--set`, a dashboard dial and a workshop order all
name a field by a dotted path such as `actors.CHN.production.shells`. Each field that may
change while the model runs is one `Settable` subclass, registered with `@register_settable`,
that knows its path pattern, how to check a value, how to apply it to a running model, whom
the change concerns and how to say it in a sentence.

    from sim.settable import Change, check, settable_for
    check(scenario, "actors.CHN.reputation_concern", 0.9)   # None, or what is wrong
    change = Change("theaters.donbas.speed", 2.0)
    change.problem(scenario) / change.problem_now(model)       # the same check, at load or mid-run
    change.apply(model)                                         # the model changes now
    change.action(scenario, step=3, date="2022-05", source="inject")  # its `policy` Action record
    FIELDS                                                      # pattern -> Settable, in order

Adding a settable field is one subclass here plus its test.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from pydantic import BaseModel, TypeAdapter, ValidationError

from sim.scenario.schema import ITEMS, Scenario

if TYPE_CHECKING:
    from sim.actions import Action
    from sim.model import BlocModel

__all__ = ["FIELDS", "Settable", "SetPath", "Change", "register_settable", "settable_for", "parse", "check",
           "check_now", "check_event_set", "doctrine_when", "doctrine_in_force", "plain"]

FIELDS: dict[str, type["Settable"]] = {}
"""Every settable field by its path pattern (`actors.ID.stocks.ITEM`), in registration order."""


def register_settable(cls: type["Settable"]) -> type["Settable"]:
    FIELDS[cls.pattern()] = cls
    return cls


def plain(value: Any) -> str:
    """A value as a person writes it: lists joined by 'and'."""
    if isinstance(value, (list, tuple)):
        return " and ".join(map(str, value)) if value else "nothing"
    return str(value)


@dataclass(frozen=True)
class SetPath:
    """A dotted path split into its parts: `actors.CHN.stocks.shells` -> owner, id, field, key."""

    owner: str          # "actors" or "theaters"
    id: str
    field: str
    key: str | None     # the ITEM or NAME after the field, if the field has one

    @property
    def dotted(self) -> str:
        return ".".join(p for p in (self.owner, self.id, self.field, self.key) if p is not None)

    @property
    def item(self) -> str:
        """What the `policy` record's item says: the path after the id (`stocks.shells`)."""
        return self.field if self.key is None else f"{self.field}.{self.key}"


class Settable:
    """One field that may change during a run. Subclasses set `owner`, `field` and, when the
    path goes one level deeper, `key` ("ITEM": an arms item; "NAME": a doctrine parameter)."""

    owner: ClassVar[str]                 # "actors" or "theaters"
    field: ClassVar[str]
    key: ClassVar[str | None] = None
    noun: ClassVar[str] = ""             # how a sentence names it ({key}: the ITEM or NAME); default: the field
    sides: ClassVar[tuple[str, str]] = ("attacker", "attacker")  # a theater field's (who, whom)

    @classmethod
    def pattern(cls) -> str:
        return f"{cls.owner}.ID.{cls.field}" + (f".{cls.key}" if cls.key else "")

    @classmethod
    def check_value(cls, s: Scenario, p: SetPath, value: Any, doctrine: str | None) -> str | None:
        """A problem with the value, or None: the scenario's own rule for the field (its range)."""
        owner = _owners(s, p.owner)[p.id]
        given = owner.model_dump()
        given[p.field] = value if p.key is None else {**given[p.field], p.key: value}
        return _validation_problem(type(owner), given, (p.field,) if p.key is None else (p.field, p.key), value)

    @classmethod
    def apply(cls, model: "BlocModel", p: SetPath, value: Any) -> None:
        raise NotImplementedError

    @classmethod
    def concerns(cls, s: Scenario, p: SetPath) -> tuple[str, str]:
        """(who, whom) of the change's record: the actor itself, or a theater's side."""
        if cls.owner == "actors":
            return p.id, p.id
        t = s.theaters[p.id]
        return getattr(t, cls.sides[0]), getattr(t, cls.sides[1])

    @classmethod
    def what(cls, p: SetPath) -> str:
        return (cls.noun or cls.field).replace("{key}", str(p.key)).replace("_", " ")

    @classmethod
    def sentence(cls, p: SetPath, value: Any, who: str, whom: str) -> str:
        """The change told from its record: 'Russia set its stock of shells to 0'."""
        return f"{who} set its {cls.what(p)} to {plain(value)}"


def _owners(s: Scenario, owner: str) -> dict:
    return s.actors if owner == "actors" else s.theaters


def _validation_problem(model: type[BaseModel], given: dict, wanted: tuple, value: Any) -> str | None:
    try:
        model.model_validate(given)
    except ValidationError as exc:
        for err in exc.errors():
            if tuple(str(x) for x in err["loc"]) == wanted:
                return f"got {value!r} ({err['msg'].replace('Input should be ', '')})"
    return None


# ---------------------------------------------------------------- actors

def _index(model: "BlocModel", p: SetPath) -> int:
    return model.world.index[p.id]


def doctrine_in_force(model: "BlocModel", actor_id: str):
    """The doctrine an actor decides by now (after any switch)."""
    return model.doctrine_of(model.world.index[actor_id])


@register_settable
class DoctrineSwitch(Settable):
    """Switch the doctrine the actor decides by (with that doctrine's default parameters)."""

    owner, field = "actors", "doctrine"

    @classmethod
    def check_value(cls, s, p, value, doctrine):
        from sim.doctrines import DOCTRINES
        from sim.scenario import unknown

        return None if value in DOCTRINES else unknown("doctrine", value, DOCTRINES)

    @classmethod
    def apply(cls, model, p, value):
        model.set_doctrine(_index(model, p), str(value))


@register_settable
class DoctrineParam(Settable):
    """One parameter of the doctrine in force (checked against that doctrine's parameters)."""

    owner, field, key, noun = "actors", "doctrine_params", "NAME", "{key}"

    @classmethod
    def check_value(cls, s, p, value, doctrine):
        from sim.doctrines import DOCTRINES
        from sim.scenario import did_you_mean

        if doctrine not in DOCTRINES:
            return None  # the doctrine itself is reported where it is named
        params = DOCTRINES[doctrine].Params
        if p.key not in params.model_fields:
            return (f"{doctrine} has no parameter '{p.key}' "
                    f"({did_you_mean(p.key, params.model_fields)}known: {', '.join(sorted(params.model_fields))})")
        same = s.actors[p.id].doctrine == doctrine
        given = {**(s.actors[p.id].doctrine_params if same else {}), p.key: value}
        return _validation_problem(params, given, (str(p.key),), value)

    @classmethod
    def apply(cls, model, p, value):
        from sim.errors import UserError

        d = doctrine_in_force(model, p.id)
        try:
            d.params = type(d.params).model_validate({**d.params.model_dump(), p.key: value})
        except ValidationError as exc:  # an event injected out of its order: the doctrine differs
            problem = "; ".join(e["msg"] for e in exc.errors())
            raise UserError(f"set {p.dotted} = {value!r}: {problem} (the {d.name} doctrine "
                            f"in force takes: {', '.join(type(d.params).model_fields)})") from None


@register_settable
class ReputationConcern(Settable):
    """How much open hostile acts cost the actor, 0..1."""

    owner, field = "actors", "reputation_concern"

    @classmethod
    def apply(cls, model, p, value):
        model.world.reputation[_index(model, p)] = float(value)


class _ItemArray(Settable):
    """An actor's quantity of one arms item, kept in a (n, K) world array of the same name."""

    owner, key = "actors", "ITEM"

    @classmethod
    def apply(cls, model, p, value):
        from sim.world import ITEM

        getattr(model.world, cls.field)[_index(model, p), ITEM[p.key]] = float(value)


@register_settable
class Production(_ItemArray):
    """Units of one arms item the actor makes each month."""

    field, noun = "production", "production of {key}"


@register_settable
class Stock(_ItemArray):
    """The actor's stock of one arms item, now."""

    field, noun = "stocks", "stock of {key}"


# ---------------------------------------------------------------- theaters

class _TheaterField(Settable):
    """A field of the model's own copy of a theater; the monthly fire wanted is recomputed."""

    owner = "theaters"

    @classmethod
    def apply(cls, model, p, value):
        t = model.theaters[p.id]
        if p.key is None:
            setattr(t, cls.field, float(value))
        else:
            setattr(getattr(t, cls.field), p.key, float(value))
        model._compute_burn()


@register_settable
class Active(_TheaterField):
    """Open (true) or close (false) the front; the pair is at war while a front is active."""

    field, sides = "active", ("attacker", "defender")

    @classmethod
    def apply(cls, model, p, value):
        from sim.world import set_wars

        model.theaters[p.id].active = value  # the theater's schema reads the value (false, "no", 0)
        set_wars(model.world, model.theaters.values())
        model._compute_burn()

    @classmethod
    def sentence(cls, p, value, who, whom):
        return f"{who} opened a front against {whom}" if TypeAdapter(bool).validate_python(value) else \
            f"{who} and {whom} stopped fighting on their front"


@register_settable
class Front(_TheaterField):
    """Move the front: % of the defender's territory the attacker holds (clipped to 0..100)."""

    field, sides = "front", ("attacker", "defender")

    @classmethod
    def apply(cls, model, p, value):
        model.world.fronts[p.id] = float(np.clip(float(value), 0.0, 100.0))

    @classmethod
    def sentence(cls, p, value, who, whom):
        return f"the front moved: {who} now holds {plain(value)}% of {whom}'s territory"


@register_settable
class AttackerBurn(_TheaterField):
    """The attacker's monthly fire of one item at full tempo."""

    field, key, noun = "attacker_burn", "ITEM", "attacker fire rate of {key}"


@register_settable
class DefenderBurn(_TheaterField):
    """The defender's monthly fire of one item at full tempo."""

    field, key, noun = "defender_burn", "ITEM", "defender fire rate of {key}"
    sides = ("defender", "defender")


@register_settable
class Speed(_TheaterField):
    """The largest change of the front in a month, points."""

    field = "speed"


@register_settable
class DefenderAdvantage(_TheaterField):
    """The multiplier on the defender's combat value."""

    field = "defender_advantage"


@register_settable
class Noise(_TheaterField):
    """Fog of war: standard deviation of the monthly front change, points."""

    field = "noise"


# ---------------------------------------------------------------- finding and checking

def _fields_of(owner: str) -> list[str]:
    return [cls.field for cls in FIELDS.values() if cls.owner == owner]


def parse(s: Scenario, dotted: str) -> tuple[type[Settable], SetPath] | str:
    """The field a path names and its parts, or what is wrong with the path (a message)."""
    parts = str(dotted).split(".")
    if len(parts) >= 3 and parts[0] == "theaters":
        if parts[1] not in s.theaters:
            return f"unknown theater '{parts[1]}' (one of: {', '.join(s.theaters) or 'none'})"
    elif len(parts) < 3 or parts[0] != "actors":
        return (f"a path actors.ID.FIELD (FIELD: {', '.join(_fields_of('actors'))}) or theaters.ID.FIELD "
                f"(FIELD: {', '.join(_fields_of('theaters'))})")
    elif parts[1] not in s.actors:
        return f"unknown actor '{parts[1]}' (one of the actor ids)"
    owner, oid, field = parts[:3]
    cls = settable_for(owner, field)
    if cls is None:
        return f"cannot change '{field}' during a run (one of: {', '.join(_fields_of(owner))})"
    key = parts[3] if len(parts) == 4 else None
    if len(parts) > 4 or (cls.key is None) != (key is None) or (cls.key == "ITEM" and key not in ITEMS):
        return f"a path {cls.pattern()}" + (f" (ITEM: {', '.join(ITEMS)})" if cls.key == "ITEM" else "")
    p = SetPath(owner, oid, field, key)
    return cls, p


def settable_for(owner: str, field: str) -> type[Settable] | None:
    """The registered field `owner.ID.field...`, or None."""
    return next((cls for cls in FIELDS.values() if cls.owner == owner and cls.field == field), None)


def check(s: Scenario, dotted: str, value: Any, doctrine: str | None = None) -> str | None:
    """What is wrong with setting ``dotted`` to ``value`` during a run of ``s``, or None.

    The one check for events' `set:` at load, `--set`, dials, injects and orders. A doctrine
    parameter is checked against ``doctrine`` (the one the actor holds when the change
    applies; default: the scenario's)."""
    found = parse(s, dotted)
    if isinstance(found, str):
        return found
    cls, p = found
    if doctrine is None and p.owner == "actors":
        doctrine = s.actors[p.id].doctrine
    return cls.check_value(s, p, value, doctrine)


def check_now(model: "BlocModel", dotted: str, value: Any) -> str | None:
    """`check` against the doctrine each actor holds now in a running model."""
    parts = str(dotted).split(".")
    doctrine = None
    if parts[0] == "actors" and len(parts) > 1 and parts[1] in model.world.index:
        doctrine = doctrine_in_force(model, parts[1]).name
    return check(model.spec, dotted, value, doctrine)


def doctrine_when(s: Scenario, actor_id: str, event) -> str:
    """The doctrine an actor holds when ``event`` fires: its own, or the one the latest enabled
    event up to then switched it to (events at one step, in file order)."""
    from sim.scenario.schema import MONTH

    def when(e) -> int:  # an event without a valid step or date is reported elsewhere; it sorts last
        ok = (e.step is None) != (e.date is None) and (e.date is None or MONTH.match(e.date) and MONTH.match(s.start))
        return s.when(e) if ok else 1 << 62

    doctrine, target = s.actors[actor_id].doctrine, f"actors.{actor_id}.doctrine"
    in_order = sorted(enumerate(s.events.values()), key=lambda ie: (when(ie[1]), ie[0]))
    for _, other in in_order:
        if other is event:
            break
        if other.enabled and target in other.set:
            doctrine = str(other.set[target])
    return doctrine


def check_event_set(s: Scenario, event, dotted: str, value: Any) -> str | None:
    """`check` for a key of a scheduled event's `set:`, with the doctrine in force when it fires."""
    parts = str(dotted).split(".")
    doctrine = doctrine_when(s, parts[1], event) if parts[0] == "actors" and len(parts) > 1 and \
        parts[1] in s.actors else None
    return check(s, dotted, value, doctrine)


@dataclass(frozen=True)
class Change:
    """One settable field set to one value: `Change("actors.CHN.reputation_concern", 0.9)`.

    The value stays as given (a number, true/false or a name), so its record reads as written.
    """

    path: str
    value: Any

    def problem(self, s: Scenario, doctrine: str | None = None) -> str | None:
        return check(s, self.path, self.value, doctrine)

    def problem_now(self, model: "BlocModel") -> str | None:
        return check_now(model, self.path, self.value)

    def _found(self, s: Scenario) -> tuple[type[Settable], SetPath]:
        found = parse(s, self.path)
        if isinstance(found, str):
            from sim.errors import UserError
            raise UserError(f"set {self.path}: {found}")
        return found

    def apply(self, model: "BlocModel") -> None:
        """Change the running model now (the caller checked the value)."""
        cls, p = self._found(model.spec)
        cls.apply(model, p, self.value)

    def concerns(self, s: Scenario) -> tuple[str, str]:
        cls, p = self._found(s)
        return cls.concerns(s, p)

    def action(self, s: Scenario, step: int, date: str, source: str, event: str = "") -> "Action":
        """The `policy` record of this change: who it concerns, the path and the value."""
        from sim.actions import Action

        cls, p = self._found(s)
        who, whom = cls.concerns(s, p)
        return Action(step=step, date=date, actor=who, target=whom, kind="policy", item=p.item,
                      detail=plain(self.value), source=source, event=event, path=self.path, value=self.value)

    @staticmethod
    def sentence_of(path: str, value: Any, who: str, whom: str) -> str:
        """A policy record's sentence from its path and value (no scenario needed)."""
        owner, oid, field, *rest = path.split(".")
        cls = settable_for(owner, field)
        p = SetPath(owner, oid, field, rest[0] if rest else None)
        return cls.sentence(p, value, who, whom) if cls else f"{who} set its {field} to {plain(value)}"
