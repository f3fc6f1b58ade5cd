"""Each doctrine's choices in a small world: who it helps, sanctions or blocks, and why."""

from __future__ import annotations

from sim.doctrines import DOCTRINES
from sim.model import BlocModel
from tests.conftest import make_scenario


def first_step(scenario):
    m = BlocModel(scenario, seed=0)
    m.step()
    return m, [a for a in m.events if a.step == 1]


def test_every_doctrine_is_documented():
    for name, cls in DOCTRINES.items():
        assert cls.title and cls.rationale and cls.__doc__, name
        cls.Params()  # every parameter has a default


def test_patron_aids_and_arms_its_friend_and_sanctions_the_attacker():
    _, acts = first_step(make_scenario())
    pat = [(a.kind, a.target) for a in acts if a.actor == "PAT"]
    assert ("economic_support", "DEF") in pat and ("arms_transfer", "DEF") in pat and ("sanction", "AGG") in pat
    assert all(a.reason for a in acts)


def test_patron_does_not_help_an_actor_it_dislikes():
    s = make_scenario(relations=[["PAT", "DEF", -0.2], ["PAT", "AGG", -0.6], ["DEF", "AGG", -0.9]])
    _, acts = first_step(s)
    assert not [a for a in acts if a.actor == "PAT" and a.target == "DEF"]


def test_arms_exporter_sells_to_a_friend_at_war_for_barter():
    _, acts = first_step(make_scenario())
    sales = [a for a in acts if a.actor == "SUP" and a.kind == "arms_transfer"]
    assert [(a.target, a.item) for a in sales] == [("AGG", "shells")]
    assert sales[0].payment_item == "food" and sales[0].payment_amount > 0   # AGG exports food
    assert sales[0].amount == 150_000                                         # 5% of 3 million


def test_arms_exporter_ignores_a_friend_without_needs():
    s = make_scenario(actors__AGG={"stocks": {"shells": 50_000_000, "troops": 150}})
    _, acts = first_step(s)
    assert not [a for a in acts if a.actor == "SUP" and a.kind == "arms_transfer"]


def test_covert_partner_trades_dual_use_when_reputation_matters_and_arms_openly_when_not():
    base = {"name": "Covertia", "doctrine": "covert_partner", "economy": 3000,
            "stocks": {"shells": 5_000_000, "drones": 1000}}
    rel = make_scenario().relations + [("COV", "AGG", 0.6), ("COV", "DEF", -0.2), ("COV", "PAT", -0.2)]
    careful = make_scenario(actors__COV={**base, "reputation_concern": 0.8}, relations=rel)
    careless = make_scenario(actors__COV={**base, "reputation_concern": 0.1}, relations=rel)
    kinds_careful = {a.kind for a in first_step(careful)[1] if a.actor == "COV" and a.target == "AGG"}
    kinds_careless = {a.kind for a in first_step(careless)[1] if a.actor == "COV" and a.target == "AGG"}
    assert "dual_use_trade" in kinds_careful and "arms_transfer" not in kinds_careful
    assert "arms_transfer" in kinds_careless and "dual_use_trade" not in kinds_careless


def test_belligerent_procures_only_what_it_lacks_within_industrial_capacity():
    s = make_scenario(actors__DEF={"production": {"shells": 10_000}, "reserves": 50})
    _, acts = first_step(s)
    buys = [a for a in acts if a.actor == "DEF" and a.kind == "procure"]
    assert [a.item for a in buys] == ["shells"]
    assert buys[0].delivered <= 10_000 + 1e-6   # surge 1.0 x monthly production


def test_hedger_takes_no_side():
    s = make_scenario(actors__HED={"name": "Hedgia", "doctrine": "hedger"},
                      relations=make_scenario().relations + [("HED", "AGG", 0.2), ("HED", "PAT", 0.2)])
    m = BlocModel(s, seed=0).run(4)
    assert not [a for a in m.events if a.actor == "HED" and a.kind in ("sanction", "arms_transfer")]


# ---------------------------------------------------------------- coalitions

def coalition_scenario(rule: str, hun_affinity: float, **co):
    members = {m: {"name": m, "doctrine": "ally", "economy": gdp,
                   "doctrine_params": {"follows": "CO", "aid_per_month": 0, "veto_above": 0.15}}
               for m, gdp in (("M1", 3000), ("M2", 2000), ("M3", 1000), ("HUN", 200))}
    rel = make_scenario().relations + [("CO", "DEF", 0.7), ("CO", "AGG", -0.6), ("HUN", "AGG", hun_affinity),
                                       ("M1", "AGG", -0.5), ("M2", "AGG", -0.5), ("M3", "AGG", -0.5)]
    s = make_scenario(actors__CO={"name": "Coalitia", "kind": "coalition", "doctrine": "coalition",
                                  "members": list(members), "decision_rule": rule, "economy": 5000, **co},
                      relations=rel, **{f"actors__{k}": v for k, v in members.items()})
    return s


def coalition_world(rule: str, hun_affinity: float):
    return first_step(coalition_scenario(rule, hun_affinity))


def test_unanimity_lets_one_member_block_a_sanctions_package():
    m, acts = coalition_world("unanimity", hun_affinity=0.4)
    pkg = [a for a in acts if a.actor == "CO" and a.kind == "sanction"]
    assert len(pkg) == 1 and pkg[0].blocked
    assert pkg[0].outcome == "blocked under unanimity by HUN"
    assert m.world.sanctions[m.world.index["CO"], m.world.index["AGG"]] == 0
    assert "blocked under unanimity by HUN" in pkg[0].sentence()


