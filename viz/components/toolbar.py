"""The run toolbar: back, step, ten steps, play/pause at a chosen speed, reset. It sits in
the sticky header, so it stays at hand wherever the page is scrolled."""

from __future__ import annotations

from collections.abc import Callable

import solara

from viz.components.messages import Messages

SPEEDS = [1, 2, 5, 10, 20]


def is_notice(line: str) -> bool:
    """Messages about the run's progress (shown by the toolbar, not with input errors)."""
    return "last step" in line


@solara.component
def RunToolbar(at_end: bool, playing: bool, speed: int, notices: list[str],
               on_step: Callable[[int], None], on_play: Callable[[bool], None],
               on_speed: Callable[[int], None], on_reset: Callable[[], None],
               on_back: Callable[[], None] | None = None, at_start: bool = False):
    """Buttons that drive the run, and any notice about its end."""
    with solara.Row(gap="6px", style={"flex-wrap": "wrap", "align-items": "center"}, classes=["blocsim-toolbar"]):
        if on_back is not None:
            solara.Button("Back", icon_name="mdi-step-backward", on_click=on_back, disabled=playing or at_start,
                          outlined=True, small=True, classes=["blocsim-back"])
        solara.Button("Step", icon_name="mdi-step-forward", on_click=lambda: on_step(1), color="primary",
                      disabled=playing, small=True, classes=["blocsim-step"])
        solara.Button("+10", on_click=lambda: on_step(10), disabled=playing, outlined=True, small=True,
                      classes=["blocsim-step10"])
        solara.Button("Pause" if playing else "Play", icon_name="mdi-pause" if playing else "mdi-play",
                      on_click=lambda: on_play(not playing), color="secondary" if playing else "primary",
                      outlined=not playing, disabled=at_end and not playing, small=True, classes=["blocsim-play"])
        solara.ToggleButtonsSingle(value=speed, values=SPEEDS, on_value=on_speed, dense=True,
                                   classes=["blocsim-speed"])
        solara.Text("steps/s", style={"font-size": "12px", "color": "#666"})
        solara.Button("Reset", icon_name="mdi-restore", on_click=on_reset, text=True, small=True,
                      classes=["blocsim-reset"])
        Messages(notices, kind="warning", name="notice")
