"""The workshop's JSON API: each role limit attempted and refused (and logged), the rate limit on wrong
codes, and no other team's private state in a team's answers."""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import json
import time

import httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from sim.game import Game, Refused
from viz.workshop import api, state

AID = {"kind": "economic_support", "target": "UKR", "item": "aid", "amount": 2.5,
       "reason": "usa-private-plan-for-kyiv"}


@pytest.fixture
def room(tmp_path):
    game, codes = Game.create(tmp_path / "w.db", "feb2022_baseline", ["RUS", "USA"], seed=0)
    state.install(game)
    state.LIMITER.failures.clear()
    client = TestClient(Starlette(routes=api.routes))
    yield game, codes, client
    state.HOLDER.game = None
    game.close()


def call(client, code, method, url, **body):
    return client.request(method, url, headers={"X-Blocsim-Code": code}, json=body or None)


def refusals(game, codes):
    f = game.join(codes["facilitator"])
    return [e for e in game.log(f) if e["kind"] == "refused"]


FACILITATOR_ONLY = [
    ("POST", "/api/phase/close", {}), ("POST", "/api/phase/open", {}), ("POST", "/api/adjudicate", {}),
    ("POST", "/api/inject", {"event": "initial_thrust"}),
    ("POST", "/api/set", {"path": "actors.CHN.reputation_concern", "value": 0.9}),
    ("POST", "/api/rollback", {"turn": 1}), ("POST", "/api/switch", {"branch": 1}),
    ("POST", "/api/reveal", {"team": "RUS", "note": "look", "about": "stocks:USA"}),
    ("POST", "/api/message", {"text": "hello"}), ("GET", "/api/log", {}), ("GET", "/api/export", {}),
    ("POST", "/api/tokens/revoke", {}),
]


@pytest.mark.parametrize("who", ["RUS", "observer"])
def test_every_facilitator_action_is_refused_to_teams_and_observers_and_logged(room, who):
    game, codes, client = room
    code = codes["observer"] if who == "observer" else codes["teams"][who]
    turn_before = game.status()["turn"]
    for method, path, body in FACILITATOR_ONLY:
        r = call(client, code, method, path, **body)
        assert r.status_code == 403, (path, r.text)
        assert "only the facilitator" in r.json()["error"], (path, r.json())
    assert game.status()["turn"] == turn_before and game.status()["phase"] == "open"
    logged = refusals(game, codes)
    assert len(logged) >= len(FACILITATOR_ONLY)
    assert {e["who"] for e in logged} == {who}


def test_a_team_cannot_act_for_another_country_nor_the_observer_give_orders(room):
    game, codes, client = room
    rus, usa = codes["teams"]["RUS"], codes["teams"]["USA"]
    r = call(client, rus, "POST", "/api/orders", orders=[{**AID, "actor": "USA"}])
    assert r.status_code == 403 and "USA" in r.json()["error"]
    ids = call(client, usa, "POST", "/api/orders", orders=[AID]).json()["ids"]
    r = call(client, rus, "DELETE", f"/api/orders/{ids[0]}")
    assert r.status_code == 403
    r = call(client, rus, "PUT", f"/api/orders/{ids[0]}", order={**AID, "amount": 0.1})
    assert r.status_code == 403
    assert call(client, codes["observer"], "POST", "/api/orders", orders=[AID]).status_code == 403
    assert call(client, codes["observer"], "GET", "/api/orders").status_code == 403
    assert call(client, codes["observer"], "GET", "/api/advice").status_code == 403
    usa_orders = call(client, usa, "GET", "/api/orders").json()["USA"]
    assert [o["id"] for o in usa_orders] == ids and usa_orders[0]["order"]["amount"] == 2.5, "nothing changed"
    who = [e["who"] for e in refusals(game, codes)]
    assert who.count("RUS") == 3 and who.count("observer") == 3


