"""Changes of camp: which camp each actor is in, month by month, and when it changes.

A camp is named after the bloc's leaders: "the bloc of the United States" is the bloc that
holds a leader of the scenario's ``west`` pole, "the bloc of Russia and China" one that holds
an ``east`` leader; any other bloc of two or more is "another bloc", and an actor alone is
"non-aligned". Bloc numbers change from month to month; camp names do not, so a change of
camp is a real move. The review, the dashboard's timeline and its feed all read them here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

NONALIGNED = "non-aligned"
OTHER = "another bloc"
DRIVER_MONTHS = 3   # the actions of this many months, up to the change, are shown as its drivers
MAX_DRIVERS = 4


@dataclass(frozen=True)
class CampChange:
    """One actor leaving one camp for another at one step, with the actions around it."""

    step: int
    month: str
    actor: str
    name: str
    from_camp: str
    to_camp: str
    lean_before: float
    lean_after: float
    drivers: list[dict] = field(default_factory=list)   # event rows (step, kind, sentence...) involving the actor

    def sentence(self) -> str:
        """'2023-04: Turkey moved from the bloc of the United States to non-aligned.'"""
        return f"{self.month}: {self.name} moved from {self.from_camp} to {self.to_camp}."


def camp_labels(poles: dict[str, list[str]], names: dict[str, str]) -> dict[str, str]:
    """Pole side -> the camp's name ('west' -> 'the bloc of the United States')."""
    from sim.actions import prose_name

    return {side: "the bloc of " + " and ".join(prose_name(names.get(a, a)) for a in leaders)
            for side, leaders in poles.items()}


def camp_order(poles: dict[str, list[str]], names: dict[str, str]) -> list[str]:
    """Every camp name, in a fixed order: the poles' blocs, another bloc, non-aligned."""
    labels = camp_labels(poles, names)
    return [labels[s] for s in ("west", "east") if s in labels] + \
        [v for s, v in labels.items() if s not in ("west", "east")] + [OTHER, NONALIGNED]


def per_actor(agents: pd.DataFrame, variable: str) -> pd.DataFrame:
    """One per-actor variable as a table: a row per step, a column per actor."""
    return agents.drop_duplicates(["step", "actor"], keep="last").pivot(index="step", columns="actor",
                                                                         values=variable)


def camp_codes(agents: pd.DataFrame | None, poles: dict[str, list[str]], names: dict[str, str],
               blocs: pd.DataFrame | None = None) -> tuple[np.ndarray, list[str], np.ndarray, list[str]]:
    """Steps, actor ids, and a (steps, actors) matrix of indices into ``camp_order``: each actor's
    camp month by month, computed on whole arrays (``blocs``: the bloc table, if already made)."""
    order = camp_order(poles, names)
    blocs = per_actor(agents, "bloc") if blocs is None else blocs
    actors = list(blocs.columns)
    B = np.nan_to_num(blocs.to_numpy(dtype=float), nan=-1).astype(int)
    T = B.shape[0]
    valid = B >= 0
    counts = np.zeros((T, max(int(B.max()), 0) + 1), dtype=int)
    rows = np.broadcast_to(np.arange(T)[:, None], B.shape)
    np.add.at(counts, (rows[valid], B[valid]), 1)
    in_bloc = valid & (counts[rows, np.maximum(B, 0)] >= 2)
    codes = np.where(in_bloc, order.index(OTHER), order.index(NONALIGNED))
    labels = camp_labels(poles, names)
    decided = ~in_bloc
    for side in ("west", "east"):   # the west's leaders first, so a bloc holding both poles is the west's
        if side not in labels:
            continue
        for leader in poles.get(side, ()):
            if leader in actors:
                with_leader = in_bloc & (B == B[:, [actors.index(leader)]]) & ~decided
                codes[with_leader] = order.index(labels[side])
                decided |= with_leader
    return blocs.index.to_numpy(), actors, codes, order


def camp_table(agents: pd.DataFrame, poles: dict[str, list[str]], names: dict[str, str]) -> pd.DataFrame:
    """Per month and actor, the actor's camp: a table with a row per step and a column per actor."""
    if agents.empty:
        return pd.DataFrame()
    steps, actors, codes, order = camp_codes(agents, poles, names)
    return pd.DataFrame(np.array(order, dtype=object)[codes], index=steps, columns=actors)


def camp_changes(agents: pd.DataFrame | None, poles: dict[str, list[str]], names: dict[str, str],
                 month_of: Callable[[int], str], events: Iterable[dict] = (),
                 blocs: pd.DataFrame | None = None, lean: pd.DataFrame | None = None) -> list[CampChange]:
    """Every change of camp in the run, oldest first, each with the actions that involved the
    actor (as actor or target) in the ``DRIVER_MONTHS`` months up to it, newest first.
    ``blocs`` and ``lean``: the per-actor tables, when the caller has them already."""
    if blocs is None and (agents is None or agents.empty):
        return []
    steps, actors, codes, order = camp_codes(agents, poles, names, blocs)
    if len(steps) < 2:
        return []
    lean = per_actor(agents, "lean") if lean is None else lean
    rows = list(events)
    C = np.array(order, dtype=object)[codes]
    changed = np.argwhere(codes[1:] != codes[:-1])
    out = []
    for r, c in sorted(changed.tolist(), key=lambda rc: (rc[0], rc[1])):
        step, actor = int(steps[r + 1]), actors[c]
        drivers = [e for e in reversed(rows)
                   if step - DRIVER_MONTHS < e["step"] <= step and actor in (e["actor"], e["target"])]
        out.append(CampChange(step=step, month=month_of(step), actor=actor, name=names.get(actor, actor),
                              from_camp=C[r, c], to_camp=C[r + 1, c],
                              lean_before=float(lean.at[steps[r], actor]), lean_after=float(lean.at[step, actor]),
                              drivers=drivers[:MAX_DRIVERS]))
    return out


def driver_text(change: CampChange) -> str:
    """What drove a change, in words: the actions involving the actor, or its drift in lean."""
    if change.drivers:
        return " ".join(d["sentence"] for d in change.drivers)
    return (f"No action by or on {change.name} in the {DRIVER_MONTHS} months before: its ties drifted "
            f"(lean {change.lean_before:+.2f} to {change.lean_after:+.2f}) until its bloc no longer held it.")
