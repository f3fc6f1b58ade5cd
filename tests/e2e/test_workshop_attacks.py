"""Attacks on the workshop through its pages, in headless Chromium: wrong codes from pages and the API
counted against one client address; a team's or the observer's page made (by rewriting its websocket
traffic) to send what its controls do not offer, or another page's controls; a forged rejoin token.
And the header's countdown, which ticks in the browser."""

from __future__ import annotations

import json
import re
import sqlite3
import urllib.error
import urllib.request

import pytest

from tests.e2e.test_workshop import fill, join, workshop  # noqa: F401  (the fixture)

pytestmark = pytest.mark.timeout(600)
KERNEL_SOCKET = re.compile(r"/jupyter/api/kernels/")


def game_log(w) -> list[dict]:
    """The game log, read from the game file (read-only), as the facilitator's /api/log gives it."""
    with sqlite3.connect(f"file:{w.db}?mode=ro", uri=True) as conn:
        rows = conn.execute("SELECT who, role, kind, data FROM log ORDER BY seq").fetchall()
    return [{"who": who, "role": role, "kind": kind, "data": json.loads(data)} for who, role, kind, data in rows]


def refused(w) -> list[dict]:
    return [e for e in game_log(w) if e["kind"] == "refused"]


def api_status(w, code: str, path: str = "/api/status", **headers) -> int:
    req = urllib.request.Request(w.url + path.lstrip("/"), headers={"X-Blocsim-Code": code, **headers})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


class Tap:
    """A page's websocket to the server, relayed by the test: `rewrite(text)` may change what the page
    sends; `hold(pattern)` keeps back (and records) messages matching it instead of sending them;
    `inject(text)` sends a message of the test's own as if the page had."""

    def __init__(self, page, rewrite=lambda m: m):
        self.rewrite, self.held, self.holding, self.server = rewrite, [], None, None
        page.route_web_socket(KERNEL_SOCKET, self._connect)

    def _connect(self, ws):
        server = ws.connect_to_server()
        self.server = server
        ws.on_message(lambda m: self._up(server, m))
        server.on_message(lambda m: ws.send(m))

    def _up(self, server, message):
        if isinstance(message, str):
            if self.holding and re.search(self.holding, message):
                self.held.append(message)
                return
            message = self.rewrite(message)
        server.send(message)

    def hold(self, pattern: str | None):
        self.holding = pattern

    def inject(self, message: str):
        self.server.send(message)


CLICK = r'"event":\s*"click"'


def until(page, condition, timeout_s: float = 30):
    """Let Playwright deliver events (the taps run in them) until `condition()` holds."""
    for _ in range(int(timeout_s * 20)):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError("the condition did not hold in time")


def joined(new_page, w, who: str, expect: str, tap=None):
    page = new_page()
    t = Tap(page, **(tap or {}))
    page.goto(w.url)
    join(page, w.codes[who], expect)
    return page, t


def test_wrong_codes_from_pages_and_the_api_add_up_per_client_address(workshop, new_page, shot):
    w = workshop
    for _ in range(3):
        assert api_status(w, "not-a-code") == 403
    for n in range(2):   # two more from pages, each in its own browser context (its own session)
        page = new_page(w.url)
        page.get_by_label("code").fill(f"wrong-{n}")
        page.get_by_role("button", name="Join").click()
        page.get_by_text("unknown code").wait_for()
    late = new_page(w.url)   # a sixth attempt, with the right code, from a fresh tab
    late.get_by_label("code").fill(w.codes["RUS"])
    late.get_by_role("button", name="Join").click()
    late.get_by_text("too many wrong codes from this client").wait_for()
    assert late.get_by_text("team RUS").count() == 0
    shot(late, "workshop-attack-rate-limited")
    assert api_status(w, w.codes["facilitator"]) == 429
    # a browser on this machine cannot claim another address: X-Forwarded-For is trusted only with --trust-proxy
    assert api_status(w, w.codes["facilitator"], **{"X-Forwarded-For": "10.9.8.7"}) == 429
    reasons = [e["data"]["reason"] for e in refused(w)]
    assert reasons.count("unknown code") == 5
    assert sum("too many wrong codes from this client (127.0.0.1)" in r for r in reasons) == 3


def test_a_team_page_cannot_order_what_only_the_facilitator_sets(workshop, new_page, shot):
    w = workshop
    def tamper(message: str) -> str:
        return message.replace('"v_model":"sanction"', '"v_model":"policy"').replace(
            '"v_model":"0.5"', '"v_model":{"amount":0.5}')

    rus, _ = joined(new_page, w, "RUS", "team RUS", {"rewrite": tamper})
    rus.get_by_label("kind", exact=True).click(force=True)
    rus.get_by_role("option", name="sanction", exact=True).click()      # the page sends "policy" instead
    fill(rus, "target (country id, e.g. UKR)", "UKR")
    fill(rus, "amount", "0.5")                                          # sent as a mapping, not text
    rus.get_by_role("button", name="Submit order").click()
    rus.get_by_text("amount: expected a number").wait_for()             # one message, no traceback
    fill(rus, "amount", "0.4")
    rus.get_by_role("button", name="Submit order").click()
    rus.get_by_text("order refused: kind 'policy': a policy change is set by the facilitator").wait_for()
    shot(rus, "workshop-attack-team-policy")
    assert any(e["who"] == "RUS" and e["data"]["action"] == "submit_order" and "policy" in e["data"]["reason"]
               for e in refused(w))
    assert not w.api("facilitator", "/api/orders")


