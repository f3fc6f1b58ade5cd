"""The world state as numpy arrays. Agents read it; only the core writes it."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.scenario.schema import AID, ITEMS, Economy, Scenario, Signals

K = len(ITEMS)
ITEM = {name: k for k, name in enumerate(ITEMS)}
AID_ITEM = {name: k for k, name in enumerate(AID)}


@dataclass
class World:
    """Everything that changes during a run, one row (and column) per actor."""

    ids: list[str]
    names: list[str]
    affinity: np.ndarray            # (n, n) signed, symmetric, diagonal 1
    baseline: np.ndarray            # (n, n) the scenario's starting affinity
    economy0: np.ndarray            # (n,) GDP at the start, $bn/yr
    damage: np.ndarray              # (n,) share of GDP lost to sanctions, 0..1
    military: np.ndarray            # (n,) military spending, $bn/yr
    stocks: np.ndarray              # (n, K)
    production: np.ndarray          # (n, K) per month
    energy_exports: np.ndarray      # (n,) $bn/month
    food_exports: np.ndarray        # (n,) $bn/month
    technology: np.ndarray          # (n,) 0..1
    reserves: np.ndarray            # (n,) $bn
    frozen: np.ndarray              # (n,) $bn
    nuclear: np.ndarray             # (n,) bool
    regime: np.ndarray              # (n,) +1 democracy, 0 hybrid, -1 autocracy (REGIME_SIGN)
    reputation: np.ndarray          # (n,) reputation concern 0..1
    reputation_cost: np.ndarray     # (n,) cumulative reputation damage
    un_member: np.ndarray           # (n,) bool
    veto: np.ndarray                # (n,) bool
    sanctions: np.ndarray           # (n, n) intensity, sender row -> target column
    withdrawn_aid: np.ndarray       # (n, n) bool: row has withdrawn economic support from column
    withdrawn_arms: np.ndarray      # (n, n) bool: row has withdrawn arms deliveries from column
    spent: np.ndarray               # (n,) cumulative $bn given as aid, arms value and sanction cost
    # this step's flows, reset every step
    arms_flow: np.ndarray           # (n, n, K) units delivered
    aid_flow: np.ndarray            # (n, n) $bn
    covert_flow: np.ndarray         # (n, n) $bn of dual-use trade
    payment_flow: np.ndarray        # (n, n) $bn paid (payer row -> payee column)
    cooperation: np.ndarray         # (n, n) $bn-equivalent of cooperation this step
    hostility: np.ndarray           # (n, n) $bn-equivalent of hostility this step
    fired: np.ndarray               # (n, K) expended in theaters this step
    created: np.ndarray             # (n, K) produced, procured or built from dual-use goods this step
    at_war: np.ndarray              # (n, n) bool, symmetric: the two fight in a theater
    deployed: np.ndarray            # (n,) foreign troops (thousands) sent to this actor, who fight on top of its tempo
    last_arms: np.ndarray           # (n, n) $bn of arms delivered last step (what doctrines can see)
    last_covert: np.ndarray         # (n, n) $bn of dual-use trade last step
    # running totals since the start, kept where actions are applied (summary, outcomes and cards read them)
    arms_total: np.ndarray          # (n, n, K) units delivered
    aid_total: np.ndarray           # (n, n, len(AID)) $bn of economic support, by kind
    covert_total: np.ndarray        # (n, n) $bn of dual-use trade
    # arms requests (sim.actions.ArmsRequest): made this step, and last step's (what suppliers answer now)
    requests: np.ndarray            # (n, n, K) units asked, asker row -> supplier column
    asked: np.ndarray               # (n, n, K) last step's requests
    step: int = 0
    index: dict[str, int] = field(default_factory=dict)
    treaties: dict[str, dict] = field(default_factory=dict)
    obligations: list[dict] = field(default_factory=list)
    fronts: dict[str, float] = field(default_factory=dict)
    signals: Signals = field(default_factory=Signals)   # the scenario's `signals:` (what each action signals)
    econ: Economy = field(default_factory=Economy)      # the scenario's `economy:` (figures and prices)
    request_terms: dict = field(default_factory=dict)   # (asker, supplier, k) -> (payment_item, $bn) offered
    asked_terms: dict = field(default_factory=dict)     # last step's offered terms

    def __post_init__(self) -> None:
        self.index = {a: i for i, a in enumerate(self.ids)}
        self.prices = np.array([getattr(self.econ.prices_bn, k) for k in ITEMS])   # (K,) $bn per unit

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def economy(self) -> np.ndarray:
        """Current GDP, $bn/yr, after sanctions damage."""
        return self.economy0 * (1.0 - self.damage)

    @property
    def power(self) -> np.ndarray:
        """Composite power: economic share and military share, weighted, plus a nuclear premium (`economy:`)."""
        e = self.econ
        econ = self.economy / self.economy.sum()
        mil = self.military / max(self.military.sum(), 1e-9)
        return e.power_economic * econ + e.power_military * mil + e.nuclear_premium * self.nuclear

    @property
    def sanction_pressure(self) -> np.ndarray:
        """Per target: intensity of sanctions weighted by each sender's economic weight, 0..1."""
        weight = self.economy / self.economy.sum()
        return np.clip(weight @ self.sanctions * self.econ.pressure_scale, 0.0, 1.0)

    def begin_step(self) -> None:
        self.last_arms = self.arms_flow @ self.prices
        self.last_covert = self.covert_flow.copy()
        self.asked, self.requests = self.requests, np.zeros_like(self.requests)
        self.asked_terms, self.request_terms = self.request_terms, {}
        for arr in (self.arms_flow, self.aid_flow, self.covert_flow, self.payment_flow,
                    self.cooperation, self.hostility, self.fired, self.created):
            arr.fill(0.0)

    def set_affinity(self, a: str, b: str, value: float) -> None:
        i, j = self.index[a], self.index[b]
        self.affinity[i, j] = self.affinity[j, i] = value

    def belligerents(self) -> np.ndarray:
        """Mask of actors fighting in some theater."""
        return self.at_war.any(axis=1)


