"""The scenario schema: every field with its default, range and unit.

A scenario is a YAML file validated by `Scenario`. Everything keyed by an id (actors,
theaters, votes, events, treaties) is a mapping, so an id can appear only once and a
variant made with `extends:` can change one entry by naming it.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ITEMS = ("shells", "drones", "missiles", "air_defence", "troops")
"""Arms an actor stocks and transfers. Units: rounds, units, units, interceptors, thousand troops."""
GOODS = ("cash", "food", "oil", "technology")
"""What pays for arms. Units: $bn of value (technology: $bn-equivalent of know-how)."""

Share = Annotated[float, Field(ge=0.0, le=1.0)]
Signed = Annotated[float, Field(ge=-1.0, le=1.0)]
NonNeg = Annotated[float, Field(ge=0.0)]
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class Strict(BaseModel):
    # every model of a scenario: unknown fields refused, every number finite (no .inf, no .nan)
    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)


class Stocks(Strict):
    """Quantities of each arms item (stock, or production per month)."""

    shells: NonNeg = Field(0.0, description="artillery rounds")
    drones: NonNeg = Field(0.0, description="attack drones (units)")
    missiles: NonNeg = Field(0.0, description="ballistic and cruise missiles (units)")
    air_defence: NonNeg = Field(0.0, description="air-defence interceptors (units)")
    troops: NonNeg = Field(0.0, description="deployable troops (thousands)")


class Actor(Strict):
    """A country, or a coalition made of member actors."""

    name: str = Field(description="display name")
    kind: Literal["state", "coalition"] = "state"
    members: list[str] = Field(default_factory=list, description="coalition members (actor ids)")
    decision_rule: Literal["unanimity", "qmv", "majority"] = Field(
        "unanimity", description="how a coalition's members decide its sanctions")
    doctrine: str = Field("hedger", description="how it decides: a doctrine name from the Doctrines section")
    doctrine_params: dict[str, Any] = Field(default_factory=dict, description="the doctrine's parameters (see its table)")
    economy: NonNeg = Field(100.0, description="GDP, $bn per year")
    military_spending: NonNeg = Field(1.0, description="$bn per year")
    stocks: Stocks = Field(default_factory=Stocks)
    production: Stocks = Field(default_factory=Stocks, description="added to stocks each month")
    energy_exports: NonNeg = Field(0.0, description="$bn per month")
    food_exports: NonNeg = Field(0.0, description="$bn per month")
    technology: Share = Field(0.3, description="space, microelectronics and dual-use level, 0..1")
    reserves: NonNeg = Field(0.0, description="foreign reserves, $bn")
    frozen: NonNeg = Field(0.0, description="reserves frozen abroad, $bn")
    nuclear: bool = False
    regime: Literal["democracy", "hybrid", "autocracy"] = "hybrid"
    reputation_concern: Share = Field(0.5, description="how much open hostile acts cost it, 0..1")
    un_member: bool = Field(True, description="casts its own vote at the UN")
    veto: bool = Field(False, description="permanent member of the Security Council")


class Theater(Strict):
    """A war with a front line: the share of the defender's territory the attacker holds."""

    name: str
    attacker: str
    defender: str
    front: Annotated[float, Field(ge=0.0, le=100.0)] = Field(description="% of defender's territory held")
    active: bool = Field(True, description="whether the war is being fought; an event can open a front later "
                                           "(set: theaters.ID.active: true) or close it")
    speed: Annotated[float, Field(gt=0.0, le=20.0)] = Field(1.5, description="max change, points per month")
    attacker_burn: Stocks = Field(default_factory=Stocks, description="attacker's fire a month at full tempo (troops: engaged)")
    defender_burn: Stocks = Field(default_factory=Stocks, description="defender's fire a month at full tempo (troops: engaged)")
    ration: Annotated[float, Field(gt=0.0, le=1.0)] = Field(
        0.5, description="largest share of a stock a side fires in a month (it keeps the rest in reserve)")
    interception: Share = Field(0.6, description="share of drones and missiles an interceptor-rich defence stops")
    defender_advantage: Annotated[float, Field(gt=0.0, le=10.0)] = Field(1.5, description="multiplier on defence")
    weights: dict[str, NonNeg] = Field(
        default_factory=lambda: {"shells": 1.0, "drones": 12.0, "missiles": 150.0, "troops": 400.0},
        description="combat value per unit fired (troops: per thousand engaged)")
    noise: Annotated[float, Field(ge=0.0, le=10.0)] = Field(
        0.3, description="fog of war: standard deviation of the monthly front change, points")
    troop_loss: Annotated[float, Field(ge=0.0, le=0.5)] = Field(0.01, description="share of engaged troops lost per month")


class ActionSpec(Strict):
    """An action written into a scenario event or composed as an inject (each field is an `Action` field)."""

    kind: str
    actor: str
    target: str
    item: str | None = None
    amount: NonNeg = 0.0
    payment_item: str | None = None
    payment_amount: NonNeg = 0.0
    covert: bool = False
    secondary: bool = False
    reason: str = ""


