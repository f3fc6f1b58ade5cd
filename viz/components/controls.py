"""Controls: scenario (shipped or uploaded), seed, steps, alignment rule and overrides.
(Step, play/pause and reset are in the header's toolbar.)"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import solara

from viz.components.messages import Messages
from viz.components.upload import Upload
from viz.session import Settings, alignment_rules, format_value, parse_overrides, set_override_line


def scenario_options(shipped: list[str], current: str | None, title: str = "") -> dict[str, str]:
    """The scenario picker's labels -> what loading them takes: the shipped scenarios by name, and
    a scenario opened from a file by its own name and file name, never its absolute path."""
    options = {name: name for name in shipped}
    if current and current not in shipped:
        path = Path(current)
        if path.suffix in (".yaml", ".yml") and path.stem in shipped and path.parent.name == "scenarios":
            options[path.stem] = current   # a shipped scenario given by its path
            options = {k: v for k, v in options.items() if not (k == path.stem and v != current)}
        else:
            options[title if title and title not in options else path.name] = current
    return options


@solara.component
def Controls(
    steps_now: int,
    rule_now: str,
    settings: Settings,
    scenarios: list[str],
    errors: list[str],
    on_scenario: Callable[[str], None],
    on_upload: Callable[[dict], None],
    on_apply: Callable[[str, str, str, str], None],
    dials: list[dict] | None = None,
    title: str = "",
):
    """The left-hand control panel (it takes no frame, so a step does not re-render it)."""
    rules = alignment_rules()
    seed, set_seed = solara.use_state(str(settings.seed))
    steps, set_steps = solara.use_state(str(settings.steps or steps_now))
    rule, set_rule = solara.use_state(settings.rule or rule_now)
    overrides, set_overrides = solara.use_state(
        "\n".join(f"{k} = {v}" for k, v in settings.overrides.items()))

    def sync_fields():
        """When the run's settings change (new scenario, applied settings), show them."""
        set_seed(str(settings.seed))
        set_steps(str(settings.steps or steps_now))
        set_rule(settings.rule or rule_now)
        set_overrides("\n".join(f"{k} = {v}" for k, v in settings.overrides.items()))

    solara.use_effect(sync_fields, [settings.scenario_name, settings.upload_name, settings.seed, settings.steps,
                                    settings.rule, tuple(settings.overrides.items()), steps_now, rule_now])

    with solara.Card(title="Run", classes=["blocsim-controls"], style={"padding": "4px"}):
        current = settings.scenario_name if settings.upload_text is None else None
        options = scenario_options(scenarios, current, title)
        shown = next((label for label, v in options.items() if v == current), None)
        solara.Select("Scenario", value=shown, values=list(options),
                      on_value=lambda label: label and options.get(label) != current and on_scenario(options[label]),
                      classes=["blocsim-scenario"])
        if current and current not in scenarios:
            solara.Text(f"from the file {Path(current).name}", style={"font-size": "12px", "color": "#666"},
                        classes=["blocsim-scenario-file"])
        Upload(event_upload=on_upload)
        if settings.upload_name:
            solara.Text(f"Uploaded: {settings.upload_name}", style={"font-size": "12px", "color": "#444"})
        Messages(errors, name="errors")
        solara.Text("Settings (apply restarts the run)", style={"font-weight": "500", "display": "block",
                                                                  "margin-top": "12px"})
        with solara.Row(gap="6px"):
            solara.InputText("Seed", value=seed, on_value=set_seed, classes=["blocsim-seed"])
            solara.InputText("Steps (months)", value=steps, on_value=set_steps, classes=["blocsim-steps"])
        solara.Select("Alignment rule", value=rule if rule in rules else None, values=sorted(rules),
                      on_value=set_rule, classes=["blocsim-rule"])
        if rule in rules:
            solara.Text(rules[rule][0], style={"font-size": "12px", "color": "#444"})
        if dials:
            KeyParameters(dials, overrides, set_overrides)
        solara.InputTextArea("Parameter overrides (path = value per line)", value=overrides,
                             on_value=set_overrides, rows=3, continuous_update=True)
        solara.Button("Apply settings", icon_name="mdi-check", on_click=lambda: on_apply(seed, steps, rule, overrides),
                      color="primary", outlined=True, classes=["blocsim-apply"])


def snap_to_grid(value: float, low: float, high: float, step: float) -> float:
    """The slider position for ``value``: the nearest of low + k * step, rounded as the
    browser's slider rounds (to the step's decimals), so showing it sends no change back."""
    text = f"{step:.10f}".rstrip("0")
    decimals = len(text.split(".")[1]) if "." in text else 0
    k = round((value - low) / step)
    return round(min(max(low + k * step, low), high), decimals)


@solara.component
def KeyParameters(dials: list[dict], overrides: str, set_overrides: Callable[[str], None]):
    """The scenario's dials. Moving one writes its line into the overrides; Apply runs it."""
    pending, _ = parse_overrides(overrides)
    solara.Text("Key parameters (move, then apply)", style={"font-weight": "500", "display": "block",
                                                           "margin-top": "10px"})
    def write(path: str, v) -> None:
        set_overrides(set_override_line(overrides, path, v))

    for d in dials:
        value = pending.get(d["path"], d["value"])
        css = ["blocsim-dial", f"blocsim-dial-{d['path'].replace('.', '-')}"]
        with solara.Div(classes=css, attributes={"data-dial": d["path"]}):
            if isinstance(d["value"], bool):
                solara.Checkbox(label=d["label"], value=bool(value), on_value=lambda v, p=d["path"]: write(p, v))
                continue
            try:
                value = float(value)
            except (TypeError, ValueError):  # a typed override that is not a number
                value = float(d["value"])
            solara.Text(f"{d['label']}: {format_value(value)}", style={"font-size": "13px", "display": "block"})
            shown = snap_to_grid(value, d["min"], d["max"], d["step"])

            def moved(v, p=d["path"], shown=shown):
                if abs(float(v) - shown) > 1e-9:  # not just the slider settling on its grid
                    write(p, v)

            solara.SliderFloat("", value=shown, min=d["min"], max=d["max"], step=d["step"],
                               on_value=moved, thumb_label=True)
