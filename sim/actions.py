"""Actions: the typed record of who did what to whom, and one class per kind.

Agents return `Action` records; the core groups them by kind and each kind applies its
whole batch to the world arrays at once, kinds in their declared `order`. A record never
changes: applying it logs a copy with its result. A new action is one `ActionKind`
subclass (with its `order`) decorated with `@register_action`; the figures it uses come
from the scenario's `signals:` and `economy:` sections (`world.signals`, `world.econ`).
"""

from __future__ import annotations

from collections import namedtuple
from typing import ClassVar

import numpy as np

from sim.scenario.schema import AID, GOODS, ITEMS, ActionSpec
from sim.world import AID_ITEM, ITEM, World, treaty_title

ACTION_KINDS: dict[str, type["ActionKind"]] = {}

UNITS = {"shells": "shells", "drones": "drones", "missiles": "missiles",
         "air_defence": "air-defence interceptors", "troops": "thousand troops"}

_SPEC = ActionSpec.model_fields     # actor, target, kind, item, amount, payment..., reason: what a scenario writes
_RECORD = {                         # what the core adds when it logs the move, with defaults
    "source": "doctrine",           # doctrine, event:ID, inject, vote:ID, treaty:ID
    "delivered": None,              # what arrived (units, $bn or the sanction level in force), once applied
    "outcome": "",                  # e.g. "only 40 thousand available", "blocked under unanimity by HUN"
    "date": "",                     # YYYY-MM of the step
    "detail": "",                   # the resolution or package a vote or veto concerns; "abroad" for a purchase
    "blocked": False,               # a package its coalition blocked: logged, not applied
    "unit_price": None,             # $bn per unit when not economy.prices_bn (e.g. bought abroad)
    "event": "",                    # the scheduled event or inject this move carries out, if any
    "path": "",                     # policy: the settable field changed (sim.settable), e.g. actors.X.stocks.shells
    "value": None,                  # policy: its new value as given; item and detail are said from path and value
}
_Fields = namedtuple("_Fields", ["step", *_SPEC, *_RECORD],
                     defaults=[*(f.default for f in _SPEC.values() if not f.is_required()), *_RECORD.values()])


_POSITION = {name: i for i, name in enumerate(_Fields._fields)}


class Action(_Fields):
    """One move: `actor` does `kind` to `target` (item, amount), paid or not, and why.

    A record never changes once made: applying it logs a copy with its result
    (`with_result`), and a coalition's vote logs a blocked copy."""

    __slots__ = ()

    def to_dict(self) -> dict:
        """The record as logged (events.jsonl); a policy change appears as its item and detail."""
        out = self._asdict()
        del out["path"], out["value"]
        return out

    def with_result(self, **changes) -> "Action":
        """A copy of this record with fields filled in by the core (delivered, outcome...).

        `_replace`, done directly: the core logs hundreds of these a month."""
        values = list(self)
        for name, value in changes.items():
            values[_POSITION[name]] = value
        return tuple.__new__(Action, values)

    def sentence(self, names: dict[str, str] | None = None, proposed: bool = False) -> str:
        """The move in one plain sentence: what, to whom, with what result, why. `proposed`: as a move
        not yet made ("Russia would send ..."), for advice and orders before adjudication."""
        names = names or {}
        who, whom = prose_name(names.get(self.actor, self.actor)), prose_name(names.get(self.target, self.target))
        kind = ACTION_KINDS.get(self.kind)
        text = kind.describe(self, who, whom) if kind else f"{who} {self.kind} {whom}"
        if proposed:
            text = would(text, who)
        if self.outcome:
            text += f", {self.outcome}"
        event = self.event.rstrip(".")
        if self.reason:
            text += f", because {self.reason}" + (f" (event: {event})" if event else "")
        elif event:
            text += f", because of the event: {event}"
        return text[0].upper() + text[1:] + "."


