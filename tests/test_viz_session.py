"""The dashboard's per-page session, without a browser: what a user would see change."""

import json

import numpy as np
import pandas as pd
import pytest

from sim.scenario import SCENARIO_DIR
from viz.session import Session, parse_overrides

BROKEN = "name: Broken\ndescription: x\nactors:\n  AAA: {name: A, economy: -5}\n  BBB: {name: B, doctrin: hedger}\n"


@pytest.fixture
def session():
    return Session("teaching_islands")


def test_loads_a_scenario_and_steps_forward(session):
    f0 = session.frame()
    assert f0.step == 0 and f0.n >= 2 and f0.rule and f0.rule_title
    assert session.step(3) == []
    f3 = session.frame()
    assert f3.step == 3 and f3.revision > f0.revision
    assert len(f3.series) == 4 and f3.events, "three steps give four rows of series and some actions"
    assert f0.step == 0, "a frame is a snapshot: stepping never changes an earlier one"


def test_stepping_past_the_end_is_a_message_not_an_error(session):
    assert session.configure(steps=2) == []
    assert session.step(10) == [] and session.frame().step == 2
    assert "last step (2)" in session.step(1)[0]
    assert session.frame().step == 2


def test_bad_upload_reports_file_line_and_field_and_keeps_the_run(session):
    session.step(2)
    errors = session.load_upload("broken.yaml", BROKEN)
    assert any(e.startswith("broken.yaml:4: actors.AAA.economy") for e in errors)
    assert any("did you mean 'doctrine'" in e for e in errors)
    assert session.frame().step == 2 and session.frame().source == "teaching_islands"


@pytest.mark.parametrize("name, text, size, expected", [
    ("bin.yaml", "\x00\x01 nope", 9, "bin.yaml:1: the file holds binary data"),
    ("big.yaml", None, 50_000_000, "a scenario must be under"),
    ("list.yaml", "- 1\n- 2\n", 8, "list.yaml:1"),
    ("cut.yaml", "a: [1, 2", 8, "cut.yaml:1"),
])
def test_every_kind_of_bad_upload_gets_a_message(session, name, text, size, expected):
    errors = session.load_upload(name, text, size)
    assert errors and expected in errors[0]


def test_a_valid_upload_replaces_the_run(session):
    text = "extends: teaching_islands.yaml\nname: Uploaded variant\ndescription: d\nsteps: 4\n"
    assert session.load_upload("variant.yaml", text) == []
    f = session.frame()
    assert f.scenario == "Uploaded variant" and f.steps == 4 and f.source == "variant.yaml"


@pytest.mark.parametrize("kwargs, expected", [
    ({"seed": "abc"}, "seed: got 'abc'"),
    ({"seed": -1}, "seed: got -1"),
    ({"steps": 0}, "steps: got 0"),
    ({"steps": "1e9"}, "steps: got '1e9'"),
    ({"rule": "astrology"}, "unknown rule 'astrology'"),
    ({"overrides": {"actors.NOPE.reputation_concern": 0.5}}, "no field actors.NOPE"),
])
def test_absurd_settings_get_messages_and_leave_the_run_alone(session, kwargs, expected):
    session.step(1)
    errors = session.configure(**kwargs)
    assert errors and expected in " ".join(errors)
    assert session.frame().step == 1


def test_seed_makes_runs_reproducible():
    a, b = Session("teaching_islands"), Session("teaching_islands")
    a.step(5), b.step(5)
    assert np.array_equal(a.frame().affinity, b.frame().affinity)
    assert [e["sentence"] for e in a.frame().events] == [e["sentence"] for e in b.frame().events]


def test_injects_apply_at_the_next_step_and_are_logged_as_injects():
    s = Session("feb2022_baseline")
    event = s.frame().scheduled[0]["id"]
    assert s.inject_event(event) == []
    assert s.inject_action("arms_transfer", "PRK", "RUS", "shells", "50000") == []
    assert not [e for e in s.frame().events if e["source"].startswith("inject")], "nothing happens before a step"
    s.step(1)
    injected = [e for e in s.frame().events if e["source"].startswith("inject")]
    assert any(e["actor"] == "PRK" and e["target"] == "RUS" for e in injected)
    assert any(e["source"] == f"inject:{event}" or e["source"] == "inject" for e in injected)


