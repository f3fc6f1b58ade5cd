"""A run with a timeline: a scenario, a seed and the inputs given to it month by month.

The dashboard's page and the workshop game both drive a `Run`; neither holds a model of
its own. Inputs are checked when given and applied at the next step; the timeline records
each with the month it was given at, so the run can be replayed exactly, branched, saved
and loaded.

    from sim.timeline import Run, InjectEvent, InjectAction, SetField
    run = Run(scenario, seed=1)                     # at month 0
    run.give(InjectEvent("us_pullback"))            # UserError if it cannot apply now
    run.give(InjectAction(ActionSpec(kind="sanction", actor="USA", target="RUS", item="banks", amount=0.4)))
    run.give(SetField("actors.CHN.reputation_concern", 0.9))
    run.step(3)                                     # months 1-3; the inputs apply in month 1
    run.now, run.model                              # 3, the live BlocModel
    run.replay(2)                                   # the model exactly as it was at month 2; the timeline stays
    other = run.branch(2)                           # a new Run at month 2 with the inputs given before it
    Run.from_dict(json.loads(json.dumps(run.to_dict())))   # the same run, replayed to the same month

A new kind of input (a team's orders) is one `Input` subclass with `@register_input`: its
`kind`, its fields (JSON-safe) and `injects()`, the events, actions and changes it stands for.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, ClassVar

from pydantic import ValidationError

from sim.errors import UserError
from sim.model import BlocModel
from sim.scenario import Scenario, scenario_from_dict
from sim.scenario.schema import ActionSpec
from sim.settable import Change

__all__ = ["Run", "Input", "Given", "InjectEvent", "InjectAction", "SetField", "INPUTS", "register_input"]

FORMAT = 1
MAX_INPUTS = 10_000
"""The most inputs a saved run may hold (checked before any replay)."""
INPUTS: dict[str, type["Input"]] = {}
"""Every kind of input by its `kind` name (the key its saved form carries)."""


def register_input(cls: type["Input"]) -> type["Input"]:
    INPUTS[cls.kind] = cls
    return cls


@dataclass(frozen=True)
class Input:
    """Something given to a run at a month; it applies at the next step."""

    kind: ClassVar[str]

    def injects(self) -> list:
        """What the model is handed for its next step: event ids, ActionSpecs and Changes, in order."""
        raise NotImplementedError

    def problem(self, model: BlocModel) -> str | None:
        """Why it cannot apply to the model as it is now, or None."""
        return next(filter(None, map(model.inject_problem, self.injects())), None)

    def queue(self, model: BlocModel) -> None:
        """Hand it to the model for its next step."""
        for item in self.injects():
            model.inject(item)

    def to_dict(self) -> dict:
        return {"kind": self.kind, **asdict(self)}

    @classmethod
    def from_dict(cls, data: dict) -> "Input":
        return cls(**{f.name: data[f.name] for f in fields(cls)})


@register_input
@dataclass(frozen=True)
class InjectEvent(Input):
    """One of the scenario's events, fired now (its actions, affinities and changes)."""

    kind: ClassVar[str] = "event"
    event: str

    def injects(self):
        return [self.event]


@register_input
@dataclass(frozen=True)
class InjectAction(Input):
    """An action composed by hand (a facilitator's move): the fields of an `ActionSpec`."""

    kind: ClassVar[str] = "action"
    spec: ActionSpec

    def injects(self):
        return [self.spec]

    def to_dict(self):
        return {"kind": self.kind, "spec": self.spec.model_dump(mode="json", exclude_defaults=True)}

    @classmethod
    def from_dict(cls, data):
        try:
            return cls(ActionSpec.model_validate(data["spec"]))
        except ValidationError as exc:
            raise UserError(f"action: {'; '.join(e['msg'] for e in exc.errors())}") from None


@register_input
@dataclass(frozen=True)
class SetField(Input):
    """A settable field (sim.settable) set to a value, as a scheduled event's `set:` would."""

    kind: ClassVar[str] = "set"
    path: str
    value: Any

    def injects(self):
        return [Change(self.path, self.value)]


