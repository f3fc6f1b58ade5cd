"""Doctrines: how an actor decides, one class per kind of behaviour, found via `DOCTRINES`.

A doctrine reads the world through a `Context` and returns `Action` records, each with
its reason. It never writes the world. A new doctrine is one subclass with a `Params`
model, decorated with `@register_doctrine`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from sim.actions import UNITS, Action, prose_name
from sim.scenario.schema import ITEMS
from sim.world import ITEM, World

if TYPE_CHECKING:
    from sim.scenario.schema import Actor

Item = Literal[ITEMS]  # an arms item a doctrine may send or buy: an unknown one is refused at validate

DOCTRINES: dict[str, type["Doctrine"]] = {}


def register_doctrine(cls: type["Doctrine"]) -> type["Doctrine"]:
    DOCTRINES[cls.name] = cls
    return cls


@dataclass
class Context:
    """What every actor can see when it decides this month."""

    world: World
    step: int
    date: str
    needs: np.ndarray          # (n, K) units each belligerent lacks for `reserve_months` of fire
    burn: np.ndarray           # (n, K) monthly fire each belligerent wants
    rng: np.random.Generator
    doctrine_of: Callable[[int], "Doctrine"]   # the doctrine actor i holds now (its agent's)
    belligerent: np.ndarray    # (n,) bool: fights in some theater (computed once a step)

    def name(self, i: int) -> str:
        return prose_name(self.world.names[i])

    def action(self, me: int, target: int, kind: str, **kw) -> Action:
        w = self.world
        return Action(step=self.step, date=self.date, actor=w.ids[me], target=w.ids[target], kind=kind, **kw)

    def months_of_fire(self, j: int, k: int) -> float:
        burn = self.burn[j, k]
        return float(self.world.stocks[j, k] / burn) if burn > 0 else float("inf")


class Params(BaseModel):
    """What every doctrine declares: the fire it keeps in stock, and when it blocks a coalition's sanctions."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    reserve_months: float = Field(3.0, gt=0, le=24, description="months of fire it wants in stock when it fights "
                                                                "(modelling assumption)")
    veto_above: float = Field(0.3, ge=-1, le=1, description="as a coalition member: block sanctions on a target "
                                                            "it likes above this affinity (modelling assumption)")


