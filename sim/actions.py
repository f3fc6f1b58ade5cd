"""Actions: the typed record of who did what to whom, and one class per kind.

Agents return `Action` records; the core groups them by kind and each kind applies its
whole batch to the world arrays at once. A new action is one `ActionKind` subclass
decorated with `@register_action`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, ClassVar

import numpy as np

from sim.scenario.schema import GOODS, ITEMS
from sim.world import ITEM, PRICES_BN, World, treaty_title

ACTION_KINDS: dict[str, type["ActionKind"]] = {}

UNITS = {"shells": "shells", "drones": "drones", "missiles": "missiles",
         "air_defence": "air-defence interceptors", "troops": "thousand troops"}


@dataclass(slots=True)
class Action:
    """One move: `actor` does `kind` to `target` (item, amount), paid or not, and why."""

    step: int
    actor: str
    target: str
    kind: str
    item: str | None = None
    amount: float = 0.0
    payment_item: str | None = None
    payment_amount: float = 0.0
    covert: bool = False
    secondary: bool = False
    reason: str = ""
    source: str = "doctrine"
    delivered: float | None = None
    outcome: str = ""
    date: str = ""
    detail: str = ""
    blocked: bool = False
    unit_price: float | None = None   # $bn per unit when not PRICES_BN (e.g. bought abroad)
    event: str = ""                   # the scheduled event or inject this move carries out, if any
    path: str = ""                    # policy: the settable field changed (sim.settable), e.g. actors.X.stocks.shells
    value: Any = None                 # policy: its new value as given; item and detail are said from path and value

    def to_dict(self) -> dict:
        """The record as logged (events.jsonl); a policy change appears as its item and detail."""
        out = asdict(self)
        del out["path"], out["value"]
        return out

    def sentence(self, names: dict[str, str] | None = None) -> str:
        """The move in one plain sentence: what, to whom, with what result, why."""
        names = names or {}
        who, whom = prose_name(names.get(self.actor, self.actor)), prose_name(names.get(self.target, self.target))
        kind = ACTION_KINDS.get(self.kind)
        text = kind.describe(self, who, whom) if kind else f"{who} {self.kind} {whom}"
        if self.outcome:
            text += f", {self.outcome}"
        event = self.event.rstrip(".")
        if self.reason:
            text += f", because {self.reason}" + (f" (event: {event})" if event else "")
        elif event:
            text += f", because of the event: {event}"
        return text[0].upper() + text[1:] + "."


ARTICLE = ("United ", "European ", "Gulf ", "Czech ", "Netherlands", "Philippines", "Baltic ")


def prose_name(name: str) -> str:
    """A name as it stands in a sentence: 'the United States', 'Russia'."""
    return f"the {name}" if name.startswith(ARTICLE) else name


def register_action(cls: type["ActionKind"]) -> type["ActionKind"]:
    ACTION_KINDS[cls.name] = cls
    return cls


def money(bn: float) -> str:
    """$bn with sensible precision: '$1.25bn', '$230 million'."""
    return f"${bn:,.2f}bn" if bn >= 1 else f"${bn * 1000:,.0f} million"


def _fmt(x: float) -> str:
    if x >= 1e6:
        return f"{x / 1e6:.1f} million"
    if x >= 1e4:
        return f"{x / 1e3:,.0f} thousand"
    return f"{x:,.0f}" if x >= 10 or x == int(x) else f"{x:.1f}"


class ActionKind:
    """Base: a kind of action. Subclasses set `name`, `items` and implement `apply`."""

    name: ClassVar[str]
    items: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def check_spec(cls, spec) -> str | None:
        """A problem with an action written in a scenario, or None."""
        if cls.items and spec.item not in cls.items:
            return f"item {spec.item!r} does not fit {cls.name} (one of: {', '.join(cls.items)})"
        if spec.payment_item is not None and spec.payment_item not in GOODS:
            return f"payment_item {spec.payment_item!r} (one of: {', '.join(GOODS)})"
        return None

    @classmethod
    def describe(cls, a: Action, who: str, whom: str) -> str:
        return f"{who} {cls.name.replace('_', ' ')} {whom}"

    @classmethod
    def apply(cls, world: World, batch: list[Action]) -> None:
        raise NotImplementedError


def _pairs(world: World, batch: list[Action]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    src = np.fromiter((world.index[a.actor] for a in batch), int, len(batch))
    dst = np.fromiter((world.index[a.target] for a in batch), int, len(batch))
    amt = np.fromiter((a.amount for a in batch), float, len(batch))
    return src, dst, amt


def settle_payments(world: World, batch: list[Action]) -> None:
    """The recipient of each action pays its actor, as far as it can."""
    paid = [a for a in batch if a.payment_item and a.payment_amount > 0]
    for a in paid:
        payer, payee = world.index[a.target], world.index[a.actor]
        value = a.payment_amount
        if a.payment_item == "cash":
            value = min(value, world.reserves[payer])
            world.reserves[payer] -= value
            world.reserves[payee] += value
        elif a.payment_item == "technology":
            gap = max(world.technology[payer] - world.technology[payee], 0.0)
            world.technology[payee] += min(gap, 0.02 * value)
        a.payment_amount = value
        world.payment_flow[payer, payee] += value
        world.cooperation[payer, payee] += value


@register_action
class ArmsTransfer(ActionKind):
    """Arms leave the supplier's stock and reach the recipient's; short stocks are shared pro rata."""

    name = "arms_transfer"
    items = ITEMS

    @classmethod
    def describe(cls, a, who, whom):
        amount = a.delivered if a.delivered is not None else a.amount
        verb = "deployed" if a.item == "troops" else "sent"
        paid = f", paid in {a.payment_item} worth {money(a.payment_amount)}" if a.payment_item else ""
        how = " covertly" if a.covert else ""
        return f"{who}{how} {verb} {_fmt(amount)} {UNITS[a.item]} to {whom}{paid}"

    @classmethod
    def apply(cls, world, batch):
        src, dst, amt = _pairs(world, batch)
        k = np.fromiter((ITEM[a.item] for a in batch), int, len(batch))
        requested = np.zeros_like(world.stocks)
        np.add.at(requested, (src, k), amt)
        share = np.divide(world.stocks, requested, out=np.ones_like(requested), where=requested > 0)
        delivered = amt * np.minimum(share[src, k], 1.0)
        np.subtract.at(world.stocks, (src, k), delivered)
        np.add.at(world.stocks, (dst, k), delivered)
        np.maximum(world.stocks, 0.0, out=world.stocks)
        np.add.at(world.arms_flow, (src, dst, k), delivered)
        troops = k == ITEM["troops"]
        np.add.at(world.deployed, dst[troops], delivered[troops])
        value = delivered * PRICES_BN[k]
        np.add.at(world.cooperation, (src, dst), value)
        np.add.at(world.spent, src, value)
        # Arming one side of a war is a hostile act toward the other side.
        for s, d, v, a in zip(src, dst, value, batch):
            enemies = np.flatnonzero(world.at_war[d])
            world.hostility[s, enemies] += v * (0.3 if a.covert else 1.0)
            if not a.covert:
                world.reputation_cost[s] += world.reputation[s] * v
        for a, d in zip(batch, delivered):
            a.delivered = float(d)
            if d < a.amount * 0.999:
                a.outcome = f"only {_fmt(d)} available"
        settle_payments(world, batch)


@register_action
class DualUseTrade(ActionKind):
    """Covert "normal trade" in dual-use goods: raises the buyer's drone and missile output."""

    name = "dual_use_trade"
    DRONES_PER_BN = 600.0     # monthly drone output added per $bn a month (modelling assumption)
    MISSILES_PER_BN = 40.0

    @classmethod
    def describe(cls, a, who, whom):
        return f"{who} sold {money(a.amount)} of dual-use goods to {whom} as \"normal trade\""

    @classmethod
    def apply(cls, world, batch):
        src, dst, amt = _pairs(world, batch)
        np.add.at(world.covert_flow, (src, dst), amt)
        np.add.at(world.cooperation, (src, dst), amt * 0.5)
        for item, rate in (("drones", cls.DRONES_PER_BN), ("missiles", cls.MISSILES_PER_BN)):
            np.add.at(world.stocks[:, ITEM[item]], dst, amt * rate)
            np.add.at(world.created[:, ITEM[item]], dst, amt * rate)
        np.add.at(world.reserves, src, amt)  # the buyer pays: it is trade
        np.subtract.at(world.reserves, dst, np.minimum(amt, world.reserves[dst]))
        np.add.at(world.reputation_cost, src, world.reputation[src] * amt * 0.1)
        for a in batch:
            a.covert = True
            a.delivered = a.amount