PRESENT = {"sent": "send", "deployed": "deploy", "asked": "ask", "turned": "turn", "sold": "sell",
           "imposed": "impose", "proposed": "propose", "lifted": "lift", "eased": "ease", "voted": "vote",
           "blocked": "block", "held": "hold", "vetoed": "veto", "backed": "back", "abstained": "abstain",
           "gave": "give", "brought": "bring", "signed": "sign", "withdrew": "withdraw", "resumed": "resume",
           "launched": "launch", "spent": "spend", "set": "set"}
"""The past-tense verbs the kinds' `describe` tells a move with, and their plain form."""
ADVERBS = ("covertly", "publicly")


def would(told: str, who: str) -> str:
    """A move told as done ("Russia covertly sent ...") told as a proposal ("Russia would covertly send ...")."""
    if not told.startswith(who):
        return f"Proposed: {told}"
    words = told[len(who):].split(" ")
    for n, word in enumerate(words):
        if word in PRESENT:
            at = n - 1 if n and words[n - 1] in ADVERBS else n
            words[n] = PRESENT[word]
            return who + " ".join([*words[:at], "would", *words[at:]])
    return f"Proposed: {told}"


ARTICLE = ("United ", "European ", "Gulf ", "Czech ", "Netherlands", "Philippines", "Baltic ")


def prose_name(name: str) -> str:
    """A name as it stands in a sentence: 'the United States', 'Russia'."""
    return f"the {name}" if name.startswith(ARTICLE) else name


def register_action(cls: type["ActionKind"]) -> type["ActionKind"]:
    """Add an action kind to the registry; it must declare its place in the month's order of application."""
    order = cls.__dict__.get("order")
    if not isinstance(order, int):
        raise TypeError(f"action kind {cls.name}: declare `order = N`, its place in the month's order of "
                        f"application (taken: {sorted((k.order, n) for n, k in ACTION_KINDS.items())})")
    clash = [n for n, k in ACTION_KINDS.items() if k.order == order and n != cls.name]
    if clash:
        raise TypeError(f"action kind {cls.name}: order {order} is already {clash[0]}'s")
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
    order: ClassVar[int]        # place in the month's order of application: politics first, then money, then arms
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
    def apply(cls, world: World, batch: list[Action]) -> list[Action]:
        """Apply the month's batch to the world; return the records to log, one per action, in order."""
        raise NotImplementedError


