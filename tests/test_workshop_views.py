"""The workshop pages' dashboard frames, fogged by the engine's rules (sim.game.views.Sight): a team's
frame carries no other country's own data and no covert move between others, the observer's none at all,
the facilitator's everything; frames are shared per model state and sight; after a rollback the event
log is the current branch's, in order."""

from __future__ import annotations

import numpy as np
import pytest

from sim.game import Game
from sim.game.views import PRIVATE_SERIES, Sight
from viz import theme
from viz.components.echart import option_json
from viz.components.network import network_option
from viz.session import EventRows, build_frame
from viz.workshop import state

TEAMS = ["RUS", "USA"]


@pytest.fixture(scope="module")
def played(tmp_path_factory):
    """Three adjudicated turns of feb2022_baseline with RUS and USA played by teams (China sells Russia
    dual-use goods each month: a covert move USA is not party to)."""
    g, codes = Game.create(tmp_path_factory.mktemp("views") / "g.db", "feb2022_baseline", TEAMS)
    state.install(g)
    who = {"facilitator": g.join(codes["facilitator"]), "observer": g.join(codes["observer"]),
           **{t: g.join(codes["teams"][t]) for t in TEAMS}}
    for _ in range(3):
        g.adjudicate(who["facilitator"])
    yield g, who
    g.close()


def _row(f, actor):
    return f.ids.index(actor)


def test_a_team_frame_holds_its_own_country_and_no_other_countrys_own_data(played):
    g, who = played
    model = g.current_model()
    w = model.world
    f = state.frame(who["USA"])
    me = _row(f, "USA")
    assert f.world is None, "no copy of the world (it holds everyone's arrays)"
    for name in ("stocks", "production", "reserves", "frozen", "needs"):
        value = getattr(f, name)
        others = np.delete(value, me, axis=0)
        assert np.isnan(others).all(), f"another country's {name} is in USA's frame"
    np.testing.assert_array_equal(f.stocks[me], w.stocks[w.index["USA"]])
    assert f.reserves[me] == w.reserves[w.index["USA"]]
    assert [d for i, d in enumerate(f.doctrine) if i != me] == [""] * (f.n - 1) and f.doctrine[me]
    agents = f.agent_series
    mine, theirs = agents[agents.actor == "USA"], agents[agents.actor != "USA"]
    for column in PRIVATE_SERIES:
        assert theirs[column].isna().all(), f"others' {column} in USA's per-actor series"
        assert mine[column].notna().all()
    assert f.cards["USA"]["stocks"] is not None and f.cards["RUS"]["stocks"] is None
    assert f.cards["RUS"]["reserves"] is None and f.cards["RUS"]["doctrine"] is None
    assert f.cards["RUS"]["economy"] == pytest.approx(w.economy[w.index["RUS"]]), "GDP is public"
    assert "arms_flows" not in f.summary and f.summary["votes"] == model.summary()["votes"]


def test_covert_moves_reach_only_the_countries_party_to_them(played):
    g, who = played
    model = g.current_model()
    covert = [a for a in model.events if a.covert]
    assert any(a.actor == "CHN" and a.target == "RUS" for a in covert), "the scenario has covert trade to test"
    usa, rus = state.frame(who["USA"]), state.frame(who["RUS"])
    assert not usa.covert.any() and usa.series["covert_bn"].eq(0).all()
    assert not any(e["kind"] == "dual_use_trade" or "covert" in e["sentence"] for e in usa.events)
    assert rus.covert[_row(rus, "CHN"), _row(rus, "RUS")] > 0, "Russia sees the trade it is party to"
    assert any(e["kind"] == "dual_use_trade" for e in rus.events)
    # nothing of it leaves the server in the network USA's page draws (no purple dual-use arrow)
    assert theme.COVERT not in option_json(network_option(usa, usa.positions))
    assert theme.COVERT in option_json(network_option(rus, rus.positions))
    for e in usa.events:   # reasons of moves between others are not told
        if "USA" not in (e["actor"], e["target"]):
            assert "because" not in e["sentence"] or "because of the event" in e["sentence"]


