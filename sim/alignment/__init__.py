"""Alignment rules, found by name through `RULES`. Importing this package registers them."""

from sim.alignment.base import RULES, AlignmentRule, Signals, make_rule, register_rule
from sim.alignment import interest  # noqa: F401  (registers "interest")

__all__ = ["RULES", "AlignmentRule", "Signals", "make_rule", "register_rule"]

# Further rules register themselves on import; they are optional until their modules exist.
for _module in ("balance", "landscape"):
    try:
        __import__(f"sim.alignment.{_module}")
    except ImportError as _exc:  # only a missing module is tolerated, not a broken one
        if _exc.name != f"sim.alignment.{_module}":
            raise
