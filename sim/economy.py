"""The economy's phases: production under sanctions, sanction damage and recovery, the sender's cost.

Their figures are the scenario's `economy:` section (`sim.scenario.schema.Economy`)."""

from __future__ import annotations

import numpy as np

from sim.world import World


def produce(world: World) -> None:
    """Each actor adds its monthly production to its stocks, less what sanction pressure costs it."""
    w = world
    made = w.production * (1.0 - w.econ.production_loss * w.sanction_pressure)[:, None]
    w.stocks += made
    w.created += made


def respond(world: World) -> None:
    """Sanction pressure damages the target's economy (up to a cap); it recovers once pressure is low.
    Senders lose trade in proportion to the intensity and the target's economy."""
    w, e = world, world.econ
    pressure = w.sanction_pressure
    w.damage = np.clip(w.damage + e.damage_rate * pressure - e.recovery_rate * w.damage * (pressure < e.recovery_below),
                       0.0, e.damage_cap)
    w.spent += (w.sanctions * w.economy[None, :]).sum(axis=1) * e.sender_cost  # lost trade for the sender