@dataclass(frozen=True)
class Given:
    """An input on the timeline: given at month `at`, it applies in month `at + 1`."""

    at: int
    input: Input

    def to_dict(self) -> dict:
        return {"at": self.at, **self.input.to_dict()}

    @staticmethod
    def from_dict(data: dict) -> "Given":
        if not isinstance(data, dict) or data.get("kind") not in INPUTS:
            known = ", ".join(INPUTS)
            raise UserError(f"timeline: {data!r} is not an input (a mapping with kind: one of {known})")
        try:
            return Given(int(data["at"]), INPUTS[data["kind"]].from_dict(data))
        except (KeyError, TypeError, ValueError) as exc:
            raise UserError(f"timeline: {data!r}: missing or wrong field ({exc})") from None


class Run:
    """A scenario run with its timeline of inputs. Not thread-safe: callers hold their own lock."""

    def __init__(self, scenario: Scenario, seed: int = 0, alignment: str | None = None,
                 timeline: list[Given] | tuple = ()):
        self.scenario = scenario
        self.seed = seed
        self.alignment = alignment
        self.timeline: list[Given] = list(timeline)
        self.model = BlocModel(scenario, seed=seed, alignment=alignment)

    @property
    def now(self) -> int:
        """The month the run has reached (0 at the start)."""
        return int(self.model.world.step)

    @property
    def steps(self) -> int:
        """The run's last month."""
        return self.scenario.steps

    @property
    def at_end(self) -> bool:
        return self.now >= self.steps

    def problem(self, given: Input) -> str | None:
        """Why ``given`` cannot be given now, or None (the same check `give` makes)."""
        if self.at_end:
            return f"the run has reached its last step ({self.steps}); an inject would never apply"
        return given.problem(self.model)

    def give(self, given: Input) -> None:
        """Put an input on the timeline at this month; it applies at the next step. UserError if it cannot."""
        problem = self.problem(given)
        if problem:
            raise UserError(problem)
        self.timeline.append(Given(self.now, given))

    def step(self, n: int = 1) -> int:
        """Advance up to ``n`` months (never past the last); returns the months run."""
        todo = max(0, min(int(n), self.steps - self.now))
        for _ in range(todo):
            month = self.now
            for g in self.timeline:
                if g.at == month:
                    g.input.queue(self.model)
            self.model.step()
        return todo

    def replay(self, to_step: int) -> None:
        """Rebuild the model from month 0 to ``to_step`` with the inputs given before it: exactly
        the state the run had there. Later inputs stay on the timeline and apply again as the run
        goes on."""
        to_step = self._month(to_step)
        self.model = BlocModel(self.scenario, seed=self.seed, alignment=self.alignment)
        self.step(to_step)

    def branch(self, at_step: int) -> "Run":
        """A new run at month ``at_step`` that shares this one's inputs given before it; this run
        is left as it is."""
        at_step = self._month(at_step)
        other = Run(self.scenario, self.seed, self.alignment, [g for g in self.timeline if g.at < at_step])
        other.step(at_step)
        return other

    def _month(self, k: Any) -> int:
        try:
            k = int(k)
        except (TypeError, ValueError):
            k = -1
        if not 0 <= k <= self.steps:
            raise UserError(f"month: got {k!r} (a month of this run, from 0 to {self.steps})")
        return k

    # ------------------------------------------------------------ saved form
    def to_dict(self) -> dict:
        """The run as JSON-safe data: scenario, seed, rule, the month reached and the timeline."""
        return {"format": FORMAT, "scenario": self.scenario.model_dump(mode="json"), "seed": self.seed,
                "alignment": self.alignment, "now": self.now, "timeline": [g.to_dict() for g in self.timeline]}

    @classmethod
    def from_dict(cls, data: dict, file: str = "<saved run>") -> "Run":
        """The run ``to_dict`` saved, replayed to the month it had reached. UserError on bad data."""
        if not isinstance(data, dict) or data.get("format") != FORMAT or "scenario" not in data:
            raise UserError(f"{file}: not a saved run (a mapping with format: {FORMAT}, scenario, seed, timeline)")
        seed = data.get("seed", 0)
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32:
            raise UserError(f"{file}: seed: got {seed!r} (a whole number from 0 to {2**32 - 1})")
        timeline = data.get("timeline", [])
        if not isinstance(timeline, list) or len(timeline) > MAX_INPUTS:
            got = f"{len(timeline)} inputs" if isinstance(timeline, list) else type(timeline).__name__
            raise UserError(f"{file}: timeline: got {got} (a list of at most {MAX_INPUTS:,} inputs)")
        scenario = scenario_from_dict(data["scenario"], file)
        run = cls(scenario, seed, data.get("alignment"), [Given.from_dict(g) for g in timeline])
        run.step(run._month(data.get("now", 0)))
        return run
