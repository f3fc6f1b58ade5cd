"""Each action kind's effect on a small world, applied through the core."""

from __future__ import annotations

import numpy as np
import pytest

from sim.actions import ACTION_KINDS, PRESENT, Action, apply_all
from sim.world import ITEM, build_world
from tests.conftest import make_scenario


@pytest.fixture
def world():
    return build_world(make_scenario())


def act(kind, actor, target, **kw):
    return Action(step=1, actor=actor, target=target, kind=kind, **kw)


def idx(w, *ids):
    return [w.index[i] for i in ids]


def test_every_registered_action_has_a_sentence():
    for name, kind in ACTION_KINDS.items():
        item = kind.items[0] if kind.items else None
        a = act(name, "PAT", "DEF", item=item, amount=1.0, reason="a reason")
        text = a.sentence({"PAT": "Patronia", "DEF": "Defendia"})
        assert text.startswith("Patronia") and text.endswith("because a reason."), (name, text)


def test_every_order_kind_reads_as_a_proposal_before_it_is_made():
    """Advice and pending orders say what a country would do, not what it did; the done sentence is unchanged."""
    past = set(PRESENT)
    for name, kind in ACTION_KINDS.items():
        if name == "policy":
            continue
        for item in kind.items or (None,):
            a = act(name, "PAT", "DEF", item=item, amount=0.5, reason="a reason")
            done = a.sentence({"PAT": "Patronia", "DEF": "Defendia"})
            proposal = a.sentence({"PAT": "Patronia", "DEF": "Defendia"}, proposed=True)
            assert proposal.startswith("Patronia") and " would " in proposal, (name, item, proposal)
            verb = [w for w in proposal.split(" would ")[1].split() if w not in ("covertly", "publicly")][0]
            assert verb not in past, (name, item, proposal)
            assert proposal.endswith("because a reason.") and done != proposal
    shells = act("arms_transfer", "PAT", "DEF", item="shells", amount=500, reason="it holds the line")
    assert shells.sentence({"PAT": "Patronia", "DEF": "Defendia"}, proposed=True) == \
        "Patronia would send 500 shells to Defendia, because it holds the line."


def test_arms_transfer_moves_stock_and_records_flow(world):
    sup, agg = idx(world, "SUP", "AGG")
    a = act("arms_transfer", "SUP", "AGG", item="shells", amount=100_000, payment_item="food", payment_amount=0.3)
    logged, = apply_all(world, [a])
    assert world.stocks[sup, ITEM["shells"]] == 2_900_000
    assert world.stocks[agg, ITEM["shells"]] == 600_000
    assert world.arms_flow[sup, agg, ITEM["shells"]] == 100_000
    assert world.payment_flow[agg, sup] == pytest.approx(0.3)
    assert logged.delivered == 100_000 and logged.outcome == ""
    assert a.delivered is None, "the record given is not changed: the log holds a copy with the result"
    assert world.cooperation[sup, agg] > 0


def test_short_stock_is_shared_pro_rata(world):
    sup, agg, dfd = idx(world, "SUP", "AGG", "DEF")
    world.stocks[sup, ITEM["shells"]] = 300
    a1 = act("arms_transfer", "SUP", "AGG", item="shells", amount=400)
    a2 = act("arms_transfer", "SUP", "DEF", item="shells", amount=200)
    l1, l2 = apply_all(world, [a1, a2])
    assert (l1.delivered, l2.delivered) == (pytest.approx(200), pytest.approx(100))
    assert world.stocks[sup, ITEM["shells"]] == pytest.approx(0)
    assert "only 200 available" in l1.outcome


def test_arming_one_side_is_hostile_to_the_other(world):
    sup, dfd = idx(world, "SUP", "DEF")
    apply_all(world, [act("arms_transfer", "SUP", "AGG", item="shells", amount=100_000)])
    assert world.hostility[sup, dfd] > 0


