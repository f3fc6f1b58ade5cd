"""Bad orders, wrong roles, foreign files and the `blocsim game` command line: one message, nothing changed."""

from __future__ import annotations

import datetime
import sqlite3

import pytest

from sim.cli import main
from sim.game import Game, Refused

SHELLS = {"kind": "arms_transfer", "target": "UKR", "item": "shells", "amount": 1_000_000}


@pytest.fixture
def game(tmp_path):
    g, codes = Game.create(tmp_path / "g.db", "feb2022_baseline", ["RUS", "USA"])
    yield g, {k: g.join(c) for k, c in codes["teams"].items()} | {"f": g.join(codes["facilitator"])}
    g.close()


def refused_without_change(g, who, call, match):
    before = (g.orders(who["f"]), g.status(who["f"]), len(g.log(who["f"])))
    with pytest.raises(Refused, match=match):
        call()
    log = g.log(who["f"])
    assert (g.orders(who["f"]), g.status(who["f"]), len(log)) == (before[0], before[1], before[2] + 1)
    assert log[-1]["kind"] == "refused" and log[-1]["data"]["reason"]
    return log[-1]


@pytest.mark.parametrize("order, match", [
    ({**SHELLS, "amount": 1e12}, "a number from 0 to"),
    ({**SHELLS, "amount": 5e6}, "USA has 4,000,000 shells; this order needs 5,000,000"),
    ({**SHELLS, "target": "ATLANTIS"}, "ATLANTIS"),
    ({**SHELLS, "actor": "RUS"}, "a team acts only for its own country"),
    ({**SHELLS, "item": "tanks"}, "item 'tanks' does not fit arms_transfer"),
    ({**SHELLS, "kind": "teleport"}, "unknown action 'teleport'"),
    ({**SHELLS, "colour": "red"}, "colour: unknown field"),
    ({"kind": "sanction", "target": "RUS", "item": "banks", "amount": 2}, "sanction intensity"),
    ({"kind": "economic_support", "target": "UKR", "item": "aid", "amount": 1e6}, "reserves"),
    ({"kind": "diplomatic", "target": "CHN", "item": "vote_against"}, "no UN vote condemning CHN"),
    ({"kind": "arms_transfer", "target": "USA", "item": "shells", "amount": 1}, "cannot act on itself"),
    ("send everything", "an order is a mapping"),
    ({**SHELLS, "amount": "x" * 100_000}, "amount: got"),
    ({**SHELLS, "amount": datetime.date(2022, 1, 1)}, "amount: got"),   # what YAML makes of 2022-01-01
])
def test_a_bad_order_is_refused_with_its_reason_and_changes_nothing(game, order, match):
    g, who = game
    entry = refused_without_change(g, who, lambda: g.submit_order(who["USA"], order), match)
    assert entry["who"] == "USA" and entry["role"] == "team"


def test_two_orders_that_together_exceed_a_stock_are_refused(game):
    g, who = game
    g.submit_order(who["USA"], {**SHELLS, "amount": 3_000_000})
    refused_without_change(g, who, lambda: g.submit_order(who["USA"], {**SHELLS, "target": "POL",
                                                                          "amount": 2_000_000}),
                           "with its other orders this turn .3,000,000. that makes 5,000,000")
    # a batch that exceeds the stock is refused whole
    refused_without_change(g, who, lambda: g.submit_orders(who["RUS"], [
        {"kind": "economic_support", "target": "BLR", "item": "aid", "amount": 200},
        {"kind": "economic_support", "target": "IRN", "item": "aid", "amount": 200}]), "order 2: RUS has")


def test_roles_are_checked_inside_the_engine(game):
    g, who = game
    for call, match in [(lambda: g.adjudicate(who["USA"]), "only the facilitator can adjudicate"),
                        (lambda: g.rollback(who["RUS"], 1), "only the facilitator can roll back"),
                        (lambda: g.inject(who["USA"], event="initial_thrust"), "only the facilitator"),
                        (lambda: g.reveal(who["USA"], "RUS", note="x"), "only the facilitator"),
                        (lambda: g.submit_order(who["f"], SHELLS), "only a team can give orders")]:
        refused_without_change(g, who, call, match)
    for call, match in [(lambda: g.log(who["USA"]), "only the facilitator can read the game log"),
                        (lambda: g.review(who["RUS"]), "only the facilitator can export the review"),
                        (lambda: g.advise(who["f"]), "only a team asks its advisor")]:
        refused_without_change(g, who, call, match)
    rid = g.submit_order(who["USA"], SHELLS)
    refused_without_change(g, who, lambda: g.withdraw_order(who["RUS"], rid), f"order {rid}: no such order of RUS")
    with pytest.raises(Refused, match="unknown code"):
        g.join("guess")
    assert g.log(who["f"])[-1]["who"] == "unknown"


