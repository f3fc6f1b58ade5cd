"""BlocModel: one step is one month.

    events fire -> production -> every actor decides -> the world applies all actions
    -> theaters resolve -> UN votes -> economies respond -> alignment updates -> blocs are read
"""

from __future__ import annotations

import math
import time

import mesa
import numpy as np
import pandas as pd

from sim import blocs as bloc_rules
from sim import economy, theaters, votes
from sim.actions import ACTION_KINDS, Action, apply_all, prose_name
from sim.agents import Country
from sim.alignment import RULES, Signals, make_rule
from sim.doctrines import Context, Doctrine, build_doctrine
from sim.errors import UserError, not_finite
from sim.events import EventLog
from sim.scenario import Scenario, unknown
from sim.scenario.schema import ITEMS, ActionSpec
from sim.settable import Change, check_now, doctrine_in_force
from sim.summary import summarize
from sim.world import build_world


class BlocModel(mesa.Model):
    def __init__(self, scenario: Scenario, seed: int = 0, alignment: str | None = None):
        super().__init__(rng=seed)
        self.spec = scenario
        self.seed = seed
        self.world = build_world(scenario)
        w = self.world
        self.rule_name = alignment or scenario.alignment.rule
        if self.rule_name not in RULES:
            raise UserError(f"alignment rule: {unknown('rule', self.rule_name, RULES)}")
        params = scenario.alignment.params if self.rule_name == scenario.alignment.rule else {}
        self.alignment = make_rule(self.rule_name, params, scenario, w)
        self.countries = [Country(self, aid, i, build_doctrine(actor, w), actor.kind)
                          for i, (aid, actor) in enumerate(scenario.actors.items())]   # by actor index
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
    @np.errstate(over="ignore", invalid="ignore", divide="ignore")  # an overflow is refused once, in _record
    def step(self) -> None:
        w = self.world
        t0 = time.perf_counter()
        w.step += 1
        self.month = self.spec.step_to_month(w.step)
        w.begin_step()
        self.pending = []
        self._fire_events()
        economy.produce(w)
        self._fulfil_obligations()
        ctx = self._context()
        t1 = time.perf_counter()
        self.agents.do("decide", ctx)
        t2 = time.perf_counter()
        self.events.extend(apply_all(w, self.pending))
        theaters.resolve(w, self.theaters, self.rng)
        self._hold_votes()
        economy.respond(w)
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
        self.burn = theaters.burn_table(self.world, self.theaters)

    def needs(self) -> np.ndarray:
        """(n, K) units each belligerent lacks for the months of fire its doctrine wants in stock."""
        reserve = np.array([c.doctrine.params.reserve_months for c in self.countries])
        return np.maximum(self.burn * reserve[:, None] - self.world.stocks, 0.0)

    def doctrine_of(self, index: int) -> Doctrine:
        """The doctrine actor `index` holds now (it lives on the actor's agent)."""
        return self.countries[index].doctrine

    def set_doctrine(self, index: int, name: str) -> None:
        """Switch actor `index` to doctrine `name`, with that doctrine's default parameters."""
        actor = self.spec.actors[self.world.ids[index]]
        self.countries[index].doctrine = build_doctrine(actor, self.world, name, {})

    def _context(self) -> Context:
        w = self.world
        return Context(world=w, step=w.step, date=self.month, needs=self.needs(), burn=self.burn,
                       rng=self.rng, doctrine_of=self.doctrine_of, belligerent=w.belligerents())

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
                self.pending.append(act.with_result(source="inject"))
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

    def _hold_votes(self) -> None:
        for vid, v in votes.due(self.spec, self.world.step):
            acts, record = votes.hold(self.spec, self.world, vid, v, self.month, self.vote_intents)
            self.events.extend(apply_all(self.world, acts))
            self.votes.append(record)

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
        self._check_finite(row)
        self.rows.append(row)
        power, economy = w.power, w.economy
        for i, aid in enumerate(w.ids):
            rec = {"step": w.step, "actor": aid, "lean": float(self.leans[i]), "bloc": int(self.labels[i]),
                   "power": float(power[i]), "economy": float(economy[i]), "pressure": float(pressure[i]),
                   "reserves": float(w.reserves[i]), "reputation_cost": float(w.reputation_cost[i])}
            for k, item in enumerate(ITEMS):
                rec[item] = float(w.stocks[i, k])
            self.agent_rows.append(rec)

    def _check_finite(self, row: dict) -> None:
        """The invariant on what a month records: every number finite (else one message naming them)."""
        w = self.world
        actors = {"lean": self.leans, "power": w.power, "economy": w.economy, "pressure": w.sanction_pressure,
                  "reserves": w.reserves, "reputation_cost": w.reputation_cost, "stocks": w.stocks}
        if all(math.isfinite(v) for v in row.values() if isinstance(v, float)) and all(np.isfinite(a).all() for a in actors.values()):
            return
        bad = [k for k, v in row.items() if isinstance(v, float) and not math.isfinite(v)]
        bad += [f"agents.{k}" for k, a in actors.items() if not np.isfinite(a).all()]
        raise not_finite(f"{self.spec.name}: month {self.month}", bad)

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
        return summarize(self)
