"""Sweeps of the real blocsim model: override paths, checks, and reproducibility."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from sim.errors import UserError
from sim.runner import outcomes, simulate
from sim.scenario import load_scenario
from sim.sweep.design import expected_points
from sim.sweep.prepare import prepare, scenario_ref
from sim.sweep.session import run_sweep
from sim.sweep.spec import load_spec
from sim.sweep.store import read_results, read_series
from sim.sweep.worker import build_scenario

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"

SPEC = """\
name: china_small
scenarios: feb2022_baseline
parameters:
  - path: actors.CHN.reputation_concern
    values: [0.1, 0.9]
  - path: actors.USA.doctrine_params.aid_per_month
    values: [0.0, 4.0]
replications: 2
seed: 5
steps: 4
outcomes:
  final: [polarization, cohesion_max, "front.*", "bloc.*", "covert_total.CHN"]
  series: {every: 2, columns: [polarization, "front_*"]}
"""


def _spec(tmp_path: Path, text: str = SPEC) -> Path:
    path = tmp_path / "sweep.yaml"
    path.write_text(text)
    return path


def test_worker_builds_the_same_scenario_as_load_scenario(tmp_path):
    loaded = load_spec(_spec(tmp_path))
    ref, files = scenario_ref(loaded, 0)
    overrides = {"actors.CHN.reputation_concern": 0.1, "actors.USA.doctrine_params.aid_per_month": 0.0}
    direct = load_scenario(SCENARIOS / "feb2022_baseline.yaml", overrides=overrides)
    assert build_scenario(ref, overrides) == direct
    assert build_scenario(ref, {}) == load_scenario(SCENARIOS / "feb2022_baseline.yaml")
    assert files[0]["path"].endswith("feb2022_baseline.yaml") and len(files[0]["sha256"]) == 64


def test_model_sweep_is_reproducible_across_inline_pool_and_dask(tmp_path):
    spec = _spec(tmp_path)
    run_sweep(spec, tmp_path / "inline", workers=0)
    a = read_results(tmp_path / "inline")
    assert len(a) == 8 and (a["status"] == "ok").all(), a.get("error")
    for name, kw in {"pool": dict(workers=2, flush_runs=3), "dask": dict(dask_local=2)}.items():
        run_sweep(spec, tmp_path / name, **kw)
        b = read_results(tmp_path / name)
        pd.testing.assert_frame_equal(a.drop(columns="elapsed_s"), b.drop(columns="elapsed_s"), obj=name)
        pd.testing.assert_frame_equal(read_series(tmp_path / "inline"), read_series(tmp_path / name))
    assert {"bloc.CHN", "bloc.USA", "front.ukraine", "covert_total.CHN"} <= set(a.columns)
    assert "lean.USA" not in a.columns
    # each run equals a direct simulation with its parameters and seed
    row = a.iloc[5]
    m = simulate(load_scenario(SCENARIOS / "feb2022_baseline.yaml", overrides={
        "actors.CHN.reputation_concern": row["actors.CHN.reputation_concern"],
        "actors.USA.doctrine_params.aid_per_month": row["actors.USA.doctrine_params.aid_per_month"]}),
        seed=int(row["seed"]), steps=4)
    assert outcomes(m)["polarization"] == row["polarization"]
    assert outcomes(m)["front.ukraine"] == row["front.ukraine"]


@pytest.mark.parametrize("change,pattern", [
    (("actors.CHN.reputation_concern", "actors.XXX.reputation_concern"),
     r"sweep\.yaml:4: parameters\.0\.path: actors\.XXX\.reputation_concern is rejected by "
     r"scenario feb2022_baseline: .*no field actors\.XXX"),
    (("[0.1, 0.9]", "[0.1, 1.5]"),
     r"sweep\.yaml:5: parameters\.0\.values: actors\.CHN\.reputation_concern = 1\.5 is rejected .*1\.5"),
    (('"covert_total.CHN"', '"covert_totl.CHN"'),
     r"sweep\.yaml:12: outcomes\.final\.4: 'covert_totl\.CHN' matches no outcome"),
    (("replications: 2\n", "set: {events.invasion_package.date: null}\nreplications: 2\n"),
     r"sweep\.yaml:8: set: scenario feb2022_baseline does not load with the set: values and each "
     r"parameter's first value: .*events\.invasion_package: give exactly one of step: or date:"),
    (("feb2022_baseline\n", "nosuch_scenario\n"),
     r"sweep\.yaml:2: scenarios\.0: nosuch_scenario: no such file: looked for .*relative to the spec's own folder"),
])
def test_spec_problems_found_before_running(tmp_path, change, pattern):
    spec = _spec(tmp_path, SPEC.replace(*change))
    with pytest.raises(UserError) as err:
        run_sweep(spec, tmp_path / "out", workers=0)
    assert any(re.search(pattern, m) for m in err.value.messages), err.value.messages
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("path", sorted((SCENARIOS / "sweeps").glob("*.yaml")), ids=lambda p: p.stem)
def test_shipped_sweeps_check_against_their_scenarios(path):
    loaded = load_spec(path)
    plan, files = prepare(loaded)
    spec = loaded.spec
    assert plan.n_runs == len(spec.scenarios) * expected_points(spec) * spec.replications
    assert all(f["files"] and f["poles"] for f in files)


def test_check_needs_no_out_folder_but_a_run_does(capsys):
    from sim.cli import main

    spec = str(SCENARIOS / "sweeps" / "us_pullback_size_timing.yaml")
    assert main(["sweep", spec, "--check"]) == 0
    assert "= 108 runs" in capsys.readouterr().out
    assert main(["sweep", spec]) == 2
    assert capsys.readouterr().err.strip().startswith("--out DIR: where to write the results is required")