def test_orders_after_the_phase_closed_are_refused(game):
    g, who = game
    g.close_phase(who["f"])
    refused_without_change(g, who, lambda: g.submit_order(who["USA"], SHELLS), "order phase of turn 1 is closed")


def test_facilitator_inputs_are_checked_by_the_runs_checks(game):
    g, who = game
    refused_without_change(g, who, lambda: g.set_field(who["f"], "actors.CHN.reputation_concern", 5), "got 5")
    refused_without_change(g, who, lambda: g.set_field(who["f"], "actors.CHN.flag", 1), "flag")
    refused_without_change(g, who, lambda: g.inject(who["f"], event="nope"), "unknown event 'nope'")
    refused_without_change(g, who, lambda: g.inject(who["f"], action={"kind": "sanction", "actor": "USA",
                                                                    "target": "CHN", "item": "cats"}), "cats")


def test_foreign_or_damaged_files_get_a_message_and_are_not_touched(tmp_path, capsys):
    text = tmp_path / "notes.db"
    text.write_bytes(b"just some notes\n" * 100)
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    g, _ = Game.create(tmp_path / "sound.db", "feb2022_baseline", ["USA"])
    g.close()
    sound = (tmp_path / "sound.db").read_bytes()
    damaged, truncated = tmp_path / "damaged.db", tmp_path / "truncated.db"
    damaged.write_bytes(sound[:4300] + b"Z" * 2800 + sound[7100:])
    truncated.write_bytes(sound[:6000])
    for path, match in ((text, "not a blocsim game file"), (other, "not a blocsim game file"),
                        (tmp_path / "missing.db", "no such game file"), (damaged, "the game file is damaged"),
                        (truncated, "the game file is damaged")):
        before = path.read_bytes() if path.exists() else None
        assert main(["game", "status", str(path), "--as", "x"]) == 2
        err = capsys.readouterr().err
        assert match in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
        assert (path.read_bytes() if path.exists() else None) == before
    g, _ = Game.create(tmp_path / "g.db", "feb2022_baseline", ["USA"])
    g.close()
    assert main(["game", "new", "--teams", "USA", "--db", str(tmp_path / "g.db")]) == 2
    assert "the file exists" in capsys.readouterr().err
    assert main(["game", "new", "--teams", "RUS,XXX", "--db", str(tmp_path / "new.db")]) == 2
    assert "teams: unknown actor 'XXX'" in capsys.readouterr().err and not (tmp_path / "new.db").exists()