class Doctrine:
    """Base class. `decide(me, ctx)` returns this month's actions for actor index `me`."""

    name: ClassVar[str]
    title: ClassVar[str]
    rationale: ClassVar[str]
    Params: ClassVar[type[BaseModel]] = Params

    def __init__(self, params: BaseModel):
        self.params = params

    @classmethod
    def build(cls, params: BaseModel, actor: "Actor", world: World) -> "Doctrine":
        """This doctrine for `actor` (its scenario entry); a doctrine that needs more of the entry overrides it."""
        return cls(params)

    def decide(self, me: int, ctx: Context) -> list[Action]:
        return []

    def approves_sanction(self, me: int, target: int, ctx: Context) -> tuple[bool, str]:
        """As a coalition member: would it back a sanctions package on `target`?"""
        limit = self.params.veto_above
        a = ctx.world.affinity[me, target]
        if a > limit:
            return False, f"its affinity with {ctx.name(target)} ({a:+.2f}) is above {limit:+.2f}"
        return True, ""

    # shared pieces -------------------------------------------------------------
    def friends_at_war(self, me: int, ctx: Context, above: float, arms: bool = True) -> np.ndarray:
        """Belligerents it likes above `above` (and, if `arms`, still sends arms to)."""
        w = ctx.world
        mask = ctx.belligerent & (w.affinity[me] > above)
        if arms:
            mask &= ~w.withdrawn_arms[me]
        mask &= ~w.at_war[me]
        mask[me] = False
        return np.flatnonzero(mask)

    def supply(self, me: int, j: int, ctx: Context, items: list[str], share: float,
               why: str, pay_with: list[str] | None = None, covert: bool = False) -> list[Action]:
        """Arms from my stock toward j's needs, or what j asked for if more (`world.asked`), at most
        `share` of my stock per item; what a request does not get is declined with the reason."""
        w, out = ctx.world, []
        for item in items:
            k = ITEM[item]
            asked = w.asked[j, me, k]
            amount = min(max(ctx.needs[j, k], asked), share * w.stocks[me, k])
            if item != "troops":
                amount = np.floor(amount)  # whole shells, drones, missiles
            limit = (f"its doctrine sends at most {share:.0%} of its stock of {UNITS[item]} a month "
                     f"({share * w.stocks[me, k]:,.0f})")
            if amount < 1e-6 or (item != "troops" and amount * w.prices[k] < w.econ.min_delivery_bn):
                if asked > 0:
                    out.append(self.decline(me, j, ctx, item, asked, limit + ", less than its smallest delivery"))
                continue
            offered = w.asked_terms.get((j, me, k))
            if offered and (not pay_with or offered[0] in pay_with):   # the asker's terms, for what is sent
                pay_item, pay = offered[0], float(offered[1] * min(amount / asked, 1.0))
            else:
                pay_item, pay = self.payment(me, j, ctx, amount * w.prices[k], pay_with or [])
            months = ctx.months_of_fire(j, k)
            if asked > ctx.needs[j, k]:
                reason = f"{ctx.name(j)} asked for {asked:,.0f} {UNITS[item]}, and {why}"
            else:
                reason = (f"{ctx.name(j)} has {months:.1f} months of {UNITS[item]} left at its rate of fire,"
                          f" and {why}" + (f"; it asked for {asked:,.0f}" if asked > 0 else ""))
            out.append(ctx.action(me, j, "arms_transfer", item=item, amount=float(amount), covert=covert,
                                  payment_item=pay_item, payment_amount=pay, reason=reason))
            if asked > amount:
                out.append(self.decline(me, j, ctx, item, asked - amount, limit))
        return out

    @staticmethod
    def decline(me: int, j: int, ctx: Context, item: str, amount: float, why: str) -> Action:
        """The record of arms j asked for and does not get from me."""
        return ctx.action(me, j, "decline", item=item, amount=float(amount), reason=why)

    def answer_requests(self, me: int, ctx: Context, planned: list[Action]) -> list[Action]:
        """Declines, with the reason, for the requests to me (`world.asked`) this month's plan leaves out."""
        w = ctx.world
        if not w.asked[:, me].any():
            return []
        answered = {(a.target, a.item) for a in planned if a.kind in ("arms_transfer", "decline")}
        return [self.decline(me, j, ctx, ITEMS[k], w.asked[j, me, k], self.refusal(me, j, ITEMS[k], ctx))
                for j, k in zip(*np.nonzero(w.asked[:, me])) if (w.ids[j], ITEMS[k]) not in answered]

    def sends(self, me: int, ctx: Context) -> list[str]:
        """The arms items this doctrine sends to a friend at war (none by default)."""
        return []

    def refusal(self, me: int, j: int, item: str, ctx: Context) -> str:
        """Why this doctrine sends j none of `item` this month."""
        w = ctx.world
        if w.withdrawn_arms[me, j]:
            return f"it has withdrawn its arms deliveries from {ctx.name(j)}"
        if w.at_war[me, j]:
            return f"it is at war with {ctx.name(j)}"
        sends = self.sends(me, ctx)
        if not sends:
            return f"its doctrine ({self.title.split(':')[0]}) sends no arms"
        if not ctx.belligerent[j]:
            return f"its doctrine arms partners at war, and {ctx.name(j)} is not at war"
        above = getattr(self.params, "friend_above", -1.0)
        if w.affinity[me, j] <= above:
            return (f"its affinity with {ctx.name(j)} ({w.affinity[me, j]:+.2f}) is not above {above:+.2f}, "
                    "the least at which it arms a partner at war")
        return f"its doctrine sends only {', '.join(UNITS[i] for i in sends)}"

    @staticmethod
    def payment(me: int, j: int, ctx: Context, value: float, wants: list[str]) -> tuple[str | None, float]:
        """The first good in `wants` that buyer j can offer, worth `value` ($bn)."""
        w = ctx.world
        can = {"food": w.food_exports[j] > 0, "oil": w.energy_exports[j] > 0,
               "technology": w.technology[j] > w.technology[me] + w.econ.technology_lead,
               "cash": w.reserves[j] > value}
        for good in wants:
            if can.get(good):
                return good, float(value)
        return None, 0.0


