"""Messages in the page: validation errors one per line, and confirmations."""

from __future__ import annotations

import solara


@solara.component
def Messages(lines: list[str], kind: str = "error", name: str = "messages"):
    """An alert listing ``lines`` (nothing when empty); ``name`` tags it for tests and styling."""
    if not lines:
        return
    alert = {"error": solara.Error, "ok": solara.Success, "info": solara.Info, "warning": solara.Warning}[kind]
    with alert(label="", dense=True, classes=[f"blocsim-{name}", f"blocsim-{kind}"], icon=True):
        for line in lines:
            solara.Text(line, style={"display": "block", "white-space": "pre-wrap", "font-family":
                                     "monospace" if ":" in line and kind == "error" else "inherit",
                                     "font-size": "13px"})
