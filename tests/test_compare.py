"""`blocsim compare` and sim/compare.py: one scenario under several alignment rules, side by side."""

import json

import pytest

from sim.cli import main
from sim.commands.compare import parse_rules
from sim.compare import DEFAULT_RULES, bloc_changes, compare_rules, match_blocs
from sim.errors import UserError
from tests.conftest import make_scenario


@pytest.fixture(scope="module")
def baseline_comparison():
    """The Feb 2022 baseline under the four rules, as `blocsim compare --json` prints it."""
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["compare", "feb2022_baseline", "--json"]) == 0
    return json.loads(out.getvalue())


def together(entry: dict, actors: list[str]) -> bool:
    return any(set(actors) <= set(bloc) for bloc in entry["blocs"])


def test_compare_runs_each_rule_and_reports_blocs(baseline_comparison):
    result = baseline_comparison
    assert [e["rule"] for e in result["rules"]] == list(DEFAULT_RULES)
    assert result["reference"] == "interest"
    assert result["steps"] == 36
    for e in result["rules"]:
        for key in ("rule", "title", "blocs", "nonaligned", "polarization", "lean", "changes", "balanced"):
            assert key in e, (e["rule"], key)
        assert e["blocs"], e["rule"]
        placed = [a for bloc in e["blocs"] for a in bloc] + e["nonaligned"]
        assert sorted(placed) == sorted(result["actors"])       # every actor exactly once
        assert set(e["lean"]) == set(result["actors"])
        assert 0.0 <= e["polarization"] <= 1.0
    assert result["rules"][0]["changes"] == []


def test_interest_rule_keeps_the_baseline_blocs(baseline_comparison):
    interest = baseline_comparison["rules"][0]
    assert together(interest, ["RUS", "BLR", "PRK", "IRN"])
    assert together(interest, ["USA", "EU", "GBR", "JPN", "KOR", "UKR"])
    assert not together(interest, ["RUS", "USA"])


def test_changes_name_the_actors_whose_bloc_differs(baseline_comparison):
    by_rule = {e["rule"]: e for e in baseline_comparison["rules"]}
    interest = by_rule["interest"]
    for rule in ("balance_continuous", "balance_triad", "landscape"):
        e = by_rule[rule]
        moved = {c["actor"] for c in e["changes"]}
        for c in e["changes"]:
            assert c["from"] == interest["bloc_of"][c["actor"]] and c["to"] == e["bloc_of"][c["actor"]]
        for a in baseline_comparison["actors"]:
            if (interest["bloc_of"][a] == "non-aligned") != (e["bloc_of"][a] == "non-aligned"):
                assert a in moved, (rule, a)     # joining or leaving a bloc is always a change
    # the West and the East stay apart under continuous balance: nobody in them moves
    assert not {c["actor"] for c in by_rule["balance_continuous"]["changes"]} & {"USA", "RUS", "CHN", "UKR"}
    # landscape theory puts everyone in one of two coalitions: the non-aligned must move
    assert {c["actor"] for c in by_rule["landscape"]["changes"]} >= set(interest["nonaligned"])
    assert by_rule["landscape"]["nonaligned"] == []


def test_text_output_shows_each_rule_and_the_changes(capsys):
    assert main(["compare", "feb2022_baseline", "--rules", "interest,landscape", "--steps", "6"]) == 0
    out = capsys.readouterr().out
    assert "interest:" in out and "landscape:" in out
    assert "Axelrod & Bennett" in out
    assert "non-aligned:" in out and "polarization:" in out
    assert "changes bloc relative to interest" in out


