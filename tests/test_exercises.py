"""The classroom exercises: every scenario validates and runs, `blocsim exercise` lists and
opens them, and the event log in exercise mode gives a reason for every move."""

import argparse
import re
import shlex
import sys
import types
from pathlib import Path

import pytest

from sim.cli import build_parser, main
from sim.exercises import EXERCISE_DIR, exercises
from sim.runner import simulate
from sim.scenario import load_scenario

SUBJECTS = {"sanctioned_together", "three_theories", "china_open_or_covert", "europe_alone"}
SCENARIOS = sorted(EXERCISE_DIR.glob("*/*.yaml"))


def test_the_four_subjects_are_there_with_all_their_parts():
    found = {ex.name: ex for ex in exercises()}
    assert SUBJECTS <= set(found)
    for ex in found.values():
        assert ex.scenario.exists() and ex.worksheet.exists() and ex.instructor.exists(), ex.name
        assert not ex.title.startswith("#") and len(ex.title) > 10, ex.name


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_exercise_scenario_validates_and_runs(path):
    scenario = load_scenario(path)
    model = simulate(scenario, seed=0)
    summary = model.summary()
    assert summary["steps"] == scenario.steps
    assert summary["blocs"], path
    for sentence in model.events.sentences():
        # each move says who did what to whom, and why
        assert " because " in sentence and sentence.endswith("."), sentence


def test_exercise_lists_all_four(capsys):
    assert main(["exercise"]) == 0
    out = capsys.readouterr().out
    for ex in exercises():
        assert ex.name in out
    assert "Why do sanctioned states draw together?" in out
    assert "Would Europe hold without the US?" in out


def test_no_dashboard_prints_the_summary_and_the_event_log(capsys, tmp_path):
    assert main(["exercise", "sanctioned_together", "--no-dashboard", "--out", str(tmp_path),
                 "--watch", "OST-VES", "--actor", "VES"]) == 0
    out = capsys.readouterr().out
    assert "worksheet.md" in out
    assert "Alignment rule in force: interest" in out
    assert "Blocs at the end" in out
    assert "Affinity of the watched pairs" in out and "OST-VES" in out
    assert "Vesk (VES) at the end of the run" in out
    assert "Event log: 4 sentences" in out
    assert "Hegemonia sanctioned banks in Vesk" in out or "Hegemonia imposed" in out
    assert (tmp_path / "events.jsonl").exists()


def test_no_dashboard_with_overrides_and_a_filter(capsys, tmp_path):
    assert main(["exercise", "china_open_or_covert", "--no-dashboard", "--out", str(tmp_path), "--steps", "6",
                 "--set", "actors.CHN.reputation_concern=0.2", "--find", "China sent", "--events", "3"]) == 0
    out = capsys.readouterr().out
    assert "with actors.CHN.reputation_concern=0.2" in out
    assert "sentences contain 'China sent'" in out
    lines = [line for line in out.splitlines() if line.strip().startswith("[20")]
    assert 1 <= len(lines) <= 3
    assert all("China sent" in line for line in lines)