@pytest.mark.parametrize("args, expected", [
    (("arms_transfer", "PRK", "PRK", "shells", 1), "cannot act on itself"),
    (("arms_transfer", "XXX", "RUS", "shells", 1), "actor: choose one of the scenario's actors (got 'XXX')"),
    (("teleport", "PRK", "RUS", None, 1), "unknown action"),
    (("arms_transfer", "PRK", "RUS", "shells", "lots"), "amount: got 'lots'"),
    (("arms_transfer", "PRK", "RUS", "shells", float("nan")), "amount"),
    (("arms_transfer", "PRK", "RUS", "bananas", 1), "item 'bananas' does not fit arms_transfer (one of: shells"),
    (("sanction", "USA", "RUS", "banks", 5), "intensity"),
])
def test_bad_composed_injects_get_messages(args, expected):
    s = Session("feb2022_baseline")
    errors = s.inject_action(*args)
    assert errors and expected in " ".join(errors)


def test_pinned_run_keeps_its_series_for_comparison(session):
    session.step(3)
    assert session.pin() == []
    session.reset()
    session.step(1)
    f = session.frame()
    assert f.pinned is not None and len(f.pinned.series) == 4 and len(f.series) == 2


def test_exports_match_the_run(session):
    session.step(3)
    csv_lines = session.series_csv().strip().splitlines()
    assert csv_lines[0].startswith("step") and len(csv_lines) == 5
    records = [json.loads(line) for line in session.events_jsonl().splitlines()]
    assert records and {r["step"] for r in records} <= {1, 2, 3} and all("reason" in r for r in records)
    assert session.agents_csv().count("\n") == 4 * session.frame().n + 1


def test_two_sessions_are_independent():
    a, b = Session("teaching_islands"), Session("teaching_islands")
    a.step(4)
    assert b.frame().step == 0
    b.load_shipped("feb2022_baseline")
    assert a.frame().scenario != b.frame().scenario and a.frame().step == 4


def test_parse_overrides_reads_values_and_reports_bad_lines():
    values, errors = parse_overrides("actors.CHN.reputation_concern = 0.9\n# comment\n\nevents.x.enabled = false\n")
    assert values == {"actors.CHN.reputation_concern": 0.9, "events.x.enabled": False} and not errors
    _, errors = parse_overrides("just words\n")
    assert errors and "line 1" in errors[0]


def test_key_parameter_dials_read_the_scenario_and_write_override_lines(tmp_path):
    from viz.session import set_override_line

    path = tmp_path / "dials.yaml"
    path.write_text(
        f"extends: {SCENARIO_DIR / 'us_pullback_2025.yaml'}\n"
        "key_parameters:\n"
        "  - {path: actors.CHN.reputation_concern, label: China's reputation concern, min: 0, max: 1}\n"
        "  - {path: events.us_pullback.enabled}\n"
        "  - {path: actors.CHN.doctrine_params.arms_share, min: 0, max: 1, step: 0.1}\n")
    s = Session(str(path))
    assert s.startup_errors == []
    dials = {d["path"]: d for d in s.key_parameters()}
    assert dials["actors.CHN.reputation_concern"]["label"] == "China's reputation concern"
    assert dials["actors.CHN.reputation_concern"]["step"] == pytest.approx(0.01)
    assert dials["events.us_pullback.enabled"]["value"] is True
    from sim.doctrines import DOCTRINES
    default = DOCTRINES["covert_partner"].Params.model_fields["arms_share"].default
    assert dials["actors.CHN.doctrine_params.arms_share"]["value"] == default  # left out: the doctrine's default
    text = set_override_line("", "actors.CHN.reputation_concern", 0.30000000001)
    text = set_override_line(text, "events.us_pullback.enabled", False)
    text = set_override_line(text, "actors.CHN.reputation_concern", 0.2)
    assert text == "actors.CHN.reputation_concern = 0.2\nevents.us_pullback.enabled = false"
    overrides, errors = parse_overrides(text)
    assert errors == [] and s.configure(overrides=overrides) == []
    dials = {d["path"]: d for d in s.key_parameters()}
    assert dials["actors.CHN.reputation_concern"]["value"] == 0.2 and dials["events.us_pullback.enabled"]["value"] is False
    assert s.frame().overrides == {"actors.CHN.reputation_concern": 0.2, "events.us_pullback.enabled": False}


def test_dial_values_fall_back_to_rule_and_doctrine_defaults():
    from sim.alignment import RULES
    from sim.scenario import MISSING, load_scenario, value_at

    s = load_scenario("teaching_islands")
    rule = RULES[s.alignment.rule].Params.model_fields
    left_out = next(k for k in rule if k not in s.alignment.params)
    assert value_at(s, f"alignment.params.{left_out}") == rule[left_out].default
    assert value_at(s, "alignment.params.no_such_parameter") is MISSING
    assert value_at(s, "actors.NOBODY.reputation_concern") is MISSING


