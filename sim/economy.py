"""The economy's phases: production under sanctions, sanction damage and recovery, the sender's cost."""

from __future__ import annotations

import numpy as np

from sim.world import World


def produce(world: World) -> None:
    """Each actor adds its monthly production to its stocks, less what sanction pressure costs it."""
    w = world
    made = w.production * (1.0 - 0.5 * w.sanction_pressure)[:, None]
    w.stocks += made
    w.created += made


def respond(world: World) -> None:
    """Sanction pressure damages the target's economy (up to a cap); it recovers once pressure is low.
    Senders lose trade in proportion to the intensity and the target's economy."""
    w = world
    pressure = w.sanction_pressure
    w.damage = np.clip(w.damage + 0.01 * pressure - 0.02 * w.damage * (pressure < 0.05), 0.0, 0.6)
    w.spent += (w.sanctions * w.economy[None, :]).sum(axis=1) * 1e-5  # lost trade for the sender