def test_no_other_teams_stocks_or_orders_in_a_teams_answers(room):
    game, codes, client = room
    usa, rus = codes["teams"]["USA"], codes["teams"]["RUS"]
    assert call(client, usa, "POST", "/api/orders", orders=[AID]).status_code == 200
    usa_stocks = game.view(game.join(usa))["country"]["stocks"]
    for method, path in [("GET", "/api/view"), ("GET", "/api/status"), ("GET", "/api/orders"),
                         ("GET", "/api/advice"), ("POST", "/api/join")]:
        r = call(client, rus, method, path)
        assert r.status_code == 200, (path, r.text)
        text = r.text
        assert "usa-private-plan-for-kyiv" not in text, path
        assert "countries" not in r.json(), path
        for item, value in usa_stocks.items():
            if value > 1000:
                assert json.dumps(value) not in text, (path, item)
    view = call(client, rus, "GET", "/api/view")
    own = [v for v in view.json()["country"]["stocks"].values() if v > 1000]
    assert own and all(json.dumps(v) in view.text for v in own), "the check would see stocks if they were there"
    assert view.json()["country"]["id"] == "RUS" and view.json()["orders"] == []
    assert "usa-private-plan-for-kyiv" in call(client, codes["facilitator"], "GET", "/api/view").text


def test_wrong_codes_are_rate_limited_per_client_and_logged(room):
    game, codes, client = room
    for _ in range(state.FAILED_JOINS_ALLOWED):
        assert call(client, "not-a-code", "POST", "/api/join").status_code == 403
    r = call(client, codes["facilitator"], "POST", "/api/join")
    assert r.status_code == 429, "even the right code waits once a client tried too many wrong ones"
    other = TestClient(Starlette(routes=api.routes), client=("10.0.0.7", 5000))
    assert call(other, codes["teams"]["RUS"], "POST", "/api/join").json()["country"] == "RUS", "per client"
    reasons = [e["data"]["reason"] for e in refusals(game, codes) if e["data"]["action"] == "join"]
    assert reasons.count("unknown code") == state.FAILED_JOINS_ALLOWED
    assert any("too many wrong codes" in r for r in reasons)


def test_the_facilitator_voids_the_pages_rejoin_tokens(room):
    game, codes, client = room
    rus = game.join(codes["teams"]["RUS"])
    token = game.issue_rejoin_token(rus)
    r = call(client, codes["facilitator"], "POST", "/api/tokens/revoke", team="RUS")
    assert r.status_code == 200 and r.json()["revoked"] == 1
    with pytest.raises(Refused, match="enter your code again"):
        state.rejoin(token, "10.0.0.8")
    assert call(client, codes["facilitator"], "POST", "/api/tokens/revoke", team="XXX").status_code == 403


def test_codes_travel_in_a_header_or_body_never_the_url(room):
    game, codes, client = room
    assert client.get(f"/api/status?code={codes['facilitator']}").status_code == 401
    r = client.post("/api/join", json={"code": codes["teams"]["USA"]})
    assert r.json() == {"role": "team", "country": "USA", "revision": game.revision}


def test_a_turn_through_the_api(room):
    game, codes, client = room
    f, usa, rus = codes["facilitator"], codes["teams"]["USA"], codes["teams"]["RUS"]
    assert call(client, usa, "POST", "/api/orders", order=AID).status_code == 200
    assert call(client, rus, "POST", "/api/adopt", index=0).status_code == 200
    assert call(client, f, "POST", "/api/inject", event="initial_thrust").status_code == 200
    assert call(client, f, "POST", "/api/message", text="well played", team="USA").status_code == 200
    st = call(client, f, "GET", "/api/status").json()
    assert st["submitted"] == ["RUS", "USA"]
    assert call(client, f, "POST", "/api/phase/close").json()["phase"] == "closed"
    r = call(client, usa, "POST", "/api/orders", order=AID)
    assert r.status_code == 403 and "closed" in r.json()["error"]
    assert call(client, f, "POST", "/api/adjudicate").status_code == 200
    assert call(client, f, "GET", "/api/status").json()["turn"] == 2
    assert call(client, rus, "GET", "/api/view").json()["messages"] == [], "a message to USA is not RUS's"
    assert call(client, usa, "GET", "/api/view").json()["messages"][0]["text"] == "well played"
    assert call(client, f, "POST", "/api/rollback", turn=1).json()["branch"] == 2
    review = call(client, f, "GET", "/api/export")
    assert review.status_code == 200 and "usa-private-plan-for-kyiv" in review.text
    assert call(client, f, "POST", "/api/adopt", index="x").status_code == 400
    assert client.post("/api/join", content=b"{not json").status_code == 400


