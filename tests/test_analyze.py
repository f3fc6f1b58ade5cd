"""`blocsim analyze` on small finished sweeps of the toy model."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from test_sweep_toy import toy_run

from sim.sweep.report import analyze
from sim.errors import UserError
from sim.sweep.analysis import bloc_membership, load
from sim.sweep.session import run_sweep

ROOT = Path(__file__).resolve().parents[1]


def _sweep(tmp_path: Path, body: str, name: str = "out") -> Path:
    (tmp_path / "toy.yaml").write_text("name: toy\n")
    spec = tmp_path / f"{name}.yaml"
    spec.write_text("scenarios: toy.yaml\nseed: 11\nsteps: 4\n" + body)
    run_sweep(spec, tmp_path / name, workers=0, run_fn=toy_run)
    return tmp_path / name


FACTORIAL = """\
name: toyfact
parameters:
  - path: toy.x
    values: [0.0, 1.0]
  - path: toy.flag
    values: [true, false]
replications: 4
"""


def test_factorial_sweep_gets_table_plots_and_report(tmp_path):
    out = _sweep(tmp_path, FACTORIAL)
    result = analyze(out)
    summary = pd.read_csv(out / "analysis" / "summary.csv")
    assert len(summary) == 4 and (summary["runs_ok"] == 4).all()
    assert {"toy.x", "toy.flag", "y mean", "y sd", "noise mean"} <= set(summary.columns)
    # mean over replications, checked against the raw results
    raw = load(out).results
    expect = raw[(raw["toy.x"] == 1.0) & (raw["toy.flag"])]["y"].mean()
    got = summary[(summary["toy.x"] == 1.0) & (summary["toy.flag"])]["y mean"].iloc[0]
    assert got == pytest.approx(expect)
    for png in ("outcome_distributions.png", "parameter_scatter.png", "bloc_membership.png"):
        data = (out / "analysis" / png).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
    html = (out / "analysis" / "report.html").read_text()
    images = re.findall(r"src='data:image/png;base64,([A-Za-z0-9+/=]+)'", html)
    assert len(images) == 3 and base64.b64decode(images[0])[:4] == b"\x89PNG"
    assert "http://" not in html and "https://" not in html  # self-contained
    assert "no sensitivity indices for a full_factorial design" in html
    assert result["sensitivity"].empty


def test_sobol_indices_rank_the_parameter_that_matters(tmp_path):
    out = _sweep(tmp_path, """\
design: sobol
samples: 32
parameters:
  - path: toy.x
    bounds: [0, 1]
  - path: toy.flag
    values: [true, false]
replications: 2
outcomes: {final: [y]}
""")
    sens = analyze(out, plots=False)["sensitivity"]
    st = sens[sens["index"] == "ST"].set_index("parameter")["value"]
    s1 = sens[sens["index"] == "S1"].set_index("parameter")["value"]
    # y grows with x; the flag does nothing in the toy
    assert st["toy.x"] > 0.8 and abs(st["toy.flag"]) < 0.05 and s1["toy.x"] > 0.8
    assert (pd.read_csv(out / "analysis" / "sensitivity.csv")["method"] == "sobol").all()


def test_morris_indices(tmp_path):
    out = _sweep(tmp_path, """\
design: morris
samples: 10
parameters:
  - path: toy.x
    bounds: [0, 1]
  - path: toy.k
    bounds: [1, 3]
    integer: true
  - path: toy.flag
    values: [true, false]
outcomes: {final: [y]}
""")
    sens = analyze(out, plots=False)["sensitivity"]
    mu_star = sens[sens["index"] == "mu_star"].set_index("parameter")["value"]
    assert mu_star["toy.x"] > mu_star["toy.flag"] and mu_star["toy.k"] > mu_star["toy.flag"]


def test_failed_points_are_reported_not_crashed(tmp_path):
    out = _sweep(tmp_path, """\
design: sobol
samples: 8
parameters:
  - path: toy.x
    bounds: [0, 1]
  - path: toy.fail
    values: [false, true]
outcomes: {final: [y]}
""")
    result = analyze(out)
    assert any("have no finished run" in n for n in result["notes"])
    html = result["report"].read_text()
    assert "Failed runs" in html and "ValueError: toy failure" in html


def test_bloc_membership_frequencies(tmp_path):
    out = _sweep(tmp_path, FACTORIAL)
    freq, co = bloc_membership(load(out), "toy")
    # BBB is always label 0, CCC is 1 exactly when x > 0.5: half of the runs
    assert co.loc["BBB", "CCC"] == pytest.approx(0.5)
    assert (freq.sum(axis=1).round(9) == 1).all()


def test_analyze_cli_on_a_folder_that_is_not_a_sweep(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "sim.cli", "analyze", str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "holds no manifest.json" in proc.stderr
    assert "Traceback" not in proc.stderr
    with pytest.raises(UserError, match="match no numeric outcome"):
        analyze(_sweep(tmp_path, FACTORIAL), outcomes=["nosuch*"])
