"""Crash recovery: a process playing a game is SIGKILLed at random points; on restart the game is
exactly its log (nothing committed lost, nothing half-written) and play goes on."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

from sim.game import Game
from sim.game.turns import state_digest

ROOT = Path(__file__).resolve().parents[1]
TRIALS = 4          # bounded in count; each child is bounded in time by the timeout below
TIMEOUT_S = 120

PLAYER = """
import sys
from sim.game import Game, Refused
path, secret, code = sys.argv[1:4]
g = Game.open(path)
f, usa = g.join(secret), g.join(code)
n = 0
while True:
    n += 1
    try:
        g.submit_order(usa, {"kind": "economic_support", "target": "UKR", "item": "aid", "amount": 0.1 * (n % 7)})
        if n % 2 == 0:
            g.adjudicate(f)
        if n % 9 == 0:
            g.rollback(f, max(1, g.status(f)["turn"] - 2))
    except Refused:
        g.rollback(f, 1)
    print(g.store.conn.execute("SELECT MAX(seq) FROM log").fetchone()[0], flush=True)
"""


def test_a_process_killed_at_any_point_restarts_to_its_last_committed_state(tmp_path):
    path = tmp_path / "g.db"
    g, codes = Game.create(path, "feb2022_baseline", ["USA", "RUS"], seed=3)
    g.close()
    rng = random.Random(20261202)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for trial in range(TRIALS):
        child = subprocess.Popen([sys.executable, "-c", PLAYER, str(path), codes["facilitator"],
                                  codes["teams"]["USA"]], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, cwd=ROOT, env=env)
        wanted, seen = rng.randint(1, 25), []
        try:
            while len(seen) < wanted:
                line = child.stdout.readline()
                assert line, f"the player stopped: {child.stderr.read()[-2000:]}"
                seen.append(int(line))
            child.send_signal(signal.SIGKILL)   # mid-way through whatever it does next
            child.wait(timeout=TIMEOUT_S)
        finally:
            if child.poll() is None:
                child.kill()
            child.stdout.close()
            child.stderr.close()
        game = Game.open(path)                  # replays the log and checks it against the recorded states
        f = game.join(codes["facilitator"])
        log = game.log(f)
        assert log[-1]["seq"] >= seen[-1], "a change the player saw committed is in the log"
        for b in game.branches:
            turns = [t for t in game.lineage(b) if t.phase == "adjudicated"]
            model = game.final_model(b)
            assert model.world.step == (turns[-1].number if turns else 0)
            if turns:
                assert state_digest(model) == turns[-1].digest
        opened = [e for e in log if e["kind"] == "phase_opened"]
        assert all(e["data"]["turn"] <= game.last_turn for e in opened)
        # play goes on from the recovered state
        usa = game.join(codes["teams"]["USA"])
        if game.turn.phase != "adjudicated":
            game.submit_order(usa, {"kind": "economic_support", "target": "UKR", "item": "aid", "amount": 1})
            game.adjudicate(f)
        game.close()
