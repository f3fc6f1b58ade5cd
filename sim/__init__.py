"""blocsim: an agent-based simulation of geopolitical bloc formation."""
__version__ = "0.1.0"
