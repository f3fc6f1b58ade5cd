"""The historical record as data: observed patterns a run is scored against (`blocsim hindcast`).

A record file (scenarios/record/*.yaml) lists UN votes (scored per actor) and patterns
(front line, flows, sanctions, treaties, alignments), each with a date, a value or a
direction, a tolerance, a source id from docs/SOURCES.md and the part of the record it
belongs to: `fit` (calibration may use it) or `held_out` (never fitted; it tests the model).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from sim.errors import UserError
from sim.scenario import SCENARIO_DIR, validate_tracked
from sim.scenario.schema import ITEMS, MONTH, VOTE_KINDS, Strict
from sim.scenario.yamlio import read_yaml

RECORD_DIR = SCENARIO_DIR / "record"
DEFAULT_RECORD = RECORD_DIR / "ukraine_2022_2025.yaml"
SOURCES_MD = Path(__file__).resolve().parents[1] / "docs" / "SOURCES.md"
GROUPS = ("votes", "front", "flows", "sanctions", "alignment")
PARTS = ("fit", "held_out")

Part = Literal["fit", "held_out"]
Month = Annotated[str, Field(pattern=MONTH.pattern, description="YYYY-MM")]


class VoteRecord(Strict):
    """A UN vote as cast: one pattern per modelled actor in `record`."""

    vote: str = Field(description="the id of the vote in the scenario (votes.ID)")
    title: str
    date: Month
    kind: Literal[VOTE_KINDS] = "condemnation"
    source: str = Field(description="a docs/SOURCES.md id, e.g. S-UNGA-ES11-1")
    part: Part = "fit"
    record: dict[Literal["for", "against", "abstain"], list[str]]


class Pattern(Strict):
    """One observed pattern and how to read the model's value for it."""

    id: str
    group: Literal["front", "flows", "sanctions", "alignment"]
    measure: Literal["front", "delivered", "fired", "aid", "sanctions", "treaty", "treaty_in_force", "affinity"]
    date: Month = Field(description="the month at whose end the value is read")
    since: Month | None = Field(None, description="start month of a change (direction) or of a window")
    theater: str | None = None
    actors: list[str] = Field(default_factory=list,
                              description="delivered/aid: senders then recipient; affinity/treaty: the pair; "
                                          "sanctions: sender, target; fired: the actor")
    item: Literal[ITEMS] | None = None
    value: float | None = None
    direction: Literal["up", "down"] | None = None
    compare: Literal["approx", "at_least", "at_most"] = "approx"
    tolerance: Annotated[float, Field(ge=0.0)] = 0.0
    scale: float = Field(1.0, description="multiplies the model's value (e.g. intensity -> designations)")
    source: str
    part: Part = "fit"
    note: str = ""


class Record(Strict):
    name: str
    scenario: str = Field(description="the shipped scenario whose run covers the record")
    votes: list[VoteRecord] = Field(default_factory=list)
    patterns: list[Pattern] = Field(default_factory=list)


SOURCE_ID = re.compile(r"^S-[A-Z0-9]+(-[A-Z0-9]+)*$")


def source_ids() -> set[str]:
    """The ids docs/SOURCES.md defines."""
    text = SOURCES_MD.read_text(encoding="utf-8") if SOURCES_MD.exists() else ""
    return set(re.findall(r"^- \*\*\[(S-[A-Z0-9-]+)\]\*\*", text, re.M))


NEEDS = {"front": ("theater",), "delivered": ("item",), "fired": ("item",)}
ACTOR_COUNT = {"affinity": (2, 2), "treaty": (2, 2), "treaty_in_force": (2, 2), "sanctions": (2, 2),
               "fired": (1, 1), "delivered": (2, 99), "aid": (2, 99), "front": (0, 0)}


def check_record(r: Record) -> list[tuple[tuple, str]]:
    """Cross-field checks: known sources, unique ids, a value or a direction, the fields a measure needs."""
    known = source_ids()
    out: list[tuple[tuple, str]] = []
    seen: dict[str, int] = {}
    for i, v in enumerate(r.votes):
        if v.source not in known:
            out.append((("votes", i, "source"), f"unknown source '{v.source}' (an id defined in docs/SOURCES.md)"))
    for i, p in enumerate(r.patterns):
        path = ("patterns", i)
        if p.id in seen:
            out.append((path + ("id",), f"duplicate id '{p.id}' (first as pattern {seen[p.id] + 1})"))
        seen.setdefault(p.id, i)
        if p.source not in known:
            out.append((path + ("source",), f"unknown source '{p.source}' (an id defined in docs/SOURCES.md)"))
        if (p.value is None) == (p.direction is None):
            out.append((path, "give exactly one of value: (a level) or direction: (up or down)"))
        if p.direction and not p.since:
            out.append((path + ("direction",), "a direction needs since: (the month it is measured from)"))
        if p.since and p.since > p.date:
            out.append((path + ("since",), f"{p.since} is after date {p.date} (an earlier month)"))
        for field in NEEDS.get(p.measure, ()):
            if getattr(p, field) is None:
                out.append((path, f"measure {p.measure} needs {field}:"))
        low, high = ACTOR_COUNT[p.measure]
        if not low <= len(p.actors) <= high:
            want = f"{low}" if low == high else f"{low} or more"
            out.append((path + ("actors",), f"measure {p.measure} takes {want} actors (got {len(p.actors)})"))
    return out


def load_record(path: str | Path | None = None) -> tuple[Record, "object"]:
    """Read and validate a record file; returns (record, tracked YAML for located messages)."""
    path = Path(path) if path else DEFAULT_RECORD
    if not path.exists() and path.parent == Path("."):
        candidate = RECORD_DIR / (path.name if path.suffix else f"{path.name}.yaml")
        path = candidate if candidate.exists() else path
    tracked = read_yaml(path)
    record = validate_tracked(tracked, Record, "name: ..., scenario: ..., votes: ..., patterns: ...", check_record)
    return record, tracked


def records_of(scenario: str | None) -> list[Path]:
    """The shipped record files (scenarios/record/) whose run is `scenario` (a shipped name)."""
    if not scenario:
        return []
    return [path for path in sorted(RECORD_DIR.glob("*.yaml")) if load_record(path)[0].scenario == scenario]


def check_against_scenario(record: Record, tracked, scenario) -> None:
    """Actor and theater ids the record names must exist in the scenario it is run on: one
    message, located at the first unknown id, listing them all."""
    ids = set(scenario.actors)
    missing: dict[str, tuple] = {}
    for i, v in enumerate(record.votes):
        for side, members in v.record.items():
            for j, a in enumerate(members):
                if a not in ids:
                    missing.setdefault(a, ("votes", i, "record", side, j))
    for i, p in enumerate(record.patterns):
        for j, a in enumerate(p.actors):
            if a not in ids:
                missing.setdefault(a, ("patterns", i, "actors", j))
        if p.theater and p.theater not in scenario.theaters:
            missing.setdefault(f"theater {p.theater}", ("patterns", i, "theater"))
    if missing:
        first = next(iter(missing.values()))
        raise UserError(tracked.message(first, f"scenario {scenario.name} lacks {len(missing)} id(s) the record "
                                        f"names: {', '.join(missing)} (run the record on a scenario of its "
                                        f"world, e.g. {record.scenario})"))
