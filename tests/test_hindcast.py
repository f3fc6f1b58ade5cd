"""`blocsim hindcast`: the shipped record loads and scores, the scorecard's arithmetic is right
on a record and runs made for the test, and a bad record is one located message."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sim.cli import main
from sim.hindcast import Trace, score_patterns, scores
from sim.record import DEFAULT_RECORD, Record, load_record


def test_hindcast_on_the_shipped_record(capsys, tmp_path):
    out_json, out_html = tmp_path / "card.json", tmp_path / "card.html"
    assert main(["hindcast", "--seeds", "2", "--json-file", str(out_json), "--html", str(out_html)]) == 0
    text = capsys.readouterr().out
    assert "Fitting part" in text and "Held-out part" in text
    assert "fitting: overall" in text and "held-out: overall" in text
    card = json.loads(out_json.read_text())
    assert card["seeds"] == 2
    rows = [r for r in card["patterns"] if r["covered"]]
    ids = {r["id"] for r in rows}
    # every modelled actor's vote on the five fitting-set votes is scored
    assert {"vote.es11_1.CHN", "vote.es11_5.CHN", "vote.es11_6.IRN", "vote.poe_renewal.RUS"} <= ids
    for part in ("fit", "held_out"):
        mine = [r for r in rows if r["part"] == part]
        overall = card["scores"][part]["overall"]
        assert overall["n"] == len(mine) and overall["hits"] == sum(r["hit"] for r in mine)
    assert card["scores"]["held_out"]["overall"]["n"] >= 5
    page = out_html.read_text()
    assert page.startswith("<!doctype html>") and "<script" not in page and "Held-out part" in page


def test_hindcast_json_on_stdout(capsys):
    assert main(["hindcast", "feb2022_baseline", "--seeds", "1", "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    # the baseline ends in Feb 2025: the 2025 patterns are not covered and not scored
    assert "front.after_pullback" in card["not_covered"]
    assert all(r["date"] <= "2025-02" for r in card["patterns"] if r["covered"])


def _trace(front: list[float], aff: list[float], votes: dict[str, dict[str, str]]) -> Trace:
    T = len(front)
    affinity = np.zeros((T, 2, 2))
    affinity[:, 0, 1] = affinity[:, 1, 0] = aff
    return Trace(start="2020-01", steps=T - 1, index={"A": 0, "B": 1}, fronts={"war": np.array(front, float)},
                 affinity=affinity, sanctions=np.zeros((T, 2, 2)), delivered=np.zeros((T, 2, 2, 5)),
                 aid=np.zeros((T, 2, 2)), fired=np.zeros((T, 2, 5)), treaties=[set()] * T, in_force=[set()] * T,
                 votes=votes)


RECORD = Record.model_validate({
    "name": "test", "scenario": "x",
    "votes": [{"vote": "v1", "title": "V1", "date": "2020-02", "source": "S-UNGA-ES11-1",
               "record": {"for": ["A"], "against": ["B"]}}],
    "patterns": [
        {"id": "front.level", "group": "front", "measure": "front", "theater": "war", "date": "2020-03",
         "value": 10, "tolerance": 1, "source": "S-FRONT-MAPS"},
        {"id": "pair.up", "group": "alignment", "measure": "affinity", "actors": ["A", "B"], "since": "2020-01",
         "date": "2020-03", "direction": "up", "tolerance": 0.1, "source": "S-SEED-001", "part": "held_out"},
        {"id": "pair.floor", "group": "alignment", "measure": "affinity", "actors": ["A", "B"], "since": "2020-01",
         "date": "2020-03", "value": 0.0, "compare": "at_least", "source": "S-SEED-001"},
        {"id": "late", "group": "front", "measure": "front", "theater": "war", "date": "2021-01",
         "value": 1, "source": "S-FRONT-MAPS"},
    ]})


def test_scorecard_arithmetic_on_a_made_up_record():
    traces = [
        _trace([0, 5, 9.0], [0.1, -0.2, 0.3], {"v1": {"A": "for", "B": "against"}}),
        _trace([0, 5, 12.0], [0.1, 0.2, 0.2], {"v1": {"A": "for", "B": "abstain"}}),
        _trace([0, 5, 10.5], [0.1, 0.0, 0.4], {"v1": {"A": "abstain", "B": "abstain"}}),
    ]
    rows = {r["id"]: r for r in score_patterns(RECORD, traces)}
    front = rows["front.level"]                      # values 9, 12, 10.5: median 10.5, within 10 ± 1
    assert front["model"] == pytest.approx(10.5) and front["hit"]
    assert front["low"] == pytest.approx(np.percentile([9, 12, 10.5], 5))
    assert front["high"] == pytest.approx(np.percentile([9, 12, 10.5], 95))
    up = rows["pair.up"]                             # changes 0.2, 0.1, 0.3: median 0.2 > 0.1
    assert up["model"] == pytest.approx(0.2) and up["hit"]
    floor = rows["pair.floor"]                       # window minima -0.2, 0.1, 0.0: median 0.0 >= 0
    assert floor["model"] == pytest.approx(0.0) and floor["hit"]
    assert rows["vote.v1.A"]["model"] == "for" and rows["vote.v1.A"]["hit"]          # 2 of 3 seeds
    assert rows["vote.v1.B"]["model"] == "abstain" and not rows["vote.v1.B"]["hit"]   # record: against
    assert rows["vote.v1.A"]["range"] == "for 67%, abstain 33%"
    assert not rows["late"]["covered"]               # after the run's last month
    table = scores(rows.values())
    assert table["fit"]["votes"] == {"hits": 1, "n": 2, "score": 0.5}
    assert table["fit"]["front"] == {"hits": 1, "n": 1, "score": 1.0}
    assert table["fit"]["overall"] == {"hits": 3, "n": 4, "score": 0.75}
    assert table["held_out"]["overall"] == {"hits": 1, "n": 1, "score": 1.0}
    assert table["held_out"]["votes"]["score"] is None


def test_shipped_record_loads_with_a_fit_and_a_held_out_part():
    record, _ = load_record(DEFAULT_RECORD)
    parts = {p.part for p in record.patterns}
    assert parts == {"fit", "held_out"}
    assert {v.vote for v in record.votes} == {"es11_1", "es11_2", "es11_5", "es11_6", "poe_renewal"}


@pytest.mark.parametrize("change,expected", [
    ("source: S-FRONT-MAPS", "unknown source 'S-NO-SUCH'"),
    ("tolerance: 2", "tolerance: got -2"),
    ("value: 20", "a direction needs since:"),
])
def test_a_bad_record_is_one_located_message(tmp_path, capsys, change, expected):
    text = DEFAULT_RECORD.read_text()
    first = text.index(change)
    bad = {"source: S-FRONT-MAPS": "source: S-NO-SUCH", "tolerance: 2": "tolerance: -2",
           "value: 20": "direction: up"}[change]
    path = tmp_path / "record.yaml"
    path.write_text(text[:first] + bad + text[first + len(change):])
    assert main(["hindcast", "--record", str(path), "--seeds", "1"]) == 2
    err = capsys.readouterr().err
    line = text[:first].count("\n") + 1
    assert f"record.yaml:" in err and expected in err, err
    assert f":{line}:" in err or f":{line - 1}:" in err, err
    assert "Traceback" not in err


def test_the_dashboard_scorecard_lists_scores_and_misses():
    from sim.hindcast import hindcast
    from viz.components.scorecard import scorecard_html

    card = hindcast(seeds=1)
    page = scorecard_html(card)
    assert "data-part='fit'" in page and "data-part='held_out'" in page
    missed = [r["id"] for r in card["patterns"] if r.get("covered") and not r["hit"]]
    assert all(f"data-miss='{m}'" in page for m in missed)


def test_a_scenario_of_another_world_is_one_message(capsys):
    assert main(["hindcast", "teaching_islands", "--seeds", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "lacks" in err[0] and "USA" in err[0] and "ukraine_2022_2025.yaml:" in err[0]


def test_the_dashboard_offers_the_scorecard_only_for_a_scenario_with_a_record():
    import ipyvuetify as v
    import solara

    from viz.components.scorecard import ScorecardView, record_note, score

    for name in ("teaching_islands", None):
        record, note = record_note(name)
        assert record is None and "has no historical record" in note
        _, rc = solara.render(ScorecardView(name, {}), handle_error=False)
        assert not [b for b in rc.find(v.Btn).widgets if "blocsim-score" in (b.class_ or "")]
        rc.close()
    record, note = record_note("us_pullback_2025")
    assert record.endswith("ukraine_2022_2025.yaml") and "ukraine_2022_2025.yaml" in note
    _, rc = solara.render(ScorecardView("us_pullback_2025", {}, seeds=2), handle_error=False)
    assert [b for b in rc.find(v.Btn).widgets if "blocsim-score" in (b.class_ or "")][0].children == \
        ["Score against the record (2 seeds)"]
    rc.close()
    card, problem = score("us_pullback_2025", record, {"events.us_pullback.enabled": False}, 1)
    plain, _ = score("us_pullback_2025", record, {}, 1)
    assert problem == "" and card["scores"] != plain["scores"], "the run's overrides are scored"
    assert score("us_pullback_2025", record, {"actors.XXX.economy": 1}, 1)[0] is None
