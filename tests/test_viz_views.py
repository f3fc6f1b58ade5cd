"""Chart and view builders without a browser: what each view would show for a small run."""

import json

import numpy as np
import pytest

from sim.scenario.schema import ITEMS
from viz.components.echart import option_json
from viz.components.eventlog import events_html, filter_events
from viz.components.heatmap import bloc_order, heatmap_option
from viz.components.inspector import inspect
from viz.components.network import network_option
from viz.components.timeseries import compare_option, indicators, standard_charts
from viz.layout import affinity_layout
from viz.session import Session
from viz.theme import bloc_colour


@pytest.fixture(scope="module")
def frame():
    s = Session("feb2022_baseline")
    s.step(6)
    return s.frame()


def test_layout_puts_allies_together_and_enemies_apart():
    A = -np.ones((6, 6))
    A[:3, :3] = A[3:, 3:] = 1.0
    X = affinity_layout(A)
    within = np.linalg.norm(X[0] - X[1])
    across = np.linalg.norm(X[0] - X[4])
    assert across > 3 * within
    Y = affinity_layout(A + 0.01, previous=X)
    assert np.abs(X - Y).max() < 0.2, "a small change in affinity moves nodes a little, not a jump"


def test_network_nodes_are_sized_by_power_coloured_by_bloc_with_flow_arrows(frame):
    opt = network_option(frame, frame.positions)
    series = opt["series"][0]
    nodes = {n["name"]: n for n in series["data"]}
    assert set(nodes) == set(frame.ids)
    i_big, i_small = int(np.argmax(frame.power)), int(np.argmin(frame.power))
    assert nodes[frame.ids[i_big]]["symbolSize"] > nodes[frame.ids[i_small]]["symbolSize"]
    cats = series["categories"]
    for i, a in enumerate(frame.ids):
        assert cats[nodes[a]["category"]]["itemStyle"]["color"] == bloc_colour(int(frame.bloc[i]))
    arrows = [ln for ln in series["links"] if ln.get("symbol") == ["none", "arrow"]]
    assert arrows, "six months of the baseline move arms or aid"
    signed = [ln for ln in series["links"] if "value" in ln]
    assert any(ln["value"] < 0 for ln in signed) and any(ln["value"] > 0 for ln in signed)
    json.loads(option_json(opt))  # serialisable


def test_heatmap_groups_each_bloc_together(frame):
    order = bloc_order(frame)
    blocs = [int(frame.bloc[i]) for i in order]
    seen = []
    for b in blocs:
        if not seen or seen[-1] != b:
            assert b not in seen, f"bloc {b} is split in the ordering {blocs}"
            seen.append(b)
    opt = heatmap_option(frame)
    assert len(opt["series"][0]["data"]) == frame.n ** 2
    assert [x["value"] for x in opt["xAxis"]["data"]] == [frame.ids[i] for i in order]


def test_time_series_cover_what_the_issue_lists(frame):
    charts = {name: opt for name, _, opt in standard_charts(frame)}
    assert set(charts) >= {"blocs", "lean", "arms", "pressure", "front"}
    for name, opt in charts.items():
        assert opt["series"], f"{name} chart is empty"
        for s in opt["series"]:
            assert len(s["data"]) == frame.step + 1
    assert any("front" in s["name"] for s in charts["front"]["series"])


def test_comparison_overlays_the_pinned_run_on_the_same_axes():
    s = Session("feb2022_baseline")
    s.step(4)
    s.pin()
    s.reset()
    s.inject_action("arms_transfer", "PRK", "RUS", "shells", 2_000_000)
    s.step(4)
    f = s.frame()
    keys = [i.key for i in indicators(f) if i.key in ("series:polarization", "actor:lean:PRK")]
    opt = compare_option(f, keys)
    names = [x["name"] for x in opt["series"]]
    assert len(names) == 4 and sum("(pinned)" in n for n in names) == 2
    dashed = [x for x in opt["series"] if x["lineStyle"]["type"] == "dashed"]
    assert all("(pinned)" in x["name"] for x in dashed)


def test_event_log_filters_by_actor_kind_step_and_text(frame):
    rows = filter_events(frame.events, actors=["RUS"])
    assert rows and all("RUS" in (r["actor"], r["target"]) for r in rows)
    kinds = filter_events(frame.events, kinds=["sanction"])
    assert kinds and {r["kind"] for r in kinds} == {"sanction"}
    last = filter_events(frame.events, step=frame.step)
    assert last and {r["step"] for r in last} == {frame.step}
    assert filter_events(frame.events)[0]["step"] == frame.step, "newest first"
    html = events_html([{"step": 1, "actor": "A", "target": "B", "kind": "x", "source": "inject",
                         "sentence": "<script>alert(1)</script> because"}])
    assert "<script>" not in html and "&lt;script&gt;" in html and "data-inject" in html


