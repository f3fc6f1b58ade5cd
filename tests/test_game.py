"""The shared game engine: a scripted game with two teams, branches, the log, replay and the review."""

from __future__ import annotations

import json

import pytest

from sim.game import Game, Refused
from sim.game.turns import state_digest

AID = {"kind": "economic_support", "target": "UKR", "item": "aid", "amount": 2.5, "reason": "Ukraine needs money"}
SHELLS = {"kind": "arms_transfer", "target": "UKR", "item": "shells", "amount": 200_000}
ABSTAIN_ON_RUS = {"kind": "diplomatic", "target": "RUS", "item": "abstain", "reason": "we hedge"}


@pytest.fixture
def game(tmp_path):
    g, codes = Game.create(tmp_path / "g.db", "feb2022_baseline", ["RUS", "USA"], seed=1)
    people = {"f": g.join(codes["facilitator"]), "RUS": g.join(codes["teams"]["RUS"]),
              "USA": g.join(codes["teams"]["USA"]), "obs": g.join(codes["observer"])}
    yield g, people, codes
    g.close()


def moves(model, months, **match):
    return [a for a in model.events if a.step in months and all(getattr(a, k) == v for k, v in match.items())]


def test_scripted_three_turns_two_teams_inject_rollback_and_second_branch(game, tmp_path):
    g, p, _ = game
    f, rus, usa = p["f"], p["RUS"], p["USA"]
    # turn 1: the US team orders aid, arms and an abstention in the UN vote; Russia adopts its advisor's first move
    ids = g.submit_orders(usa, [AID, SHELLS, ABSTAIN_ON_RUS])
    advice = g.advise(rus)
    assert advice and all(a["sentence"].endswith(".") and "because" in a["sentence"] for a in advice)
    assert all(" would " in a["sentence"] for a in advice), "advice reads as a proposal, not as done"
    assert all(" would " in o["sentence"] for o in g.orders(usa)["USA"]), "so do orders not yet adjudicated"
    adopted = g.adopt(rus, 0)
    g.inject(f, event="initial_thrust")
    g.set_field(f, "actors.CHN.reputation_concern", 0.9)
    g.close_phase(f)
    g.adjudicate(f)
    model = g.current_model()
    t1 = g.months(1)
    aid = moves(model, t1, actor="USA", kind="economic_support", source="order:USA")
    assert [a.amount for a in aid] == [2.5] and aid[0].reason == "Ukraine needs money"
    shells = moves(model, t1, actor="USA", kind="arms_transfer", source="order:USA")
    assert [a.delivered for a in shells] == [200_000]
    assert not moves(model, t1, actor="USA", source="doctrine"), "the team's orders replace the US doctrine"
    vote = next(v for v in model.votes if v["step"] in t1)
    assert "USA" in vote["abstain"], "the team's vote intention replaced the doctrine's vote (it votes for)"
    assert moves(model, t1, actor="RUS", source="order:RUS")
    assert moves(model, t1, source="inject:initial_thrust")
    assert model.world.reputation[model.world.index["CHN"]] == 0.9
    orders_t1 = g.orders(f, 1, 1)
    assert [o["id"] for o in orders_t1["USA"]] == ids and orders_t1["RUS"][0]["origin"] == "advisor"
    assert orders_t1["RUS"][0]["id"] == adopted
    # turns 2 and 3
    g.submit_order(usa, {**AID, "amount": 1.0})
    g.adjudicate(f)
    g.submit_order(usa, {"kind": "sanction", "target": "CHN", "item": "banks", "amount": 0.3})
    g.adjudicate(f)
    assert g.status(f)["turn"] == 4
    first = state_digest(g.final_model(1))
    # roll back to turn 2 and play it differently: a second branch; the first is kept as it was
    new = g.rollback(f, 2)
    assert new == 2 and g.branch_id == 2 and g.status(f)["turn"] == 2
    g.submit_order(usa, {"kind": "withdraw", "target": "UKR", "item": "all", "reason": "a new administration"})
    g.adjudicate(f)
    g.adjudicate(f)
    second = g.final_model(2)
    assert state_digest(g.final_model(1)) == first
    assert second.world.withdrawn_aid[second.world.index["USA"], second.world.index["UKR"]]
    assert not g.final_model(1).world.withdrawn_aid[second.world.index["USA"], second.world.index["UKR"]]
    # both branches share turn 1 exactly
    assert [a.to_dict() for a in moves(second, t1)] == [a.to_dict() for a in moves(g.final_model(1), t1)]

    # the log tells it all, with who and role
    log = g.log(f)
    kinds = [e["kind"] for e in log]
    assert kinds[0] == "created" and kinds.count("adjudicated") == 5 and kinds.count("branched") == 1
    assert kinds.count("order_submitted") == 7 and "inject" in kinds and "set" in kinds
    assert all(e["who"] == "USA" and e["role"] == "team" for e in log if e["kind"] == "order_submitted"
               and e["data"]["order"]["actor"] == "USA")

    # a fresh process replays the log to the same states, branch by branch
    again = Game.open(tmp_path / "g.db")
    assert state_digest(again.final_model(1)) == first
    assert state_digest(again.final_model(2)) == state_digest(second)
    assert again.status(f) == g.status(f)
    again.close()

    # the review tells branch 2: its orders, the inject, the AI countries' reasons, the branch point
    html = g.review(f, branch=2)
    names = g.names
    for turn in g.lineage(2):
        for team in ("USA", "RUS"):
            for o in g.orders(f, 2, turn.number).get(team, []):
                assert o["sentence"].replace("'", "&#x27;").replace('"', "&quot;") in html
    assert "withdrew all support from Ukraine" in html
    assert "Branch 1 (the first branch)" in html and "from branch 1 at turn 2" in html
    assert "<svg" in html and "src=\"http" not in html and "href=\"http" not in html
    ai = next(a for a in moves(second, t1) if a.source == "doctrine" and a.actor == "CHN")
    assert ai.sentence(names).replace("'", "&#x27;").replace('"', "&quot;") in html


