"""Every kind of bad input gets one clear located message and exit code 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
GOOD = """\
name: tiny
description: two actors
poles: {west: [AAA], east: [BBB]}
actors:
  AAA: {name: Aland, doctrine: hedger}
  BBB: {name: Bland, doctrine: hedger}
"""


def validate(tmp_path: Path, text: str, capsys, name: str = "s.yaml") -> tuple[int, list[str]]:
    path = tmp_path / name
    path.write_text(text)
    code = main(["validate", str(path)])
    err = capsys.readouterr().err.strip().splitlines()
    return code, err


def test_good_file_validates(tmp_path, capsys):
    code, err = validate(tmp_path, GOOD, capsys)
    assert code == 0 and err == []


@pytest.mark.parametrize("text, line, field, words", [
    (GOOD + "  CCC: {name: C, doctrine: hedger, economyy: 5}\n", 7, "actors.CCC.economyy",
     "unknown field (did you mean 'economy'?"),
    (GOOD.replace("{name: Aland, doctrine: hedger}", "{name: Aland, doctrine: hedger, economy: lots}"), 5,
     "actors.AAA.economy", "got 'lots'"),
    (GOOD.replace("{name: Aland, doctrine: hedger}", "{name: Aland, doctrine: hedger, reputation_concern: 3}"), 5,
     "actors.AAA.reputation_concern", "less than or equal to 1"),
    (GOOD + "relations:\n  - [AAA, ZZZ, 0.5]\n", 8, "relations.0.1", "unknown actor 'ZZZ'"),
    (GOOD + "  AAA: {name: again, doctrine: hedger}\n", 7, "actors.AAA", "duplicate key"),
    (GOOD.replace("doctrine: hedger}\n  BBB", "doctrine: nonsense}\n  BBB"), 5, "actors.AAA.doctrine",
     "unknown doctrine 'nonsense'"),
    (GOOD + "events:\n  e1: {description: x, date: '2021-13'}\n", 8, "events.e1.date", "YYYY-MM"),
    (GOOD.replace("name: tiny\n", ""), 1, "name", "missing required field"),
    (GOOD + "key_parameters:\n  - {path: actors.AAA.reputation_concer, min: 0, max: 1}\n", 8,
     "key_parameters.0.path", "no field actors.AAA.reputation_concer"),
    (GOOD + "key_parameters:\n  - {path: actors.AAA.economy, min: 5, max: 1}\n", 8,
     "key_parameters.0.path", "min < max"),
    (GOOD + "key_parameters:\n  - {path: actors.AAA.name}\n", 8, "key_parameters.0.path",
     "'Aland', not a number or true/false"),
    (GOOD.replace("  AAA: {name: Aland, doctrine: hedger}\n", "  AAA: Aland\n"), 5, "actors.AAA",
     "got text (a mapping"),
    (GOOD + "relations:\n  - [AAA, BBB]\n", 8, "relations.0.2", "missing item 3 of the list"),
    (GOOD.replace("{name: Aland, doctrine: hedger}", "{name: Aland, doctrine: hedger, doctrine_params: {trade_abov: 1}}"),
     5, "actors.AAA.doctrine_params.trade_abov", "unknown parameter (did you mean 'trade_above'?"),
    (GOOD + "events:\n  e1:\n    description: x\n    step: 1\n    actions:\n"
            "      - {kind: arms_transfr, actor: AAA, target: BBB, item: shells, amount: 5}\n", 12,
     "events.e1.actions.0.kind", "unknown action 'arms_transfr' (did you mean 'arms_transfer'?"),
    (GOOD + "events:\n  e1:\n    description: x\n    step: 1\n    set: {actors.AAA.reputation_concern: 2}\n", 11,
     "events.e1.set.actors.AAA.reputation_concern", "got 2 (less than or equal to 1)"),
    (GOOD + "events:\n  e1:\n    description: x\n    step: 1\n    set: {actors.AAA.stocks.shells: -5}\n", 11,
     "events.e1.set.actors.AAA.stocks.shells", "got -5 (greater than or equal to 0)"),
    (GOOD + "events:\n  e1:\n    description: x\n    step: 1\n    set: {actors.AAA.doctrine: nonsense}\n", 11,
     "events.e1.set.actors.AAA.doctrine", "unknown doctrine 'nonsense'"),
    (GOOD + "events:\n  e1:\n    description: x\n    step: 1\n    set: {actors.AAA.doctrine_params.aid_per_month: 1}\n",
     11, "events.e1.set.actors.AAA.doctrine_params.aid_per_month", "hedger has no parameter 'aid_per_month'"),
])
def test_bad_scenario_gives_one_located_message(tmp_path, capsys, text, line, field, words):
    code, err = validate(tmp_path, text, capsys)
    assert code == 2
    assert len(err) == 1, err
    assert err[0].startswith(f"{tmp_path / 's.yaml'}:{line}: {field}: "), err[0]
    assert words in err[0]


def test_malformed_yaml_names_the_line(tmp_path, capsys):
    code, err = validate(tmp_path, GOOD + "  CCC: {name: [unclosed\n", capsys)
    assert code == 2 and len(err) == 1
    assert err[0].startswith(f"{tmp_path / 's.yaml'}:") and "not valid YAML" in err[0]


def test_several_errors_are_all_reported(tmp_path, capsys):
    text = GOOD.replace("{name: Aland, doctrine: hedger}", "{name: Aland, doctrine: hedger, economy: -1, nuclear: maybe}")
    code, err = validate(tmp_path, text, capsys)
    assert code == 2 and len(err) == 2
    assert {e.split(": ")[1] for e in err} == {"actors.AAA.economy", "actors.AAA.nuclear"}


def test_extends_cycle_is_reported(tmp_path, capsys):
    (tmp_path / "a.yaml").write_text("extends: b.yaml\n" + GOOD)
    (tmp_path / "b.yaml").write_text("extends: a.yaml\n" + GOOD)
    code = main(["validate", str(tmp_path / "a.yaml")])
    err = capsys.readouterr().err
    assert code == 2 and "cycle in extends" in err and "a.yaml -> b.yaml -> a.yaml" in err


def test_extends_merges_mappings_and_replaces_lists(tmp_path):
    from sim.scenario import load_scenario
    (tmp_path / "base.yaml").write_text(GOOD + "relations:\n  - [AAA, BBB, 0.5]\n")
    (tmp_path / "child.yaml").write_text(
        "extends: base.yaml\nname: child\nactors:\n  AAA: {economy: 999}\nrelations:\n  - [AAA, BBB, -0.5]\n")
    s = load_scenario(tmp_path / "child.yaml")
    assert s.name == "child" and s.actors["AAA"].economy == 999 and s.actors["AAA"].name == "Aland"
    assert s.relations == [("AAA", "BBB", -0.5)]


def test_error_in_child_points_at_child_file(tmp_path, capsys):
    (tmp_path / "base.yaml").write_text(GOOD)
    (tmp_path / "child.yaml").write_text("extends: base.yaml\nactors:\n  AAA: {economy: -5}\n")
    code = main(["validate", str(tmp_path / "child.yaml")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.startswith(f"{tmp_path / 'child.yaml'}:3: actors.AAA.economy:")


def test_missing_file(tmp_path, capsys):
    code = main(["validate", str(tmp_path / "nope.yaml")])
    err = capsys.readouterr().err
    assert code == 2 and "nope.yaml: no such file" in err


def test_yaml_is_loaded_safely(tmp_path, capsys):
    code, err = validate(tmp_path, "!!python/object/apply:os.system ['echo hacked']\n", capsys)
    assert code == 2 and len(err) == 1 and "hacked" not in "".join(err[:0])


def test_yes_no_on_off_stay_strings(tmp_path):
    from sim.scenario import load_scenario
    (tmp_path / "s.yaml").write_text(GOOD.replace("name: Aland", "name: 'on'").replace("name: Bland", "name: no"))
    assert load_scenario(tmp_path / "s.yaml").actors["BBB"].name == "no"


def test_wrong_cli_flag_and_value(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["run", "--steps", "zero"])
    assert exc.value.code == 2
    assert "not a whole number" in capsys.readouterr().err
    assert main(["run", "--frobnicate"]) == 2
    assert "blocsim run: unknown option --frobnicate" in capsys.readouterr().err


def test_unknown_alignment_and_override(capsys, tmp_path):
    assert main(["run", "teaching_islands", "--alignment", "astrology", "--out", str(tmp_path)]) == 2
    assert "unknown rule 'astrology'" in capsys.readouterr().err
    assert main(["run", "teaching_islands", "--set", "actors.ZZZ.economy=5", "--out", str(tmp_path)]) == 2
    assert "override: actors.ZZZ.economy: no field actors.ZZZ" in capsys.readouterr().err


def test_no_traceback_from_the_real_command(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD + "  CCC: {name: C, doctrine: hedger, economy: -1}\n")
    proc = subprocess.run([sys.executable, "-m", "sim.cli", "run", str(bad)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1
    assert f"{bad}:7: actors.CCC.economy:" in proc.stderr


def test_landscape_pair_without_size_is_located(tmp_path, capsys):
    text = GOOD + "landscape:\n  sizes: {AAA: 1}\n  propensities:\n    - [AAA, BBB, 0.5]\n"
    code, err = validate(tmp_path, text, capsys)
    assert code == 2 and err == [f"{tmp_path / 's.yaml'}:10: landscape.propensities.0.1: 'BBB' has no size "
                                 "(add it under landscape.sizes)"]


def test_tagged_yaml_collections_are_refused(tmp_path, capsys):
    code, err = validate(tmp_path, GOOD + "relations: !!python/object/apply:os.system [[echo, hi]]\n", capsys)
    assert code == 2 and len(err) == 1
    assert err[0].startswith(f"{tmp_path / 's.yaml'}:7: relations: the tag") and "is not allowed" in err[0]


def test_template_builds_many_variants_from_one_parse():
    from sim.scenario import ScenarioTemplate
    t = ScenarioTemplate("teaching_islands")
    low, high = t.build({"actors.ESM.reputation_concern": 0.1}), t.build({"actors.ESM.reputation_concern": 0.9})
    assert (low.actors["ESM"].reputation_concern, high.actors["ESM"].reputation_concern) == (0.1, 0.9)
    assert t.build().actors["ESM"].reputation_concern == 0.8          # the template itself is untouched


def test_binary_upload_gets_a_located_message():
    from sim.errors import UserError
    from sim.scenario import parse_scenario
    try:
        parse_scenario("name: x\n\x00\x01binary", "upload.yaml")
    except UserError as exc:
        assert len(exc.messages) == 1 and exc.messages[0].startswith("upload.yaml:1: not valid YAML:")
    else:
        raise AssertionError("binary text was accepted")


def test_event_set_values_are_checked_against_the_doctrine_in_force(tmp_path, capsys):
    switch = (GOOD + "events:\n"
              "  e1: {description: x, step: 1, set: {actors.AAA.doctrine: patron}}\n"
              "  e2: {description: y, step: 2, set: {actors.AAA.doctrine_params.aid_per_month: 1.5}}\n")
    code, err = validate(tmp_path, switch, capsys)
    assert code == 0 and err == [], err  # AAA is a patron by step 2, and patrons give aid
    path = tmp_path / "s.yaml"
    assert main(["run", str(path), "--steps", "3", "--json", "--out", str(tmp_path / "out")]) == 0
    capsys.readouterr()
    early = switch.replace("step: 2", "step: 0")
    code, err = validate(tmp_path, early, capsys)
    assert code == 2 and "hedger has no parameter 'aid_per_month'" in err[0]


def test_a_bad_event_value_from_the_command_line_stops_before_the_run(capsys):
    code = main(["run", "feb2022_baseline", "--json", "--set", "events.initial_thrust.set.theaters.ukraine.front=150"])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert captured.err.strip() == ("override: events.initial_thrust.set.theaters.ukraine.front: "
                                    "got 150 (less than or equal to 100)"), "the path is named once"


def test_a_mistyped_scenario_name_or_rule_suggests_the_right_one(capsys):
    assert main(["run", "feb2022_baselin", "--json"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("feb2022_baselin: no such scenario file or shipped scenario (did you mean 'feb2022_baseline'?")
    assert main(["run", "teaching_islands", "--json", "--alignment", "intrest"]) == 2
    assert "(did you mean 'interest'?" in capsys.readouterr().err


ONE_PASS = """\
name: several problems
description: a value out of range, an unknown doctrine and an unknown actor, all at once
start: 2022-02
poles: {west: [AAA], east: [BBB]}
actors:
  AAA: {name: A, doctrine: nosuch, reputation_concern: 1.5}
  BBB: {name: B}