class PatronParams(Params):
    friend_above: float = Field(0.3, ge=-1, le=1, description="affinity above which a belligerent gets support")
    aid_per_month: float = Field(1.0, ge=0, description="$bn of economic support a month, shared among friends")
    arms_share: float = Field(0.02, ge=0, le=1, description="share of own stock per item sent a month")
    arms_items: list[Item] = Field(default_factory=lambda: ["shells", "missiles", "air_defence"])
    sanction_below: float = Field(-0.3, ge=-1, le=1, description="sanction aggressors whose affinity is below this")
    sanction_step: float = Field(0.05, ge=0, le=1, description="intensity added a month")
    sanction_max: float = Field(0.8, ge=0, le=1)
    secondary: bool = Field(False, description="sanction third parties that arm a sanctioned aggressor")
    secondary_below: float = Field(0.0, ge=-1, le=1)
    detect_covert: float = Field(0.1, ge=0, le=1, description="monthly chance covert trade is detected")
    follows: str | None = Field(None, description="copy this actor's sanctions (an ally)")
    follow_share: float = Field(0.7, ge=0, le=1, description="share of the leader's intensity copied")
    aid_min_bn: float = Field(0.01, ge=0, description="least aid worth sending to one friend, $bn a month "
                                                     "(modelling assumption)")
    aid_weight_unneedy: float = Field(0.5, ge=0, description="a friend's share of aid is its affinity times "
                                                             "(1 + this) if it lacks arms, times this if not "
                                                             "(modelling assumption)")
    follow_above: float = Field(0.05, ge=0, le=1, description="copies the leader's sanctions only above this "
                                                              "intensity (modelling assumption)")
    follow_margin: float = Field(0.3, ge=0, le=2, description="copies them on targets it likes less than "
                                                              "sanction_below plus this (modelling assumption)")
    freeze_at: float = Field(0.3, ge=0, le=1, description="intensity at which it freezes the target's assets, "
                                                          "once (modelling assumption)")
    secondary_level: float = Field(0.3, ge=0, le=1, description="intensity of secondary sanctions on suppliers' "
                                                                "firms, and the least intensity on a target whose "
                                                                "suppliers it pursues (modelling assumption)")
    secondary_step: float = Field(0.05, ge=0, le=1, description="intensity added a month on firms of a detected "
                                                                "covert supplier (modelling assumption)")


