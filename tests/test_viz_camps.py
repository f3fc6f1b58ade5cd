"""Changes of camp on the dashboard, without a browser: the Feb 2022 baseline's Turkey leaves the
western bloc in 2023-04, and the timeline, the feed, the network and the log all say so."""

import json

import pytest

from sim.camps import camp_changes, driver_text
from viz.components.camps import changes_at, feed_item_html, frame_changes, parse_change_key, timeline_option
from viz.components.echart import option_json
from viz.components.eventlog import filter_events
from viz.components.network import network_option
from viz.components.timeseries import standard_charts
from viz.session import Session
from viz.theme import actor_colour, money


@pytest.fixture(scope="module")
def turkey():
    """The baseline run to the month Turkey leaves the western bloc (step 14, 2023-04)."""
    s = Session("feb2022_baseline")
    s.step(14)
    return s.frame()


def test_turkey_leaving_the_west_is_in_the_feed_with_month_camps_and_cause(turkey):
    changes = frame_changes(turkey)
    tur = [c for c in changes if c.actor == "TUR"]
    assert len(tur) == 1
    c = tur[0]
    assert (c.month, c.from_camp, c.to_camp) == ("2023-04", "the bloc of the United States", "non-aligned")
    text = feed_item_html(c)
    assert "2023-04 · Turkey" in text and "the bloc of the United States → <b>non-aligned" in text
    # its cause: the actions by or on Turkey in the months up to it (its UN vote), else its drift
    assert c.drivers and all("TUR" in (d["actor"], d["target"]) for d in c.drivers)
    assert "Turkey voted" in driver_text(c)


def test_the_review_and_the_dashboard_read_changes_of_camp_from_one_place(turkey):
    from sim.review import after_action_review

    s = Session("feb2022_baseline")
    s.step(14)
    review = after_action_review(s.model)
    for c in frame_changes(turkey):
        assert f"- {c.sentence()}" in review


def test_the_timeline_has_a_band_per_actor_and_a_clickable_marker_per_change(turkey):
    opt = json.loads(option_json(timeline_option(turkey, frame_changes(turkey))))
    heat, marks = opt["series"]
    assert len(opt["yAxis"]["data"]) == turkey.n and "Turkey" in opt["yAxis"]["data"]
    assert len(heat["data"]) == turkey.n * (turkey.step + 1)
    pieces = {p["label"] for p in opt["visualMap"]["pieces"]}
    assert {"the bloc of the United States", "non-aligned"} <= pieces
    names = [m["name"] for m in marks["data"]]
    assert "change:TUR:14" in names and parse_change_key("change:TUR:14") == ("TUR", 14)
    row = opt["yAxis"]["data"].index("Turkey")
    cells = {x: v for x, y, v in heat["data"] if y == row}
    assert cells[13] != cells[14], "Turkey's band changes colour in the month it changes camp"


def test_the_network_rings_an_actor_on_the_step_it_changes_camp(turkey):
    changed = {c.actor: f"{c.from_camp} → {c.to_camp}" for c in changes_at(turkey)}
    assert "TUR" in changed
    opt = network_option(turkey, turkey.positions, changed=changed)
    node = next(n for n in opt["series"][0]["data"] if n["name"] == "TUR")
    assert node["itemStyle"]["borderWidth"] >= 5 and "changed camp" in node["label"]["formatter"]
    assert any("Changed camp this step: Turkey, the bloc of the United States → non-aligned" in g["style"]["text"] for g in opt["graphic"])
    quiet = network_option(turkey, turkey.positions)
    assert "itemStyle" not in next(n for n in quiet["series"][0]["data"] if n["name"] == "TUR")


def test_the_log_focused_on_a_change_shows_the_actions_around_it(turkey):
    rows = filter_events(turkey.events, ["TUR"], step=14, since=11)
    assert rows and all(12 <= r["step"] <= 14 and "TUR" in (r["actor"], r["target"]) for r in rows)


def test_each_actor_has_one_distinct_colour_in_every_series_chart(turkey):
    charts = {name: opt for name, _, opt in standard_charts(turkey)}
    colours = {}
    for name in ("lean", "pressure"):
        for line in charts[name]["series"]:
            colours.setdefault(line["name"], set()).add(line["lineStyle"]["color"])
    assert all(len(c) == 1 for c in colours.values()), "an actor keeps its colour from chart to chart"
    pressure = [ln["lineStyle"]["color"] for ln in charts["pressure"]["series"]]
    assert len(set(pressure)) == len(pressure), "the sanctioned actors are told apart, not all one red"
    assert len({actor_colour(a, turkey.ids) for a in turkey.ids}) == min(turkey.n, 24)
    lean = charts["lean"]
    assert lean["legend"]["show"] is False and all(s["endLabel"]["show"] for s in lean["series"]), \
        "many lines are labelled at their ends, not in a legend that pages"


def test_money_is_written_as_people_write_it():
    assert [money(18000), money(58.3), money(0.45), money(0)] == ["$18.0tn", "$58.3bn", "$450m", "$0"]


def test_camp_changes_of_a_model_run_directly():
    from sim.model import BlocModel
    from sim.scenario import load_scenario

    m = BlocModel(load_scenario("feb2022_baseline"), seed=0)
    for _ in range(15):
        m.step()
    names = dict(zip(m.world.ids, m.world.names))
    found = camp_changes(m.agent_series(), m.spec.poles, names, m.spec.step_to_month)
    assert [c.sentence() for c in found if c.actor == "TUR"] == \
        ["2023-04: Turkey moved from the bloc of the United States to non-aligned."]
