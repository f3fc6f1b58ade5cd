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
AID = ("aid", "loan", "energy_discount")
"""Kinds of economic support. Units: $bn."""

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
    """An action written into a scenario event or composed as an inject.

    These fields are also the first fields of the logged record (`sim.actions.Action`), in
    this order; the record adds what the core fills in (step, source, delivered, outcome...)."""

    actor: str
    target: str
    kind: str
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


VOTE_KINDS = ("condemnation", "suspension", "reparations", "peace_terms", "sanctions_monitoring")
"""Kinds of UN resolution: what a state is asked to back (docs/THEORIES.md, UN votes)."""


class Vote(Strict):
    """A UN resolution condemning (or acting against) one actor."""

    title: str
    kind: Literal[VOTE_KINDS] = Field("condemnation", description="what the resolution asks: " + ", ".join(VOTE_KINDS))
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
    standing_above: Share = Field(0.3, description="reputation concern from which a vote's reason mentions the "
                                                   "actor's standing (wording only; modelling assumption)")
    kind_shift: dict[Literal[VOTE_KINDS], Signed] = Field(
        default_factory=dict, description="added to a voter's score on a resolution of this kind (0 if absent): "
                                          "positive when the kind is harder to back")
    bloc_discipline: bool = Field(False, description="members of a coalition that has no UN seat vote as it would")


ASSUMED = "modelling assumption"


def param(default: float, unit: str, description: str, source: str = ASSUMED, **bounds) -> Any:
    """A model constant a scenario may override: its default, unit and where the figure comes from."""
    return Field(default, description=f"{description} ({unit}; {source})",
                 json_schema_extra={"unit": unit, "source": source}, **bounds)


class Diplomacy(Strict):
    """Cooperation (or, for a vote condemning the other, hostility) each diplomatic move signals."""

    summit: NonNeg = param(2.0, "$bn-equivalent", "a summit")
    joint_exercise: NonNeg = param(2.5, "$bn-equivalent", "a joint military exercise")
    veto: NonNeg = param(4.0, "$bn-equivalent", "a veto shielding the other")
    statement: NonNeg = param(0.5, "$bn-equivalent", "a public statement of support")
    vote_for: NonNeg = param(1.0, "$bn-equivalent", "voting against a resolution that condemns the other")
    vote_against: NonNeg = param(1.0, "$bn-equivalent", "hostility of voting for a resolution condemning the other")
    abstain: NonNeg = param(0.0, "$bn-equivalent", "abstaining on a resolution condemning the other")


class Signals(Strict):
    """How much cooperation or hostility each kind of action signals between two actors.

    Alignment rules read these signals; units are $bn-equivalent a month, on the scale of
    the money and arms value the other actions move."""

    sanction_per_intensity: NonNeg = param(20.0, "$bn-equivalent per unit of intensity",
                                           "hostility of a sanction, per unit its intensity rises")
    sanction_base: NonNeg = param(1.0, "$bn-equivalent", "hostility of any sanction, on top of its rise")
    covert_arms: Share = param(0.3, "share of value", "share of a covert arms delivery's value felt as "
                               "hostility by the recipient's enemies (open deliveries: all of it)")
    dual_use_cooperation: NonNeg = param(0.5, "$bn-equivalent per $bn", "cooperation of dual-use trade")
    dual_use_reputation: NonNeg = param(0.1, "share of open arms", "reputation cost of dual-use trade per $bn, "
                                        "relative to an open arms delivery of the same value")
    lift_sanction: NonNeg = param(1.0, "$bn-equivalent", "cooperation of lifting or easing sanctions")
    treaty_in_force: NonNeg = param(8.0, "$bn-equivalent", "cooperation of a treaty brought into force")
    treaty_signed: NonNeg = param(4.0, "$bn-equivalent", "cooperation of a treaty signed, not yet in force")
    withdraw: NonNeg = param(3.0, "$bn-equivalent", "hostility of withdrawing support")
    resume: NonNeg = param(2.0, "$bn-equivalent", "cooperation of resuming support")
    attack: NonNeg = param(10.0, "$bn-equivalent", "hostility of a strike or incursion")
    arms_request: NonNeg = param(0.5, "$bn-equivalent", "cooperation a request for arms signals toward the "
                                 "supplier asked (a plea is a mark of trust, on the scale of a public statement)")
    diplomatic: Diplomacy = Field(default_factory=Diplomacy, description="each diplomatic move's signal")