relations:
  - [AAA, ZZZ, 0.5]
"""


def test_validation_reports_every_problem_in_one_pass(tmp_path, capsys):
    code, err = validate(tmp_path, ONE_PASS, capsys)
    assert code == 2
    assert [e.split(": ", 2)[1] for e in err] == ["actors.AAA.reputation_concern", "actors.AAA.doctrine",
                                                  "relations.0.1"]
    assert "got 1.5" in err[0] and "unknown doctrine 'nosuch'" in err[1] and "unknown actor 'ZZZ'" in err[2]


def test_a_scenario_without_poles_is_told_plainly(tmp_path, capsys):
    code, err = validate(tmp_path, "name: tiny\ndescription: two actors\nstart: 2022-02\nactors:\n"
                                   "  AAA: {name: A}\n  BBB: {name: B}\n", capsys)
    assert code == 2 and len(err) == 1, err
    assert err[0].endswith("poles: missing: name the leader of each camp with this file's actor ids, for example "
                           "poles: {west: [ID], east: [ID]} (without it the leaders would be USA, RUS, CHN, "
                           "which this file does not have)")


def test_messages_use_the_projects_words_not_pydantics(tmp_path, capsys):
    code, err = validate(tmp_path, "name: one\ndescription: one actor\nstart: 2022-02\n"
                                   "poles: {west: [AAA], east: [AAA]}\nactors:\n  AAA: {name: A}\n", capsys)
    assert code == 2 and err[-1].endswith("actors: has 1 entry (at least 2 needed)")
    assert not any("Dictionary should" in e for e in err)
    code, err = validate(tmp_path, "name: x\nactors:\n  A: {name: a\n  B: 1\n", capsys)
    assert code == 2 and ":4: not valid YAML: " in err[0] and "(valid YAML" not in err[0]
