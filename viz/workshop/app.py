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
import solara.server.settings

from sim.errors import UserError
from sim.game import Refused
from sim.game.orders import ORDER_KINDS
from sim.scenario.schema import ITEMS
from viz.components.eventlog import events_html
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
"""


def _rows(header: list[str], rows: list[list]) -> str:
    head = "".join(f"<th>{escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table class='ws-table'><tr>{head}</tr>{body}</table>"


def _fmt(x) -> str:
    return f"{x:,.0f}" if isinstance(x, float) and abs(x) >= 100 else (f"{x:.2f}" if isinstance(x, float) else str(x))


def _events(view: dict, limit: int = 40) -> str:
    rows = [{**e, "sentence": e["text"]} for e in reversed(view.get("events", []))]
    return f"<table class='ws-table blocsim-log'>{events_html(rows, limit)}</table>"


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


@solara.component
def Header(view: dict, who: str):
    st = view["game"]
    deadline = f" · closes {st['deadline']}" if st.get("deadline") else ""
    solara.HTML(tag="div", classes=["ws-head"], unsafe_innerHTML=(
        f"<b>blocsim workshop</b><span>{escape(who)}</span><span>{escape(st['scenario'])}</span>"
        f"<span data-testid='turn'>turn {st['turn']} of {st['last_turn']} · {escape(st['month'])}</span>"
        f"<span data-testid='phase'>orders {escape(st['phase'])}{escape(deadline)}"
        f"{' · paused' if st['paused'] else ''}</span><span>branch {st['branch']}</span>"))


@solara.component
def Public(view: dict):
    pub = view["public"]
    fronts = [[f["name"], f["attacker"], f["defender"], f"{f['front']:.2f}", "active" if f["active"] else "quiet"]
              for f in pub["fronts"].values()]
    blocs = [[f"bloc {i + 1}", ", ".join(members)] for i, members in enumerate(pub["blocs"])] + \
            [["non-aligned", ", ".join(pub["nonaligned"])]]
    votes = [[v["date"], v["title"], v["condemns"], "adopted" if v["adopted"] else ("vetoed" if v["vetoed_by"] else "—")]
             for v in pub["votes"] if v.get("date")]
    with solara.Columns([1, 1]):
        with solara.Column():
            solara.HTML(tag="div", classes=["ws-panel"], unsafe_innerHTML="<b>Fronts</b>" + _rows(
                ["theatre", "attacker", "defender", "front", ""], fronts))
            solara.HTML(tag="div", classes=["ws-panel"], unsafe_innerHTML="<b>Blocs</b>" + _rows(["bloc", "members"], blocs))
        with solara.Column():
            solara.HTML(tag="div", classes=["ws-panel"], unsafe_innerHTML="<b>UN votes</b>" + _rows(
                ["date", "resolution", "condemns", "result"], votes))
    solara.HTML(tag="div", classes=["ws-panel"], unsafe_innerHTML="<b>Latest events</b>" + _events(view))


@solara.component
def Messages(view: dict):
    msgs = view.get("messages", [])
    if msgs:
        solara.HTML(tag="div", classes=["ws-panel"], unsafe_innerHTML="<b>Messages from the facilitator</b>" + _rows(
            ["at", "to", "message"], [[m.get("at", ""), m.get("team") or "all", m.get("text", "")] for m in msgs]))


@solara.component
def ObserverPage(view: dict):
    Header(view, "observer (projector)")
    Public(view)


@solara.component
def TeamPage(me, view: dict):
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
        try:
            value = float(amount) if amount.strip() else 0.0
        except ValueError:
            set_notice(("refused", f"amount: expected a number, got {amount!r}"))
            return
        order = {"kind": kind, "target": target.strip(), "item": item, "amount": value, "reason": reason}
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
    Public(view)


def _ask(game, me, set_advice, set_notice):
    try:
        set_advice(game.advise(me))
    except (Refused, UserError) as exc:
        set_notice(("refused", f"advice refused: {_error(exc)}"))


@solara.component
def FacilitatorPage(me, view: dict):
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
        deadline = None
        if minutes.strip():
            from datetime import datetime, timedelta, timezone
            deadline = (datetime.now(timezone.utc) + timedelta(minutes=float(minutes))).strftime("%Y-%m-%dT%H:%M:%SZ")
        game.open_phase(me, deadline=deadline)

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
                    ["branch", "from branch", "at turn", "turns played", ""],
                    [[b["id"], b["parent"] or "—", b["fork"], b["turns"], "current" if b["current"] else ""]
                     for b in st["branches"]]))
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
            with solara.Card("After-action review", classes=["ws-panel"]):
                solara.FileDownload(lambda: game.review(me).encode(), filename="review.html", label="Export review")
            orders = [[t, o["sentence"], o["origin"]] for t, os_ in view.get("orders", {}).items() for o in os_]
            solara.HTML(tag="div", classes=["ws-panel"], unsafe_innerHTML="<b>Orders this turn</b>" + _rows(
                ["team", "order", "origin"], orders))
            countries = [[c["id"], f"{c['reserves_bn']:,.1f}", _fmt(c["stocks"]["shells"]), _fmt(c["stocks"]["troops"]),
                          f"{c['sanction_pressure']:.2f}"] for c in view["countries"].values()]
            solara.HTML(tag="div", classes=["ws-panel"], unsafe_innerHTML="<b>All countries</b>" + _rows(
                ["country", "reserves $bn", "shells", "troops", "sanction pressure"], countries))
            Messages(view)
    Public(view)


@solara.component_vue("rejoin.vue")
def Rejoin(code: str = "", forget: bool = False, event_rejoin=None):
    """Remembers this tab's code in sessionStorage and joins again after a server restart."""


@solara.component
def JoinPage(on_join):
    code, set_code = solara.use_state("")
    error, set_error = solara.use_state("")

    def join_with(typed: str):
        try:
            on_join(state.join(typed.strip(), f"page:{solara.get_session_id()}"), typed.strip())
        except (Refused, UserError) as exc:
            set_error(_error(exc))
        set_code("")   # the code is not kept in the form, nor ever put in the page's URL

    def join():
        join_with(code)

    Rejoin(forget=bool(error), event_rejoin=join_with)

    with solara.Card("blocsim workshop: join", style={"max-width": "520px", "margin": "40px auto"}):
        solara.Text("Enter the code the facilitator gave you: the facilitator's secret, your team's join "
                    "code or the observer code.")
        solara.InputText("code", value=code, on_value=set_code, password=True, continuous_update=True)
        solara.Button("Join", on_click=join, color="primary")
        if error:
            solara.HTML(tag="div", classes=["ws-refused"], unsafe_innerHTML=escape(error))


@solara.component
def Page():
    solara.Style(CSS)
    solara.Title("blocsim workshop")
    me, set_me = solara.use_state(None)
    code, set_code = solara.use_state("")
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
    def joined(principal, typed: str):
        set_me(principal)
        set_code(typed)

    if me is None:
        JoinPage(joined)
        return
    try:
        view = state.view(me)
    except (Refused, UserError) as exc:
        solara.Error(_error(exc))
        return
    with solara.Column(classes=[f"ws-role-{me.role}"]):
        Rejoin(code=code)
        if me.role == "facilitator":
            FacilitatorPage(me, view)
        elif me.role == "team":
            TeamPage(me, view)
        else:
            ObserverPage(view)
