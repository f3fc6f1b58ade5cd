"""BlocModel: one step is one month.

    events fire -> production -> every actor decides -> the world applies all actions
    -> theaters resolve -> UN votes -> economies respond -> alignment updates -> blocs are read
"""

from __future__ import annotations

import time

import mesa
import numpy as np
import pandas as pd

from sim import blocs as bloc_rules
from sim.actions import ACTION_KINDS, UNITS, Action, apply_all, prose_name
from sim.agents import Country
from sim.alignment import RULES, Signals, make_rule
from sim.doctrines import Context, make_doctrine
from sim.errors import UserError
from sim.events import EventLog
from sim.scenario import Scenario, unknown
from sim.scenario.schema import ITEMS, ActionSpec
from sim.settable import Change, check_now, doctrine_in_force
from sim.world import ITEM, build_world
from sim.votes import record_check

K = len(ITEMS)


class BlocModel(mesa.Model):
    def __init__(self, scenario: Scenario, seed: int = 0, alignment: str | None = None):
        super().__init__(rng=seed)
        self.spec = scenario
        self.seed = seed
        self.world = build_world(scenario)
        w = self.world
        self.rule_name = alignment or scenario.alignment.rule
        if self.rule_name not in RULES:
            raise UserError(f"--alignment: {unknown('rule', self.rule_name, RULES)}")
        params = scenario.alignment.params if self.rule_name == scenario.alignment.rule else {}
        self.alignment = make_rule(self.rule_name, params, scenario, w)
        self.doctrines = []
        for i, (aid, actor) in enumerate(scenario.actors.items()):
            kw = {}
            if actor.doctrine == "coalition":
                kw = {"members": [w.index[m] for m in actor.members], "rule": actor.decision_rule}
            doctrine = make_doctrine(actor.doctrine, actor.doctrine_params, **kw)
            self.doctrines.append(doctrine)
            Country(self, aid, i, doctrine, actor.kind)
        self.west = [w.index[a] for a in scenario.poles.get("west", [])]
        self.east = [w.index[a] for a in scenario.poles.get("east", [])]
        self.theaters = {tid: t.model_copy(deep=True) for tid, t in scenario.theaters.items()}
        self._compute_burn()
        self.events = EventLog(dict(zip(w.ids, w.names)))
        self.pending: list[Action] = []
        self.timings = {"decide": 0.0, "core": 0.0}   # seconds spent in agents' decisions vs the array core
        self.injects: list[Action | str] = []
        # A team's orders for the next step replace its country's doctrine decisions (sim/game);
        # its vote intentions, (actor, condemned) -> (choice, item, reason), replace its vote.
        self.orders: dict[str, list[Action]] = {}
        self.vote_intents: dict[tuple[str, str], tuple[str, str, str]] = {}
        self.votes: list[dict] = []
        self.rows: list[dict] = []
        self.agent_rows: list[dict] = []
        self.labels = np.zeros(w.n, int)
        self.month = scenario.step_to_month(0)
        self._read_blocs()
        self._record()

    # ------------------------------------------------------------------ the step
    def step(self) -> None:
        w = self.world
        t0 = time.perf_counter()
        w.step += 1
        self.month = self.spec.step_to_month(w.step)
        w.begin_step()
        self.pending = []
        self._fire_events()
        self._produce()
        self._fulfil_obligations()
        ctx = self._context()
        t1 = time.perf_counter()
        self.agents.do("decide", ctx)
        t2 = time.perf_counter()
        apply_all(w, self.pending)
        self.events.extend(self.pending)
        self._resolve_theaters()
        self._hold_votes()
        self._economies()
        self.alignment.update(w, Signals(w.cooperation, w.hostility, w.sanctions), self.rng)
        self._read_blocs()
        self._record()
        self.orders, self.vote_intents = {}, {}
        t3 = time.perf_counter()
        self.timings["decide"] += t2 - t1
        self.timings["core"] += (t1 - t0) + (t3 - t2)

    def run(self, steps: int | None = None, progress=None) -> "BlocModel":
        for _ in range(steps if steps is not None else self.spec.steps):
            self.step()
            if progress:
                progress()
        return self

    # ------------------------------------------------------------------ pieces
    def _compute_burn(self) -> None:
        """Monthly fire each belligerent wants, summed over its theaters."""
        w = self.world
        self.burn = np.zeros((w.n, K))
        for t in self.theaters.values():
            if not t.active:
                continue
            self.burn[w.index[t.attacker]] += [getattr(t.attacker_burn, k) for k in ITEMS]
            self.burn[w.index[t.defender]] += [getattr(t.defender_burn, k) for k in ITEMS]

    def needs(self) -> np.ndarray:
        """(n, K) units each belligerent lacks for the months of fire its doctrine wants in stock."""
        reserve = np.array([getattr(d.params, "reserve_months", 3.0) for d in self.doctrines])
        return np.maximum(self.burn * reserve[:, None] - self.world.stocks, 0.0)

    def _context(self) -> Context:
        w = self.world
        return Context(world=w, step=w.step, date=self.month, needs=self.needs(), burn=self.burn,
                       rng=self.rng, doctrines=self.doctrines,
                       belligerent=w.belligerents())

    def inject(self, item: Action | ActionSpec | Change | str) -> None:
        """Queue a scenario event (by id), an action or a settable-field change; it applies at the next step.

        UserError when it cannot apply now (`inject_problem`)."""
        problem = self.inject_problem(item)
        if problem:
            raise UserError(problem)
        self.injects.append(item)

    def inject_problem(self, item: Action | ActionSpec | Change | str) -> str | None:
        """Why an inject cannot apply at the next step, or None; changes are checked against the
        doctrines in force now."""
        if isinstance(item, str):
            if item not in self.spec.events:
                return f"inject: unknown event '{item}' (one of: {', '.join(self.spec.events)})"
            for dotted, value in self.spec.events[item].set.items():
                problem = check_now(self, dotted, value)
                if problem:
                    aid = dotted.split(".")[1]
                    held = f" ({aid} holds the {doctrine_in_force(self, aid).name} doctrine at this point)" \
                        if dotted.startswith("actors.") else ""
                    return f"inject {item}: cannot apply now: {dotted}: {problem}{held}"
        elif isinstance(item, Change):
            problem = item.problem_now(self)
            return f"set {item.path}: {problem}" if problem else None
        elif isinstance(item, ActionSpec):
            if item.kind not in ACTION_KINDS:
                return f"action: {unknown('action', item.kind, ACTION_KINDS)}"
            for role, who in (("actor", item.actor), ("target", item.target)):
                if who not in self.world.index:
                    return f"{role}: choose one of the scenario's actors (got {who!r})"
            if item.actor == item.target:
                return "target: an actor cannot act on itself (choose another actor)"
            return ACTION_KINDS[item.kind].check_spec(item)
        return None

    def _fire_events(self) -> None:
        s, w = self.spec, self.world
        due = [(eid, e, f"event:{eid}") for eid, e in s.events.items() if e.enabled and s.when(e) == w.step]
        queued, self.injects = self.injects, []
        for item in queued:
            if isinstance(item, str):
                due.append((item, s.events[item], f"inject:{item}"))
            elif isinstance(item, Change):
                item.apply(self)
                self.pending.append(item.action(s, w.step, self.month, "inject"))
            else:
                spec = item if isinstance(item, ActionSpec) else None
                act = self._action_from_spec(spec, "inject", "") if spec else item
                act.source = "inject"
                self.pending.append(act)
        for eid, e, source in due:
            for spec in e.actions:
                self.pending.append(self._action_from_spec(spec, source, e.description))
            for a, b, value in e.affinity:
                w.set_affinity(a, b, value)
            for dotted, value in e.set.items():
                change = Change(dotted, value)
                change.apply(self)
                self.pending.append(change.action(s, w.step, self.month, source, e.description))

    def _action_from_spec(self, spec: ActionSpec, source: str, why: str) -> Action:
        """The record of an action a scenario event or an inject wrote (both checked before)."""
        return Action(step=self.world.step, date=self.month, event=why, source=source, **spec.model_dump())

    def set_doctrine(self, index: int, name: str) -> None:
        """Switch actor ``index`` to doctrine ``name`` (its default parameters); the one place it happens."""
        self.doctrines[index] = make_doctrine(name, {})
        for agent in self.agents:
            if agent.index == index:
                agent.doctrine = self.doctrines[index]

    def _produce(self) -> None:
        w = self.world
        made = w.production * (1.0 - 0.5 * w.sanction_pressure)[:, None]
        w.stocks += made
        w.created += made

    def _fulfil_obligations(self) -> None:
        """Treaty partners of an attacked party send the promised assistance 'without delay'."""
        w = self.world
        for ob in w.obligations:
            i, j = ob["obligor"], ob["beneficiary"]
            for k, amount in enumerate(ob["assistance"]):
                if amount > 0:
                    self.pending.append(Action(
                        step=w.step, date=self.month, actor=w.ids[i], target=w.ids[j], kind="arms_transfer",
                        item=ITEMS[k], amount=float(amount), source=f"treaty:{ob['treaty']}",
                        reason=f"it must assist {prose_name(w.names[j])}, which "
                               f"{prose_name(w.names[ob['attacker']])} attacked, under their "
                               f"{w.treaties[ob['treaty']]['kind'].replace('_', '-')} treaty"))
        w.obligations.clear()

    def _resolve_theaters(self) -> None:
        w = self.world
        for tid, t in self.theaters.items():
            if not t.active:
                continue
            a, d = w.index[t.attacker], w.index[t.defender]
            power = []
            for side, other in ((a, d), (d, a)):
                tempo = self.burn_of(t, side)
                tempo[ITEM["troops"]] += w.deployed[side]          # foreign troops fight too
                fired = np.minimum(w.stocks[side] * t.ration, tempo)
                fired[ITEM["troops"]] = min(w.stocks[side, ITEM["troops"]], tempo[ITEM["troops"]])
                troops = fired[ITEM["troops"]]
                fired[ITEM["troops"]] = 0.0
                strikes = fired[ITEM["drones"]] + fired[ITEM["missiles"]]
                intercept = min(w.stocks[other, ITEM["air_defence"]], strikes * t.interception)
                w.stocks[other, ITEM["air_defence"]] -= intercept
                w.fired[other, ITEM["air_defence"]] += intercept
                hit = 1.0 - (intercept / strikes if strikes > 0 else 0.0)
                value = (t.weights.get("shells", 0) * fired[ITEM["shells"]]
                         + hit * (t.weights.get("drones", 0) * fired[ITEM["drones"]]
                                  + t.weights.get("missiles", 0) * fired[ITEM["missiles"]])
                         + t.weights.get("troops", 0) * troops)
                w.stocks[side] -= fired
                loss = t.troop_loss * troops
                w.stocks[side, ITEM["troops"]] -= loss
                if troops > 0:
                    w.deployed[side] *= 1.0 - loss / troops
                fired[ITEM["troops"]] = loss
                w.fired[side] += fired
                power.append(value)
            att, dfd = power[0], power[1] * t.defender_advantage
            ratio = np.log((att + 1.0) / (dfd + 1.0))
            change = t.speed * np.tanh(ratio) + t.noise * self.rng.standard_normal()
            w.fronts[tid] = float(np.clip(w.fronts[tid] + change, 0.0, 100.0))

    def burn_of(self, theater, side: int) -> np.ndarray:
        burn = theater.attacker_burn if self.world.ids[side] == theater.attacker else theater.defender_burn
        return np.array([getattr(burn, k) for k in ITEMS])

    def _hold_votes(self) -> None:
        s, w, u = self.spec, self.world, self.spec.un
        for vid, v in s.votes.items():
            if s.when(v) != w.step:
                continue
            t = w.index[v.condemns]
            x = w.affinity[:, t] - u.reputation_weight * w.reputation
            result = {"for": [], "against": [], "abstain": []}
            acts = []
            voters = [w.index[a] for a in v.members] if v.members else np.flatnonzero(w.un_member)
            for i in voters:
                choice, item, why = self._vote(i, t, x[i])
                result[choice].append(w.ids[i])
                acts.append(Action(step=w.step, date=self.month, actor=w.ids[i], target=w.ids[t], kind="diplomatic",
                                   item=item, detail=v.title, reason=why, source=f"vote:{vid}"))
            vetoed = [a for a in result["against"] if v.body == "security_council" and w.veto[w.index[a]]]
            for a in vetoed:
                acts.append(Action(step=w.step, date=self.month, actor=a, target=w.ids[t], kind="diplomatic",
                                   item="veto", detail=v.title, source=f"vote:{vid}",
                                   reason=f"it is a permanent member close to {prose_name(w.names[t])}"))
            apply_all(w, acts)
            self.events.extend(acts)
            self.votes.append({"id": vid, "title": v.title, "step": w.step, "date": self.month,
                               "condemns": v.condemns, "body": v.body, **result,
                               "adopted": not vetoed and len(result["for"]) > len(result["against"]),
                               "vetoed_by": vetoed, "record": {k: list(x) for k, x in v.record.items()}})

    def _vote(self, i: int, t: int, score: float) -> tuple[str, str, str]:
        """(choice, action item, reason) of actor i on a resolution condemning t (README: UN votes)."""
        w, u = self.world, self.spec.un
        if (w.ids[i], w.ids[t]) in self.vote_intents:
            return self.vote_intents[(w.ids[i], w.ids[t])]
        if i == t:
            return "against", "vote_for", "the resolution condemns it"
        name, aff, rep = prose_name(w.names[t]), w.affinity[i, t], w.reputation[i]
        standing = f" and it cares about its standing (reputation concern {rep:.1f})" if rep >= 0.3 else ""
        if score > u.against_above:
            return "against", "vote_for", f"it is close to {name} (affinity {aff:+.2f})"
        if score < u.for_below:
            return "for", "vote_against", f"its ties to {name} are weak (affinity {aff:+.2f}){standing}"
        return "abstain", "abstain", (f"it wants to keep its ties to {name} (affinity {aff:+.2f}) "
                                      f"without openly backing it{standing}")

    def _economies(self) -> None:
        w = self.world
        pressure = w.sanction_pressure
        w.damage = np.clip(w.damage + 0.01 * pressure - 0.02 * w.damage * (pressure < 0.05), 0.0, 0.6)
        w.spent += (w.sanctions * w.economy[None, :]).sum(axis=1) * 1e-5  # lost trade for the sender

    def _read_blocs(self) -> None:
        w = self.world
        self.labels = bloc_rules.find_blocs(w.affinity, w.power, self.spec.blocs.threshold)
        self.leans = bloc_rules.lean(w.affinity, self.west, self.east)

    def _record(self) -> None:
        w = self.world
        coh = bloc_rules.cohesion(w.affinity, self.labels)
        row = {"step": w.step, "date": self.month, "polarization": bloc_rules.polarization(self.leans),
               "n_blocs": len(coh), "cohesion_max": max(coh.values(), default=0.0)}
        for pole, leaders in (("west", self.west), ("east", self.east)):
            if leaders:
                row[f"cohesion_{pole}"] = coh.get(int(self.labels[leaders[0]]), 0.0)
        for tid, front in w.fronts.items():
            row[f"front_{tid}"] = front
        flows = w.arms_flow.sum(axis=(0, 1))
        for k, item in enumerate(ITEMS):
            row[f"arms_{item}"] = float(flows[k])
        row["aid_bn"] = float(w.aid_flow.sum())
        row["covert_bn"] = float(w.covert_flow.sum())
        pressure = w.sanction_pressure
        row["sanction_pressure_mean"] = float(pressure.mean())
        row["sanction_pressure_max"] = float(pressure.max())
        self.rows.append(row)
        power, economy = w.power, w.economy
        for i, aid in enumerate(w.ids):
            rec = {"step": w.step, "actor": aid, "lean": float(self.leans[i]), "bloc": int(self.labels[i]),
                   "power": float(power[i]), "economy": float(economy[i]), "pressure": float(pressure[i]),
                   "reserves": float(w.reserves[i]), "reputation_cost": float(w.reputation_cost[i])}
            for k, item in enumerate(ITEMS):
                rec[item] = float(w.stocks[i, k])
            self.agent_rows.append(rec)

    # ------------------------------------------------------------------ results
    def series(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows)

    def agent_series(self) -> pd.DataFrame:
        return pd.DataFrame(self.agent_rows)

    def bloc_lists(self) -> tuple[list[list[str]], list[str]]:
        w = self.world
        groups = [[w.ids[i] for i in np.flatnonzero(self.labels == b)] for b in np.unique(self.labels)]
        return [g for g in groups if len(g) > 1], [g[0] for g in groups if len(g) == 1]

    def summary(self) -> dict:
        w = self.world
        blocs, nonaligned = self.bloc_lists()
        coh = bloc_rules.cohesion(w.affinity, self.labels)
        total_flows = {}
        for r in self.rows:
            for item in ITEMS:
                total_flows[item] = total_flows.get(item, 0.0) + r[f"arms_{item}"]
        top = []
        flows = np.zeros((w.n, w.n, K))
        for a in self.events:
            if a.kind == "arms_transfer" and a.delivered:
                flows[w.index[a.actor], w.index[a.target], ITEM[a.item]] += a.delivered
        for s, d, k in zip(*np.nonzero(flows)):
            top.append({"from": w.ids[s], "to": w.ids[d], "item": ITEMS[k], "amount": float(flows[s, d, k]),
                        "units": UNITS[ITEMS[k]]})
        aid = [{"from": a.actor, "to": a.target, "item": a.item, "bn": a.amount} for a in self.events
               if a.kind == "economic_support"]
        aid_totals: dict[tuple, float] = {}
        for x in aid:
            aid_totals[(x["from"], x["to"], x["item"])] = aid_totals.get((x["from"], x["to"], x["item"]), 0) + x["bn"]
        return {
            "scenario": self.spec.name, "seed": self.seed, "steps": w.step,
            "start": self.spec.start, "end": self.month, "alignment_rule": self.rule_name,
            "blocs": blocs, "nonaligned": nonaligned,
            "cohesion": [round(coh[int(self.labels[w.index[b[0]]])], 4) for b in blocs],
            "polarization": round(self.rows[-1]["polarization"], 4),
            "lean": {a: round(float(x), 4) for a, x in zip(w.ids, self.leans)},
            "front": {tid: round(f, 3) for tid, f in w.fronts.items()},
            "votes": [{**{k: v[k] for k in ("id", "title", "date", "body", "condemns", "for", "against",
                                            "abstain", "adopted", "vetoed_by", "record")},
                       "record_check": record_check(v) if v["record"] else None} for v in self.votes],
            "arms_flows": sorted(top, key=lambda x: -x["amount"]),
            "aid_flows": [{"from": f, "to": t, "item": i, "bn": round(v, 3)}
                          for (f, t, i), v in sorted(aid_totals.items(), key=lambda kv: -kv[1])],
            "sanction_pressure": {a: round(float(p), 4) for a, p in zip(w.ids, w.sanction_pressure) if p > 0.005},
            "events_logged": len(self.events),
        }

