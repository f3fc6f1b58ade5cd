"""The alignment-rule interface and its registry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict

RULES: dict[str, type["AlignmentRule"]] = {}


def register_rule(cls: type["AlignmentRule"]) -> type["AlignmentRule"]:
    RULES[cls.name] = cls
    return cls


class RuleParams(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


@dataclass
class Signals:
    """What happened between actors this step, in $bn-equivalent (row acted on column)."""

    cooperation: np.ndarray
    hostility: np.ndarray
    sanctions: np.ndarray


class AlignmentRule:
    """A rule that turns the current world into new alignments (rewrites world.affinity)."""

    name: ClassVar[str]
    title: ClassVar[str]
    citation: ClassVar[str]
    Params: ClassVar[type[BaseModel]] = RuleParams

    def __init__(self, params: BaseModel, scenario, world) -> None:
        self.params = params

    def update(self, world, signals: Signals, rng: np.random.Generator) -> None:
        raise NotImplementedError


def make_rule(name: str, params: dict, scenario, world) -> AlignmentRule:
    cls = RULES[name]
    return cls(cls.Params.model_validate(params), scenario, world)
