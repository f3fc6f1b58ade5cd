"""blocsim's Solara dashboard. It reads only the public API of ``sim``."""
