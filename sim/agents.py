"""Actors as Mesa agents. An agent holds its doctrine and decides; the world holds its state."""

from __future__ import annotations

import mesa

from sim.doctrines import Context, Doctrine


class Country(mesa.Agent):
    """A state, or a coalition of states, that decides by its doctrine each month."""

    def __init__(self, model: mesa.Model, actor_id: str, index: int, doctrine: Doctrine, kind: str = "state"):
        super().__init__(model)
        self.actor_id = actor_id
        self.index = index
        self.doctrine = doctrine
        self.kind = kind

    def decide(self, ctx: Context) -> None:
        orders = self.model.orders.get(self.actor_id)   # a team plays this country: its orders decide
        if orders is not None:
            self.model.pending.extend(orders)
            return
        planned = self.doctrine.decide(self.index, ctx)
        self.model.pending.extend(planned + self.doctrine.answer_requests(self.index, ctx, planned))