@register_doctrine
class Patron(Doctrine):
    """A great power that backs friends at war with aid and arms and sanctions their attackers.

    Rationale: the US and European response to the 2022 invasion (aid to Ukraine, bank
    sanctions, asset freezes, action against third-country suppliers); see docs/SOURCES.md [S-DESIGNATIONS].
    """

    name = "patron"
    title = "Patron: arms and funds friends at war, sanctions aggressors"
    rationale = "US/European support to Ukraine and sanctions on Russia, 2022-24 [S-KIEL-2025] [S-DESIGNATIONS]"
    Params = PatronParams

    def decide(self, me, ctx):
        p, w = self.params, ctx.world
        out: list[Action] = []
        friends = self.friends_at_war(me, ctx, p.friend_above, arms=False)
        if friends.size:
            weight = w.affinity[me, friends] * ((ctx.needs[friends].sum(axis=1) > 0) + p.aid_weight_unneedy)
            weight = weight / weight.sum()
            for j, share in zip(friends, weight):
                if p.aid_per_month * share > p.aid_min_bn and not w.withdrawn_aid[me, j]:
                    out.append(ctx.action(me, j, "economic_support", item="aid", amount=float(p.aid_per_month * share),
                                          reason=f"{ctx.name(j)} is at war and is a partner (affinity "
                                                 f"{w.affinity[me, j]:+.2f})"))
                if not w.withdrawn_arms[me, j]:
                    out += self.supply(me, j, ctx, p.arms_items, p.arms_share, "it is a partner under attack")
        out += self.sanctions(me, ctx)
        return out

    def sends(self, me, ctx):
        return list(self.params.arms_items)

    def sanction_targets(self, me, ctx) -> dict[int, tuple[float, str]]:
        """Target -> (intensity wanted, reason)."""
        p, w = self.params, ctx.world
        want: dict[int, tuple[float, str]] = {}
        if p.follows and p.follows in w.index:
            lead = w.index[p.follows]
            for t in np.flatnonzero(w.sanctions[lead] > p.follow_above):
                if t != me and w.affinity[me, t] < p.sanction_below + p.follow_margin:
                    want[t] = (w.sanctions[lead, t] * p.follow_share,
                               f"it follows {ctx.name(lead)}, which sanctions {ctx.name(t)}")
            return want
        for a, d in zip(*np.nonzero(w.at_war)):
            if w.affinity[me, a] < p.sanction_below and w.affinity[me, d] > p.friend_above:
                want[a] = (p.sanction_max, f"{ctx.name(a)} is at war with {ctx.name(d)}, a partner")
        return want

    def sanctions(self, me, ctx) -> list[Action]:
        p, w = self.params, ctx.world
        out = []
        for t, (target_level, why) in self.sanction_targets(me, ctx).items():
            now = w.sanctions[me, t]
            if now < target_level - 1e-9:
                level = min(target_level, now + p.sanction_step) if not p.follows else target_level
                item = "asset_freeze" if now < p.freeze_at <= level else "banks"   # assets are frozen once
                out.append(ctx.action(me, t, "sanction", item=item, amount=float(level), reason=why))
        if p.secondary and not p.follows:
            targets = [t for t in range(w.n) if w.sanctions[me, t] >= p.secondary_level]
            for t in targets:
                for s in np.flatnonzero(w.last_arms[:, t] > 0):
                    if s != me and w.affinity[me, s] < p.secondary_below and w.sanctions[me, s] < p.secondary_level:
                        out.append(ctx.action(me, s, "sanction", item="firms", amount=p.secondary_level,
                                              secondary=True,
                                              reason=f"{ctx.name(s)} delivered arms to {ctx.name(t)}, "
                                                     "which it sanctions"))
                for s in np.flatnonzero(w.last_covert[:, t] > 0):
                    if s != me and w.sanctions[me, s] < p.secondary_level and ctx.rng.random() < p.detect_covert:
                        level = min(p.secondary_level, w.sanctions[me, s] + p.secondary_step)
                        out.append(ctx.action(me, s, "sanction", item="firms", amount=float(level), secondary=True,
                                              reason=f"it detected firms in {ctx.name(s)} selling dual-use "
                                                     f"goods to {ctx.name(t)}"))
        return out


class AllyParams(PatronParams):
    aid_per_month: float = Field(0.3, ge=0)
    arms_share: float = Field(0.01, ge=0, le=1)


@register_doctrine
class Ally(Patron):
    """A patron's ally: supports the same friends on a smaller budget and follows its sanctions.

    Rationale: the UK, Japan and South Korea joined the US-led sanctions in 2022;
    South Korea sent no lethal aid but weighed arming Ukraine in Oct 2024 [S-ROK-ARMS-2024].
    """

    name = "ally"
    title = "Ally: follows its leader's sanctions, supports the same friends"
    rationale = "UK, Japan, South Korea alongside the US, 2022-24 [S-KIEL-2025]"
    Params = AllyParams


class CoalitionParams(PatronParams):
    qmv_members: float = Field(0.55, ge=0, le=1, description="under qmv: least share of members in favour "
                                                             "(TEU art. 16(4))")
    qmv_gdp: float = Field(0.65, ge=0, le=1, description="under qmv: least share of the members' GDP in favour "
                                                         "(the treaty counts population; GDP is a modelling "
                                                         "assumption)")