def test_unanimity_passes_when_every_member_agrees():
    m, acts = coalition_world("unanimity", hun_affinity=-0.2)
    pkg = [a for a in acts if a.actor == "CO" and a.kind == "sanction"]
    assert len(pkg) == 1 and not pkg[0].blocked
    assert m.world.sanctions[m.world.index["CO"], m.world.index["AGG"]] > 0


def test_a_coalition_switched_on_by_an_event_keeps_its_members_veto():
    """Coalitia acts as a lone patron until an event makes it a coalition: from then on HUN blocks."""
    s = coalition_scenario("unanimity", hun_affinity=0.4, doctrine="patron", doctrine_params={"sanction_step": 0.01})
    s = s.model_copy(update={"events": make_scenario(events={"union": {
        "description": "Coalitia's members take back control of sanctions", "step": 3,
        "set": {"actors.CO.doctrine": "coalition"}}}).events})
    m = BlocModel(s, seed=0).run(4)
    pkgs = {a.step: a for a in m.events if a.actor == "CO" and a.kind == "sanction"}
    assert not pkgs[1].blocked and not pkgs[2].blocked
    assert pkgs[3].blocked and pkgs[3].outcome == "blocked under unanimity by HUN"
    assert m.doctrine_of(m.world.index["CO"]).members == [m.world.index[x] for x in ("M1", "M2", "M3", "HUN")]


def test_qualified_majority_overrides_one_small_objector():
    m, acts = coalition_world("qmv", hun_affinity=0.4)
    pkg = [a for a in acts if a.actor == "CO" and a.kind == "sanction"]
    assert not pkg[0].blocked and "over the objections of HUN" in pkg[0].outcome
    assert m.world.sanctions[m.world.index["CO"], m.world.index["AGG"]] > 0


def test_patron_sanctions_firms_of_a_detected_covert_supplier_and_arms_suppliers():
    cov = {"name": "Covertia", "doctrine": "covert_partner", "economy": 3000, "reputation_concern": 0.9}
    s = make_scenario(actors__COV=cov,
                      actors__PAT={"doctrine_params": {"secondary": True, "detect_covert": 1.0}},
                      sanctions=[{"by": "PAT", "on": "AGG", "intensity": 0.5}],
                      relations=make_scenario().relations + [("COV", "AGG", 0.6), ("COV", "PAT", -0.2)])
    m = BlocModel(s, seed=0).run(3)
    secondary = [a for a in m.events if a.secondary]
    assert {(a.actor, a.target, a.item) for a in secondary} == {("PAT", "COV", "firms"), ("PAT", "SUP", "firms")}
    assert [a.amount for a in secondary if a.target == "COV"] == [0.05, 0.1]   # escalates each detection
    assert all("dual-use" in a.reason or "delivered arms" in a.reason for a in secondary)


def ask(*requests):
    """A small world in which, in month 1, Defendia asks for arms: (supplier, item, amount, terms)."""
    actions = [{"actor": "DEF", "target": sup, "kind": "arms_request", "item": item, "amount": amount, **terms}
               for sup, item, amount, terms in requests]
    m = BlocModel(make_scenario(events={"ask": {"description": "Defendia asks", "step": 1, "actions": actions}}), 0)
    m.run(2)
    return m, [a for a in m.events if a.step == 2 and a.target == "DEF"]


def test_a_patron_honours_a_request_up_to_its_share_and_takes_the_offered_terms():
    _, unasked = first_step(make_scenario())
    assert not [a for a in unasked if a.actor == "PAT" and a.item == "air_defence"]   # Defendia lacks none
    _, acts = ask(("PAT", "air_defence", 20, {"payment_item": "cash", "payment_amount": 0.02}))
    sent = [a for a in acts if a.actor == "PAT" and a.kind == "arms_transfer" and a.item == "air_defence"]
    assert sent[0].delivered == 20                          # the request alone moved it
    assert sent[0].payment_item == "cash" and sent[0].payment_amount == 0.02
    assert "asked for 20" in sent[0].reason
    assert not [a for a in acts if a.kind == "decline"]


def test_a_request_beyond_the_share_or_to_an_unfriendly_supplier_is_declined_with_the_reason():
    m, acts = ask(("PAT", "air_defence", 10_000, {}), ("SUP", "shells", 10_000, {}), ("PAT", "drones", 50, {}))
    sent = next(a for a in acts if a.actor == "PAT" and a.item == "air_defence" and a.kind == "arms_transfer")
    assert sent.delivered == 25                               # 5% of 500: the same limit as without a request
    declined = {(a.actor, a.item): a for a in acts if a.kind == "decline"}
    assert declined["PAT", "air_defence"].amount == 10_000 - 25
    assert "at most 5% of its stock" in declined["PAT", "air_defence"].reason
    assert "affinity with Defendia" in declined["SUP", "shells"].reason
    assert "sends only shells, missiles, air-defence" in declined["PAT", "drones"].reason
    assert "Patronia turned down 9,975 of the air-defence interceptors Defendia asked for" in \
        declined["PAT", "air_defence"].sentence(dict(zip(m.world.ids, m.world.names)))


def test_a_request_signals_cooperation_by_the_scenario_weight():
    m = BlocModel(make_scenario(events={"ask": {"description": "asks", "step": 1, "actions": [
        {"actor": "DEF", "target": "SUP", "kind": "arms_request", "item": "shells", "amount": 1000}]}},
        signals={"arms_request": 3.0}), 0)
    m.step()
    assert m.world.cooperation[m.world.index["DEF"], m.world.index["SUP"]] == 3.0