@register_action
class Payment(ActionKind):
    """A payment or barter on its own (food, oil, cash, technology)."""

    name = "payment"
    items = GOODS

    @classmethod
    def describe(cls, a, who, whom):
        return f"{who} sent {whom} {a.item} worth {money(a.amount)}"

    @classmethod
    def apply(cls, world, batch):
        for a in batch:  # the actor pays the target
            a.payment_item, a.payment_amount = a.item, a.amount
            a.actor, a.target = a.target, a.actor
        settle_payments(world, batch)
        for a in batch:
            a.actor, a.target = a.target, a.actor
            a.delivered = a.payment_amount


FREEZABLE = 0.5   # share of a target's reserves within reach of asset freezes (modelling assumption)


@register_action
class Sanction(ActionKind):
    """Impose or tighten sanctions: intensity (0..1) on the target, primary or secondary."""

    name = "sanction"
    items = ("banks", "asset_freeze", "firms", "trade", "energy")

    @classmethod
    def check_spec(cls, spec):
        if spec.amount > 1:
            return f"amount {spec.amount} is a sanction intensity (0..1)"
        return super().check_spec(spec)

    PHRASES = {"banks": "sanctions on banks in {whom}", "asset_freeze": "a freeze of {whom}'s assets",
               "firms": "sanctions on firms in {whom}", "trade": "trade restrictions on {whom}",
               "energy": "sanctions on energy from {whom}", None: "sanctions on {whom}"}

    @classmethod
    def describe(cls, a, who, whom):
        what = cls.PHRASES[a.item].format(whom=whom)
        if a.secondary:
            what = "secondary " + what
        if a.blocked:
            return f"{who} proposed {what} (intensity {a.amount:.2f})"
        level = a.delivered if a.delivered is not None else a.amount
        return f"{who} imposed {what} (sanctions in force: intensity {level:.2f})"

    @classmethod
    def apply(cls, world, batch):
        src, dst, amt = _pairs(world, batch)
        before = world.sanctions[src, dst].copy()
        np.maximum.at(world.sanctions, (src, dst), np.clip(amt, 0, 1))
        rise = np.maximum(world.sanctions[src, dst] - before, 0.0)
        np.add.at(world.hostility, (src, dst), 20.0 * rise + 1.0)
        for a, s, d in zip(batch, src, dst):
            if a.item == "asset_freeze":
                # At most half of a target's reserves can be frozen: the rest sits at home or with friends.
                room = max(0.0, FREEZABLE * (world.reserves[d] + world.frozen[d]) - world.frozen[d])
                moved = min(room * a.amount, world.reserves[d])
                world.reserves[d] -= moved
                world.frozen[d] += moved
            a.delivered = float(world.sanctions[s, d])


