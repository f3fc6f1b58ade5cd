"""The injects panel: fire a scheduled event now, or compose an action; both apply at the
next step and are logged as injects."""

from __future__ import annotations

from collections.abc import Callable

import solara

from viz import theme
from viz.components.messages import Messages


def action_kinds() -> dict[str, tuple[tuple[str, ...], str]]:
    """Registered action kinds: name -> (items, one-line summary)."""
    from sim.actions import ACTION_KINDS

    return {name: (tuple(cls.items), getattr(cls, "summary", "")) for name, cls in sorted(ACTION_KINDS.items())}


def event_label(e: dict) -> str:
    """How a scheduled event is listed: id, description and when it is due."""
    when = f"step {e['when']}" if e.get("when") is not None else "unscheduled"
    off = "" if e.get("enabled", True) else ", disabled"
    return f"{e['id']}: {e['description']} ({when}{off})"


@solara.component
def InjectsView(ids: list[str], scheduled: list[dict], on_event: Callable[[str], list[str]],
                on_action: Callable[[str, str, str, str | None, str], list[str]], names: list[str] | None = None):
    """Scheduled events and a composer; shows what was queued or what is wrong.

    It takes no frame, so stepping the run does not re-render it."""
    kinds = action_kinds()
    choices = theme.actor_choices(ids, names)
    label_of = {a: label for label, a in choices.items()}
    labels = {event_label(e): e["id"] for e in scheduled}
    chosen_event, set_chosen_event = solara.use_state(None)
    kind, set_kind = solara.use_state("arms_transfer" if "arms_transfer" in kinds else next(iter(kinds), None))
    actor, set_actor = solara.use_state(None)
    target, set_target = solara.use_state(None)
    item, set_item = solara.use_state(None)
    amount, set_amount = solara.use_state("1000")
    message, set_message = solara.use_state(None)
    items = kinds.get(kind, ((), ""))[0] if kind else ()
    if item not in items:
        item = items[0] if items else None

    def fire_event():
        if chosen_event not in labels:
            set_message(("error", ["choose a scheduled event first"]))
            return
        errors = on_event(labels[chosen_event])
        set_message(("error", errors) if errors else
                    ("ok", [f"Queued event {labels[chosen_event]}: it applies at the next step "
                            "and is logged as an inject."]))

    def fire_action():
        errors = on_action(kind, actor, target, item, amount)
        set_message(("error", errors) if errors else
                    ("ok", [f"Queued {kind} {actor} → {target}: it applies at the next step "
                            "and is logged as an inject."]))

    solara.Text("Scheduled events", style={"font-weight": "500"})
    if labels:
        solara.Select("Event", value=chosen_event, values=list(labels), on_value=set_chosen_event,
                      classes=["blocsim-inject-event"])
        solara.Button("Apply at next step", icon_name="mdi-flash", on_click=fire_event, color="primary",
                      outlined=True, small=True, classes=["blocsim-inject-event-go"])
    else:
        solara.Text("This scenario has no scheduled events.", style={"color": "#666"})
    solara.Text("Compose an action", style={"font-weight": "500", "display": "block", "margin-top": "12px"})
    with solara.Row(style={"flex-wrap": "wrap", "gap": "6px"}):
        with solara.Div(style={"flex": "1", "min-width": "140px"}):
            solara.Select("Actor", value=label_of.get(actor), values=list(choices),
                          on_value=lambda x: set_actor(choices.get(x)), classes=["blocsim-inject-actor"])
        with solara.Div(style={"flex": "1", "min-width": "170px"}):
            solara.Select("Action", value=kind, values=list(kinds), on_value=set_kind, classes=["blocsim-inject-kind"])
        with solara.Div(style={"flex": "1", "min-width": "140px"}):
            solara.Select("Target", value=label_of.get(target), values=list(choices),
                          on_value=lambda x: set_target(choices.get(x)), classes=["blocsim-inject-target"])
    with solara.Row(style={"flex-wrap": "wrap", "gap": "6px"}):
        if items:
            with solara.Div(style={"flex": "1", "min-width": "140px"}):
                solara.Select("Item", value=item, values=list(items), on_value=set_item)
        with solara.Div(style={"flex": "1", "min-width": "120px"}):
            solara.InputText("Amount", value=amount, on_value=set_amount, classes=["blocsim-inject-amount"])
    if kind:
        solara.Text(kinds[kind][1], style={"font-size": "12px", "color": "#666", "display": "block"})
    solara.Button("Inject at next step", icon_name="mdi-send", on_click=fire_action, color="primary", small=True,
                  classes=["blocsim-inject-go"])
    if message:
        Messages(message[1], kind=message[0], name="inject-message")