def test_a_long_poll_answers_as_soon_as_the_game_changes(room):
    game, codes, client = room
    obs, usa = codes["observer"], codes["teams"]["USA"]
    since = call(client, obs, "POST", "/api/join").json()["revision"]
    assert call(client, usa, "POST", "/api/orders", order=AID).status_code == 200
    r = call(client, obs, "GET", f"/api/wait?since={since}&timeout=30")
    assert r.status_code == 200
    news = r.json()
    assert news["revision"] > since and news == {"revision": game.revision, "branch": 1, "turn": 1, "phase": "open"}
    assert "usa-private-plan-for-kyiv" not in r.text
    call(client, codes["facilitator"], "POST", "/api/adjudicate")
    news = call(client, obs, "POST", "/api/wait", since=news["revision"], timeout=30).json()
    assert (news["turn"], news["phase"]) == (2, "open")


def test_sixty_long_polls_hold_no_thread_and_all_hear_one_order(room):
    """More waiting sessions than Starlette's 40 worker threads: an order is still answered, and
    every waiting session hears of it."""
    game, codes, client = room
    obs, usa = codes["observer"], codes["teams"]["USA"]

    async def play():
        transport = httpx.ASGITransport(app=Starlette(routes=api.routes))
        async with httpx.AsyncClient(transport=transport, base_url="http://workshop") as ac:
            await ac.post("/api/join", headers={"X-Blocsim-Code": usa})   # a first join is a change too
            since = (await ac.post("/api/join", headers={"X-Blocsim-Code": obs})).json()["revision"]
            waits = [asyncio.create_task(ac.get(f"/api/wait?since={since}&timeout=30",
                                                headers={"X-Blocsim-Code": obs})) for _ in range(60)]
            while state.waiting() < 60:
                assert not any(w.done() for w in waits), [w.result().text for w in waits if w.done()][:1]
                await asyncio.sleep(0)
            order = await asyncio.wait_for(ac.post("/api/orders", json={"order": AID},
                                                   headers={"X-Blocsim-Code": usa}), 20)
            assert order.status_code == 200
            return await asyncio.wait_for(asyncio.gather(*waits), 20)

    # its own thread and event loop: the session's Playwright (tests/conftest.py `browser`) keeps one
    # running in the main thread once an end-to-end test has used it
    with concurrent.futures.ThreadPoolExecutor(1) as own_thread:
        answers = own_thread.submit(asyncio.run, play()).result()
    assert {a.status_code for a in answers} == {200}
    assert {a.json()["revision"] for a in answers} == {game.revision}


def test_a_long_poll_times_out_with_the_same_revision_and_refuses_bad_input(room, monkeypatch):
    game, codes, client = room
    obs = codes["observer"]
    since = call(client, obs, "POST", "/api/join").json()["revision"]
    started = time.monotonic()
    r = call(client, obs, "GET", f"/api/wait?since={since}&timeout=0.3")
    assert r.status_code == 200 and r.json()["revision"] == since and time.monotonic() - started >= 0.3
    for query, says in [("since=-1", "since"), ("since=soon", "since"), ("", "since"),
                        (f"since={since}&timeout=61", "timeout"), (f"since={since}&timeout=nan", "timeout")]:
        r = call(client, obs, "GET", f"/api/wait?{query}")
        assert r.status_code == 400 and says in r.json()["error"], (query, r.text)
    assert client.get(f"/api/wait?since={since}&code={obs}").status_code == 401
    assert call(client, "not-a-code", "GET", f"/api/wait?since={since}").status_code == 403
    monkeypatch.setattr(state, "MAX_WAITING", 0)
    r = call(client, obs, "GET", f"/api/wait?since={since}&timeout=0")
    assert r.status_code == 503 and "waiting already" in r.json()["error"]


