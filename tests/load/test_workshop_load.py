"""Load: 30 simultaneous API sessions (24 team, 6 observer; locust) play 5 turns against a real
workshop server; every accepted order is in the game log and no request failed."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.e2e.conftest import OUT, ROOT
from tests.e2e.test_workshop import start, stop

pytestmark = pytest.mark.timeout(900)
USERS, TEAM_USERS, TURNS = 30, 24, 5
TURN_LIMIT_S = 120   # a turn whose orders do not all arrive within this is a failure, not a hang


def test_thirty_sessions_play_five_turns(tmp_path):
    db = tmp_path / "load.db"
    w = start(db, "feb2022_baseline", "--teams", "RUS,USA,CHN,EU", "--db", str(db))
    codes = tmp_path / "codes.json"
    codes.write_text(json.dumps({"teams": {t: w.codes[t] for t in ("RUS", "USA", "CHN", "EU")},
                                 "observer": w.codes["observer"]}))
    ids = tmp_path / "ids.txt"
    ids.touch()
    stats = OUT / "workshop-load"
    env = {**os.environ, "BLOCSIM_LOAD_CODES": str(codes), "BLOCSIM_LOAD_IDS": str(ids),
           "BLOCSIM_LOAD_TURNS": str(TURNS), "BLOCSIM_LOAD_TEAM_USERS": str(TEAM_USERS)}
    locust = subprocess.Popen(
        [sys.executable, "-m", "locust", "-f", str(ROOT / "tests/load/locustfile.py"), "--headless",
         "-u", str(USERS), "-r", str(USERS), "--run-time", "600s", "--host", w.url.rstrip("/"),
         "--csv", str(stats), "--only-summary", "--stop-timeout", "5"],
        cwd=ROOT, env=env, stdout=(OUT / "workshop-load.log").open("w"), stderr=subprocess.STDOUT,
        start_new_session=True)
    try:
        for turn in range(1, TURNS + 1):
            deadline = time.monotonic() + TURN_LIMIT_S
            while sum(1 for line in ids.read_text().splitlines() if line.split()[0] == str(turn)) < TEAM_USERS:
                assert locust.poll() is None, (OUT / "workshop-load.log").read_text()[-2000:]
                assert time.monotonic() < deadline, f"turn {turn}: not every team session submitted"
                time.sleep(0.2)
            w.api("facilitator", "/api/adjudicate", "POST")
        assert w.api("facilitator", "/api/status")["turn"] == TURNS + 1
    finally:
        os.killpg(locust.pid, signal.SIGTERM)   # locust's graceful stop: final stats, exit code
        try:
            code = locust.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(locust.pid, signal.SIGKILL)
            code = locust.wait()
        if sys.exc_info()[0] is not None:
            stop(w)
    assert code == 0, "locust exits non-zero when any request failed: " + (OUT / "workshop-load.log").read_text()[-2000:]
    log = w.api("facilitator", "/api/log")["log"]
    stop(w)
    submitted = [int(line.split()[1]) for line in ids.read_text().splitlines()]
    assert len(submitted) >= TURNS * TEAM_USERS
    in_log = {e["data"].get("id") for e in log if e["kind"] == "order_submitted"} | \
             {i for e in log if e["kind"] == "order_submitted" for i in e["data"].get("ids", [])}
    missing = [i for i in submitted if i not in in_log]
    assert not missing, f"accepted orders missing from the log: {missing[:10]}"
    with open(f"{stats}_stats.csv") as f:
        total = next(r for r in csv.DictReader(f) if r["Name"] == "Aggregated")
    assert int(total["Request Count"]) > TURNS * TEAM_USERS
    assert int(total["Failure Count"]) == 0, open(f"{stats}_failures.csv").read()