class Event(Strict):
    """A scheduled inject: at a step or month it applies actions and parameter changes."""

    description: str
    step: Annotated[int, Field(ge=0)] | None = None
    date: str | None = Field(None, description="YYYY-MM")
    enabled: bool = True
    source: str = ""
    actions: list[ActionSpec] = Field(default_factory=list)
    set: dict[str, Any] = Field(default_factory=dict, description="dotted path -> new value")
    affinity: list[tuple[str, str, Signed]] = Field(default_factory=list, description="[A, B, new value]")


class Treaty(Strict):
    kind: Literal["mutual_defence", "partnership"] = "mutual_defence"
    parties: list[str] = Field(min_length=2)
    in_force: bool = True
    assistance: Stocks = Field(default_factory=Stocks, description="what each party sends when the other is attacked")
    source: str = ""


class Vote(Strict):
    """A UN resolution condemning (or acting against) one actor."""

    title: str
    step: Annotated[int, Field(ge=0)] | None = None
    date: str | None = None
    condemns: str
    body: Literal["general_assembly", "security_council"] = "general_assembly"
    members: list[str] = Field(default_factory=list,
                               description="who votes (the Council's modelled members); empty: every UN member")
    record: dict[Literal["for", "against", "abstain"], list[str]] = Field(default_factory=dict)
    source: str = ""


class Sanction(Strict):
    by: str
    on: str
    intensity: Share
    secondary: bool = False
    note: str = ""


class AlignmentConfig(Strict):
    rule: str = "interest"
    params: dict[str, Any] = Field(default_factory=dict)


class BlocConfig(Strict):
    threshold: Annotated[float, Field(gt=0.0, lt=1.0)] = Field(
        0.2, description="least mean affinity that holds a bloc together")


class UNConfig(Strict):
    against_above: Signed = Field(0.5, description="vote against when affinity to the condemned exceeds this")
    for_below: Signed = Field(0.12, description="vote for when affinity to the condemned is below this")
    reputation_weight: Share = Field(0.3, description="how far reputation concern pulls a vote toward the norm")


class Landscape(Strict):
    sizes: dict[str, Annotated[float, Field(gt=0.0)]] = Field(default_factory=dict)
    propensities: list[tuple[str, str, float]] = Field(default_factory=list)


class KeyParameter(Strict):
    """A dial the dashboard shows for this scenario. Moving it sets the field when the run
    restarts, exactly as `--set PATH=VALUE` would."""

    path: str = Field(description="dotted path of a number or true/false in this scenario, as for --set")
    label: str = Field("", description="what the dashboard calls it (the path when empty)")
    min: float | None = Field(None, description="slider's low end (numbers only)")
    max: float | None = Field(None, description="slider's high end (numbers only)")
    step: Annotated[float, Field(gt=0.0)] | None = Field(None, description="slider's increment; default (max-min)/100")


class Scenario(Strict):
    """A whole world: actors, their relations, wars, votes and scheduled events."""

    name: str
    description: str = Field(description="one line, shown by `blocsim scenarios`")
    fictional: bool = False
    start: str = Field("2022-02", description="month of step 0, YYYY-MM")
    steps: Annotated[int, Field(ge=1, le=1200)] = Field(24, description="months to run")
    poles: dict[Literal["west", "east"], list[str]] = Field(
        default_factory=lambda: {"west": ["USA"], "east": ["RUS", "CHN"]},
        description="leaders of the US-led (west) and Russia/China-led (east) poles")
    alignment: AlignmentConfig = Field(default_factory=AlignmentConfig)
    blocs: BlocConfig = Field(default_factory=BlocConfig)
    un: UNConfig = Field(default_factory=UNConfig)
    groups: dict[str, list[str]] = Field(default_factory=dict, description="names for lists of actors")
    actors: dict[str, Actor] = Field(min_length=2)
    relations: list[tuple[str, str, Signed]] = Field(
        default_factory=list, description="[A, B, affinity]; A or B may be a group; later rows win")
    sanctions: list[Sanction] = Field(default_factory=list)
    treaties: dict[str, Treaty] = Field(default_factory=dict)
    theaters: dict[str, Theater] = Field(default_factory=dict)
    votes: dict[str, Vote] = Field(default_factory=dict)
    events: dict[str, Event] = Field(default_factory=dict)
    landscape: Landscape | None = None
    key_parameters: list[KeyParameter] = Field(
        default_factory=list, description="dials the dashboard offers for this scenario (and the exercises cite)")

    def month_to_step(self, date: str) -> int:
        y0, m0 = map(int, self.start.split("-"))
        y, m = map(int, date.split("-"))
        return (y - y0) * 12 + (m - m0)

    def step_to_month(self, step: int) -> str:
        y0, m0 = map(int, self.start.split("-"))
        total = y0 * 12 + (m0 - 1) + step
        return f"{total // 12:04d}-{total % 12 + 1:02d}"

    def when(self, item: Event | Vote) -> int:
        return item.step if item.step is not None else self.month_to_step(item.date)