@register_doctrine
class Coalition(Patron):
    """A coalition (the EU): decides like a patron, but its sanctions need its members' consent.

    The scenario's decision rule says how: unanimity (one member blocks), qmv (55% of
    members holding 65% of the members' GDP) or majority.
    """

    name = "coalition"
    title = "Coalition: a patron whose sanctions pass by its members' rule"
    rationale = "EU sanctions require unanimity in the Council (TEU art. 31)"
    Params = CoalitionParams

    def __init__(self, params, members: list[int] | None = None, rule: str = "unanimity"):
        super().__init__(params)
        self.members = members or []
        self.rule = rule

    @classmethod
    def build(cls, params, actor, world):
        return cls(params, [world.index[m] for m in actor.members], actor.decision_rule)

    def decide(self, me, ctx):
        out = super().decide(me, ctx)
        if not self.members:
            return out
        decided, vetoes = [], []
        for a in out:
            if a.kind == "sanction":
                a, blocking = self.vote_on(me, a, ctx)
                vetoes += blocking
            decided.append(a)
        return decided + vetoes

    def vote_on(self, me: int, a: Action, ctx: Context) -> tuple[Action, list[Action]]:
        """Members vote on a sanctions package: the package as decided, and the members' vetoes.

        A blocked package is logged, not applied.

        Each member that blocks it is logged as shielding the target (a diplomatic veto),
        which draws the two together under the interest-driven rule."""
        w = ctx.world
        t = w.index[a.target]
        no, why = [], []
        for m in self.members:
            ok, reason = ctx.doctrine_of(m).approves_sanction(m, t, ctx)
            if not ok:
                no.append(m)
                why.append(f"{ctx.name(m)}: {reason}")
        members = np.array(self.members)
        yes = np.array([m not in no for m in self.members])
        if self.rule == "unanimity":
            passed = not no
        elif self.rule == "qmv":
            gdp = w.economy[members]
            passed = yes.mean() >= self.params.qmv_members and gdp[yes].sum() >= self.params.qmv_gdp * gdp.sum()
        else:
            passed = yes.mean() > 0.5
        names = ", ".join(ctx.name(m) for m in no)
        if not passed:
            package = f"{ctx.name(me)}'s sanctions package"
            blocked = a.with_result(blocked=True, outcome=f"blocked under {self.rule} by {names}",
                                    reason=a.reason + "; " + "; ".join(why))
            return blocked, [ctx.action(m, t, "diplomatic", item="veto", detail=package,
                                        reason=f"its affinity with {ctx.name(t)} ({w.affinity[m, t]:+.2f}) is "
                                               f"above its limit") for m in no]
        if no:
            a = a.with_result(outcome=f"passed under {self.rule} over the objections of {names}")
        return a, []


class BelligerentParams(Params):
    procure_share: float = Field(0.3, ge=0, le=1, description="share of reserves spent on arms a month")
    procure_items: list[Item] = Field(default_factory=lambda: ["shells", "drones"])
    surge: float = Field(1.0, ge=0, le=10, description="extra output it can buy, as a multiple of its monthly production")
    market_bn: float = Field(0.0, ge=0, description="$bn a month it can spend on arms bought abroad, at market_markup")
    market_markup: float = Field(1.5, ge=1, le=10, description="price of arms bought abroad relative to "
                                                               "economy.prices_bn")
    summit_every: int = Field(6, ge=1, description="months between summits with its closest partner")
    discount_energy: float = Field(0.0, ge=0, le=1, description="share of energy exports offered at a discount to hedgers")
    purchase_min_bn: float = Field(0.001, ge=0, description="least purchase of arms worth making, $bn "
                                                            "(modelling assumption)")
    partner_above: float = Field(0.4, ge=-1, le=1, description="courts partners it likes above this affinity "
                                                               "(modelling assumption)")
    discount_pressure: float = Field(0.1, ge=0, le=1, description="offers discounts once sanction pressure on it "
                                                                  "exceeds this (modelling assumption)")
    buyer_above: float = Field(-0.2, ge=-1, le=1, description="discounted energy goes only to buyers it likes "
                                                              "above this (modelling assumption)")
    buyer_sanctions_below: float = Field(0.05, ge=0, le=1, description="discounted energy goes only to buyers whose "
                                                                       "sanctions on it are below this intensity "
                                                                       "(modelling assumption)")
    buyer_economy_min: float = Field(1000.0, ge=0, description="discounted energy goes only to buyers whose GDP "
                                                               "exceeds this, $bn/yr (modelling assumption)")


