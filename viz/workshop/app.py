"""The workshop pages: join with a code, then the facilitator's, a team's or the observer's page.

Every page reads the server's one game (viz.workshop.state) and calls the same `Game` methods as the
JSON API. A page re-renders when the game commits a change (it subscribes to the game's listeners).
The code is typed into the page, never put in its URL; the principal it stands for is this page's own
state. Served by `blocsim workshop` (viz/workshop/server.py).
"""

from __future__ import annotations

import json
import threading
from html import escape

import solara
import solara.lab
import solara.server.settings

from sim.errors import UserError
from sim.game import Refused
from sim.game.orders import ORDER_KINDS
from sim.scenario.schema import ITEMS
from viz.app import CSS as DASHBOARD_CSS
from viz.components.eventlog import EventLogView, events_html
from viz.components.guard import Guard
from viz.components.heatmap import HeatmapView
from viz.components.inspector import Inspector
from viz.components.network import NetworkView
from viz.components.timeseries import TimeSeriesView
from viz.components.votes import VotesView
from viz.session import Frame
from viz.workshop import state

solara.server.settings.theme.show_banner = False
WATCH_S = 0.5   # a page re-checks the game's revision at least this often

CSS = """
.ws-head { background:#1f3b70; color:#fff; padding:6px 12px; font-size:16px; display:flex; gap:18px; flex-wrap:wrap; }
.ws-head b { font-size:19px; }
.ws-panel { border:1px solid #ddd; border-radius:6px; padding:8px; margin:6px 0; }
.ws-table { border-collapse:collapse; width:100%; font-size:13px; }
.ws-table th { text-align:left; border-bottom:1px solid #ccc; padding:2px 6px; background:#fafafa; }
.ws-table td { border-bottom:1px solid #eee; padding:2px 6px; vertical-align:top; }
.ws-refused { color:#a00; font-weight:600; }
.ws-ok { color:#070; }
.ws-big { font-size:22px; }
.ws-role-observer .ws-head { font-size:24px; padding:10px 18px; }
.ws-role-observer .ws-head b { font-size:28px; }
.ws-role-observer .blocsim-log { font-size:15px; }
.ws-role-observer .blocsim-votes { font-size:15px; }
.ws-fog { color:#555; font-size:13px; margin:2px 0 6px 0; padding:0 10px; }
"""