def treaty_title(kind: str, names: list[str]) -> str:
    return f"{kind.replace('_', '-')} treaty with " + " and ".join(names)


REGIME_SIGN = {"democracy": 1.0, "hybrid": 0.0, "autocracy": -1.0}
"""Regime type as a sign, so that regime_i * regime_j is +1 for alike, -1 for opposed, 0 with a hybrid."""


def build_world(s: Scenario) -> World:
    ids = list(s.actors)
    n = len(ids)
    actors = [s.actors[a] for a in ids]

    def col(attr: str, dtype=float) -> np.ndarray:
        return np.array([getattr(a, attr) for a in actors], dtype=dtype)

    def items(attr: str) -> np.ndarray:
        return np.array([[getattr(getattr(a, attr), k) for k in ITEMS] for a in actors], dtype=float)

    index = {a: i for i, a in enumerate(ids)}
    affinity = np.zeros((n, n))
    for a, b, value in s.relations:
        rows = [index[x] for x in s.groups.get(a, [a])]
        cols = [index[x] for x in s.groups.get(b, [b])]
        affinity[np.ix_(rows, cols)] = value
        affinity[np.ix_(cols, rows)] = value
    np.fill_diagonal(affinity, 1.0)
    sanctions = np.zeros((n, n))
    for sanc in s.sanctions:
        sanctions[index[sanc.by], index[sanc.on]] = sanc.intensity
    zeros_nn = lambda: np.zeros((n, n))  # noqa: E731
    world = World(
        ids=ids, names=[a.name for a in actors], affinity=affinity, baseline=affinity.copy(),
        economy0=col("economy"), damage=np.zeros(n), military=col("military_spending"),
        stocks=items("stocks"), production=items("production"),
        energy_exports=col("energy_exports"), food_exports=col("food_exports"),
        technology=col("technology"), reserves=col("reserves"), frozen=col("frozen"),
        nuclear=col("nuclear", bool), regime=np.array([REGIME_SIGN[a.regime] for a in actors], dtype=float),
        reputation=col("reputation_concern"), reputation_cost=np.zeros(n), un_member=col("un_member", bool), veto=col("veto", bool),
        sanctions=sanctions, withdrawn_aid=np.zeros((n, n), bool), withdrawn_arms=np.zeros((n, n), bool), spent=np.zeros(n),
        arms_flow=np.zeros((n, n, K)), aid_flow=zeros_nn(), covert_flow=zeros_nn(),
        payment_flow=zeros_nn(), cooperation=zeros_nn(), hostility=zeros_nn(),
        fired=np.zeros((n, K)), created=np.zeros((n, K)), at_war=np.zeros((n, n), bool),
        deployed=np.zeros(n), last_arms=zeros_nn(), last_covert=zeros_nn(),
        arms_total=np.zeros((n, n, K)), aid_total=np.zeros((n, n, len(AID))), covert_total=zeros_nn(),
        requests=np.zeros((n, n, K)), asked=np.zeros((n, n, K)), signals=s.signals, econ=s.economy,
    )
    for tid, t in s.treaties.items():
        world.treaties[tid] = {"kind": t.kind, "parties": [index[p] for p in t.parties],
                               "title": treaty_title(t.kind, [s.actors[p].name for p in t.parties]),
                               "in_force": t.in_force,
                               "assistance": np.array([getattr(t.assistance, k) for k in ITEMS])}
    for tid, t in s.theaters.items():
        world.fronts[tid] = t.front
    set_wars(world, s.theaters.values())
    return world


def set_wars(world: World, theaters) -> None:
    """world.at_war from the theaters being fought (a pair stays at war while any of its fronts is active)."""
    world.at_war[:] = False
    for t in theaters:
        if t.active:
            a, d = world.index[t.attacker], world.index[t.defender]
            world.at_war[a, d] = world.at_war[d, a] = True
