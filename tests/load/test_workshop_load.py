"""Load: 30 simultaneous sessions play 5 turns against a real workshop server: 26 locust API sessions
(20 team, 6 observer) and 4 headless Chromium pages (two teams that order through the page's form, two
observers). Every accepted order is in the game log, no request failed, the server logged no error,
and each page showed each new turn by itself. The update latencies are written to test-output/
(benchmarks/bench_workshop.py reports them; no test asserts a time)."""

from __future__ import annotations

import csv
import statistics

import pytest

from tests.e2e.conftest import OUT, shot  # noqa: F401  (shot: the e2e tests' screenshot fixture)
from tests.e2e.test_workshop import start, stop
from tests.load.session_mix import MIX_PAGES, play

pytestmark = [pytest.mark.timeout(900), pytest.mark.browser, pytest.mark.slow]
API_SESSIONS, TEAM_SESSIONS, TURNS = 26, 20, 5


def test_thirty_sessions_play_five_turns(tmp_path, browser, shot):
    db = tmp_path / "load.db"
    w = start(db, "feb2022_baseline", "--teams", "RUS,USA,CHN,EU", "--db", str(db))
    try:
        mix = play(w, tmp_path, browser, API_SESSIONS, TEAM_SESSIONS, MIX_PAGES, TURNS, shot=shot)
        log = w.api("facilitator", "/api/log")["log"]
        status = w.api("facilitator", "/api/status")
    finally:
        stop(w)
    server_log = w.log.read_text(errors="replace")

    assert status["turn"] == TURNS + 1
    assert mix.locust_code == 0, "locust exits non-zero on any failed request: " + mix.locust_log.read_text()[-2000:]
    with open(f"{mix.locust_stats}_stats.csv") as f:
        rows = {r["Name"]: r for r in csv.DictReader(f)}
    assert int(rows["Aggregated"]["Failure Count"]) == 0, open(f"{mix.locust_stats}_failures.csv").read()
    assert int(rows["/api/wait"]["Request Count"]) >= API_SESSIONS * (TURNS + 1), "every session long-polled"
    for bad in ("Traceback", "ERROR", "Exception"):
        assert bad not in server_log, server_log[-3000:]

    page_teams = sum(1 for role in MIX_PAGES if role != "observer")
    assert len(mix.orders) == TURNS * (TEAM_SESSIONS + page_teams) == len(set(mix.orders))
    in_log = {e["data"]["id"] for e in log if e["kind"] == "order_submitted"}
    missing = sorted(set(mix.orders) - in_log)
    assert not missing, f"accepted orders missing from the game log: {missing[:10]}"
    by_turn = {}
    for e in log:
        if e["kind"] == "order_submitted":
            by_turn.setdefault(e["data"]["turn"], set()).add(e["data"]["id"])
    assert all(len(by_turn[t]) == TEAM_SESSIONS + page_teams for t in range(1, TURNS + 1)), by_turn

    assert not mix.reloaded, f"pages reloaded instead of updating: {mix.reloaded}"
    assert len(mix.page_latency) == TURNS * len(MIX_PAGES), "each page showed each new turn"
    assert len(mix.api_latency) == TURNS * API_SESSIONS, "each API session saw each new turn"
    (OUT / "workshop-load-latency.txt").write_text(
        f"{API_SESSIONS} API sessions + {len(MIX_PAGES)} pages, {TURNS} turns; adjudicate answered -> session "
        f"saw the new turn: median {statistics.median(mix.every):.3f} s, max {max(mix.every):.3f} s\n")
