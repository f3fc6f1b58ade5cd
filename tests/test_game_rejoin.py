"""Rejoin tokens: what a workshop page keeps instead of its code, to join again after a restart."""

from __future__ import annotations

import sqlite3

import pytest

from sim.game import Game, Principal, Refused


class Clock:
    def __init__(self):
        self.now = "2026-12-03T09:00:00+00:00"

    def __call__(self):
        return self.now


@pytest.fixture
def game(tmp_path):
    clock = Clock()
    g, codes = Game.create(tmp_path / "g.db", "feb2022_baseline", ["RUS", "USA"], seed=1, clock=clock)
    yield g, codes, clock
    g.close()


def refusals(g, f):
    return [e["data"]["reason"] for e in g.log(f) if e["kind"] == "refused"]


def test_a_token_rejoins_once_as_its_principal_and_survives_a_reopen(game, tmp_path):
    g, codes, clock = game
    rus = g.join(codes["teams"]["RUS"])
    token = g.issue_rejoin_token(rus)
    g.close()
    stored = b"".join(f.read_bytes() for f in tmp_path.glob("g.db*"))
    assert token.encode() not in stored, "only the token's digest is stored"
    again = Game.open(tmp_path / "g.db", clock=clock)      # a restart: the token is in the game file
    p, renewed = again.rejoin(token)
    assert p == Principal("team", "RUS") and renewed != token
    with pytest.raises(Refused, match="unknown, used or expired"):
        again.rejoin(token)                                 # used once: a copied token is worth one join
    f = again.join(codes["facilitator"])
    assert "unknown, used or expired rejoin token" in refusals(again, f)
    assert again.rejoin(renewed)[0] == p
    again.close()


def test_a_token_expires_and_the_facilitator_can_revoke_them(game):
    g, codes, clock = game
    f, usa = g.join(codes["facilitator"]), g.join(codes["teams"]["USA"])
    old = g.issue_rejoin_token(usa)
    clock.now = "2026-12-03T21:00:01+00:00"                 # twelve hours and a second later
    with pytest.raises(Refused):
        g.rejoin(old)
    tokens = [g.issue_rejoin_token(usa), g.issue_rejoin_token(f)]
    with pytest.raises(Refused, match="only the facilitator can revoke"):
        g.revoke_rejoin_tokens(usa)
    assert g.revoke_rejoin_tokens(f, "USA") == 1
    with pytest.raises(Refused):
        g.rejoin(tokens[0])
    assert g.rejoin(tokens[1])[0] == f
    assert any(e["kind"] == "rejoin_tokens_revoked" for e in g.log(f))


def test_a_file_from_before_rejoin_tokens_gets_their_table(game, tmp_path):
    g, codes, clock = game
    g.close()
    with sqlite3.connect(tmp_path / "g.db") as conn:
        conn.execute("DROP TABLE rejoin_tokens")
    again = Game.open(tmp_path / "g.db", clock=clock)
    assert again.rejoin(again.issue_rejoin_token(again.join(codes["observer"])))[0].role == "observer"
    again.close()