def test_pages_cannot_use_other_pages_controls(workshop, new_page, shot):
    """A team's or the observer's page that sends the facilitator's Adjudicate click, or another team's
    Withdraw click, acts on nothing: each page's controls live in its own server session."""
    w = workshop
    fac, fac_tap = joined(new_page, w, "facilitator", "facilitator (White cell)")
    usa, usa_tap = joined(new_page, w, "USA", "team USA")
    rus, rus_tap = joined(new_page, w, "RUS", "team RUS")
    obs, obs_tap = joined(new_page, w, "observer", "observer (projector)")
    fill(usa, "target (country id, e.g. UKR)", "UKR")
    fill(usa, "amount", "1000")
    usa.get_by_role("button", name="Submit order").click()
    usa.get_by_text("order: done").wait_for()
    usa_order = w.api("USA", "/api/orders")["USA"]

    fac_tap.hold(CLICK)      # the facilitator's click on Adjudicate and USA's on Withdraw are kept back
    fac.get_by_role("button", name="Adjudicate").click()
    usa_tap.hold(CLICK)
    usa.get_by_role("button", name="Withdraw").click()
    for page, tap in ((fac, fac_tap), (usa, usa_tap)):
        until(page, lambda: tap.held)
    for tap in (rus_tap, obs_tap):
        for message in fac_tap.held + usa_tap.held:
            tap.inject(message)
    # RUS then acts normally: its own messages are handled in order, after the replayed ones
    fill(rus, "target (country id, e.g. UKR)", "BLR")
    fill(rus, "amount", "10")
    rus.get_by_role("button", name="Submit order").click()
    rus.get_by_text("order: done").wait_for()
    status = w.api("facilitator", "/api/status")
    assert status["turn"] == 1 and status["phase"] == "open", "no adjudication from the team's or observer's page"
    assert w.api("USA", "/api/orders")["USA"] == usa_order, "USA's order is still there"
    assert obs.get_by_text("turn 1 of").count() == 1
    shot(rus, "workshop-attack-replayed-clicks")
    # the same messages on their own pages' sockets do act: what was replayed were working clicks
    usa_tap.inject(usa_tap.held[0])
    usa.get_by_text("withdraw: done").wait_for()
    fac_tap.inject(fac_tap.held[0])
    obs.get_by_text("turn 2 of").wait_for()


def test_a_forged_rejoin_token_is_refused_and_logged(workshop, new_page, shot):
    w = workshop
    page = new_page()
    page.add_init_script("window.sessionStorage.setItem('blocsim-workshop-rejoin', 'forged-token')")
    page.goto(w.url)
    page.get_by_text("rejoin token is unknown, used or expired: enter your code again").wait_for()
    assert page.get_by_label("code").is_visible()
    shot(page, "workshop-attack-forged-token")
    assert any(e["data"]["reason"] == "unknown, used or expired rejoin token" for e in refused(w))


def test_the_facilitator_voids_a_teams_rejoin_token_from_the_page(workshop, new_page, shot):
    w = workshop
    fac, _ = joined(new_page, w, "facilitator", "facilitator (White cell)")
    usa, _ = joined(new_page, w, "USA", "team USA")
    token = usa.evaluate("window.sessionStorage.getItem('blocsim-workshop-rejoin')")
    assert token and token != w.codes["USA"]
    fac.locator(".v-select").filter(has_text="team").first.click()
    fac.get_by_role("option", name="USA", exact=True).click()
    fac.get_by_role("button", name="Void rejoin tokens").click()
    fac.get_by_text("void rejoin tokens: done").wait_for()
    shot(fac, "workshop-facilitator-void-tokens")
    voided = [e for e in game_log(w) if e["kind"] == "rejoin_tokens_revoked"]
    assert voided and voided[-1]["data"] == {"team": "USA", "count": 1}, voided
    # the stolen (or copied) token no longer joins anyone
    thief = new_page()
    thief.add_init_script(f"window.sessionStorage.setItem('blocsim-workshop-rejoin', {json.dumps(token)})")
    thief.goto(w.url)
    thief.get_by_text("rejoin token is unknown, used or expired: enter your code again").wait_for()
    assert thief.get_by_label("code").is_visible()


def test_the_countdown_ticks_in_every_header_and_the_phase_closes(workshop, new_page, shot):
    w = workshop
    fac, _ = joined(new_page, w, "facilitator", "facilitator (White cell)")
    usa, _ = joined(new_page, w, "USA", "team USA")
    fill(fac, "countdown in minutes (optional)", "1e308")   # no crash, no phase change: one message
    fac.get_by_role("button", name="Open orders").click()
    fac.get_by_text("open refused: countdown in minutes: got '1e308' (a number from 0.1 to 1440)").wait_for()
    fill(fac, "countdown in minutes (optional)", "0.2")
    fac.get_by_role("button", name="Open orders").click()
    fac.get_by_text("open: done").wait_for()
    for page in (fac, usa):
        countdown = page.get_by_test_id("countdown")
        countdown.get_by_text(re.compile(r"closes in 0:\d\d")).wait_for()
        first = countdown.inner_text()
        page.wait_for_function(
            "first => { const t = document.querySelector('[data-testid=countdown]');"
            " return t && t.innerText !== first; }", arg=first)
        now = countdown.inner_text()
        seconds = lambda text: int(text.split(":")[-1])
        assert now.startswith("closes in 0:") and seconds(now) < seconds(first), (first, now)
    shot(usa, "workshop-countdown")
    usa.get_by_test_id("phase").get_by_text("orders closed").wait_for(timeout=60_000)
    assert usa.get_by_test_id("countdown").count() == 0
    assert any(e["kind"] == "phase_closed" and e["data"]["why"] == "deadline" for e in game_log(w))
