"""An error boundary: a view that fails shows a message instead of blanking the page."""

from __future__ import annotations

import traceback

import solara


@solara.component
def Guard(name: str, children=[], classes: list[str] = []):
    """Render ``children``; if one of them raises, show what failed and a retry button."""
    exc, clear = solara.use_exception()
    if exc is not None:
        traceback.print_exception(exc)
        with solara.Error(label=f"The {name} view failed: {type(exc).__name__}: {exc}", dense=True,
                          classes=["blocsim-view-error"]):
            solara.Button("Retry", on_click=clear, small=True, text=True)
        return
    solara.Column(children=children, gap="0px", classes=classes)