def test_inspector_lists_stocks_partners_and_sanctions(frame):
    d = inspect(frame, "RUS")
    assert d["name"] == "Russia" and d["doctrine"]
    assert {s["item"] for s in d["stocks"]} == {"shells", "drones", "missiles", "air_defence", "troops"}
    assert d["partners"] and d["rivals"] and d["sanctioned_by"]
    assert all(v > 0 for _, v in d["partners"]) and all(v < 0 for _, v in d["rivals"])
    assert inspect(frame, "NOPE") is None


def test_inspector_shows_what_a_belligerent_lacks_and_the_runs_totals(frame):
    """The inspector's card is the model's actor card: needs from the model, totals over the run."""
    i = frame.ids.index("UKR")
    d = inspect(frame, "UKR")
    assert d["needs"] and d["needs"] == [item for item, lack in zip(ITEMS, frame.needs[i]) if lack > 0]
    assert d["arms_received"] and sum(d["arms_received"].values()) >= sum(s["received"] for s in d["stocks"])
    assert d["aid_received_bn"] > 0


def test_option_json_turns_nan_into_null():
    assert option_json({"a": [np.float64("nan"), np.int64(3)]}) == '{"a":[null,3]}'


def test_a_big_world_keeps_the_network_readable():
    """200 actors: the network shows only the strongest ties, and every view builds."""
    from viz.components.network import MAX_EDGES

    actors = "\n".join(f"  A{i}: {{name: Actor {i}, economy: {100 + i}}}" for i in range(200))
    relations = "\n".join(f"  - [A{i}, A{(i * 7 + 3) % 200}, {0.9 if i % 2 else -0.8}]" for i in range(200))
    s = Session("teaching_islands")
    text = (f"name: Big\ndescription: 200 actors\npoles: {{west: [A0], east: [A1]}}\n"
            f"actors:\n{actors}\nrelations:\n{relations}\n")
    errors = s.load_upload("big.yaml", text)
    assert errors == [], errors
    s.step(1)
    f = s.frame()
    opt = network_option(f, f.positions)
    heatmap_option(f)
    standard_charts(f)
    assert f.n == 200 and len([ln for ln in opt["series"][0]["links"] if "value" in ln]) <= MAX_EDGES


def test_votes_panel_shows_results_the_record_and_votes_to_come(frame):
    from viz.components.votes import vote_rows, votes_html

    rows = {r["id"]: r for r in vote_rows(frame)}
    es1, es6 = rows["es11_1"], rows["es11_6"]
    assert es1["held"] and es1["date"] == "2022-03" and es1["outcome"] == "adopted"
    assert set(es1["against"]) == {"RUS", "BLR", "PRK"} and "CHN" in es1["abstain"]
    assert es1["check"] == {"compared": 19, "matches": 19, "differs": []}
    assert not es6["held"], "ES-11/6 is held in Feb 2023, after six months"
    html = votes_html(frame)
    assert "matches all 19" in html and "not yet held" in html and "data-differs" not in html


def test_votes_panel_marks_an_actor_that_votes_against_its_record(frame):
    import dataclasses

    from sim.votes import record_check
    from viz.components.votes import votes_html

    vote = next(v for v in frame.summary["votes"] if v["id"] == "es11_1")
    turned = {**vote, "for": [a for a in vote["for"] if a != "TUR"], "against": vote["against"] + ["TUR"]}
    turned["record_check"] = record_check(turned)  # as the model's summary computes it
    html = votes_html(dataclasses.replace(frame, summary={**frame.summary, "votes": [turned]}))
    assert "data-differs='TUR'" in html and "TUR voted against, on record for" in html
    assert "matches 18 of 19" in html and "against</th>" in html


def test_worksheet_found_beside_an_exercise_scenario_and_rendered_safely(tmp_path):
    from viz.components.worksheet import find_worksheet, worksheet_html

    sheet = find_worksheet("exercises/china_open_or_covert/scenario.yaml")
    assert sheet is not None and sheet.name == "worksheet.md"
    assert find_worksheet("feb2022_baseline") is None and find_worksheet(None) is None
    title, html = worksheet_html(sheet)
    assert "China" in title and "<code>" in html and "<h2>" in html
    (tmp_path / "scenario.yaml").write_text("name: x\n")
    (tmp_path / "worksheet.md").write_text("# Mine\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<script>alert(1)</script>\n")
    title, html = worksheet_html(find_worksheet(str(tmp_path / "scenario.yaml")))
    assert title == "Mine" and "<table>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize("value, low, high, step, shown", [
    (1.8, 0, 10, 0.5, 2.0), (0.3, 0, 2, 0.1, 0.3), (0.33, 0, 5, 0.25, 0.25), (0.02, 0, 0.1, 0.005, 0.02),
    (12, 0, 10, 1, 10), (-0.15, -1, 1, 0.05, -0.15),
])
def test_dial_position_is_on_the_sliders_grid_as_the_browser_rounds_it(value, low, high, step, shown):
    from viz.components.controls import snap_to_grid

    assert snap_to_grid(value, low, high, step) == shown