def test_sanction_raises_intensity_and_never_lowers_it(world):
    pat, agg = idx(world, "PAT", "AGG")
    apply_all(world, [act("sanction", "PAT", "AGG", item="banks", amount=0.4)])
    assert world.sanctions[pat, agg] == 0.4 and world.hostility[pat, agg] > 0
    apply_all(world, [act("sanction", "PAT", "AGG", item="banks", amount=0.2)])
    assert world.sanctions[pat, agg] == 0.4
    apply_all(world, [act("lift_sanction", "PAT", "AGG", amount=0.1)])
    assert world.sanctions[pat, agg] == pytest.approx(0.1)


def test_asset_freeze_moves_reserves_to_frozen(world):
    agg, = idx(world, "AGG")
    apply_all(world, [act("sanction", "PAT", "AGG", item="asset_freeze", amount=0.5)])
    assert world.frozen[agg] == pytest.approx(12.5) and world.reserves[agg] == pytest.approx(37.5)
    for _ in range(10):     # never more than half of all reserves
        apply_all(world, [act("sanction", "PAT", "AGG", item="asset_freeze", amount=1.0)])
    assert world.frozen[agg] == pytest.approx(25.0) and world.reserves[agg] == pytest.approx(25.0)


def test_sanctions_hurt_the_target_economy_over_time():
    from sim.model import BlocModel
    s = make_scenario(sanctions=[{"by": "PAT", "on": "SUP", "intensity": 0.9}])
    m = BlocModel(s, seed=0).run(6)
    sup = m.world.index["SUP"]
    assert m.world.damage[sup] > 0 and m.world.economy[sup] < 20


def test_economic_support_moves_money(world):
    pat, dfd = idx(world, "PAT", "DEF")
    apply_all(world, [act("economic_support", "PAT", "DEF", item="aid", amount=2.0)])
    assert world.reserves[dfd] == 7.0 and world.spent[pat] == 2.0 and world.aid_flow[pat, dfd] == 2.0


def test_dual_use_trade_builds_drones_at_the_buyer_and_is_covert(world):
    agg, = idx(world, "AGG")
    a = act("dual_use_trade", "SUP", "AGG", amount=1.0)
    logged, = apply_all(world, [a])
    assert world.stocks[agg, ITEM["drones"]] > 0 and world.created[agg, ITEM["drones"]] > 0
    assert logged.covert and world.covert_flow[world.index["SUP"], agg] == 1.0


def test_covert_support_costs_reputation_less_than_open_arms():
    open_world, covert_world = build_world(make_scenario()), build_world(make_scenario())
    for w in (open_world, covert_world):
        w.reputation[w.index["SUP"]] = 0.8
    apply_all(open_world, [act("arms_transfer", "SUP", "AGG", item="shells", amount=333_333)])  # ~$1bn
    apply_all(covert_world, [act("dual_use_trade", "SUP", "AGG", amount=1.0)])
    i = open_world.index["SUP"]
    assert covert_world.reputation_cost[i] < open_world.reputation_cost[i] / 5
    assert covert_world.hostility[i, covert_world.index["DEF"]] < open_world.hostility[i, open_world.index["DEF"]]


def test_procure_turns_reserves_into_stock(world):
    dfd, = idx(world, "DEF")
    a = act("procure", "DEF", "DEF", item="shells", amount=0.3)
    apply_all(world, [a])
    assert world.reserves[dfd] == pytest.approx(4.7)
    assert world.stocks[dfd, ITEM["shells"]] == pytest.approx(200_000)


def test_withdraw_is_specific_to_what_is_withdrawn_and_resume_restores(world):
    pat, dfd = idx(world, "PAT", "DEF")
    apply_all(world, [act("withdraw", "PAT", "DEF", item="aid")])
    assert world.withdrawn_aid[pat, dfd] and not world.withdrawn_arms[pat, dfd]
    apply_all(world, [act("withdraw", "PAT", "DEF", item="all")])
    assert world.withdrawn_aid[pat, dfd] and world.withdrawn_arms[pat, dfd]
    apply_all(world, [act("resume", "PAT", "DEF")])
    assert not world.withdrawn_aid[pat, dfd] and not world.withdrawn_arms[pat, dfd]