@register_action
class LiftSanction(ActionKind):
    """Lower sanctions on the target to the given intensity (0 lifts them)."""

    name = "lift_sanction"

    @classmethod
    def check_spec(cls, spec):
        return None if spec.amount <= 1 else f"amount {spec.amount} is an intensity (0..1)"

    @classmethod
    def describe(cls, a, who, whom):
        if a.amount <= 0:
            return f"{who} lifted its sanctions on {whom}"
        return f"{who} eased its sanctions on {whom} to intensity {a.amount:.2f}"

    @classmethod
    def apply(cls, world, batch):
        src, dst, amt = _pairs(world, batch)
        np.minimum.at(world.sanctions, (src, dst), np.clip(amt, 0, 1))
        np.add.at(world.cooperation, (src, dst), 1.0)


@register_action
class Diplomatic(ActionKind):
    """Diplomatic support: a summit, a joint exercise, a UN veto or a statement."""

    name = "diplomatic"
    items = ("summit", "joint_exercise", "veto", "statement", "vote_against", "vote_for", "abstain")
    WEIGHT = {"summit": 2.0, "joint_exercise": 2.5, "veto": 4.0, "statement": 0.5,
              "vote_for": 1.0, "vote_against": 1.0, "abstain": 0.0}

    @classmethod
    def describe(cls, a, who, whom):
        res = f'the resolution "{a.detail}"' if a.detail else "a resolution"
        if a.actor == a.target:
            return f"{who} voted against {res}"
        if a.item == "veto" and a.detail.endswith("sanctions package"):
            return f"{who} blocked {a.detail}, shielding {whom}"
        return {"summit": f"{who} held a summit with {whom}",
                "joint_exercise": f"{who} held a joint exercise with {whom}",
                "veto": f"{who} vetoed {res}, shielding {whom}",
                "statement": f"{who} publicly backed {whom}",
                "vote_for": f"{who} voted against {res}, siding with {whom}",
                "vote_against": f"{who} voted for {res}",
                "abstain": f"{who} abstained on {res}"}[a.item]

    @classmethod
    def apply(cls, world, batch):
        for a in batch:
            s, d = world.index[a.actor], world.index[a.target]
            w = cls.WEIGHT[a.item]
            if a.item == "vote_against":
                world.hostility[s, d] += w
            else:
                world.cooperation[s, d] += w


