"""The shared game engine: turns, team orders, adjudication and branches, kept in SQLite.

Headless: nothing here imports viz or sim.commands. See docs/GAME.md.
"""

from sim.game.engine import ROLES, Game, Principal, Refused

__all__ = ["Game", "Principal", "Refused", "ROLES"]
