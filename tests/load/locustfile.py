"""Locust sessions for the workshop load test and benchmark (tests/load/session_mix.py drives the turns).

Every session follows the game with the long-poll `GET /api/wait`: it hears of each committed change
without polling. On each new turn it notes when it saw it (for the update latency) and reads its view;
a team session also submits one small order a turn. It stops after it has seen the last turn played.
Paths in the environment:
  $BLOCSIM_LOAD_CODES  JSON {"teams": {id: code}, "observer": code} (read)
  $BLOCSIM_LOAD_IDS    appended: `turn id` for each accepted order
  $BLOCSIM_LOAD_SEEN   appended: `session turn epoch-seconds` when a session first saw a new turn
"""

from __future__ import annotations

import itertools
import json
import os
import time

from locust import HttpUser, constant, task
from locust.exception import StopUser

CODES = json.loads(open(os.environ["BLOCSIM_LOAD_CODES"]).read())
TEAMS = itertools.cycle(sorted(CODES["teams"]))
TURNS = int(os.environ.get("BLOCSIM_LOAD_TURNS", "5"))    # turns the test adjudicates
WAIT_S = 20                                                # a long-poll's timeout
numbers = itertools.count()


def _append(variable: str, line: str) -> None:
    with open(os.environ[variable], "a") as f:
        f.write(line + "\n")


class Session(HttpUser):
    abstract = True
    wait_time = constant(0)   # the long-poll paces a session

    def code(self) -> str:
        raise NotImplementedError

    def on_start(self):
        self.number = next(numbers)
        self.headers = {"X-Blocsim-Code": self.code()}
        self.news = self.wait(since=0)      # answers at once: where the game stands
        self.act()

    def wait(self, since: int) -> dict:
        r = self.client.get(f"/api/wait?since={since}&timeout={WAIT_S}", headers=self.headers, name="/api/wait")
        r.raise_for_status()
        return r.json()

    @task
    def follow(self):
        news = self.wait(self.news["revision"])
        seen = time.time()
        new_turn = (news["branch"], news["turn"]) != (self.news["branch"], self.news["turn"])
        self.news = news
        if new_turn:
            _append("BLOCSIM_LOAD_SEEN", f"{self.number} {news['turn']} {seen:.4f}")
            self.client.get("/api/view", headers=self.headers)
            if news["turn"] > TURNS:
                raise StopUser()
        self.act()

    def act(self) -> None:
        """What the session does when it hears of a change, beyond reading its view."""


class TeamSession(Session):
    fixed_count = int(os.environ.get("BLOCSIM_LOAD_TEAM_USERS", "20"))

    def code(self) -> str:
        self.team = next(TEAMS)
        self.done: set[int] = set()
        return CODES["teams"][self.team]

    def act(self) -> None:
        turn = self.news["turn"]
        if self.news["phase"] != "open" or turn > TURNS or turn in self.done:
            return
        order = {"kind": "economic_support", "target": "UKR", "item": "aid", "amount": 0.01,
                 "reason": f"load session {self.number} turn {turn}"}
        r = self.client.post("/api/orders", json={"order": order}, headers=self.headers)
        r.raise_for_status()
        self.done.add(turn)
        _append("BLOCSIM_LOAD_IDS", f"{turn} {r.json()['ids'][0]}")


class ObserverSession(Session):
    weight = 1   # the sessions beyond the team sessions

    def code(self) -> str:
        return CODES["observer"]
