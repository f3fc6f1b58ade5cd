"""The dashboard page: wires a per-page `Session` to the views. Serve it with
``blocsim dashboard`` (or ``solara run viz/app.py`` with the environment from viz.server)."""

from __future__ import annotations

import logging
import os
import threading
import time

import solara
import solara.server.settings

from sim.scenario import shipped_scenarios
from sim.scenario.yamlio import excerpt
from viz.components.camps import CampsView
from viz.components.controls import Controls
from viz.components.eventlog import EventLogView
from viz.components.exports import ExportsView
from viz.components.guard import Guard
from viz.components.header import Header
from viz.components.heatmap import HeatmapView
from viz.components.injects import InjectsView
from viz.components.inspector import Inspector
from viz.components.messages import Messages
from viz.components.network import NetworkView
from viz.components.rules import RulesCompareView
from viz.components.scorecard import ScorecardView
from viz.components.timeseries import CompareView, TimeSeriesView
from viz.components.toolbar import RunToolbar, is_notice
from viz.components.votes import VotesView
from viz.components.worksheet import WorksheetView, find_worksheet
from viz.server import SCENARIO_ENV
from viz.session import Session, parse_overrides

MAX_CATCH_UP = 5  # most steps run between two redraws while playing

# Solara's "This website runs on Solara" badge sits over the bottom-right chart; the page credits
# its tools in the README instead.
solara.server.settings.theme.show_banner = False

CSS = """
html { overflow-y: scroll; }  /* a scrollbar that comes and goes would re-lay out every chart */
.blocsim-sticky { position: sticky; top: 0; z-index: 20; }
.blocsim-header { background: #fff; border-bottom: 1px solid #ddd; padding: 6px 12px; margin-bottom: 12px; }
.blocsim-header-line { display: flex; flex-wrap: wrap; gap: 18px; align-items: baseline; font-size: 15px; }
.blocsim-brand { font-weight: 700; font-size: 20px; color: #1f3b70; }
.blocsim-scn { font-weight: 600; }
.blocsim-active-rule { background: #eef3fb; border: 1px solid #c9d6ee; border-radius: 12px; padding: 1px 10px; }
.blocsim-active-rule code { font-size: 12px; background: none; color: #555; }
.blocsim-overrides { background: #fff4e0; border: 1px solid #f0c987; border-radius: 12px; padding: 1px 10px;
  cursor: help; }
.blocsim-citation { font-size: 11px; color: #777; display: block; }
.blocsim-table { border-collapse: collapse; width: 100%; font-size: 13px; }
.blocsim-table th { text-align: left; border-bottom: 1px solid #ccc; padding: 2px 6px; position: sticky; top: 0;
  background: #fafafa; }
.blocsim-table td { border-bottom: 1px solid #eee; padding: 2px 6px; vertical-align: top; }
.blocsim-log tr[data-inject] td { background: #fff4e0; }
.blocsim-panel { padding: 8px !important; margin-bottom: 12px; }
.blocsim-votes tr.blocsim-vote-pending td { color: #888; }
.blocsim-votes td:first-child { white-space: nowrap; }
.blocsim-vote-differs { color: #b71c1c; font-weight: 600; cursor: help; }
.blocsim-worksheet { max-height: 420px; overflow-y: auto; font-size: 14px; padding-right: 8px; }
.blocsim-worksheet table { border-collapse: collapse; margin: 6px 0; }
.blocsim-worksheet th, .blocsim-worksheet td { border: 1px solid #ddd; padding: 2px 6px; text-align: left; }
.blocsim-worksheet pre { background: #f6f6f6; padding: 6px; overflow-x: auto; }
.blocsim-panel-title { font-weight: 600; font-size: 15px; margin-bottom: 4px; display: block; }
.blocsim-panel-log { scroll-margin-top: 130px; }  /* clear of the sticky header when scrolled to */
.blocsim-feed-why { color: #555; font-size: 12px; }
"""


