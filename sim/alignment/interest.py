"""Interest-driven alignment: affinity follows what actors do to each other (docs/THEORIES.md §1).

Update, each month, for every pair (i, j), with A the signed affinity matrix:

    C = sym(cooperation) + w_cs * co_sanctioned + w_cd * co_sanctioning + w_tr * treaty
                                                         ($bn-equivalent this month)
    H = sym(hostility)
    T_ij = sum_k c_k A_ik A_kj / sum_k c_k               (k: the `third_parties` most
                                                          powerful actors, k != i, j)
    A' = A + eta_coop * tanh(C / scale) * (1 - A) - eta_host * tanh(H / scale) * (1 + A)
           + eta_triad * (T - A) + eta_memory * (B - A)

then clipped to [-1, 1], symmetric, with a diagonal of 1. The factors (1 - A) and
(1 + A) make gains shrink as a pair nears full friendship and losses shrink as it
nears full enmity, so affinity approaches the bounds without sticking to them. B is the scenario's starting
affinity (slow-moving history and ideology); c_k is actor k's power, the weight each
actor gives the third party k; co_sanctioned_ij counts senders that sanction both i and
j, weighted by intensity; co_sanctioning_ij counts the targets that i and j both
sanction (coordinated policy, weighted by both intensities); treaty_ij is 1 while i and j
are parties to a treaty in force. The triad term pulls each pair toward "the enemy of my
enemy is my friend". Restricting k to the strongest few keeps the cost at O(n^2).

Without the last two bonds, allies that never transact directly (the UK and the US)
drift toward the triad average over the years: with them, allies who act together stay
close (docs/THEORIES.md: affinity rises with "shared treaties").

Three terms follow the record (docs/THEORIES.md, "Wars, alliances and policy turns"):

    H += w_war * W            W_ij = 1 while i and j fight each other in an active theater
    H += w_cut * sym(cut)     cut_ij = support i had sent j every month of the last
                              `cut_memory` months, less what it sends this month (a stop)
    C += w_cut * sym(cut W)   ... and a stop eases i's relation with j's enemies in war
    triad and memory terms are off for pairs at war; the triad term is off for parties to
    a treaty in force (only what passes between them moves them)
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from sim.alignment.base import AlignmentRule, RuleParams, Signals, register_rule


class InterestParams(RuleParams):
    eta_coop: float = Field(0.06, ge=0, le=1, description="gain from cooperation")
    eta_host: float = Field(0.08, ge=0, le=1, description="loss from hostility")
    eta_triad: float = Field(0.02, ge=0, le=1, description="pull toward enemy-of-my-enemy")
    eta_memory: float = Field(0.01, ge=0, le=1, description="pull back toward the starting affinity")
    scale: float = Field(5.0, gt=0, description="$bn-equivalent a month at which effects saturate")
    co_sanction_weight: float = Field(4.0, ge=0, description="$bn-equivalent per shared sanctioner")
    co_sender_weight: float = Field(2.0, ge=0, description="$bn-equivalent per target two actors sanction together")
    treaty_weight: float = Field(2.0, ge=0, description="$bn-equivalent a month between parties to a treaty in force")
    third_parties: int = Field(12, ge=1, le=100, description="how many of the strongest actors count as third parties")
    war_weight: float = Field(5.0, ge=0, description="$bn-equivalent of hostility a month between two actors at war")
    anchor_wars: bool = Field(True, description="no triad or memory drift between actors at war")
    anchor_treaties: bool = Field(True, description="no triad drift between parties to a treaty in force")
    cut_weight: float = Field(3.0, ge=0, description="hostility per $bn a month of steady support that stops")
    cut_memory: int = Field(6, ge=1, le=60, description="months of uninterrupted support that make it steady")


@register_rule
class InterestDriven(AlignmentRule):
    name = "interest"
    title = "Interest-driven (flows, hostile acts, enemy of my enemy)"
    citation = "blocsim docs/THEORIES.md section 1; triad term after Heider (1946)"
    Params = InterestParams

    def __init__(self, params, scenario, world) -> None:
        super().__init__(params, scenario, world)
        self.recent = np.zeros((0, world.n, world.n))   # support sent in the last cut_memory months
        # each cut of steady support as it happened: (step, giver, receiver, steady $bn a month, $bn sent
        # that month, their affinity before it); the after-action review (sim.review) tells the stops
        self.cuts: list[tuple[int, int, int, float, float, float]] = []

    def support_cut(self, world) -> np.ndarray:
        """(n, n) $bn a month of steady support (every month of the window) that stopped this month."""
        now = world.aid_flow + world.arms_flow @ world.prices
        full = len(self.recent) == self.params.cut_memory
        steady = self.recent.min(axis=0) if full else np.zeros_like(now)
        self.recent = np.concatenate([self.recent, now[None]])[-self.params.cut_memory:]
        cut = np.maximum(steady - now, 0.0)
        self.cuts += [(world.step, int(i), int(j), float(steady[i, j]), float(now[i, j]), float(world.affinity[i, j]))
                      for i, j in zip(*np.nonzero(cut))]
        return cut

    def update(self, world, signals: Signals, rng: np.random.Generator) -> None:
        p = self.params
        A = world.affinity
        coop = signals.cooperation + signals.cooperation.T
        host = signals.hostility + signals.hostility.T
        war = world.at_war
        if p.war_weight:
            host = host + p.war_weight * war
        if p.cut_weight:
            cut = self.support_cut(world)
            host = host + p.cut_weight * (cut + cut.T)
            eased = p.cut_weight * (cut @ war)       # no longer arming the other side of a war
            coop = coop + eased + eased.T
        senders = np.flatnonzero(signals.sanctions.any(axis=1))
        if senders.size:
            S = signals.sanctions[senders]
            coop = coop + p.co_sanction_weight * (S.T @ S)
            if p.co_sender_weight:
                coop[np.ix_(senders, senders)] += p.co_sender_weight * (S @ S.T)
        if p.treaty_weight:
            for t in world.treaties.values():
                if t["in_force"]:
                    parties = t["parties"]
                    coop[np.ix_(parties, parties)] += p.treaty_weight
        power = world.power
        k = np.argsort(-power, kind="stable")[: p.third_parties]
        w = power[k]
        Ak = A[:, k]
        triad_sum = (Ak * w) @ Ak.T                      # sum over k of w_k A_ik A_jk
        # drop the k = i and k = j terms: they are A_ii A_ij = A_ij, weighted by w
        in_k = np.zeros(world.n)
        in_k[k] = w
        own = (in_k[:, None] + in_k[None, :]) * A
        norm = w.sum() - in_k[:, None] - in_k[None, :]
        T = (triad_sum - own) / np.maximum(norm, 1e-12)
        drift_triad = np.ones_like(A)
        drift_memory = np.ones_like(A)
        if p.anchor_treaties:
            for t in world.treaties.values():
                if t["in_force"]:
                    drift_triad[np.ix_(t["parties"], t["parties"])] = 0.0
        if p.anchor_wars:
            drift_triad[war] = drift_memory[war] = 0.0
        new = (A + p.eta_coop * np.tanh(coop / p.scale) * (1.0 - A) - p.eta_host * np.tanh(host / p.scale) * (1.0 + A)
               + p.eta_triad * drift_triad * (T - A) + p.eta_memory * drift_memory * (world.baseline - A))
        new = np.clip((new + new.T) / 2, -1.0, 1.0)
        np.fill_diagonal(new, 1.0)
        world.affinity[:] = new