@register_action
class EconomicSupport(ActionKind):
    """Aid, loans or discounted energy ($bn): money the target can spend on its war or economy."""

    name = "economic_support"
    items = ("aid", "loan", "energy_discount")

    @classmethod
    def describe(cls, a, who, whom):
        what = {"aid": "aid", "loan": "a loan", "energy_discount": "discounted energy"}[a.item]
        return f"{who} gave {whom} {what} worth {money(a.amount)}"

    @classmethod
    def apply(cls, world, batch):
        src, dst, amt = _pairs(world, batch)
        np.add.at(world.aid_flow, (src, dst), amt)
        np.add.at(world.reserves, dst, amt)
        np.add.at(world.spent, src, amt)
        np.add.at(world.cooperation, (src, dst), amt)
        for a in batch:
            a.delivered = a.amount


@register_action
class TreatyAction(ActionKind):
    """Sign a treaty; a mutual-defence treaty obliges each party to help when the other is attacked."""

    name = "treaty"
    items = ("mutual_defence", "partnership")

    @classmethod
    def describe(cls, a, who, whom):
        kind = "a mutual-defence treaty" if a.item == "mutual_defence" else "a partnership"
        return f"{who} and {whom} {'brought into force' if a.amount >= 1 else 'signed'} {kind}"

    @classmethod
    def apply(cls, world, batch):
        for a in batch:
            s, d = world.index[a.actor], world.index[a.target]
            tid = f"{a.actor}-{a.target}-{a.item}"
            in_force = a.amount >= 1 or a.item == "partnership"
            troops = 10.0 if a.item == "mutual_defence" else 0.0
            assistance = np.zeros(len(ITEMS))
            assistance[ITEM["troops"]] = troops
            world.treaties[tid] = {"kind": a.item, "parties": [s, d], "in_force": in_force,
                                   "assistance": assistance,
                                   "title": treaty_title(a.item, [world.names[s], world.names[d]])}
            world.cooperation[s, d] += 8.0 if in_force else 4.0


