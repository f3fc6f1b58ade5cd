"""The workshop in browsers: a facilitator, two teams and an observer on one shared game, each in its
own browser context; and a SIGKILLed server resumed with --resume."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request

import pytest

from tests.e2e.conftest import OUT, ROOT, free_port, wait_until_up

pytestmark = pytest.mark.timeout(600)
PLAN = "usa-private-plan-for-kyiv"


class Workshop:
    def __init__(self, db, port, proc, log):
        self.db, self.port, self.proc, self.log = db, port, proc, log
        self.url = f"http://127.0.0.1:{port}/"
        self.codes = {}
        for line in (db.parent / (db.name + ".codes.txt")).read_text().splitlines():
            words = line.split()
            if line.startswith("facilitator secret:"):
                self.codes["facilitator"] = words[-1]
            elif line.startswith("observer code:"):
                self.codes["observer"] = words[-1]
            elif line.startswith("team "):
                self.codes[words[1]] = words[-1]

    def api(self, who: str, path: str, method: str = "GET", **body):
        req = urllib.request.Request(self.url + path.lstrip("/"), method=method,
                                     data=json.dumps(body).encode() if body else None,
                                     headers={"X-Blocsim-Code": self.codes[who], "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read())


def start(db, *args, port=None) -> subprocess.Popen:
    port = port or free_port()
    log = OUT / f"workshop-{port}.log"
    OUT.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "sim.cli", "workshop", *args, "--port", str(port)]
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    wait_until_up(f"http://127.0.0.1:{port}/", proc, log)
    return Workshop(db, port, proc, log)


def stop(w: Workshop, sig=signal.SIGTERM) -> None:
    os.killpg(w.proc.pid, sig)
    w.proc.wait(timeout=30)


def join(page, code: str, expect: str):
    page.get_by_label("code").fill(code)
    page.get_by_role("button", name="Join").click()
    page.get_by_text(expect).first.wait_for()
    assert code not in page.url


VIEWS = ("network", "blocs", "lean", "arms", "aid", "pressure", "front")


def dashboard_views_drawn(page, moves: bool = True):
    """The page shows the dashboard's network, series, event log (with moves in it) and UN votes, its
    charts drawn."""
    for name in VIEWS:
        page.locator(f"[data-chart='{name}'] [data-rendered]:not([data-rendered='-1'])").wait_for()
    page.locator(".blocsim-log" + (" tr[data-kind]" if moves else "")).first.wait_for()
    page.locator(".blocsim-votes").wait_for()


def chart_data(page) -> list[str]:
    """The data every chart of the page holds, as JSON (what reached the browser, drawn or not)."""
    return page.evaluate("""() => [...document.querySelectorAll('[data-rendered]')]
        .map(el => el.__blocsimChart ? JSON.stringify(el.__blocsimChart.getOption().series) : '')""")


def page_shot(shot, page, name: str):
    """A screenshot of the whole page: the viewport grown to the page's height for the shot (the page
    scrolls inside Solara's layout, so a full-page shot of the window would show one screen)."""
    role = page.locator("[class*='ws-role-']").first
    height = int(role.bounding_box()["height"] + 80)
    page.set_viewport_size({"width": 1600, "height": max(height, 1000)})
    try:
        shot(page, name)
    finally:
        page.set_viewport_size({"width": 1600, "height": 1000})


def fill(page, label: str, value: str):
    page.get_by_label(label, exact=True).fill(value)


@pytest.fixture
def workshop(tmp_path):
    db = tmp_path / "room.db"
    w = start(db, "feb2022_baseline", "--teams", "RUS,USA", "--db", str(db))
    yield w
    if w.proc.poll() is None:
        stop(w)