def test_same_log_replays_to_the_same_state_byte_for_byte(game, tmp_path):
    g, p, _ = game
    g.submit_orders(p["USA"], [AID, SHELLS])
    g.adjudicate(p["f"])
    g.submit_order(p["RUS"], {"kind": "attack", "target": "POL", "item": "missiles"})
    g.adjudicate(p["f"])
    a, b = Game.open(tmp_path / "g.db"), Game.open(tmp_path / "g.db")
    ma, mb = a.final_model(1), b.final_model(1)
    assert ma is not mb
    assert ma.series().to_csv().encode() == mb.series().to_csv().encode() == g.final_model(1).series().to_csv().encode()
    assert json.dumps([x.to_dict() for x in ma.events]).encode() == json.dumps([x.to_dict() for x in mb.events]).encode()
    assert state_digest(ma) == state_digest(mb) == g.log(p["f"])[-2]["data"]["digest"]
    # the same moves typed into a second game give the same state
    g2, codes = Game.create(tmp_path / "g2.db", "feb2022_baseline", ["RUS", "USA"], seed=1)
    f2, usa2, rus2 = (g2.join(codes["facilitator"]), g2.join(codes["teams"]["USA"]), g2.join(codes["teams"]["RUS"]))
    g2.submit_orders(usa2, [AID, SHELLS])
    g2.adjudicate(f2)
    g2.submit_order(rus2, {"kind": "attack", "target": "POL", "item": "missiles"})
    g2.adjudicate(f2)
    assert state_digest(g2.final_model(1)) == state_digest(ma)