def _pairs(world: World, batch: list[Action]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    src = np.fromiter((world.index[a.actor] for a in batch), int, len(batch))
    dst = np.fromiter((world.index[a.target] for a in batch), int, len(batch))
    amt = np.fromiter((a.amount for a in batch), float, len(batch))
    return src, dst, amt


def settle_payments(world: World, batch: list[Action], payers: bool = False) -> list[float]:
    """The recipient of each action pays its actor, as far as it can; what each paid ($bn).

    With `payers`, the actor pays the target instead (a payment on its own)."""
    settled = []
    for a in batch:
        if not (a.payment_item and a.payment_amount > 0):
            settled.append(a.payment_amount)
            continue
        payer, payee = world.index[a.target], world.index[a.actor]
        if payers:
            payer, payee = payee, payer
        value = a.payment_amount
        if a.payment_item == "cash":
            value = min(value, world.reserves[payer])
            world.reserves[payer] -= value
            world.reserves[payee] += value
        elif a.payment_item == "technology":
            gap = max(world.technology[payer] - world.technology[payee], 0.0)
            world.technology[payee] += min(gap, world.econ.technology_per_bn * value)
        settled.append(value)
        world.payment_flow[payer, payee] += value
        world.cooperation[payer, payee] += value
    return settled


@register_action
class ArmsTransfer(ActionKind):
    """Arms leave the supplier's stock and reach the recipient's; short stocks are shared pro rata."""

    name = "arms_transfer"
    order = 110
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
        np.add.at(world.arms_total, (src, dst, k), delivered)
        troops = k == ITEM["troops"]
        np.add.at(world.deployed, dst[troops], delivered[troops])
        value = delivered * world.prices[k]
        np.add.at(world.cooperation, (src, dst), value)
        np.add.at(world.spent, src, value)
        # Arming one side of a war is a hostile act toward the other side.
        covert = world.signals.covert_arms
        for s, d, v, a in zip(src, dst, value, batch):
            enemies = np.flatnonzero(world.at_war[d])
            world.hostility[s, enemies] += v * (covert if a.covert else 1.0)
            if not a.covert:
                world.reputation_cost[s] += world.reputation[s] * v
        paid = settle_payments(world, batch)
        short = world.econ.shortfall_below
        return [a.with_result(delivered=float(d), payment_amount=p,
                              outcome=f"only {_fmt(d)} available" if d < a.amount * short else a.outcome)
                for a, d, p in zip(batch, delivered, paid)]


@register_action
class ArmsRequest(ActionKind):
    """Ask the target for arms (item, amount), optionally offering payment terms; the target answers next month.

    Recorded on the world for the month (`world.requests`); the target's doctrine weighs it
    the next month (`Doctrine.supply`, `Doctrine.answer_requests`), a team sees it in its view."""

    name = "arms_request"
    order = 62
    items = ITEMS

    @classmethod
    def check_spec(cls, spec):
        if spec.amount <= 0:
            return "amount: ask for more than 0"
        return super().check_spec(spec)

    @classmethod
    def describe(cls, a, who, whom):
        paid = f", offering {a.payment_item} worth {money(a.payment_amount)}" if a.payment_item else ""
        return f"{who} asked {whom} for {_fmt(a.amount)} {UNITS[a.item]}{paid}"

    @classmethod
    def apply(cls, world, batch):
        src, dst, amt = _pairs(world, batch)
        k = np.fromiter((ITEM[a.item] for a in batch), int, len(batch))
        np.add.at(world.requests, (src, dst, k), amt)
        np.add.at(world.cooperation, (src, dst), world.signals.arms_request)
        for s, d, i, a in zip(src, dst, k, batch):
            if a.payment_item and a.payment_amount > 0:
                world.request_terms[int(s), int(d), int(i)] = (a.payment_item, a.payment_amount)
        return batch


@register_action
class Decline(ActionKind):
    """The answer to an arms request met short: the units not sent and why. It changes nothing and
    signals nothing itself (the arms withheld are the signal)."""

    name = "decline"
    order = 64
    items = ITEMS

    @classmethod
    def describe(cls, a, who, whom):
        return f"{who} turned down {_fmt(a.amount)} of the {UNITS[a.item]} {whom} asked for"

    @classmethod
    def apply(cls, world, batch):
        return batch


@register_action
class DualUseTrade(ActionKind):
    """Covert "normal trade" in dual-use goods: raises the buyer's drone and missile output."""

    name = "dual_use_trade"
    order = 100

    @classmethod
    def describe(cls, a, who, whom):
        return f"{who} sold {money(a.amount)} of dual-use goods to {whom} as \"normal trade\""

    @classmethod
    def apply(cls, world, batch):
        src, dst, amt = _pairs(world, batch)
        np.add.at(world.covert_flow, (src, dst), amt)
        np.add.at(world.covert_total, (src, dst), amt)
        e, sig = world.econ, world.signals
        np.add.at(world.cooperation, (src, dst), amt * sig.dual_use_cooperation)
        for item, rate in (("drones", e.dual_use_drones_per_bn), ("missiles", e.dual_use_missiles_per_bn)):
            np.add.at(world.stocks[:, ITEM[item]], dst, amt * rate)
            np.add.at(world.created[:, ITEM[item]], dst, amt * rate)
        np.add.at(world.reserves, src, amt)  # the buyer pays: it is trade
        np.subtract.at(world.reserves, dst, np.minimum(amt, world.reserves[dst]))
        np.add.at(world.reputation_cost, src, world.reputation[src] * amt * sig.dual_use_reputation)
        return [a.with_result(covert=True, delivered=a.amount) for a in batch]


@register_action
class Payment(ActionKind):
    """A payment or barter on its own (food, oil, cash, technology)."""

    name = "payment"
    order = 80
    items = GOODS

    @classmethod
    def describe(cls, a, who, whom):
        return f"{who} sent {whom} {a.item} worth {money(a.amount)}"

    @classmethod
    def apply(cls, world, batch):
        batch = [a.with_result(payment_item=a.item, payment_amount=a.amount) for a in batch]
        paid = settle_payments(world, batch, payers=True)   # the actor pays the target
        return [a.with_result(payment_amount=p, delivered=p) for a, p in zip(batch, paid)]


@register_action
class Sanction(ActionKind):
    """Impose or tighten sanctions: intensity (0..1) on the target, primary or secondary."""

    name = "sanction"
    order = 40
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
        if a.delivered is None:   # not applied yet (advice, an order)
            return f"{who} imposed {what} (intensity {a.amount:.2f})"
        return f"{who} imposed {what} (sanctions in force: intensity {a.delivered:.2f})"

    @classmethod
    def apply(cls, world, batch):
        src, dst, amt = _pairs(world, batch)
        before = world.sanctions[src, dst].copy()
        np.maximum.at(world.sanctions, (src, dst), np.clip(amt, 0, 1))
        rise = np.maximum(world.sanctions[src, dst] - before, 0.0)
        sig = world.signals
        np.add.at(world.hostility, (src, dst), sig.sanction_per_intensity * rise + sig.sanction_base)
        for a, d in zip(batch, dst):
            if a.item == "asset_freeze":
                # Only part of a target's reserves can be frozen: the rest sits at home or with friends.
                room = max(0.0, world.econ.freezable * (world.reserves[d] + world.frozen[d]) - world.frozen[d])
                moved = min(room * a.amount, world.reserves[d])
                world.reserves[d] -= moved
                world.frozen[d] += moved
        return [a.with_result(delivered=float(world.sanctions[s, d])) for a, s, d in zip(batch, src, dst)]


@register_action
class LiftSanction(ActionKind):
    """Lower sanctions on the target to the given intensity (0 lifts them)."""

    name = "lift_sanction"
    order = 30

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
        np.add.at(world.cooperation, (src, dst), world.signals.lift_sanction)
        return batch


@register_action
class Diplomatic(ActionKind):
    """Diplomatic support: a summit, a joint exercise, a UN veto or a statement."""

    name = "diplomatic"
    order = 60
    items = ("summit", "joint_exercise", "veto", "statement", "vote_against", "vote_for", "abstain")

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
        weight = world.signals.diplomatic
        for a in batch:
            s, d = world.index[a.actor], world.index[a.target]
            w = getattr(weight, a.item)
            if a.item == "vote_against":
                world.hostility[s, d] += w
            else:
                world.cooperation[s, d] += w
        return batch


@register_action
class EconomicSupport(ActionKind):
    """Aid, loans or discounted energy ($bn): money the target can spend on its war or economy."""

    name = "economic_support"
    order = 70
    items = AID

    @classmethod
    def describe(cls, a, who, whom):
        what = {"aid": "aid", "loan": "a loan", "energy_discount": "discounted energy"}[a.item]
        return f"{who} gave {whom} {what} worth {money(a.amount)}"

    @classmethod
    def apply(cls, world, batch):
        src, dst, amt = _pairs(world, batch)
        np.add.at(world.aid_flow, (src, dst), amt)
        np.add.at(world.aid_total, (src, dst, [AID_ITEM[a.item] for a in batch]), amt)
        np.add.at(world.reserves, dst, amt)
        np.add.at(world.spent, src, amt)
        np.add.at(world.cooperation, (src, dst), amt)
        return [a.with_result(delivered=a.amount) for a in batch]


@register_action
class TreatyAction(ActionKind):
    """Sign a treaty; a mutual-defence treaty obliges each party to help when the other is attacked."""

    name = "treaty"
    order = 50
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
            troops = world.econ.mutual_defence_troops if a.item == "mutual_defence" else 0.0
            assistance = np.zeros(len(ITEMS))
            assistance[ITEM["troops"]] = troops
            world.treaties[tid] = {"kind": a.item, "parties": [s, d], "in_force": in_force,
                                   "assistance": assistance,
                                   "title": treaty_title(a.item, [world.names[s], world.names[d]])}
            world.cooperation[s, d] += world.signals.treaty_in_force if in_force else world.signals.treaty_signed
        return batch


@register_action
class Withdraw(ActionKind):
    """Withdraw support from the target: it gets no more aid or arms from the actor."""

    name = "withdraw"
    order = 10
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
            world.hostility[s, d] += world.signals.withdraw
            if a.item in ("treaty", "all"):
                for t in world.treaties.values():
                    if set(t["parties"]) == {s, d}:
                        t["in_force"] = False
        return batch


@register_action
class Resume(ActionKind):
    """Resume support withdrawn earlier."""

    name = "resume"
    order = 20

    @classmethod
    def describe(cls, a, who, whom):
        return f"{who} resumed support for {whom}"

    @classmethod
    def apply(cls, world, batch):
        for a in batch:
            s, d = world.index[a.actor], world.index[a.target]
            world.withdrawn_aid[s, d] = world.withdrawn_arms[s, d] = False
            world.cooperation[s, d] += world.signals.resume
        return batch


@register_action
class Attack(ActionKind):
    """A strike or incursion on the target's own territory; it triggers defence treaties."""

    name = "attack"
    order = 120
    items = ("troops", "missiles", "drones")

    @classmethod
    def describe(cls, a, who, whom):
        what = "an incursion into" if a.item == "troops" else f"a {a.item} strike on"
        return f"{who} launched {what} {whom}"

    @classmethod
    def apply(cls, world, batch):
        for a in batch:
            s, d = world.index[a.actor], world.index[a.target]
            world.hostility[s, d] += world.signals.attack
            for tid, t in world.treaties.items():
                if t["kind"] == "mutual_defence" and t["in_force"] and d in t["parties"]:
                    for ally in t["parties"]:
                        if ally not in (d, s):
                            world.obligations.append({"treaty": tid, "obligor": ally, "beneficiary": d,
                                                      "attacker": s, "assistance": t["assistance"]})
        return batch


@register_action
class Procure(ActionKind):
    """Buy arms from one's own industry with reserves ($bn): turns money (aid) into stock."""

    name = "procure"
    order = 90
    items = ("shells", "drones", "missiles", "air_defence")

    @classmethod
    def describe(cls, a, who, whom):
        where = " on the world market" if a.detail == "abroad" else ""
        what = UNITS[a.item] if a.delivered is None else f"{_fmt(a.delivered)} {UNITS[a.item]}"  # None: not bought yet
        return f"{who} spent {money(a.amount)}{where} on {what}"

    @classmethod
    def apply(cls, world, batch):
        done = []
        for a in batch:
            i, k = world.index[a.actor], ITEM[a.item]
            spend = min(a.amount, world.reserves[i])
            world.reserves[i] -= spend
            units = spend / (a.unit_price or world.prices[k])
            world.stocks[i, k] += units
            world.created[i, k] += units
            done.append(a.with_result(amount=spend, delivered=units))
        return done


@register_action
class Policy(ActionKind):
    """A change of a settable field (sim.settable) by an event or inject; the model applies it."""

    name = "policy"
    order = 130

    @classmethod
    def describe(cls, a, who, whom):
        from sim.settable import Change

        if not a.path:  # a record made without a settable path: its item and detail as written
            return f"{who} set its {(a.item or 'policy').replace('_', ' ')} to {a.detail}"
        return Change.sentence_of(a.path, a.value, who, whom)

    @classmethod
    def apply(cls, world, batch):
        return batch


def apply_all(world: World, actions: list[Action]) -> list[Action]:
    """Apply a step's actions, each kind's batch at once, kinds by their `order`; blocked ones are not applied.

    Returns the records to log, in the order given (each with its result)."""
    by_kind: dict[str, list[int]] = {}
    for n, a in enumerate(actions):
        if not a.blocked:
            by_kind.setdefault(a.kind, []).append(n)
    logged = list(actions)
    for kind in sorted(by_kind, key=lambda k: ACTION_KINDS[k].order):
        done = ACTION_KINDS[kind].apply(world, [actions[n] for n in by_kind[kind]])
        for n, record in zip(by_kind[kind], done):
            logged[n] = record
    return logged