@register_doctrine
class Belligerent(Doctrine):
    """A state at war: buys arms with its reserves, courts partners, sells energy cheaply if sanctioned.

    Rationale: Russia's and Ukraine's conduct of the war since 2022; Russia's summits
    with North Korea and China and its oil discounts to India [S-SEED-001] [S-SEED-002].
    """

    name = "belligerent"
    title = "Belligerent: fights, procures, courts suppliers"
    rationale = "Russia and Ukraine at war, 2022- [S-FRONT-MAPS]"
    Params = BelligerentParams

    def decide(self, me, ctx):
        p, w = self.params, ctx.world
        out: list[Action] = []
        budget = p.procure_share * w.reserves[me]
        wanted = [i for i in p.procure_items if ctx.needs[me, ITEM[i]] > 0]
        for item in wanted:
            k = ITEM[item]
            need_bn = ctx.needs[me, k] * w.prices[k]
            home = min(budget / len(wanted), need_bn, p.surge * w.production[me, k] * w.prices[k])
            if home > p.purchase_min_bn:
                out.append(ctx.action(me, me, "procure", item=item, amount=float(home),
                                      reason=f"it is at war and holds {ctx.months_of_fire(me, k):.1f} "
                                             f"months of {UNITS[item]}"))
            left_bn = (need_bn - home) * p.market_markup
            abroad = min(budget / len(wanted) - home, p.market_bn / len(wanted), left_bn)
            if abroad > p.purchase_min_bn:
                out.append(ctx.action(me, me, "procure", item=item, amount=float(abroad), detail="abroad",
                                      unit_price=float(w.prices[k] * p.market_markup),
                                      reason=f"its own industry cannot meet its need for {UNITS[item]}, "
                                             "so it buys on the world market"))
        if ctx.step % p.summit_every == 0:
            partners = np.flatnonzero((w.affinity[me] > p.partner_above) & ~w.at_war[me])
            partners = partners[partners != me]
            if partners.size:
                j = partners[np.argmax(w.affinity[me, partners] * (w.stocks[partners].sum(axis=1) > 0) + w.power[partners])]
                out.append(ctx.action(me, j, "diplomatic", item="summit",
                                      reason=f"it seeks arms and diplomatic cover from {ctx.name(j)}"))
        if p.discount_energy > 0 and w.sanction_pressure[me] > p.discount_pressure and w.energy_exports[me] > 0:
            buyers = np.flatnonzero((w.affinity[me] > p.buyer_above) & (w.sanctions[:, me] < p.buyer_sanctions_below)
                                    & ~w.at_war[me] & (w.economy > p.buyer_economy_min))
            buyers = buyers[buyers != me]
            share = f"an equal share (1/{len(buyers)})" if len(buyers) > 1 else "all"
            for j in buyers:
                amount = p.discount_energy * w.energy_exports[me] / len(buyers)
                out.append(ctx.action(me, j, "economic_support", item="energy_discount", amount=float(amount),
                                      reason="sanctions close its usual markets and it needs buyers who "
                                             f"do not sanction it; the rule: {p.discount_energy:.0%} of its "
                                             f"${w.energy_exports[me]:.1f}bn monthly energy exports as discounts, "
                                             f"{share} to each large economy that does not sanction it (the "
                                             "model holds no per-buyer volumes)"))
        return out


class ExporterParams(Params):
    friend_above: float = Field(0.4, ge=-1, le=1)
    export_share: float = Field(0.03, ge=0, le=1, description="share of own stock per item sold a month")
    items: list[Item] = Field(default_factory=lambda: ["shells", "missiles"])
    wants: list[str] = Field(default_factory=lambda: ["food", "oil", "technology", "cash"],
                             description="payment it asks for, in order of preference")


@register_doctrine
class ArmsExporter(Doctrine):
    """A sanctioned state that sells arms to friends at war for food, oil, technology or cash.

    Rationale: North Korean shells and missiles and Iranian drones for Russia, paid in
    food, energy and technology [S-PRK-PAYMENT] [S-SHAHED-2022].
    """

    name = "arms_exporter"
    title = "Arms exporter: sells stock to friends at war for barter"
    rationale = "North Korea and Iran supplying Russia, 2022-24 [S-PRK-CONT-2024-ROK] [S-SHAHED-2022]"
    Params = ExporterParams

    def decide(self, me, ctx):
        p = self.params
        out: list[Action] = []
        for j in self.friends_at_war(me, ctx, p.friend_above):
            out += self.supply(me, j, ctx, p.items, p.export_share,
                               f"{ctx.name(j)} pays in goods that {ctx.name(me)} lacks",
                               pay_with=p.wants)
        return out

    def sends(self, me, ctx):
        return list(self.params.items)