def test_a_team_sees_its_own_country_not_others_stocks_orders_or_covert_trade(game):
    g, p, _ = game
    f, rus, usa = p["f"], p["RUS"], p["USA"]
    g.submit_order(usa, SHELLS)
    g.submit_order(rus, {"kind": "procure", "target": "RUS", "item": "drones", "amount": 0.5})
    g.adjudicate(f)
    g.submit_order(rus, {"kind": "dual_use_trade", "target": "IRN", "amount": 0.4})
    g.set_field(f, "actors.RUS.stocks.missiles", 123)   # a facilitator's change concerns Russia alone
    g.adjudicate(f)
    assert [e["text"] for e in g.view(rus)["events"] if e["kind"] == "policy" and e["step"] == 2]
    assert not [e for e in g.view(usa)["events"] if e["kind"] == "policy" and e["step"] == 2]
    g.submit_order(rus, {"kind": "dual_use_trade", "target": "IRN", "amount": 0.4})
    us_view, ru_view = g.view(usa), g.view(rus)
    text = json.dumps(us_view)
    assert us_view["country"]["id"] == "USA" and "countries" not in us_view
    assert set(us_view["country"]["stocks"]) == {"shells", "drones", "missiles", "air_defence", "troops"}
    assert us_view["orders"] == [] and "dual_use_trade" not in text, "Russia's orders are not in the US view"
    covert = [e for e in g.current_model().events if e.kind == "dual_use_trade"]
    assert covert and all(e["kind"] != "dual_use_trade" for e in us_view["events"])
    assert any(e["kind"] == "dual_use_trade" for e in g.view(p["obs"])["events"]) is False
    ours = [e for e in ru_view["events"] if e["kind"] == "dual_use_trade"]
    assert ours and all("RUS" in (e["actor"], e["target"]) for e in ours)
    assert [o["order"]["kind"] for o in ru_view["orders"]] == ["dual_use_trade"]
    assert any(e["actor"] == "USA" for e in ru_view["done_to_it"]) or ru_view["country"]["sanctions_on_it"]
    # the facilitator reveals Russia's stocks and orders to the US team, then hides one
    r1 = g.reveal(f, "USA", note="Intelligence: Russian stocks", about="stocks:RUS")
    g.reveal(f, "USA", note="Intercepted orders", about="orders:RUS")
    shown = g.view(usa)["revealed"]
    assert shown[0]["data"] == ru_view["country"]["stocks"] and shown[1]["data"][0]["kind"] == "dual_use_trade"
    g.hide(f, r1)
    assert [r["note"] for r in g.view(usa)["revealed"]] == ["Intercepted orders"]
    assert g.view(rus)["revealed"] == []
    g.message(f, "Talks in Istanbul tomorrow", team="RUS")
    g.message(f, "Ten minutes left")
    assert [m["text"] for m in g.view(rus)["messages"]] == ["Talks in Istanbul tomorrow", "Ten minutes left"]
    assert [m["text"] for m in g.view(usa)["messages"]] == ["Ten minutes left"]
    with pytest.raises(Refused, match="only the facilitator"):
        g.message(usa, "hello")
    assert len(g.view(f)["countries"]) == len(g.scenario.actors)
    # other countries' moves are told without their reasons (which tell what they hold and need)
    others = [e for e in g.view(usa)["events"] if "USA" not in (e["actor"], e["target"]) and e["source"] == "doctrine"]
    assert others and not any("because" in e["text"] for e in others)
    assert any("because" in e["text"] for e in g.view(f)["events"] if e["source"] == "doctrine")
    assert all(e["step"] > 1 for e in g.view(usa, since=1)["events"])


def test_pause_deadline_reopen_and_switching_branches(tmp_path):
    now = ["2026-01-01T10:00:00+00:00"]
    g, codes = Game.create(tmp_path / "g.db", "feb2022_baseline", ["USA"], clock=lambda: now[0])
    f, usa = g.join(codes["facilitator"]), g.join(codes["teams"]["USA"])
    heard, start = [], g.revision
    g.listeners.append(lambda entry: heard.append(entry.kind))
    g.pause(f)
    with pytest.raises(Refused, match="paused"):
        g.submit_order(usa, AID)
    g.resume(f)
    assert heard == ["paused", "refused", "resumed"] and g.revision == start + 3
    g.open_phase(f, deadline="2026-01-01T12:30:00+02:00")   # 10:30 UTC
    g.submit_order(usa, AID)
    assert not g.tick()
    now[0] = "2026-01-01T10:31:00+00:00"
    with pytest.raises(Refused, match="closed"):
        g.submit_order(usa, SHELLS)
    assert g.log(f)[-2]["kind"] == "phase_closed" and g.log(f)[-2]["data"]["why"] == "deadline"
    g.open_phase(f)
    assert [o["order"]["kind"] for o in g.orders(usa)["USA"]] == ["economic_support"], "reopening keeps orders"
    g.adjudicate(f)
    g.rollback(f, 1)
    g.switch_branch(f, 1)
    assert g.status(f)["turn"] == 2 and g.branch_id == 1
    with pytest.raises(Refused, match="no such branch"):
        g.switch_branch(f, 9)