def test_facilitator_two_teams_and_observer_play_three_turns(workshop, new_page, shot):
    w = workshop
    out = w.log.read_text()
    assert "facilitator secret:" in out and "team RUS" in out and "observer code:" in out
    assert oct((w.db.parent / (w.db.name + ".codes.txt")).stat().st_mode & 0o777) == "0o600"
    fac, rus, usa, obs = (new_page(w.url) for _ in range(4))
    join(fac, w.codes["facilitator"], "facilitator (White cell)")
    join(rus, w.codes["RUS"], "team RUS")
    join(usa, w.codes["USA"], "team USA")
    join(obs, w.codes["observer"], "observer (projector)")
    obs.get_by_text("turn 1 of").wait_for()

    # USA types an order with a private reason; RUS adopts its advisor's first suggestion
    fill(usa, "target (country id, e.g. UKR)", "UKR")
    fill(usa, "amount", "1000")
    fill(usa, "reason", PLAN)
    usa.get_by_role("button", name="Submit order").click()
    usa.get_by_text("order: done").wait_for()
    usa.get_by_text("#").first.wait_for()
    fill(usa, "amount", "1500")      # editable while the phase is open: replace it with the form
    usa.get_by_role("button", name="Replace with the form").click()
    usa.get_by_text("1,500 shells").wait_for()
    assert usa.get_by_role("button", name="Withdraw").count() == 1
    rus.get_by_role("button", name="Ask the advisor").click()
    rus.get_by_role("button", name="Adopt").first.click()
    rus.get_by_text("adopt: done").wait_for()
    fill(rus, "amount", "1e12")       # beyond any stock: refused with the reason, on the page
    fill(rus, "target (country id, e.g. UKR)", "BLR")
    rus.get_by_role("button", name="Submit order").click()
    rus.get_by_text("order refused:").wait_for()
    fac.get_by_text(PLAN).first.wait_for()        # the facilitator sees every order, without a reload
    for page in (fac, rus, usa, obs):             # every page draws the dashboard's views
        dashboard_views_drawn(page, moves=False)  # (no month played yet)
    usa_stocks = w.api("facilitator", "/api/view")["countries"]["USA"]["stocks"]
    for name, page in (("rus", rus), ("obs", obs)):
        html = page.content()
        assert PLAN not in html, f"{name} sees the US order"
        for item in ("shells", "troops"):
            assert f"{usa_stocks[item]:,.0f}" not in html, f"{name} sees US {item}"
            value = re.compile(rf"[\[,:]{usa_stocks[item]:.0f}(\.0+)?[,\]}}]")   # the number as a JSON value
            assert not any(value.search(o) for o in chart_data(page)), f"{name}'s charts carry US {item}"
    # a team's inspector: its own country in full, another country's public facts only
    assert rus.locator("[data-inspector='RUS']").is_visible()
    assert rus.get_by_text("made/mo").is_visible(), "Russia's own stocks in its inspector"
    rus.locator(".blocsim-inspector").get_by_role("button").last.click()   # close RUS: pick another
    rus.locator(".blocsim-inspector .v-select").click()
    rus.get_by_role("option", name="United States (USA)").click()
    rus.locator("[data-inspector='USA']").wait_for()
    assert rus.locator(".blocsim-inspector-private").is_visible() and not rus.get_by_text("made/mo").is_visible()
    page_shot(shot, usa, "workshop-team-usa")
    page_shot(shot, rus, "workshop-team-rus")

    # turn 1: inject, message, adjudicate; the observer follows without a reload
    fill(fac, "scheduled event id", "initial_thrust")
    fac.get_by_role("button", name="Inject").click()
    fac.get_by_text("inject: done").wait_for()
    fill(fac, "message or note", "Moscow has called a summit")
    fac.get_by_role("button", name="Send message").click()
    usa.get_by_text("Moscow has called a summit").wait_for()
    fac.get_by_role("button", name="Adjudicate").click()
    obs.get_by_text("turn 2 of").wait_for()
    usa.get_by_text("turn 2 of").wait_for()
    fac.get_by_text("adjudicate: done").wait_for()
    for page in (obs, usa):
        dashboard_views_drawn(page)
    assert not usa.locator(".blocsim-log tr[data-kind='dual_use_trade']").count(), "China's covert trade with Russia"
    rus.locator(".blocsim-log tr[data-kind='dual_use_trade']").first.wait_for()   # Russia sees the trade it is party to
    page_shot(shot, fac, "workshop-facilitator")
    # turn 2 and a rollback to turn 2, played again as branch 2 (turn 3 follows)
    fac.get_by_role("button", name="Adjudicate").click()
    obs.get_by_text("turn 3 of").wait_for()
    fac.get_by_text("turn 3 of").wait_for()      # the facilitator's page has redrawn before it is typed into
    fill(fac, "roll back to turn", "2")
    fac.get_by_role("button", name="Roll back").click()
    fac.get_by_text("rollback: done").wait_for()
    obs.get_by_text("branch 2").wait_for()
    rus.get_by_text("turn 2 of").wait_for()
    fac.get_by_role("button", name="Adjudicate").click()
    obs.get_by_text("turn 3 of").wait_for()
    # the projector's log shows the current branch's newest moves on top, scrolled to the top (new rows
    # inserted above do not leave the view on older ones)
    obs.wait_for_function("""() => { const log = document.querySelector('.blocsim-panel-log .blocsim-log');
        const first = log && log.querySelector('tr[data-kind] td');
        return first && first.innerText === '2' && log.parentElement.scrollTop === 0; }""")
    page_shot(shot, obs, "workshop-observer")
    fac.get_by_role("cell", name="└\u00a02").wait_for()   # the branch tree: 2 under 1, where it was rolled back from
    shot(fac, "workshop-facilitator-branches")

    with fac.expect_download() as dl:
        fac.get_by_text("Export review").click()
    review = open(dl.value.path()).read()
    (OUT / "workshop-review.html").write_text(review)
    assert PLAN in review and "1,500 shells" in review, "the US order as changed, and its reason"
    assert "class='inject'>Inject: " in review, "the inject"
    log = w.api("facilitator", "/api/log")["log"]
    kinds = [e["kind"] for e in log]
    assert kinds.count("adjudicated") == 3 and "inject" in kinds and "branched" in kinds
    assert any(e["kind"] == "refused" and e["who"] == "RUS" for e in log), "the page's refusal is in the log"