@register_action
class Withdraw(ActionKind):
    """Withdraw support from the target: it gets no more aid or arms from the actor."""

    name = "withdraw"
    items = ("aid", "arms", "all", "treaty")

    @classmethod
    def describe(cls, a, who, whom):
        what = {"aid": "its aid", "arms": "its arms deliveries", "all": "all support",
                "treaty": "its treaty"}[a.item]
        return f"{who} withdrew {what} from {whom}"

    @classmethod
    def apply(cls, world, batch):
        for a in batch:
            s, d = world.index[a.actor], world.index[a.target]
            if a.item in ("aid", "all"):
                world.withdrawn_aid[s, d] = True
            if a.item in ("arms", "all"):
                world.withdrawn_arms[s, d] = True
            world.hostility[s, d] += 3.0
            if a.item in ("treaty", "all"):
                for t in world.treaties.values():
                    if set(t["parties"]) == {s, d}:
                        t["in_force"] = False


@register_action
class Resume(ActionKind):
    """Resume support withdrawn earlier."""

    name = "resume"

    @classmethod
    def describe(cls, a, who, whom):
        return f"{who} resumed support for {whom}"

    @classmethod
    def apply(cls, world, batch):
        for a in batch:
            s, d = world.index[a.actor], world.index[a.target]
            world.withdrawn_aid[s, d] = world.withdrawn_arms[s, d] = False
            world.cooperation[s, d] += 2.0


@register_action
class Attack(ActionKind):
    """A strike or incursion on the target's own territory; it triggers defence treaties."""

    name = "attack"
    items = ("troops", "missiles", "drones")

    @classmethod
    def describe(cls, a, who, whom):
        what = "an incursion into" if a.item == "troops" else f"a {a.item} strike on"
        return f"{who} launched {what} {whom}"

    @classmethod
    def apply(cls, world, batch):
        for a in batch:
            s, d = world.index[a.actor], world.index[a.target]
            world.hostility[s, d] += 10.0
            for tid, t in world.treaties.items():
                if t["kind"] == "mutual_defence" and t["in_force"] and d in t["parties"]:
                    for ally in t["parties"]:
                        if ally not in (d, s):
                            world.obligations.append({"treaty": tid, "obligor": ally, "beneficiary": d,
                                                      "attacker": s, "assistance": t["assistance"]})


@register_action
class Procure(ActionKind):
    """Buy arms from one's own industry with reserves ($bn): turns money (aid) into stock."""

    name = "procure"
    items = ("shells", "drones", "missiles", "air_defence")

    @classmethod
    def describe(cls, a, who, whom):
        where = " on the world market" if a.detail == "abroad" else ""
        return f"{who} spent {money(a.amount)}{where} on {_fmt(a.delivered or 0)} {UNITS[a.item]}"

    @classmethod
    def apply(cls, world, batch):
        for a in batch:
            i, k = world.index[a.actor], ITEM[a.item]
            spend = min(a.amount, world.reserves[i])
            world.reserves[i] -= spend
            units = spend / (a.unit_price or PRICES_BN[k])
            world.stocks[i, k] += units
            world.created[i, k] += units
            a.amount, a.delivered = spend, units


@register_action
class Policy(ActionKind):
    """A change of a settable field (sim.settable) by an event or inject; the model applies it."""

    name = "policy"

    @classmethod
    def describe(cls, a, who, whom):
        from sim.settable import Change

        if not a.path:  # a record made without a settable path: its item and detail as written
            return f"{who} set its {(a.item or 'policy').replace('_', ' ')} to {a.detail}"
        return Change.sentence_of(a.path, a.value, who, whom)

    @classmethod
    def apply(cls, world, batch):
        return None


# The order in which kinds apply within a step: politics first, then money, then arms.
APPLY_ORDER = ("withdraw", "resume", "lift_sanction", "sanction", "treaty", "diplomatic",
               "economic_support", "payment", "procure", "dual_use_trade", "arms_transfer", "attack")


def apply_all(world: World, actions: list[Action]) -> None:
    """Apply a step's actions: each kind's batch at once, kinds in APPLY_ORDER."""
    by_kind: dict[str, list[Action]] = {}
    for a in actions:
        by_kind.setdefault(a.kind, []).append(a)
    for kind in APPLY_ORDER + tuple(k for k in by_kind if k not in APPLY_ORDER):
        live = [a for a in by_kind.get(kind, ()) if not a.blocked]
        if live:
            ACTION_KINDS[kind].apply(world, live)