log = logging.getLogger("blocsim.dashboard")


def _scenario_names() -> list[str]:
    try:
        return [s.name for s in shipped_scenarios()]
    except Exception:  # noqa: BLE001 - a broken scenario folder must not blank the page
        return []


@solara.component
def Page():
    """The page Solara serves: the dashboard inside an error boundary, so it never goes blank."""
    solara.Title("blocsim dashboard")
    solara.Style(CSS)
    with Guard("dashboard"):
        Dashboard()


@solara.component
def Dashboard():
    """One browser page: its own session, so two pages never share a run."""
    session = solara.use_memo(lambda: Session(os.environ.get(SCENARIO_ENV) or None), [])
    frame, set_frame = solara.use_state(session.frame())
    errors, set_errors = solara.use_state(list(session.startup_errors))
    playing, set_playing = solara.use_state(False)
    speed, set_speed = solara.use_state(5)
    burst, set_burst = solara.use_state(0)   # >0: that many steps requested in the background
    busy, set_busy = solara.use_state(False)
    selected, set_selected = solara.use_state(None)
    preview, set_preview = solara.use_state(None)   # the country under the mouse, while none is clicked
    focus, set_focus = solara.use_state(None)       # (actor, step): the change of camp whose cause the log shows
    scenarios = solara.use_memo(_scenario_names, [])

    def refresh(errs: list[str] | None = None):
        set_frame(session.frame())
        if errs is not None:
            set_errors(errs)

    def on_step(n: int):
        if n == 1:
            refresh(session.step(1))
        else:
            set_burst(n)

    def burst_worker(cancel: threading.Event):
        if burst <= 0:
            return
        set_busy(True)
        try:
            errs: list[str] = []
            for _ in range(burst):
                if cancel.is_set():
                    break
                errs = session.step(1)
                refresh()
                if errs:
                    break
            refresh(errs)
        finally:
            set_busy(False)
            set_burst(0)

    solara.use_thread(burst_worker, dependencies=[burst], intrusive_cancel=False)

    def play_worker(cancel: threading.Event):
        if not playing:
            return
        # Keep to the chosen rate by the clock: when drawing a frame takes longer than the
        # interval, the steps that fell due meanwhile run before the next redraw.
        rate = max(int(speed), 1)
        start, done = time.perf_counter(), 0
        while not cancel.is_set():
            t0 = time.perf_counter()
            due = min(max(int((t0 - start) * rate) - done, 1), MAX_CATCH_UP)
            errs = session.step(due)
            done += due
            f = session.frame()
            set_frame(f)
            if errs or f is None or f.at_end:
                set_errors(errs or [f"reached the last step ({f.steps if f else '?'}); playing stopped"])
                set_playing(False)
                return
            # always leave the page's own events (Pause, filters) room between redraws
            now = time.perf_counter()
            cancel.wait(max(start + done / rate - now, now - t0, 0.08))

    solara.use_thread(play_worker, dependencies=[playing, speed], intrusive_cancel=False)

    def on_scenario(name: str):
        set_playing(False)
        if name not in _scenario_names() and name != os.environ.get(SCENARIO_ENV):  # only what the list offers
            log.warning("refused a request for scenario %.80r (not in the list)", name)
            refresh([f"scenario {excerpt(name)}: not one of the listed scenarios (pick one from the list)"])
            return
        set_focus(None)
        refresh(session.load_shipped(name))

    def on_upload(data: dict):
        set_playing(False)
        errs = session.load_upload(str(data.get("name") or "upload.yaml"), data.get("text"), int(data.get("size") or 0))
        if errs:
            errs = ["The upload was not loaded; the current run is unchanged."] + errs
        refresh(errs)

    def on_apply(seed: str, steps: str, rule: str | None, overrides_text: str):
        set_playing(False)
        overrides, errs = parse_overrides(overrides_text)
        if not errs:
            errs = session.configure(seed=seed, steps=steps, rule=rule, overrides=overrides)
        refresh(errs)

    def on_reset():
        set_playing(False)
        set_focus(None)
        refresh(session.reset())

    def on_back():
        """One month back, replayed exactly: the facilitator tries another branch from there."""
        set_playing(False)
        current = session.frame()
        refresh(session.rewind(current.step - 1) if current else [])

    def on_pin():
        session.pin()
        refresh()

    def on_unpin():
        session.unpin()
        refresh()

    if frame is None:
        Messages(errors or ["no scenario could be loaded"], name="errors")
        return
    notices = [e for e in errors if is_notice(e)]
    with Guard("header", classes=["blocsim-sticky", "blocsim-header"]):
        Header(frame, busy or playing)
        RunToolbar(frame.at_end, playing, speed, notices, on_step, set_playing, set_speed, on_reset,
                   on_back=on_back, at_start=frame.step == 0)
    with solara.Columns([3, 9], gutters_dense=True):
        with solara.Column(gap="0px"):
            with Guard("controls"):
                Controls(frame.steps, frame.rule, session.settings, scenarios,
                         [e for e in errors if not is_notice(e)], on_scenario, on_upload, on_apply,
                         dials=session.key_parameters(), title=frame.scenario)
            with solara.Card(title="Injects", classes=["blocsim-panel", "blocsim-panel-injects"]):
                with Guard("injects"):
                    InjectsView(frame.ids, frame.scheduled, session.inject_event,
                                session.inject_action, names=frame.names).key(f"injects-{frame.source}")
            with solara.Card(title="Export", classes=["blocsim-panel", "blocsim-panel-export"]):
                with Guard("export"):
                    ExportsView(frame, session)
        with solara.Column(gap="0px"):
            worksheet = find_worksheet(session.settings.scenario_name)
            if worksheet is not None:
                with Guard("worksheet"):
                    WorksheetView(worksheet)
            with solara.Columns([8, 4], gutters_dense=True):
                with solara.Card(classes=["blocsim-panel"]):
                    with Guard("network"):
                        NetworkView(frame, selected, set_selected, set_preview)
                shown = selected or preview
                with Guard("inspector"):
                    Inspector(frame if shown else None, frame.ids, shown, set_selected,
                              preview=shown is not None and selected is None, names=frame.names)
            with solara.Card(classes=["blocsim-panel", "blocsim-panel-camps"]):
                with Guard("changes of camp"):
                    CampsView(frame, set_focus)
            with solara.Columns([5, 7], gutters_dense=True):
                with solara.Card(classes=["blocsim-panel"]):
                    with Guard("heatmap"):
                        HeatmapView(frame)
                with solara.Card(classes=["blocsim-panel", "blocsim-panel-compare"]):
                    with Guard("comparison"):
                        CompareView(frame, on_pin, on_unpin)
            with solara.Card(classes=["blocsim-panel"]):
                with Guard("time series"):
                    TimeSeriesView(frame)
            with solara.Card(title="Event log", classes=["blocsim-panel", "blocsim-panel-log"]):
                with Guard("event log"):
                    EventLogView(frame, focus, set_focus)
            with solara.Card(title="UN votes", classes=["blocsim-panel", "blocsim-panel-votes"]):
                with Guard("UN votes"):
                    VotesView(frame)
            with solara.Card(title="Alignment rules side by side", classes=["blocsim-panel", "blocsim-panel-rules"]):
                with Guard("rule comparison"):
                    RulesCompareView(session, frame).key(f"rules-{frame.source}-{frame.seed}-{frame.steps}")
            with solara.Card(classes=["blocsim-panel", "blocsim-panel-scorecard"]):
                with solara.Details(summary="Hindcast scorecard: this scenario against the historical record",
                                    expand=False):
                    with Guard("scorecard"):
                        st = session.settings
                        ScorecardView(st.scenario_name if st.upload_name is None else None,
                                      dict(st.overrides)).key(f"score-{frame.source}-{sorted(st.overrides.items())}")
