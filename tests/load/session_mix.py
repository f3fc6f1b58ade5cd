"""Thirty workshop sessions at once, shared by the load test and benchmarks/bench_workshop.py.

API sessions are locust users (tests/load/locustfile.py) that follow the game with the long-poll
`/api/wait`; browser pages are real headless Chromium pages, joined as teams or as the observer, that
update by themselves. The facilitator adjudicates each turn through the API once every team session
(API and page) has submitted its order. For each turn, every session's update latency is measured
from the moment the adjudicate request returned (the change is committed before the answer is sent)
to the moment the session saw the new turn: an API session when its long-poll answered, a page when
a MutationObserver in the browser saw its header show the turn and its order list drop last turn's orders.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from tests.e2e.conftest import OUT, ROOT
from tests.e2e.test_workshop import Workshop, join

TEAMS = ("RUS", "USA", "CHN", "EU")
MIX_PAGES = ("USA", "observer", "EU", "observer")   # the load test's browser pages: two teams, two projectors
ALL_PAGES = ("observer", "RUS", "USA", "CHN", "EU")  # --pages N cycles through these
TURN_LIMIT_S = 120   # every session's order and every update of a turn must arrive within this

# in the page: note when it first shows turn N in its header and no longer lists an order of turn N-1
# (the reasons the sessions give end "turn N-1."), and when its network (the dashboard's views) first
# shows the month turn N starts from; the page is never reloaded, so __session stays
WATCH = """(turn) => { window.__seen = null; window.__views = null; const want = `turn ${turn} of`;
  const old = new RegExp(`#[0-9]+ [^\\n]*turn ${turn - 1}[.]`);
  const views = `Alignment network · step ${turn - 1} `;
  const text = (selector) => { const el = document.querySelector(selector); return el ? el.textContent : ''; };
  const check = () => {   // reads only the header and the network's title, until the turn shows there
    if (window.__seen === null && text('[data-testid=turn]').includes(want)
        && !old.test(document.body.innerText)) window.__seen = Date.now();
    if (window.__views === null && text('[data-chart=network] .blocsim-echart-title').includes(views))
      window.__views = Date.now(); };
  new MutationObserver(check).observe(document.body, {subtree: true, childList: true, characterData: true}); check(); }"""
NOTICE = """(before) => { const el = document.querySelector('.ws-ok, .ws-refused');
  return el !== null && el.innerText !== before ? el.innerText : null; }"""


@dataclass
class Mix:
    """What the sessions did and saw."""

    api_latency: list[float] = field(default_factory=list)    # seconds, one per API session and turn
    page_latency: list[float] = field(default_factory=list)   # seconds, one per page and turn
    views_latency: list[float] = field(default_factory=list)  # seconds, until each page's network shows the month
    from_request: list[float] = field(default_factory=list)   # every session, from the adjudicate request sent
    turn_all_updated: list[float] = field(default_factory=list)   # per turn: until the last session updated
    orders: list[int] = field(default_factory=list)           # ids of every accepted order (API and pages)
    reloaded: list[str] = field(default_factory=list)         # pages that lost their state (reloaded)
    locust_code: int | None = None
    locust_log: Path | None = None
    locust_stats: Path | None = None
    cpu_s: dict = field(default_factory=dict)                 # CPU seconds used during the turns, by process

    @property
    def every(self) -> list[float]:
        return self.api_latency + self.page_latency


def _lines(path: Path) -> list[list[str]]:
    return [line.split() for line in path.read_text().splitlines() if line.strip()]


def _cpu(procs: list[psutil.Process]) -> float:
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def _until(ready, what: str, limit_s: float = TURN_LIMIT_S, check=lambda: None) -> None:
    deadline = time.monotonic() + limit_s
    while not ready():
        check()
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {limit_s:.0f} s")
        time.sleep(0.05)


def _page_order(page, team: str, turn: int, before: str) -> tuple[int, str]:
    """Submit one order with the team page's form; its id, from the page's confirmation."""
    page.get_by_label("target (country id, e.g. UKR)", exact=True).fill("UKR")
    page.get_by_label("amount", exact=True).fill("100")
    page.get_by_label("reason", exact=True).fill(f"page {team} turn {turn}")
    page.get_by_role("button", name="Submit order").click()
    notice = page.wait_for_function(NOTICE, arg=before, timeout=TURN_LIMIT_S * 1000).json_value()
    found = re.search(r"order: done \(order (\d+)\)", notice)
    assert found, f"the {team} page's order was not accepted: {notice}"
    return int(found.group(1)), notice


def play(w: Workshop, tmp: Path, browser, api_sessions: int, team_sessions: int, pages: tuple[str, ...],
         turns: int, page_orders: bool = True, name: str = "workshop-load", shot=None) -> Mix:
    """Run the sessions through `turns` adjudicated turns on the running workshop `w`, the pages in
    `browser` (Playwright's Chromium); `shot(page, name)` (the e2e fixture) saves each page at the end."""
    mix = Mix()
    codes, ids, seen = tmp / "codes.json", tmp / "ids.txt", tmp / "seen.txt"
    codes.write_text(json.dumps({"teams": {t: w.codes[t] for t in TEAMS}, "observer": w.codes["observer"]}))
    ids.touch()
    seen.touch()
    locust = None
    if api_sessions:
        mix.locust_log, mix.locust_stats = OUT / f"{name}.log", OUT / name
        env = {**os.environ, "BLOCSIM_LOAD_CODES": str(codes), "BLOCSIM_LOAD_IDS": str(ids),
               "BLOCSIM_LOAD_SEEN": str(seen), "BLOCSIM_LOAD_TURNS": str(turns),
               "BLOCSIM_LOAD_TEAM_USERS": str(team_sessions)}
        locust = subprocess.Popen(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "tests/load/locustfile.py"), "--headless",
             "-u", str(api_sessions), "-r", str(api_sessions), "--run-time", "900s",
             "--host", w.url.rstrip("/"), "--csv", str(mix.locust_stats), "--only-summary", "--stop-timeout", "5"],
            cwd=ROOT, env=env, stdout=mix.locust_log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)

    def locust_alive():
        if locust is not None and locust.poll() is not None:
            raise AssertionError(f"locust stopped early:\n{mix.locust_log.read_text()[-2000:]}")

    try:
        opened = []
        for i, role in enumerate(pages):
            page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
            page.set_default_timeout(TURN_LIMIT_S * 1000)
            page.goto(w.url)
            join(page, w.codes[role], "observer (projector)" if role == "observer" else f"team {role}")
            page.evaluate(f"window.__session = {i}")
            opened.append((role, page, ""))
        me = psutil.Process()
        procs = {"server": [psutil.Process(w.proc.pid)],
                 "browser": [p for p in me.children(recursive=True) if "chrom" in p.name().lower()],
                 "locust": [psutil.Process(locust.pid)] if locust else []}
        cpu_before = {k: _cpu(v) for k, v in procs.items()}
        for turn in range(1, turns + 1):
            if page_orders:
                for k, (role, page, before) in enumerate(opened):
                    if role != "observer":
                        order_id, before = _page_order(page, role, turn, before)
                        mix.orders.append(order_id)
                        opened[k] = (role, page, before)
            _until(lambda: sum(1 for t, _ in _lines(ids) if t == str(turn)) >= team_sessions,
                   f"turn {turn}: an order of every team session", check=locust_alive)
            for _, page, _ in opened:
                page.evaluate(WATCH, turn + 1)
            sent = time.time()
            w.api("facilitator", "/api/adjudicate", "POST")
            done = time.time()
            slowest = 0.0
            for _, page, _ in opened:
                page.wait_for_function("window.__seen !== null && window.__views !== null")
                at, drawn = (t / 1000 for t in page.evaluate("[window.__seen, window.__views]"))
                mix.views_latency.append(max(0.0, drawn - done))
                mix.page_latency.append(max(0.0, at - done))
                mix.from_request.append(at - sent)
                slowest = max(slowest, at - done)
            _until(lambda: sum(1 for _, t, _ in _lines(seen) if t == str(turn + 1)) >= api_sessions,
                   f"turn {turn + 1}: every API session saw it", check=locust_alive)
            for _, t, at in _lines(seen):
                if t == str(turn + 1):
                    mix.api_latency.append(max(0.0, float(at) - done))
                    mix.from_request.append(float(at) - sent)
                    slowest = max(slowest, float(at) - done)
            mix.turn_all_updated.append(max(0.0, slowest))
        mix.cpu_s = {k: _cpu(v) - cpu_before[k] for k, v in procs.items()}
        mix.reloaded = [f"{role} page {i}" for i, (role, page, _) in enumerate(opened)
                        if page.evaluate("window.__session") != i]
        for i, (role, page, _) in enumerate(opened if shot else []):
            shot(page, f"{name}-{i}-{role}")
        for _, page, _ in opened:
            page.context.close()
    finally:
        if locust is not None:
            if locust.poll() is None:
                os.killpg(locust.pid, signal.SIGTERM)   # locust's graceful stop: final stats, exit code
            try:
                mix.locust_code = locust.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(locust.pid, signal.SIGKILL)
                mix.locust_code = locust.wait()
    mix.orders += [int(order_id) for _, order_id in _lines(ids)]
    return mix