class CovertParams(Params):
    friend_above: float = Field(0.3, ge=-1, le=1)
    trade_per_month: float = Field(0.5, ge=0, description="$bn of dual-use goods a month to a friend at war")
    open_below: float = Field(0.3, ge=0, le=1, description="sends open arms only if its reputation concern is below this")
    arms_share: float = Field(0.01, ge=0, le=1)
    exercise_every: int = Field(12, ge=1, description="months between joint exercises with its closest partner")
    partner_above: float = Field(0.4, ge=-1, le=1, description="holds exercises only with a partner it likes above "
                                                               "this (modelling assumption)")


@register_doctrine
class CovertPartner(Doctrine):
    """A reputation-sensitive power: backs a friend at war through dual-use "normal trade", not open arms.

    Rationale: China calls its trade with Russia "normal trade" and avoids open arms
    deliveries; it holds joint exercises with Russia and Iran [S-CHINA-TRADE].
    """

    name = "covert_partner"
    title = "Covert partner: dual-use trade instead of open arms"
    rationale = "China's support for Russia, 2022-25 [S-CHINA-TRADE]"
    Params = CovertParams

    def decide(self, me, ctx):
        p, w = self.params, ctx.world
        out: list[Action] = []
        for j in self.friends_at_war(me, ctx, p.friend_above):
            if w.reputation[me] < p.open_below:
                out += self.supply(me, j, ctx, ["shells", "drones", "missiles"], p.arms_share,
                                   "its reputation matters little to it", pay_with=["oil", "cash"])
            else:
                amount = p.trade_per_month * w.affinity[me, j]
                out.append(ctx.action(me, j, "dual_use_trade", amount=float(amount), covert=True,
                                      reason=f"{ctx.name(j)} is a partner at war, and open arms would cost "
                                             f"its reputation (concern {w.reputation[me]:.2f})"))
        if ctx.step % p.exercise_every == 0:
            partners = np.flatnonzero(w.affinity[me] > p.partner_above)
            partners = partners[partners != me]
            if partners.size:
                j = partners[np.argmax(w.affinity[me, partners])]
                out.append(ctx.action(me, j, "diplomatic", item="joint_exercise",
                                      reason=f"{ctx.name(j)} is its closest partner"))
        return out

    def sends(self, me, ctx):
        return ["shells", "drones", "missiles"] if ctx.world.reputation[me] < self.params.open_below else []

    def refusal(self, me, j, item, ctx):
        concern = ctx.world.reputation[me]
        if concern >= self.params.open_below and not ctx.world.withdrawn_arms[me, j]:
            return (f"open arms would cost its reputation (concern {concern:.2f}, at least "
                    f"{self.params.open_below:.2f}); it helps partners through dual-use trade instead")
        return super().refusal(me, j, item, ctx)


class HedgerParams(Params):
    trade_above: float = Field(0.5, ge=-1, le=1, description="sells dual-use goods to a belligerent friend above this")
    trade_per_month: float = Field(0.05, ge=0)


@register_doctrine
class Hedger(Doctrine):
    """A non-aligned state: keeps ties with both sides, sells a little to close friends, sanctions no one.

    Rationale: India, Vietnam, Turkey and the Gulf states abstained or stayed neutral
    while trading with Russia ([S-UNGA-ES11-1] abstentions; Putin's Vietnam visit [S-RU-KP-CSP-2024]).
    """

    name = "hedger"
    title = "Hedger: trades with both sides, takes no side"
    rationale = "India, Vietnam, Turkey, Gulf states since 2022 [S-UNGA-ES11-1]"
    Params = HedgerParams

    def decide(self, me, ctx):
        p = self.params
        out: list[Action] = []
        for j in self.friends_at_war(me, ctx, p.trade_above):
            out.append(ctx.action(me, j, "dual_use_trade", amount=float(p.trade_per_month), covert=True,
                                  reason=f"it keeps trading with {ctx.name(j)}, a close partner, as ordinary business"))
        return out


def build_doctrine(actor: "Actor", world: World, name: str | None = None,
                   params: dict | None = None) -> Doctrine:
    """The one way a doctrine is made: actor's own (its scenario entry's `doctrine` and `doctrine_params`),
    or doctrine `name` with `params` (a switch during a run). Coalition members come from the entry."""
    cls = DOCTRINES[name or actor.doctrine]
    given = actor.doctrine_params if name is None else (params or {})
    return cls.build(cls.Params.model_validate(given), actor, world)