def test_treaty_then_attack_creates_an_obligation(world):
    agg, sup, dfd = idx(world, "AGG", "SUP", "DEF")
    apply_all(world, [act("treaty", "AGG", "SUP", item="mutual_defence", amount=0)])
    apply_all(world, [act("attack", "DEF", "AGG", item="troops", amount=5)])
    assert world.obligations == []          # signed, not yet in force
    apply_all(world, [act("treaty", "AGG", "SUP", item="mutual_defence", amount=1)])
    apply_all(world, [act("attack", "DEF", "AGG", item="troops", amount=5)])
    assert [(o["obligor"], o["beneficiary"], o["attacker"]) for o in world.obligations] == [(sup, agg, dfd)]


def test_blocked_action_is_not_applied(world):
    a = act("sanction", "PAT", "AGG", amount=0.5, blocked=True)
    apply_all(world, [a])
    assert world.sanctions[world.index["PAT"], world.index["AGG"]] == 0


def test_diplomatic_votes_and_summits_move_signals(world):
    pat, agg = idx(world, "PAT", "AGG")
    apply_all(world, [act("diplomatic", "PAT", "AGG", item="vote_against"),
                      act("diplomatic", "AGG", "SUP", item="summit")])
    assert world.hostility[pat, agg] > 0 and world.cooperation[agg, world.index["SUP"]] > 0
    assert np.all(world.sanctions == 0)


def test_a_payment_is_logged_as_given_with_what_was_paid(world):
    dfd, agg = idx(world, "DEF", "AGG")
    a = act("payment", "DEF", "AGG", item="cash", amount=8.0)          # Defendia holds $5bn
    logged, = apply_all(world, [a])
    assert (logged.actor, logged.target) == ("DEF", "AGG") and logged.delivered == pytest.approx(5.0)
    assert world.reserves[dfd] == 0 and world.reserves[agg] == pytest.approx(55.0)
    assert (a.actor, a.target, a.delivered) == ("DEF", "AGG", None)


def test_records_cannot_be_changed_once_made():
    a = act("sanction", "PAT", "AGG", amount=0.5)
    with pytest.raises(AttributeError):
        a.blocked = True


def test_a_new_action_kind_must_declare_its_place_in_the_order():
    from sim.actions import ActionKind, register_action

    class Undeclared(ActionKind):
        name = "undeclared_test_kind"

    with pytest.raises(TypeError, match="declare `order = N`"):
        register_action(Undeclared)

    class Clashing(ActionKind):
        name = "clashing_test_kind"
        order = ACTION_KINDS["sanction"].order

    with pytest.raises(TypeError, match="already sanction's"):
        register_action(Clashing)
    assert "undeclared_test_kind" not in ACTION_KINDS and "clashing_test_kind" not in ACTION_KINDS


def test_kinds_apply_in_their_declared_order_and_the_log_keeps_the_order_given(world):
    """Arms bought in a month can be sent on in that month: procure applies before arms_transfer."""
    dfd, pat = idx(world, "DEF", "PAT")
    world.stocks[dfd, ITEM["missiles"]] = 0
    sent, bought = apply_all(world, [act("arms_transfer", "DEF", "PAT", item="missiles", amount=1000),
                                     act("procure", "DEF", "DEF", item="missiles", amount=1.5)])   # 1000 at $1.5M
    assert (sent.kind, bought.kind) == ("arms_transfer", "procure")
    assert bought.delivered == pytest.approx(1000) and sent.delivered == pytest.approx(1000)
    assert world.stocks[pat, ITEM["missiles"]] == pytest.approx(1000)


def test_a_purchase_not_yet_made_names_no_count():
    """An advisor's suggestion (a procure record not applied yet) does not claim '0 drones'."""
    suggested = Action(step=1, actor="RUS", target="RUS", kind="procure", item="drones", amount=0.014)
    assert suggested.sentence({"RUS": "Russia"}) == "Russia spent $14 million on drones."
    assert suggested.sentence({"RUS": "Russia"}, proposed=True) == "Russia would spend $14 million on drones."
    bought = suggested.with_result(delivered=50.0)
    assert bought.sentence({"RUS": "Russia"}) == "Russia spent $14 million on 50 drones."
