"""`blocsim calibrate`: a small ABC-SMC run on the record writes fitted values with credible
ranges, the fitting and held-out scores, and an overlay that loads; a bad spec is one located message."""

from __future__ import annotations

import json

import yaml

from sim.cli import main
from sim.scenario import SCENARIO_DIR, load_scenario


def test_a_small_calibration_writes_its_report_and_overlay(tmp_path, capsys):
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump({
        "scenario": str(SCENARIO_DIR / "feb2022_baseline.yaml"), "seeds": 1, "population": 5,
        "generations": 1, "check_seeds": 1,
        "parameters": [{"path": "un.kind_shift.reparations", "min": 0.0, "max": 0.4}]}))
    out = tmp_path / "out"
    assert main(["calibrate", str(spec), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "un.kind_shift.reparations = " in text and "held-out part" in text
    report = json.loads((out / "report.json").read_text())
    fitted = report["fitted"]["un.kind_shift.reparations"]
    assert 0.0 <= fitted["low"] <= fitted["median"] <= fitted["high"] <= 0.4
    assert report["evaluations"] >= 5
    assert report["after"]["held_out"]["overall"]["n"] >= 1           # the held-out part is scored apart
    overlay = out / "overlay.yaml"
    assert "held-out part (never fitted)" in overlay.read_text()
    calibrated = load_scenario(overlay)
    assert calibrated.un.kind_shift["reparations"] == round(fitted["median"], 4)
    assert (out / "posterior.csv").read_text().startswith("un.kind_shift.reparations,weight")


def test_a_bad_spec_is_one_located_message(tmp_path, capsys):
    spec = tmp_path / "spec.yaml"
    spec.write_text("scenario: feb2022_baseline\nparameters:\n  - {path: actors.USA.no_such_field, min: 0, max: 1}\n"
                    "  - {path: un.for_below, min: 0.3, max: 0.1}\n")
    assert main(["calibrate", str(spec), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "spec.yaml:4: parameters.1" in err and "min must be below max" in err, err
    assert "Traceback" not in err