def test_variant_runs_another_scenario_of_the_folder(capsys, tmp_path):
    assert main(["exercise", "three_theories", "--variant", "twin_crowns", "--no-dashboard",
                 "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "twin_crowns.yaml" in out
    assert "Alignment rule in force: landscape" in out


@pytest.mark.parametrize("argv, message", [
    (["exercise", "no_such_thing"], "exercise 'no_such_thing': no such exercise"),
    (["exercise", "three_theories", "--variant", "nope", "--no-dashboard"], "has no scenario nope.yaml"),
    (["exercise", "europe_alone", "--set", "events.us_pullback.enabled=false"], "work only with --no-dashboard"),
    (["exercise", "sanctioned_together", "--no-dashboard", "--watch", "OST-XXX"], "unknown actor 'XXX'"),
    (["exercise", "sanctioned_together", "--no-dashboard", "--actor", "XXX"], "--actor XXX: unknown actor"),
])
def test_bad_input_exits_2_with_one_clear_message(capsys, argv, message):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_without_the_dashboard_command_it_says_so(monkeypatch):
    from sim.commands.exercise import open_dashboard
    from sim.errors import UserError

    monkeypatch.setitem(sys.modules, "sim.commands.dashboard", None)   # import fails
    with pytest.raises(UserError) as err:
        open_dashboard(EXERCISE_DIR / "europe_alone" / "scenario.yaml", None, None, "europe_alone")
    message = err.value.messages[0]
    assert "dashboard is not available" in message
    assert "blocsim exercise europe_alone --no-dashboard" in message


def test_it_opens_the_scenario_in_the_dashboard(capsys, monkeypatch):
    calls = []
    fake = types.ModuleType("sim.commands.dashboard")
    fake.start = lambda scenario, host, port: calls.append(types.SimpleNamespace(
        scenario=scenario, host=host, port=port)) or 0
    fake.DEFAULT_HOST, fake.DEFAULT_PORT = "127.0.0.1", 8765
    monkeypatch.setitem(sys.modules, "sim.commands.dashboard", fake)
    import sim.commands
    monkeypatch.setattr(sim.commands, "dashboard", fake, raising=False)
    assert main(["exercise", "china_open_or_covert", "--port", "8799"]) == 0
    assert len(calls) == 1
    assert Path(calls[0].scenario).resolve() == EXERCISE_DIR / "china_open_or_covert" / "scenario.yaml"
    if EXERCISE_DIR.is_relative_to(Path.cwd()):  # the page's scenario picker shows a short path
        assert not Path(calls[0].scenario).is_absolute(), calls[0].scenario
    assert calls[0].port == 8799
    assert "worksheet.md" in capsys.readouterr().out


def worksheet_commands(path: Path) -> list[list[str]]:
    """Every `blocsim ...` command in the worksheet's code blocks, split into arguments."""
    text = path.read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"```(?:bash)?\n(.*?)```", text, flags=re.S):
        for command in block.replace("\\\n", " ").splitlines():
            command = command.strip()
            if command.startswith("blocsim "):
                found.append(shlex.split(command)[1:])
    return found


@pytest.mark.parametrize("ex", exercises(), ids=lambda ex: ex.name)
def test_worksheet_commands_are_valid(ex, monkeypatch):
    """Each command a worksheet tells students to type parses, and names files that exist."""
    commands = worksheet_commands(ex.worksheet)
    assert commands, ex.name
    parser = build_parser()
    monkeypatch.chdir(EXERCISE_DIR.parent)
    for argv in commands:
        args = parser.parse_args(argv)
        assert isinstance(args, argparse.Namespace)
        scenario = getattr(args, "scenario", None)
        if args.command in ("compare", "landscape") and scenario:
            assert Path(scenario).exists(), (ex.name, argv)
        if args.command == "exercise" and args.name:
            assert args.name in {e.name for e in exercises()}, (ex.name, argv)
            if args.variant:
                assert (EXERCISE_DIR / args.name / f"{args.variant}.yaml").exists()
        for pair in getattr(args, "set", []) or []:
            path, _ = pair.split("=", 1)
            target = EXERCISE_DIR / args.name / "scenario.yaml" if args.command == "exercise" else Path(scenario)
            if args.command == "exercise" and args.variant:
                target = EXERCISE_DIR / args.name / f"{args.variant}.yaml"
            load_scenario(target, {path: 0.5 if "concern" in path or "weight" in path else
                                   (False if path.endswith("enabled") else
                                    ("qmv" if path.endswith("decision_rule") else 0.0))})


# --- the instructor notes' expected observations, as properties that must keep holding ---

def run(name: str, overrides: dict | None = None, file: str = "scenario.yaml", seed: int = 0):
    return simulate(EXERCISE_DIR / name / file, seed=seed, overrides=overrides)


def affinity(model, a: str, b: str) -> float:
    w = model.world
    return float(w.affinity[w.index[a], w.index[b]])


def arms_sent(model, src: str, dst: str) -> float:
    return sum(a.delivered or 0.0 for a in model.events
               if a.kind == "arms_transfer" and a.actor == src and a.target == dst)


def test_sanctioned_strangers_bond_through_the_co_sanction_term():
    base = run("sanctioned_together")
    assert affinity(base, "OST", "VES") > 0.25
    assert any({"OST", "VES"} <= set(b) for b in base.summary()["blocs"])
    for off in ({"alignment.params.co_sanction_weight": 0}, {"events.sanctions_on_vesk.enabled": False}):
        model = run("sanctioned_together", off)
        assert affinity(model, "OST", "VES") < 0.05, off
        assert {"OST", "VES"} <= set(model.summary()["nonaligned"]), off
    relief = run("sanctioned_together", {"events.relief_for_vesk.enabled": True})
    assert 0.0 < affinity(relief, "OST", "VES") < affinity(base, "OST", "VES")


def test_without_the_co_sanction_bond_north_korea_does_not_arm_russia():
    with_bond = run("sanctioned_together", file="feb2022.yaml")
    without = run("sanctioned_together", {"alignment.params.co_sanction_weight": 0}, file="feb2022.yaml")
    assert affinity(with_bond, "PRK", "IRN") > affinity(without, "PRK", "IRN") + 0.2
    assert arms_sent(with_bond, "PRK", "RUS") > 1e6
    assert arms_sent(without, "PRK", "RUS") == 0


def test_twin_crowns_landscape_has_two_stable_outcomes_and_history_picks_one():
    from sim.alignment.landscape import analyze_landscape, scenario_inputs
    from sim.compare import compare_rules

    path = EXERCISE_DIR / "three_theories" / "twin_crowns.yaml"
    inputs = scenario_inputs(load_scenario(path))
    minima = analyze_landscape(inputs.sizes, inputs.propensity, inputs.ids).to_dict(inputs.ids)["minima"]
    assert [sorted(m["coalitions"][0]) for m in minima] == [["AUS", "NOR", "TAM", "TOR"], ["AUS", "NOR"]]
    for wedding, partner in ((False, "AUS"), (True, "BOR")):
        result = compare_rules(path, ["landscape"], overrides={"events.borvian_wedding.enabled": wedding})
        bloc_of = result["rules"][0]["bloc_of"]
        assert bloc_of["TAM"] == bloc_of["TOR"] == bloc_of[partner], wedding
        assert result["rules"][0]["nonaligned"] == []


def test_triad_dynamics_default_p_makes_one_bloc_of_the_feb2022_world():
    from sim.compare import compare_rules

    result = compare_rules(EXERCISE_DIR / "three_theories" / "scenario.yaml", ["interest", "balance_triad"])
    triad = result["rules"][1]
    assert triad["balanced"] and triad["friendly_share"] == 1.0
    assert triad["bloc_of"]["RUS"] == triad["bloc_of"]["USA"]


def test_open_support_costs_china_more_without_changing_its_bloc():
    covert = run("china_open_or_covert")
    open_ = run("china_open_or_covert", {"actors.CHN.reputation_concern": 0.29})
    w_c, w_o = covert.world, open_.world
    c = w_c.index["CHN"]
    assert arms_sent(covert, "CHN", "RUS") == 0 and arms_sent(open_, "CHN", "RUS") > 0
    assert not any(a.kind == "dual_use_trade" and a.actor == "CHN" for a in open_.events)
    assert w_o.sanction_pressure[c] > 2 * w_c.sanction_pressure[c]
    assert w_o.damage[c] > w_c.damage[c]
    assert w_o.reputation_cost[c] > w_c.reputation_cost[c]
    for model in (covert, open_):
        assert any({"CHN", "RUS"} <= set(b) for b in model.summary()["blocs"])


def test_hungary_blocks_under_unanimity_and_is_outvoted_under_qmv():
    unanimity = run("europe_alone")
    blocked = [a for a in unanimity.events if "blocked under unanimity by Hungary" in a.outcome]
    assert blocked and all(a.actor == "EU" and a.target == "RUS" for a in blocked)
    qmv = run("europe_alone", {"actors.EU.decision_rule": "qmv"})
    assert not any("blocked" in a.outcome for a in qmv.events)
    assert any("passed under qmv over the objections of Hungary" in a.outcome for a in qmv.events)
    assert "HUN" in next(b for b in unanimity.summary()["blocs"] if "USA" in b)


def test_europe_replaces_us_arms_with_arms_not_money():
    pullback = run("europe_alone")
    stay = run("europe_alone", {"events.us_pullback.enabled": False})
    money = run("europe_alone", {"events.europe_steps_up.enabled": True})
    arms = run("europe_alone", {"events.europe_sends_arms.enabled": True})
    front = {k: m.summary()["front"]["ukraine"] for k, m in
             (("pullback", pullback), ("stay", stay), ("money", money), ("arms", arms))}
    assert front["pullback"] > front["stay"]
    assert front["money"] == pytest.approx(front["pullback"], abs=0.05)
    assert front["arms"] < front["pullback"]
    assert affinity(pullback, "USA", "UKR") < affinity(stay, "USA", "UKR")


def test_the_real_dashboard_command_accepts_what_the_exercise_passes(monkeypatch):
    dashboard = pytest.importorskip("sim.commands.dashboard")
    from sim.commands.exercise import open_dashboard

    calls = []
    monkeypatch.setattr(dashboard, "start", lambda *args: calls.append(args) or 0)   # do not serve
    scenario = EXERCISE_DIR / "europe_alone" / "scenario.yaml"
    assert open_dashboard(scenario, "127.0.0.1", 8797, "europe_alone") == 0
    assert Path(calls[0][0]).resolve() == scenario and calls[0][1:] == ("127.0.0.1", 8797)
    assert open_dashboard(scenario, None, None, "europe_alone") == 0
    assert calls[1][1:] == (dashboard.DEFAULT_HOST, dashboard.DEFAULT_PORT)