def test_rule_parameters_reach_the_rule(capsys):
    assert main(["compare", "feb2022_baseline", "--rules", "interest,balance_triad", "--steps", "3",
                 "--param", "balance_triad.p=0.3", "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)["rules"]
    assert entries[1]["params"] == {"p": 0.3}
    assert entries[0]["params"] == {}


def test_bad_rule_name_exits_2_with_a_clear_message(capsys):
    assert main(["compare", "feb2022_baseline", "--rules", "interest,balance"]) == 2
    err = capsys.readouterr().err
    assert "--rules: unknown rule 'balance'" in err
    assert "balance_continuous" in err and "landscape" in err


@pytest.mark.parametrize("param, message", [
    ("balance_triad.q=1", "unknown parameter of balance_triad"),
    ("balance_triad.p=3", "balance_triad.p: got 3"),
    ("nosuchrule.p=1", "unknown rule 'nosuchrule'"),
    ("p=1", "expected RULE.NAME=VALUE"),
    ("landscape.rate=0.5", "landscape is not among the compared rules"),
])
def test_bad_rule_parameter_exits_2(capsys, param, message):
    assert main(["compare", "feb2022_baseline", "--rules", "interest,balance_triad", "--param", param]) == 2
    assert message in capsys.readouterr().err


def test_parse_rules_defaults_and_duplicates():
    assert parse_rules(None) == list(DEFAULT_RULES)
    assert parse_rules("landscape, interest,landscape") == ["landscape", "interest"]
    with pytest.raises(UserError):
        parse_rules(" , ")


def test_match_blocs_one_to_one_by_overlap_and_leader():
    ref = [["A", "B", "C", "D"], ["E", "F"]]
    # the first bloc splits in two equal halves: the half with the old leader (A) keeps it
    other = [["C", "D"], ["A", "B"], ["E", "F"]]
    assert match_blocs(ref, other, leaders=["A", "E"]) == {0: None, 1: 0, 2: 1}
    # a merged bloc matches the larger of the two it absorbed
    assert match_blocs(ref, [["A", "B", "C", "D", "E", "F"]], leaders=["A", "E"]) == {0: 0}


def test_compare_rules_takes_a_scenario_object_for_the_dashboard():
    scn = make_scenario()
    result = compare_rules(scn, ["interest", "landscape"], seed=1, steps=3)
    assert [e["rule"] for e in result["rules"]] == ["interest", "landscape"]
    assert result["steps"] == 3
    assert set(result["names"]) == set(scn.actors)
    json.dumps(result)                                   # plain data throughout


def test_same_rule_alone_gives_the_same_run_as_blocsim_run():
    from sim.runner import simulate

    alone = simulate("feb2022_baseline", seed=2, steps=8, alignment="balance_continuous").summary()
    result = compare_rules("feb2022_baseline", ["interest", "balance_continuous"], seed=2, steps=8)
    assert result["rules"][1]["blocs"] == alone["blocs"]
    assert result["rules"][1]["lean"] == alone["lean"]


def test_bloc_changes_against_itself_is_empty():
    from sim.runner import simulate

    m = simulate(make_scenario(), seed=0, steps=2)
    assert bloc_changes(m, m) == []


def test_a_leader_leaving_its_bloc_is_the_only_change():
    class Fake:
        """The parts of a finished BlocModel that bloc_changes reads."""

        def __init__(self, blocs, nonaligned, power):
            from types import SimpleNamespace

            ids = sorted(power)
            self._lists = (blocs, nonaligned)
            self.world = SimpleNamespace(ids=ids, index={a: i for i, a in enumerate(ids)},
                                         power=[power[a] for a in ids])

        def bloc_lists(self):
            return self._lists

    power = {"A": 5, "B": 3, "C": 2, "D": 1, "E": 4, "F": 1}
    ref = Fake([["A", "B", "C", "D"], ["E", "F"]], [], power)
    left = Fake([["B", "C", "D"], ["E", "F"]], ["A"], power)
    assert bloc_changes(ref, left) == [{"actor": "A", "from": "A's bloc", "to": "non-aligned"}]
    # the bloc breaks up: the piece that keeps the leader A is no change
    split = Fake([["A", "B"], ["C", "D", "F"]], ["E"], power)
    moved = {c["actor"] for c in bloc_changes(ref, split)}
    assert moved == {"C", "D", "E"}