def _rows(header: list[str], rows: list[list]) -> str:
    head = "".join(f"<th>{escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table class='ws-table'><tr>{head}</tr>{body}</table>"


def branch_tree(branches: list[dict]) -> list[dict]:
    """The branches in tree order (each after its parent, siblings by id), each with `label`: its id,
    indented under its parent ("1", "└ 2", "  └ 4")."""
    children: dict = {}
    for b in branches:
        children.setdefault(b["parent"], []).append(b)
    ids = {b["id"] for b in branches}
    ordered: list[dict] = []

    def visit(b: dict, depth: int) -> None:
        indent = "\u00a0\u00a0" * (depth - 1) + "└\u00a0" if depth else ""
        ordered.append({**b, "label": f"{indent}{b['id']}"})
        for child in sorted(children.get(b["id"], []), key=lambda c: c["id"]):
            visit(child, depth + 1)

    for root in sorted((b for b in branches if b["parent"] not in ids), key=lambda b: b["id"]):
        visit(root, 0)
    return ordered


def _fmt(x) -> str:
    return f"{x:,.0f}" if isinstance(x, float) and abs(x) >= 100 else (f"{x:.2f}" if isinstance(x, float) else str(x))


def _error(exc: Exception) -> str:
    return "; ".join(exc.messages) if isinstance(exc, UserError) else str(exc)


def _acting(set_notice):
    """`act(label, fn)`: run a game method for this page and show 'done' or the refusal's reason."""
    def act(label, fn):
        try:
            result = fn()
            set_notice(("ok", f"{label}: done" + (f" (order {result})" if label in ("order", "adopt") else "")))
        except (Refused, UserError, ValueError) as exc:
            set_notice(("refused", f"{label} refused: {_error(exc)}"))
    return act


@solara.component_vue("countdown.vue")
def Countdown(deadline: str = "", now: str = ""):
    """The time left until `deadline` (UTC ISO), ticking in the browser; `now`: the server's time."""


@solara.component
def Header(view: dict, who: str):
    st = view["game"]
    with solara.Div(classes=["ws-head"]):
        for text, testid in (("<b>blocsim workshop</b>", ""), (escape(who), ""), (escape(st["scenario"]), ""),
                             (f"turn {st['turn']} of {st['last_turn']} · {escape(st['month'])}", "turn"),
                             (f"orders {escape(st['phase'])}{' · paused' if st['paused'] else ''}", "phase")):
            solara.HTML(tag="span", unsafe_innerHTML=text, attributes={"data-testid": testid} if testid else None)
        if st.get("deadline") and st["phase"] == "open":
            Countdown(deadline=st["deadline"], now=state.game().clock())
        solara.HTML(tag="span", unsafe_innerHTML=f"branch {st['branch']}")


@solara.component
def World(frame: Frame, inspect: str | None = None, heatmap: bool = True, log_title: str = "Event log"):
    """The dashboard's views of one frame: the network with the inspector, the relations heatmap, the
    series, the event log and the UN votes. The frame is already fogged for whoever reads the page."""
    solara.Style(DASHBOARD_CSS)
    selected, set_selected = solara.use_state(inspect)
    preview, set_preview = solara.use_state(None)
    shown = selected or preview
    with solara.Columns([8, 4], gutters_dense=True):
        with solara.Card(classes=["blocsim-panel"]):
            with Guard("network"):
                NetworkView(frame, selected, set_selected, set_preview)
        with Guard("inspector"):
            Inspector(frame if shown else None, frame.ids, shown, set_selected,
                      preview=shown is not None and selected is None, names=frame.names)
    if heatmap:
        with solara.Card(classes=["blocsim-panel"]):
            with Guard("heatmap"):
                HeatmapView(frame)
    SeriesAndRecord(frame, log_title)


@solara.component
def SeriesAndRecord(frame: Frame, log_title: str):
    """Below the map: the dashboard's series, then its event log beside the UN votes."""
    with solara.Card(classes=["blocsim-panel"]):
        with Guard("time series"):
            TimeSeriesView(frame)
    with solara.Columns([7, 5], gutters_dense=True):
        with solara.Card(title=log_title, classes=["blocsim-panel", "blocsim-panel-log"]):
            with Guard("event log"):
                EventLogView(frame)
        with solara.Card(title="UN votes", classes=["blocsim-panel", "blocsim-panel-votes"]):
            with Guard("UN votes"):
                VotesView(frame)


@solara.component
def Messages(view: dict):
    msgs = view.get("messages", [])
    if msgs:
        solara.HTML(tag="div", classes=["ws-panel"], unsafe_innerHTML="<b>Messages from the facilitator</b>" + _rows(
            ["at", "to", "message"], [[m.get("at", ""), m.get("team") or "all", m.get("text", "")] for m in msgs]))


@solara.component
def ObserverPage(view: dict, frame: Frame):
    """The projector: the network and the relations side by side, the series, the latest public events
    and the UN votes, large enough to read across a room."""
    solara.Style(DASHBOARD_CSS)
    Header(view, "observer (projector)")
    with solara.Columns([7, 5], gutters_dense=True):
        with solara.Card(classes=["blocsim-panel"]):
            with Guard("network"):
                NetworkView(frame, None, lambda _: None, height="600px")
        with solara.Card(classes=["blocsim-panel"]):
            with Guard("heatmap"):
                HeatmapView(frame, height="600px")
    SeriesAndRecord(frame, "Latest events (the public record)")


@solara.component
def TeamPage(me, view: dict, frame: Frame):
    game = state.game()
    country = view["country"]
    notice, set_notice = solara.use_state(("", ""))
    kind, set_kind = solara.use_state("arms_transfer")
    target, set_target = solara.use_state("")
    item, set_item = solara.use_state("shells")
    amount, set_amount = solara.use_state("")
    reason, set_reason = solara.use_state("")
    advice, set_advice = solara.use_state(None)

    act = _acting(set_notice)

    def submit(replacing: int | None = None):
        """Submit the form as a new order, or as the replacement of order `replacing`."""
        try:   # the fields are what the browser sent: text, or anything a tampered page sends
            value = float(str(amount)) if str(amount).strip() else 0.0
        except ValueError:
            set_notice(("refused", f"amount: expected a number, got {str(amount)[:40]!r}"))
            return
        order = {"kind": str(kind), "target": str(target).strip(), "item": str(item), "amount": value,
                 "reason": str(reason)}
        if replacing is None:
            act("order", lambda: game.submit_order(me, order))
        else:
            act("order", lambda: game.change_order(me, replacing, order))

    Header(view, f"team {me.country}: {country['name']}")
    with solara.Columns([1, 1]):
        with solara.Column():
            stocks = [[k, _fmt(v), _fmt(country["production"][k]), _fmt(country["needs"].get(k, 0.0))]
                      for k, v in country["stocks"].items()]
            solara.HTML(tag="div", classes=["ws-panel"], unsafe_innerHTML=(
                f"<b>{escape(country['name'])}: resources</b>"
                f"<div data-testid='reserves'>reserves ${country['reserves_bn']:,.1f} bn · "
                f"economy ${country['economy_bn']:,.0f} bn · sanction pressure {country['sanction_pressure']:.2f}</div>"
                + _rows(["item", "stock", "production / month", "needs"], stocks)))
            with solara.Card("Orders this turn", classes=["ws-panel"]):
                solara.Select("kind", values=list(ORDER_KINDS), value=kind, on_value=set_kind)
                solara.InputText("target (country id, e.g. UKR)", value=target, on_value=set_target, continuous_update=True)
                solara.Select("item", values=[*ITEMS, "aid", "loan", "energy_discount", "banks", "asset_freeze",
                                              "firms", "trade", "energy", "summit", "statement", "vote_against",
                                              "vote_for", "abstain", "mutual_defence", "partnership", "cash"],
                              value=item, on_value=set_item)
                solara.InputText("amount", value=amount, on_value=set_amount, continuous_update=True)
                solara.InputText("reason", value=reason, on_value=set_reason, continuous_update=True)
                solara.Button("Submit order", on_click=submit, color="primary")
                if notice[0]:
                    solara.HTML(tag="div", classes=[f"ws-{notice[0]}"], unsafe_innerHTML=escape(notice[1]))
                for o in view.get("orders", []):
                    with solara.Row():
                        solara.Text(f"#{o['id']} {o['sentence']}" + (" (advisor)" if o["origin"] == "advisor" else ""))
                        solara.Button("Withdraw", small=True,
                                      on_click=lambda i=o["id"]: act("withdraw", lambda: game.withdraw_order(me, i)))
                        solara.Button("Replace with the form", small=True, on_click=lambda i=o["id"]: submit(i))
        with solara.Column():
            with solara.Card("AI advisor", classes=["ws-panel"]):
                solara.Button("Ask the advisor", on_click=lambda: _ask(game, me, set_advice, set_notice))
                for i, s in enumerate(advice or []):
                    with solara.Row():
                        solara.Text(s["sentence"])
                        solara.Button("Adopt", small=True, on_click=lambda i=i: act("adopt", lambda: game.adopt(me, i)))
            Messages(view)
            if view.get("revealed"):
                solara.HTML(tag="div", classes=["ws-panel"], unsafe_innerHTML="<b>Revealed to you</b>" + _rows(
                    ["note", "about", "data"], [[r["note"], r["about"] or "", json.dumps(r.get("data", ""))[:300]]
                                                for r in view["revealed"]]))
            done = [{**e, "sentence": e["text"]} for e in reversed(view.get("done_to_it", []))]
            solara.HTML(tag="div", classes=["ws-panel"], unsafe_innerHTML=(
                "<b>What happened to us, and why</b>"
                f"<table class='ws-table'>{events_html(done, 30)}</table>"))
    solara.HTML(tag="div", classes=["ws-fog"], unsafe_innerHTML=(
        f"The world as {escape(country['name'])} sees it: the public record, and {escape(country['name'])}'s own "
        "stocks, production, needs, reserves and the covert moves it made or met. Other countries' own data "
        "and other teams' orders are not shown."))
    World(frame, inspect=me.country, heatmap=False, log_title="Event log (public, and yours)")


def _ask(game, me, set_advice, set_notice):
    try:
        set_advice(game.advise(me))
    except (Refused, UserError) as exc:
        set_notice(("refused", f"advice refused: {_error(exc)}"))


COUNTDOWN_MINUTES = (0.1, 24 * 60)   # the facilitator's countdown: from six seconds to a day


def deadline_after(minutes: str, now: str) -> str | None:
    """The deadline (UTC ISO) `minutes` after the server's time `now`; none when `minutes` is blank.
    Anything but a number within `COUNTDOWN_MINUTES` is refused with the field named."""
    text = str(minutes).strip()
    if not text:
        return None
    low, high = COUNTDOWN_MINUTES
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not low <= value <= high:      # also refuses nan and inf
        raise ValueError(f"countdown in minutes: got {text[:40]!r} (a number from {low:g} to {high:g})")
    from datetime import datetime, timedelta
    return (datetime.fromisoformat(now) + timedelta(minutes=value)).isoformat(timespec="seconds")


@solara.component
def FacilitatorPage(me, view: dict, frame: Frame):
    game = state.game()
    notice, set_notice = solara.use_state(("", ""))
    minutes, set_minutes = solara.use_state("")
    event, set_event = solara.use_state("")
    action, set_action = solara.use_state("")
    turn_to, set_turn_to = solara.use_state("")
    branch_to, set_branch_to = solara.use_state("")
    team, set_team = solara.use_state("all")
    about, set_about = solara.use_state("")
    text, set_text = solara.use_state("")
    st = view["game"]

    act = _acting(set_notice)

    def open_phase():
        game.open_phase(me, deadline=deadline_after(minutes, game.clock()))

    def inject():
        if action.strip():
            from sim.scenario.yamlio import parse_yaml
            game.inject(me, action=parse_yaml(action, "the action").data)
        else:
            game.inject(me, event=event.strip())

    Header(view, "facilitator (White cell)")
    joined = set(st["joined"])
    teams = [[t, "joined" if t in joined else "not yet", "submitted" if t in st["submitted"] else "—"] for t in st["teams"]]
    with solara.Columns([1, 1]):
        with solara.Column():
            solara.HTML(tag="div", classes=["ws-panel"], unsafe_innerHTML="<b>Teams</b>" + _rows(
                ["team", "joined", "orders"], teams))
            with solara.Card("Turn", classes=["ws-panel"]):
                solara.InputText("countdown in minutes (optional)", value=minutes, on_value=set_minutes, continuous_update=True)
                with solara.Row():
                    solara.Button("Open orders", on_click=lambda: act("open", open_phase))
                    solara.Button("Close orders", on_click=lambda: act("close", lambda: game.close_phase(me)))
                    solara.Button("Adjudicate", color="primary", on_click=lambda: act("adjudicate", lambda: game.adjudicate(me)))
                if notice[0]:
                    solara.HTML(tag="div", classes=[f"ws-{notice[0]}"], unsafe_innerHTML=escape(notice[1]))
            with solara.Card("Inject", classes=["ws-panel"]):
                solara.InputText("scheduled event id", value=event, on_value=set_event, continuous_update=True)
                solara.InputText("or an action: {kind: ..., actor: ..., target: ..., item: ..., amount: ...}",
                                 value=action, on_value=set_action, continuous_update=True)
                solara.Button("Inject", on_click=lambda: act("inject", inject))
            with solara.Card("Branches", classes=["ws-panel"]):
                solara.HTML(tag="div", unsafe_innerHTML=_rows(
                    ["branch (tree)", "from branch", "at turn", "turns played", ""],
                    [[b["label"], b["parent"] or "—", b["fork"], b["turns"], "current" if b["current"] else ""]
                     for b in branch_tree(st["branches"])]))
                with solara.Row():
                    solara.InputText("roll back to turn", value=turn_to, on_value=set_turn_to, continuous_update=True)
                    solara.Button("Roll back", on_click=lambda: act("rollback", lambda: game.rollback(me, int(turn_to))))
                with solara.Row():
                    solara.InputText("switch to branch", value=branch_to, on_value=set_branch_to, continuous_update=True)
                    solara.Button("Switch", on_click=lambda: act("switch", lambda: game.switch_branch(me, int(branch_to))))
        with solara.Column():
            with solara.Card("Reveal and message", classes=["ws-panel"]):
                solara.Select("team", values=["all", *st["teams"]], value=team, on_value=set_team)
                solara.InputText("message or note", value=text, on_value=set_text, continuous_update=True)
                solara.InputText("reveal about (stocks:RUS or orders:RUS, optional)", value=about, on_value=set_about, continuous_update=True)
                with solara.Row():
                    solara.Button("Send message", on_click=lambda: act(
                        "message", lambda: game.message(me, text, None if team == "all" else team)))
                    solara.Button("Reveal", on_click=lambda: act(
                        "reveal", lambda: game.reveal(me, team, text, about.strip() or None)))
                    solara.Button("Void rejoin tokens", on_click=lambda: act(
                        "void rejoin tokens", lambda: game.revoke_rejoin_tokens(me, None if team == "all" else team)))
            with solara.Card("After-action review", classes=["ws-panel"]):
                solara.FileDownload(lambda: game.review(me).encode(), filename="review.html", label="Export review")
            orders = [[t, o["sentence"], o["origin"]] for t, os_ in view.get("orders", {}).items() for o in os_]
            solara.HTML(tag="div", classes=["ws-panel"], unsafe_innerHTML="<b>Orders this turn</b>" + _rows(
                ["team", "order", "origin"], orders))
            Messages(view)
    World(frame)


@solara.component_vue("rejoin.vue")
def Rejoin(token: str = "", event_rejoin=None):
    """Keeps this tab's rejoin token (not its code) in sessionStorage and joins again with it after a
    server restart."""


def page_client() -> str:
    """This page's client address, as the server saw its websocket (see server.ClientAddress): wrong
    codes from pages and from the API count against the same address."""
    found = (solara.lab.headers.value or {}).get(state.CLIENT_HEADER)
    return found[-1] if found else "unknown"


@solara.component
def JoinPage(on_join):
    code, set_code = solara.use_state("")
    error, set_error = solara.use_state("")

    def join():
        typed = str(code).strip()
        set_code("")   # the code is not kept in the form, nor ever put in the page's URL or storage
        try:
            principal = state.join(typed, page_client())
            on_join(principal, state.game().issue_rejoin_token(principal))
        except (Refused, UserError) as exc:
            set_error(_error(exc))

    def rejoin(token):
        try:
            on_join(*state.rejoin(str(token), page_client()))
        except (Refused, UserError) as exc:
            set_error(_error(exc))

    Rejoin(event_rejoin=rejoin)

    with solara.Div(style={"display": "flex", "justify-content": "center", "width": "100%", "padding-top": "12vh"}):
        with solara.Card("blocsim workshop: join", style={"width": "520px", "max-width": "100%"}):
            solara.Text("Enter the code the facilitator gave you: the facilitator's secret, your team's join "
                        "code or the observer code.")
            solara.InputText("code", value=code, on_value=set_code, password=True, continuous_update=True)
            solara.Button("Join", on_click=join, color="primary", style={"margin-top": "8px"})
            if error:
                solara.HTML(tag="div", classes=["ws-refused"], attributes={"data-testid": "join-error"},
                            unsafe_innerHTML=escape(error))


@solara.component
def Page():
    solara.Style(CSS)
    solara.Title("blocsim workshop")
    me, set_me = solara.use_state(None)
    token, set_token = solara.use_state("")   # this page's rejoin token (never its code)
    _revision, set_revision = solara.use_state(0)   # a change of the game re-renders the page

    def watch(cancel: threading.Event):
        """Re-render when the shared game commits a change (from any page, the API or a deadline):
        the fan-out thread tells every page at once, with the page's view already computed."""
        changed = threading.Event()
        unsubscribe = state.subscribe(lambda revision: changed.set())
        try:
            seen = state.revision()
            while not cancel.is_set():
                changed.wait(WATCH_S)
                changed.clear()
                now = state.revision()
                if now != seen:
                    seen = now
                    set_revision(now)
        finally:
            unsubscribe()

    solara.use_thread(watch, dependencies=[], intrusive_cancel=False)

    def joined(principal, rejoin_token: str):
        set_me(principal)
        set_token(rejoin_token)

    if me is None:
        JoinPage(joined)
        return
    try:
        view = state.view(me)
        frame = state.frame(me)
    except (Refused, UserError) as exc:
        solara.Error(_error(exc))
        return
    with solara.Column(classes=[f"ws-role-{me.role}"]):
        Rejoin(token=token)
        if me.role == "facilitator":
            FacilitatorPage(me, view, frame)
        elif me.role == "team":
            TeamPage(me, view, frame)
        else:
            ObserverPage(view, frame)