class Prices(Strict):
    """Value of one unit of each arms item, to weigh transfers against payments and to buy arms."""

    shells: NonNeg = param(3.0e-6, "$bn per round", "an artillery shell, about $3,000 (order of magnitude)")
    drones: NonNeg = param(2.8e-4, "$bn per drone", "an attack drone, about $0.28M",
                           source="the reported $1.7bn deal for about 6,000 Shahed drones a year made at Alabuga [S-ALABUGA]")
    missiles: NonNeg = param(1.5e-3, "$bn per missile", "a short-range ballistic missile, about $1.5M")
    air_defence: NonNeg = param(1.0e-3, "$bn per interceptor", "an air-defence interceptor, about $1M")
    troops: NonNeg = param(2.0e-2, "$bn per thousand troops a month", "pay and upkeep of deployed troops")


class Economy(Strict):
    """Economic figures: prices, production under sanctions, sanction damage and recovery, power."""

    prices_bn: Prices = Field(default_factory=Prices, description="value of one unit of each arms item")
    production_loss: Share = param(0.5, "share of output", "production lost at full sanction pressure")
    damage_rate: Share = param(0.01, "share of GDP a month", "GDP lost a month per unit of sanction pressure")
    recovery_rate: Share = param(0.02, "share of the damage a month", "damage recovered a month once pressure is low")
    recovery_below: Share = param(0.05, "sanction pressure", "pressure below which an economy recovers")
    damage_cap: Share = param(0.6, "share of GDP", "most of its GDP an economy can lose to sanctions")
    sender_cost: NonNeg = param(1e-5, "$bn a month per unit of intensity per $bn/yr of the target's GDP",
                                "trade a sanctioning state loses")
    pressure_scale: NonNeg = param(2.0, "multiplier", "sanction pressure on a target: the senders' GDP-weighted "
                                   "intensity times this, capped at 1")
    freezable: Share = param(0.5, "share of reserves", "share of a target's reserves within reach of asset freezes "
                             "(the rest sits at home or with friends)")
    power_economic: NonNeg = param(0.5, "weight", "weight of economic share in composite power")
    power_military: NonNeg = param(0.5, "weight", "weight of military-spending share in composite power")
    nuclear_premium: NonNeg = param(0.02, "power", "power added for nuclear weapons")
    technology_per_bn: NonNeg = param(0.02, "technology level per $bn", "know-how gained per $bn of technology "
                                      "paid, up to the payer's level")
    dual_use_drones_per_bn: NonNeg = param(600.0, "drones per $bn", "drone output a buyer adds per $bn of "
                                           "dual-use goods")
    dual_use_missiles_per_bn: NonNeg = param(40.0, "missiles per $bn", "missile output a buyer adds per $bn of "
                                             "dual-use goods")
    mutual_defence_troops: NonNeg = param(10.0, "thousand troops", "assistance each party of a mutual-defence "
                                          "treaty signed during a run sends when the other is attacked")
    min_delivery_bn: NonNeg = param(1e-4, "$bn", "least value of arms a doctrine sends in one delivery "
                                    "(troops excepted)")
    technology_lead: Share = param(0.05, "technology level", "lead over the seller a buyer needs before it "
                                   "can pay in technology")
    shortfall_below: Share = param(0.999, "share of the amount asked", "a delivery below this share of what "
                                   "was sent for is logged as short ('only N available')")


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
    signals: Signals = Field(default_factory=Signals, description="what each kind of action signals (see its table)")
    economy: Economy = Field(default_factory=Economy, description="economic figures and prices (see its table)")
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