@pytest.mark.parametrize("argv, says", [
    (["workshop", "--teams", "RUS", "--resume", "x.db"], "--resume FILE continues a saved workshop"),
    (["workshop", "--resume", "missing.db"], "--resume missing.db: no such game file"),
    (["workshop", "feb2022_baseline"], "--teams: name the countries"),
    (["workshop", "--teams", "RUS,XXX", "--db", "new.db"], "XXX"),
    (["workshop", "--teams", "RUS", "--db", "new.db", "--trust-proxy", "proxy.lan"], "--trust-proxy proxy.lan"),
])
def test_workshop_command_refuses_bad_starts_with_one_message(tmp_path, monkeypatch, capsys, argv, says):
    from sim.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert says in capsys.readouterr().err
    assert not (tmp_path / "new.db").exists() and not (tmp_path / "new.db.codes.txt").exists()


def test_workshop_command_will_not_overwrite_a_game(tmp_path, monkeypatch, capsys):
    from sim.cli import main

    monkeypatch.chdir(tmp_path)
    Game.create(tmp_path / "room.db", "feb2022_baseline", ["RUS"])[0].close()
    before = (tmp_path / "room.db").read_bytes()
    assert main(["workshop", "--teams", "RUS", "--db", "room.db"]) == 2
    assert "--resume room.db" in capsys.readouterr().err
    assert (tmp_path / "room.db").read_bytes() == before


def test_only_the_facilitator_is_told_the_seed(room):
    """With the seed and the public scenario a team could replay the AI countries' choices offline."""
    game, codes, client = room
    assert call(client, codes["facilitator"], "GET", "/api/status").json()["seed"] == game.seed
    for code in (codes["teams"]["USA"], codes["observer"]):
        for path in ("/api/status", "/api/view"):
            answer = call(client, code, "GET", path).json()
            status = answer.get("game", answer)
            assert "seed" not in status and status["turn"] == 1, (path, status)


def test_a_new_workshop_draws_a_fresh_seed_unless_told_one(tmp_path, monkeypatch):
    from sim.commands import workshop

    monkeypatch.setattr("viz.workshop.server.serve", lambda *a: 0)
    monkeypatch.setattr(workshop, "check_port", lambda *a: None)
    seeds = []
    for name, extra in (("a", []), ("b", []), ("c", ["--seed", "7"])):
        parser = argparse.ArgumentParser()
        workshop.register(parser.add_subparsers())
        args = parser.parse_args(["workshop", "--teams", "RUS,USA", "--db", str(tmp_path / f"{name}.db"), *extra])
        assert args.func(args) == 0
        seeds.append(Game.open(tmp_path / f"{name}.db").seed)
    assert seeds[0] != seeds[1] and seeds[2] == 7


def test_the_facilitators_sheet_is_private_and_says_when_the_room_can_reach_it(tmp_path):
    from sim.commands.workshop import sheet, write_private

    codes = {"facilitator": "F", "observer": "O", "teams": {"RUS": "R"}}
    assert "beyond this machine" not in sheet("http://127.0.0.1:1/", codes, "127.0.0.1")
    text = sheet("http://0.0.0.0:1/", codes, "0.0.0.0")
    assert "NOTE: listening on 0.0.0.0, beyond this machine" in text and "team RUS" in text
    path = tmp_path / "codes.txt"
    write_private(path, text)
    assert path.stat().st_mode & 0o777 == 0o600 and path.read_text() == text
