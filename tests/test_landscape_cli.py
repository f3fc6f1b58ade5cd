"""`blocsim landscape SCENARIO`: exact below the limit, sampled above it, clear on bad input."""

import json

import numpy as np
import pytest

from sim.alignment.landscape import enumerate_landscape
from sim.cli import main

FOUR = """\
name: four nations
description: two pairs of friends who dislike the other pair
poles: {west: [AAA], east: [CCC]}
actors:
  AAA: {name: Aland}
  BBB: {name: Bland}
  CCC: {name: Cland}
  DDD: {name: Dland}
landscape:
  sizes: {AAA: 1.0, BBB: 2.0, CCC: 1.5, DDD: 0.5}
  propensities:
    - [AAA, BBB, 1.0]
    - [CCC, DDD, 0.8]
    - [AAA, CCC, -0.6]
    - [BBB, DDD, -0.4]
    - [AAA, DDD, 0.3]
"""


def write(tmp_path, text, name="scenario.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def run_json(capsys, *argv):
    assert main(["landscape", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_lists_the_exact_minima(tmp_path, capsys):
    out = run_json(capsys, write(tmp_path, FOUR))
    assert out["exact"] is True and out["method"] == "enumeration" and out["starts"] == 8
    assert out["actors"] == ["AAA", "BBB", "CCC", "DDD"]
    assert "landscape section" in out["source"]
    minima = out["minima"]
    assert [m["energy"] for m in minima] == sorted(m["energy"] for m in minima)
    assert sum(m["basin"] for m in minima) == pytest.approx(1.0)
    for m in minima:
        assert set(m) == {"coalitions", "energy", "basin"}
        a, b = m["coalitions"]
        assert sorted(a + b) == out["actors"] and "AAA" in a
    # the same numbers as the library on the same matrix
    prop = np.zeros((4, 4))
    for i, j, v in [(0, 1, 1.0), (2, 3, 0.8), (0, 2, -0.6), (1, 3, -0.4), (0, 3, 0.3)]:
        prop[i, j] = prop[j, i] = v
    expected = enumerate_landscape([1.0, 2.0, 1.5, 0.5], prop)
    assert [m["energy"] for m in minima] == pytest.approx([m.energy for m in expected.minima])
    assert minima[0]["coalitions"] == [["AAA", "BBB"], ["CCC", "DDD"]]


def many_actors(n, seed):
    rng = np.random.default_rng(seed)
    ids = [f"N{k:02d}" for k in range(n)]
    lines = ["name: crowd", "description: many actors", "poles: {west: [N00], east: [N01]}",
             "actors:"]
    lines += [f"  {a}: {{name: {a}}}" for a in ids]
    lines += ["landscape:", "  sizes:"]
    lines += [f"    {a}: {rng.uniform(0.5, 2):.3f}" for a in ids]
    lines += ["  propensities:"]
    lines += [f"    - [{ids[i]}, {ids[j]}, {rng.normal():.3f}]"
              for i in range(n) for j in range(i + 1, n)]
    return "\n".join(lines) + "\n"


def test_above_the_limit_it_samples_and_says_so(tmp_path, capsys):
    path = write(tmp_path, many_actors(22, seed=1))
    out = run_json(capsys, path, "--samples", "400", "--seed", "9")
    assert out["exact"] is False and out["method"] == "sampling"
    assert out["starts"] == 400 and out["seed"] == 9 and "sampled" in out["notes"][0]
    assert sum(m["basin"] for m in out["minima"]) == pytest.approx(1.0)
    again = run_json(capsys, path, "--samples", "400", "--seed", "9")
    assert again["minima"] == out["minima"]
    assert main(["landscape", path, "--samples", "400"]) == 0
    assert "SAMPLED" in capsys.readouterr().out


def test_table_output(tmp_path, capsys):
    assert main(["landscape", write(tmp_path, FOUR)]) == 0
    text = capsys.readouterr().out
    assert "exact" in text and "AAA BBB" in text and "CCC DDD" in text


def test_without_a_landscape_section_it_derives_from_the_world(tmp_path, capsys):
    text = FOUR.split("landscape:")[0] + "relations:\n  - [AAA, BBB, 0.5]\n  - [AAA, CCC, -0.5]\n"
    out = run_json(capsys, write(tmp_path, text))
    assert out["source"].startswith("derived from the world") and out["exact"] is True


@pytest.mark.parametrize("size", ["0", "-2.5"])
def test_bad_size_is_one_clear_message(tmp_path, capsys, size):
    path = write(tmp_path, FOUR.replace("DDD: 0.5}", f"DDD: {size}}}"))
    assert main(["landscape", path]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "landscape.sizes.DDD" in lines[0] and path in lines[0]


def test_propensity_for_an_actor_without_size_is_rejected(tmp_path, capsys):
    path = write(tmp_path, FOUR.replace("CCC: 1.5, DDD: 0.5}", "CCC: 1.5}"))
    assert main(["landscape", path]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{path}:13: landscape.propensities.1.1: 'DDD' has no size")


def test_samples_must_be_positive(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["landscape", write(tmp_path, FOUR), "--samples", "0"])
    assert exit_.value.code == 2


def test_regime_weight_draws_alike_regimes_together_on_the_2022_world(capsys):
    def global_minimum(*extra):
        out = run_json(capsys, "feb2022_baseline", *extra)
        best = min(out["minima"], key=lambda m: m["energy"])
        return out["source"], next(side for side in best["coalitions"] if "RUS" in side)

    source, east = global_minimum()
    assert "regime" not in source and not {"VNM", "GULF"} & set(east)
    source, east = global_minimum("--regime-weight", "0.3")
    assert "0.3 x regime alikeness" in source
    # Vietnam and the Gulf monarchies are autocracies: with regime weighing in, they join Russia's side
    assert {"RUS", "CHN", "PRK", "IRN", "BLR", "VNM", "GULF"} <= set(east) and "USA" not in east


def test_regime_weight_out_of_range_is_one_line(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["landscape", "feb2022_baseline", "--regime-weight", "2"])
    assert exit_.value.code == 2 and "--regime-weight: 2 is out of range (0 to 1)" in capsys.readouterr().err


def test_world_propensity_adds_regime_alikeness():
    from sim.alignment.landscape import world_inputs
    from sim.scenario import load_scenario
    from sim.world import build_world

    world = build_world(load_scenario("feb2022_baseline"))
    plain, weighted = world_inputs(world), world_inputs(world, regime_weight=0.25)
    i, j, k = (world.ids.index(a) for a in ("USA", "GBR", "RUS"))  # democracy, democracy, autocracy
    assert weighted.propensity[i, j] - plain.propensity[i, j] == pytest.approx(0.25)
    assert weighted.propensity[i, k] - plain.propensity[i, k] == pytest.approx(-0.25)
    h = world.ids.index("HUN")  # hybrid: unchanged
    assert weighted.propensity[h, k] == pytest.approx(plain.propensity[h, k])
    assert np.allclose(weighted.propensity, weighted.propensity.T)
