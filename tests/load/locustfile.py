"""Locust users for the workshop load test (tests/load/test_workshop_load.py drives the turns).

Team users submit one small order per turn and read their view; observer users read the public view.
Each accepted order's id is appended to $BLOCSIM_LOAD_IDS as `turn id`; codes come from
$BLOCSIM_LOAD_CODES (a JSON file: {"teams": {id: code}, "observer": code}).
"""

from __future__ import annotations

import itertools
import json
import os

from locust import HttpUser, between, task

CODES = json.loads(open(os.environ["BLOCSIM_LOAD_CODES"]).read())
TEAMS = itertools.cycle(sorted(CODES["teams"]))
LAST_TURN = int(os.environ.get("BLOCSIM_LOAD_TURNS", "5"))
counter = itertools.count()


class TeamUser(HttpUser):
    fixed_count = int(os.environ.get("BLOCSIM_LOAD_TEAM_USERS", "24"))
    wait_time = between(0.1, 0.4)

    def on_start(self):
        self.team = next(TEAMS)
        self.number = next(counter)
        self.headers = {"X-Blocsim-Code": CODES["teams"][self.team]}
        self.done: set[int] = set()

    @task
    def play(self):
        st = self.client.get("/api/status", headers=self.headers).json()
        turn = st["turn"]
        if st["phase"] == "open" and turn <= LAST_TURN and turn not in self.done:
            order = {"kind": "economic_support", "target": "UKR", "item": "aid", "amount": 0.01,
                     "reason": f"load user {self.number} turn {turn}"}
            with self.client.post("/api/orders", json={"order": order}, headers=self.headers,
                                  catch_response=True) as r:
                if r.status_code == 403 and "closed" in r.text:
                    r.success()    # the phase closed between status and order: try next turn
                    return
                ids = r.json()["ids"]
            self.done.add(turn)
            with open(os.environ["BLOCSIM_LOAD_IDS"], "a") as f:
                f.write(f"{turn} {ids[0]}\n")
        else:
            self.client.get("/api/view", headers=self.headers)


class ObserverUser(HttpUser):
    weight = 1   # the users beyond the team users
    wait_time = between(0.2, 0.5)

    @task
    def watch(self):
        self.client.get("/api/view", headers={"X-Blocsim-Code": CODES["observer"]})