def test_the_observer_frame_is_the_public_record_only(played):
    g, who = played
    model = g.current_model()
    f = state.frame(who["observer"])
    for name in ("stocks", "production", "reserves", "frozen", "needs"):
        assert np.isnan(getattr(f, name)).all()
    assert not any(f.doctrine) and all(c["stocks"] is None for c in f.cards.values())
    assert not f.covert.any() and not any(e["kind"] == "dual_use_trade" for e in f.events)
    assert f.agent_series[list(PRIVATE_SERIES)].isna().all().all()
    assert f.scheduled == [] and f.overrides == {}, "the facilitator's script is not public"
    public = [a for a in model.events if Sight().sees(a)]
    assert len(f.events) == len(public) < len(model.events)
    np.testing.assert_allclose(f.aid, model.world.aid_flow, err_msg="open aid is public")


def test_the_facilitator_frame_is_the_whole_world_as_the_dashboard_draws_it(played):
    g, who = played
    model = g.current_model()
    w = model.world
    f = state.frame(who["facilitator"])
    assert f.world is not None and f.sight is None
    np.testing.assert_array_equal(f.stocks, w.stocks)
    np.testing.assert_array_equal(f.covert, w.covert_flow)
    np.testing.assert_array_equal(f.arms, w.arms_flow)
    assert len(f.events) == len(model.events) and f.summary == model.summary()
    assert f.agent_series.equals(model.agent_series())


def test_only_the_facilitator_frame_tells_the_seed_even_in_a_charts_file_name(played):
    from viz.components.exports import export_name

    g, who = played
    assert state.frame(who["facilitator"]).seed == g.seed
    assert export_name(state.frame(who["facilitator"]), "network", "png").endswith(f"-seed{g.seed}-step3-network.png")
    for reader in ("observer", "USA"):
        f = state.frame(who[reader])
        assert f.seed is None and "seed" not in export_name(f, "network", "png"), reader


class _AllMoves(Sight):
    """A sight that sees every move but no private data: its flows must be the world's own."""

    def sees(self, a) -> bool:
        return True


def test_flows_rebuilt_from_the_moves_seen_match_the_model_when_every_move_is_seen(played):
    g, _ = played
    model = g.current_model()
    f = build_frame(model, revision=0, log=EventRows(_AllMoves()), positions=np.zeros((model.world.n, 2)))
    np.testing.assert_allclose(f.arms, model.world.arms_flow)
    np.testing.assert_allclose(f.aid, model.world.aid_flow)
    np.testing.assert_allclose(f.covert, model.world.covert_flow)
    series = model.series()
    for column in [c for c in series.columns if c.startswith("arms_")] + ["aid_bn", "covert_bn"]:
        np.testing.assert_allclose(f.series[column], series[column], err_msg=column)


def test_frames_are_shared_per_model_state_and_sight(played):
    g, who = played
    a, b = state.frame(who["USA"]), state.frame(who["USA"])
    assert a is b, "two USA pages draw one frame"
    assert state.frame(who["RUS"]) is not a and state.frame(who["observer"]) is not a
    assert a.memo("k", lambda: object()) is b.memo("k", lambda: object()), "chart options built once per frame"
    g.message(who["facilitator"], "a message changes no frame")
    assert state.frame(who["USA"]) is a


def test_after_a_rollback_the_event_log_is_the_current_branchs_in_order(tmp_path):
    g, codes = Game.create(tmp_path / "g.db", "feb2022_baseline", TEAMS)
    state.install(g)
    fac, obs = g.join(codes["facilitator"]), g.join(codes["observer"])
    for _ in range(3):
        g.adjudicate(fac)
    before = state.frame(obs)
    assert {e["step"] for e in before.events} == {1, 2, 3}
    g.rollback(fac, 2)                       # turn 2 again: the model is back at month 1
    after = state.frame(obs)
    fresh = EventRows(Sight()).rows(g.current_model())
    assert after.events == fresh and {e["step"] for e in after.events} == {1}
    g.adjudicate(fac)
    again = state.frame(obs)
    steps = [e["step"] for e in again.events]
    assert steps == sorted(steps) and set(steps) == {1, 2}
    assert again.events == EventRows(Sight()).rows(g.current_model())
    assert [e["sentence"] for e in again.events] == [e["text"] for e in g.view(obs)["events"]], \
        "the page's log and the JSON view tell the same moves the same way"
    g.close()