def test_turns_of_several_months_keep_the_team_country_to_its_orders(tmp_path):
    g, codes = Game.create(tmp_path / "g.db", "feb2022_baseline", ["USA"], months_per_turn=3)
    f, usa = g.join(codes["facilitator"]), g.join(codes["teams"]["USA"])
    g.submit_order(usa, AID)
    g.adjudicate(f)
    model = g.current_model()
    assert model.world.step == 3 and g.status(f)["turn"] == 2 and g.last_turn == 12
    us = moves(model, range(1, 4), actor="USA")
    assert [(a.step, a.kind) for a in us if a.source.startswith("order")] == [(1, "economic_support")]
    assert not [a for a in us if a.source == "doctrine"]


def test_two_open_copies_of_a_game_see_each_others_changes_before_acting(tmp_path):
    a, codes = Game.create(tmp_path / "g.db", "feb2022_baseline", ["USA", "RUS"])
    b = Game.open(tmp_path / "g.db")
    usa_a, usa_b = a.join(codes["teams"]["USA"]), b.join(codes["teams"]["USA"])
    oid = a.submit_order(usa_a, {**SHELLS, "amount": 3_000_000})
    with pytest.raises(Refused, match="with its other orders this turn"):
        b.submit_order(usa_b, {**SHELLS, "amount": 2_000_000})
    b.adjudicate(b.join(codes["facilitator"]))
    with pytest.raises(Refused, match=f"order {oid}: no such order of USA this turn"):
        a.withdraw_order(usa_a, oid)   # the order went into turn 1, which b adjudicated
    assert a.status(usa_a)["turn"] == b.status(usa_b)["turn"] == 2
    assert state_digest(a.current_model()) == state_digest(b.current_model())


def test_every_suggestion_of_the_advisor_passes_the_order_checks(tmp_path):
    teams = ["RUS", "USA", "CHN", "EU"]
    g, codes = Game.create(tmp_path / "g.db", "feb2022_baseline", teams, seed=2)
    f = g.join(codes["facilitator"])
    for _ in range(2):
        adopted = {}
        for team in teams:
            who = g.join(codes["teams"][team])
            advice = g.advise(who)
            for i in range(len(advice)):
                g.adopt(who, i)
            adopted[team] = sorted(a["order"]["kind"] for a in advice)
            assert sorted(o["order"]["kind"] for o in g.orders(who)[team]) == adopted[team]
        assert adopted["USA"] and adopted["CHN"] and adopted["EU"]
        turn = g.status(f)["turn"]
        g.adjudicate(f)
        done = moves(g.current_model(), g.months(turn))
        for team in teams:
            assert sorted(a.kind for a in done if a.source == f"order:{team}") == adopted[team]


def test_a_team_sees_arms_requested_of_it_and_not_others_and_answers_with_a_transfer(tmp_path):
    g, codes = Game.create(tmp_path / "r.db", "feb2022_baseline", ["UKR", "USA", "RUS"], seed=1)
    f = g.join(codes["facilitator"])
    ukr, usa, rus = (g.join(codes["teams"][c]) for c in ("UKR", "USA", "RUS"))
    ask = {"kind": "arms_request", "target": "USA", "item": "air_defence", "amount": 300,
           "payment_item": "cash", "payment_amount": 0.1, "reason": "our cities are under missile attack"}
    for bad, why in (({**ask, "amount": 0}, "ask for more than 0"), ({**ask, "item": "banks"}, "does not fit"),
                     ({**ask, "actor": "GBR"}, "only for its own country"), ({**ask, "target": "XXX"}, "target")):
        with pytest.raises(Refused, match=why):
            g.submit_order(ukr, bad)
    g.submit_order(ukr, ask)
    g.adjudicate(f)
    seen = g.view(usa)["requests"]
    assert [(r["actor"], r["item"], r["amount"], r["payment_item"]) for r in seen] == [("UKR", "air_defence", 300, "cash")]
    assert "our cities are under missile attack" in seen[0]["text"]
    assert g.view(rus)["requests"] == [] and g.view(ukr)["requests"] == []
    assert not [e for e in g.view(rus)["events"] + g.view(g.join(codes["observer"]))["events"]
                if e["kind"] == "arms_request"], "a request is between the two"
    g.submit_order(usa, {"kind": "arms_transfer", "target": "UKR", "item": "air_defence", "amount": 300,
                         "payment_item": "cash", "payment_amount": 0.1, "reason": "Ukraine asked"})
    g.adjudicate(f)
    assert moves(g.current_model(), [2], actor="USA", target="UKR", kind="arms_transfer", item="air_defence")