def test_the_command_line_plays_a_game(tmp_path, capsys, monkeypatch):
    db = tmp_path / "g.db"
    assert main(["game", "new", "feb2022_baseline", "--teams", "RUS,USA", "--db", str(db), "--json"]) == 0
    import json
    codes = json.loads(capsys.readouterr().out)["codes"]
    secret, usa, rus = codes["facilitator"], codes["teams"]["USA"], codes["teams"]["RUS"]
    orders = tmp_path / "orders.yaml"
    orders.write_text("- kind: economic_support\n  target: UKR\n  item: aid\n  amount: 2\n"
                      "- kind: arms_transfer\n  target: UKR\n  item: shells\n  amount: 50000\n")
    assert main(["game", "order", str(db), "--as", usa, str(orders)]) == 0
    out = capsys.readouterr().out
    assert "The United States would give Ukraine aid worth $2.00bn." in out   # not adjudicated yet
    bad_cases = [("- kind: [\n", "orders.yaml:2"), ("- kind: sanction\n  target: RUS\n  item: banks\n  amount: 3\n",
                                                     "sanction intensity"),
                 ("- kind: arms_transfer\n  actor: RUS\n  target: UKR\n  item: shells\n  amount: 1\n",
                  "own country"), ("just text\n", "a list of orders")]
    for text, match in bad_cases:
        orders.write_text(text)
        assert main(["game", "order", str(db), "--as", usa, str(orders)]) == 2
        err = capsys.readouterr().err
        assert match in err and "Traceback" not in err
    orders.write_text("kind: economic_support\ntarget: UKR\nitem: aid\namount: 3\n")
    first = json.loads((main(["game", "view", str(db), "--as", usa, "--json"]), capsys.readouterr().out)[1])
    oid = first["orders"][0]["id"]
    assert main(["game", "change", str(db), "--as", usa, str(oid), str(orders)]) == 0
    assert "aid worth $3.00bn" in capsys.readouterr().out
    assert main(["game", "change", str(db), "--as", rus, str(oid), str(orders)]) == 2
    assert "no such order of RUS" in capsys.readouterr().err
    assert main(["game", "close", str(db), "--as", usa]) == 2
    assert "only the facilitator" in capsys.readouterr().err
    monkeypatch.setenv("BLOCSIM_GAME_CODE", secret)
    assert main(["game", "set", str(db), "actors.CHN.reputation_concern=0.9"]) == 0
    assert main(["game", "inject", str(db), "--action", "{kind: sanction, actor: USA, target: CHN, item: banks, "
                                                        "amount: 0.2}"]) == 0
    capsys.readouterr()
    for argv, match in ((["set", str(db), "nonsense"], "expected PATH=VALUE"),
                        (["set", str(db), "actors.CHN.reputation_concern=7"], "got 7"),
                        (["inject", str(db), "--action", "{kind: sanction, actor: USA"], "--action:1"),
                        (["inject", str(db), "--event", "nope"], "unknown event 'nope'")):
        assert main(["game", *argv]) == 2
        err = capsys.readouterr().err
        assert match in err and "Traceback" not in err
    assert main(["game", "adjudicate", str(db)]) == 0
    assert "turn 2 of 36" in capsys.readouterr().out
    assert main(["game", "advise", str(db), "--as", rus]) == 0
    assert "because" in capsys.readouterr().out
    assert main(["game", "adopt", str(db), "--as", rus, "0"]) == 0
    assert main(["game", "close", str(db)]) == 0
    orders.write_text("- kind: economic_support\n  target: UKR\n  item: aid\n  amount: 1\n")
    assert main(["game", "order", str(db), "--as", usa, str(orders)]) == 2
    assert "closed" in capsys.readouterr().err
    assert main(["game", "adjudicate", str(db)]) == 0
    assert main(["game", "rollback", str(db), "--to", "2"]) == 0
    assert main(["game", "adjudicate", str(db)]) == 0
    capsys.readouterr()
    assert main(["game", "branches", str(db)]) == 0
    assert "* branch 2: from branch 1 at turn 2, up to turn 3" in capsys.readouterr().out
    assert main(["game", "status", str(db)]) == 0
    assert "branch 2, turn 3 of 36" in capsys.readouterr().out
    assert main(["game", "export", str(db), "--branch", "1", "--out", str(tmp_path / "r.html")]) == 0
    html = (tmp_path / "r.html").read_text()
    assert "The United States gave Ukraine aid worth $3.00bn." in html and "Branch 2 (from branch 1 at turn 2)" in html
    assert main(["game", "export", str(db), "--as", usa]) == 2
    assert "only the facilitator" in capsys.readouterr().err
    assert main(["game", "rollback", str(db), "--to", "9"]) == 2
    assert "a turn from 1 to 3" in capsys.readouterr().err


def test_orders_are_changed_and_withdrawn_under_the_same_checks(game):
    g, who = game
    first = g.submit_order(who["USA"], {**SHELLS, "amount": 2_000_000})
    second = g.submit_order(who["USA"], {**SHELLS, "target": "POL", "amount": 1_000_000})
    refused_without_change(g, who, lambda: g.change_order(who["USA"], second, {**SHELLS, "amount": 2_500_000}),
                           "that makes 4,500,000")
    g.change_order(who["USA"], second, {**SHELLS, "target": "POL", "amount": 2_000_000})
    g.withdraw_order(who["USA"], first)
    assert [(o["id"], o["order"]["target"], o["order"]["amount"]) for o in g.orders(who["USA"])["USA"]] == \
        [(second, "POL", 2_000_000)]
    log = g.log(who["f"])
    assert [e["kind"] for e in log[-2:]] == ["order_changed", "order_withdrawn"]