def test_an_event_injected_out_of_order_gives_a_message_not_a_crash(tmp_path):
    path = tmp_path / "switch.yaml"
    path.write_text(
        "name: switch\ndescription: a doctrine switch, then its parameter\n"
        "poles: {west: [AAA], east: [BBB]}\n"
        "actors:\n  AAA: {name: Aland, doctrine: hedger}\n  BBB: {name: Bland, doctrine: hedger}\n"
        "events:\n"
        "  e1: {description: Aland turns patron, step: 5, set: {actors.AAA.doctrine: patron}}\n"
        "  e2: {description: Aland pays, step: 6, set: {actors.AAA.doctrine_params.aid_per_month: 1.5}}\n")
    s = Session(str(path))
    assert s.startup_errors == []
    errors = s.inject_event("e2")  # refused now, while Aland is still a hedger: nothing is queued
    assert len(errors) == 1 and "inject e2: cannot apply now" in errors[0], errors
    assert "hedger has no parameter 'aid_per_month'" in errors[0] and "AAA holds the hedger doctrine" in errors[0]
    assert s.step(7) == []  # the page goes on, and the events fire in their order
    assert any(e["kind"] == "policy" and e["actor"] == "AAA" and "aid per month to 1.5" in e["sentence"]
               for e in s.frame().events)


def test_back_replays_the_run_exactly_and_keeps_earlier_injects():
    s = Session("us_pullback_2025")
    s.step(3)
    assert s.inject_event("sco_summit") == []               # queued at month 3
    assert s.inject_action("arms_transfer", "PRK", "RUS", "shells", 50000) == []
    s.step(3)
    assert s.inject_event("europe_split") == []              # queued at month 6
    s.step(2)
    original = s.frame()
    assert original.step == 8
    assert s.rewind(5) == [] and s.frame().step == 5
    assert s.step(3) == []
    again = s.frame()
    # months 0-5 replay exactly (with the month-3 injects); the month-6 inject was dropped
    pd.testing.assert_frame_equal(again.series.iloc[:6], original.series.iloc[:6])
    assert any(e["source"] == "inject:sco_summit" for e in again.events if e["step"] == 4)
    assert not any(e["source"] == "inject:europe_split" for e in again.events)
    assert any(e["source"] == "inject:europe_split" for e in original.events)
    # and with the same injects the branch is the same run: go back, re-inject, compare
    assert s.rewind(6) == [] and s.inject_event("europe_split") == [] and s.step(2) == []
    pd.testing.assert_frame_equal(s.frame().series, original.series)
    assert s.rewind(9) and s.rewind(-1)  # messages, not crashes


def test_after_action_review_tells_the_facilitators_moves_and_the_outcome():
    s = Session("feb2022_baseline")
    s.configure(overrides={"actors.CHN.reputation_concern": 0.1})
    s.step(2)
    assert s.inject_action("arms_transfer", "PRK", "RUS", "shells", 100000) == []
    s.step(4)
    text = s.review_md()
    assert text.startswith("# After-action review: Feb 2022 baseline\n")
    assert "`actors.CHN.reputation_concern = 0.1`" in text
    moves = text.split("## The facilitator's moves")[1].split("##")[0]
    assert "2022-05: North Korea sent 100 thousand shells to Russia, because a facilitator injected it" in moves
    assert "2022-03: The US, EU and UK answer the invasion with bank sanctions" in text
    assert "| bloc | members | cohesion |" in text and "ES-11/1" in text and "as on record for" in text
    assert "- Russia-Ukraine front: " in text and "% of Ukraine's territory held by Russia (started at 7.0%)" in text
    assert text == s.review_md()  # the same run always gives the same review


def test_the_inspector_shows_the_doctrine_in_force_after_a_switch(tmp_path):
    from viz.components.inspector import inspect

    path = tmp_path / "switch.yaml"
    path.write_text(
        "name: switch\ndescription: a doctrine switch at month 2\n"
        "poles: {west: [AAA], east: [BBB]}\n"
        "actors:\n  AAA: {name: Aland, doctrine: hedger}\n  BBB: {name: Bland, doctrine: hedger}\n"
        "events:\n  e1: {description: Aland turns patron, step: 2, set: {actors.AAA.doctrine: patron}}\n")
    s = Session(str(path))
    s.step(1)
    assert inspect(s.frame(), "AAA")["doctrine"] == "hedger"
    s.step(1)
    assert inspect(s.frame(), "AAA")["doctrine"] == "patron"
    assert s.rewind(1) == [] and inspect(s.frame(), "AAA")["doctrine"] == "hedger"