def test_sigkill_mid_game_then_resume(workshop, new_page, shot):
    w = workshop
    w.api("USA", "/api/orders", "POST", order={"kind": "economic_support", "target": "UKR", "item": "aid",
                                               "amount": 1.5, "reason": PLAN})
    w.api("facilitator", "/api/adjudicate", "POST")
    w.api("USA", "/api/orders", "POST", order={"kind": "economic_support", "target": "UKR", "item": "aid",
                                               "amount": 0.5, "reason": "turn two"})
    obs = new_page(w.url)
    join(obs, w.codes["observer"], "observer (projector)")
    obs.get_by_text("turn 2 of").wait_for()
    before = w.api("facilitator", "/api/view")
    assert not obs.net.asset_failures()
    stored = obs.evaluate("JSON.stringify(window.sessionStorage)")
    assert w.codes["observer"] not in stored and "blocsim-workshop-rejoin" in stored, "a rejoin token, not the code"
    stop(w, signal.SIGKILL)
    w2 = start(w.db, "--resume", str(w.db), port=w.port)
    w2.codes = w.codes
    try:
        after = w2.api("facilitator", "/api/view")
        assert after["game"] == before["game"] and after["orders"] == before["orders"]
        assert after["countries"] == before["countries"]
        # the open page reconnects by itself: it reloads and joins again with its tab's rejoin token
        # (a stale page still shows turn 2: only a live one shows the next adjudication)
        w2.api("facilitator", "/api/adjudicate", "POST")
        obs.get_by_text("turn 3 of").wait_for(timeout=60_000)
        assert not obs.get_by_text("Could not restore session").is_visible()
        obs.net.failed.clear()   # requests the kill cut off (refused, aborted) are expected; none after
        obs.reload()
        obs.get_by_text("turn 3 of").wait_for()
        assert w.codes["observer"] not in obs.url
        assert w.codes["observer"] not in obs.evaluate("JSON.stringify(window.sessionStorage)")
        shot(obs, "workshop-observer-after-restart")
    finally:
        stop(w2)
