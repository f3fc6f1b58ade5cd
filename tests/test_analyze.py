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
    for png in ("effects.png", "outcome_distributions.png", "parameter_scatter.png", "bloc_membership.png"):
        data = (out / "analysis" / png).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
    html = (out / "analysis" / "report.html").read_text()
    images = re.findall(r"src='data:image/png;base64,([A-Za-z0-9+/=]+)'", html)
    assert len(images) == 4 and base64.b64decode(images[0])[:4] == b"\x89PNG"
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


def test_the_report_leads_with_its_finding_and_keeps_the_points_for_last(tmp_path):
    out = _sweep(tmp_path, FACTORIAL)
    result = analyze(out)
    html = result["report"].read_text()
    finding, chart = html.index("<h2 id='finding'>Finding</h2>"), html.index("alt='effects ranked")
    points = html.index("<h2>Outcomes by parameter point</h2>")
    assert finding < chart < html.index("<h2>Parameters against outcomes</h2>") < points
    # y grows with x (about 4 units over 4 steps) far beyond the seed noise; the flag does nothing
    top = result["effects"].iloc[0]
    assert (top["parameter"], top["outcome"], bool(top["within_noise"])) == ("toy.x", "y", False)
    assert top["lo"] < top["effect"] < top["hi"]
    flag = result["effects"].query("parameter == 'toy.flag' and outcome == 'y'").iloc[0]
    assert flag["within_noise"]
    sentences = result["finding"]
    assert any(s.startswith("Raising x from 0 to 1 moves y by") and "times the spread between seeds" in s
               for s in sentences)
    assert "within seed noise" in html
    # the points: collapsed and scrollable, after everything else but the spec
    tail = html[points:]
    assert tail.index("<details>") < tail.index("<div class='scroll'>") < tail.index("<table>")


def test_sobol_indices_outside_0_1_are_explained_as_sampling_error():
    from sim.sweep.findings import sobol_notes

    sens = pd.DataFrame([["toy", "y", "toy.flag", "sobol", "S1", -0.04, 0.05],
                         ["toy", "y", "toy.x", "sobol", "ST", 1.07, 0.2],
                         ["toy", "y", "toy.x", "sobol", "S1", 0.9, 0.1]],
                        columns=["scenario", "outcome", "parameter", "method", "index", "value", "conf"])
    (note,) = sobol_notes(sens)
    assert note.startswith("2 Sobol indices fall outside [0, 1]") and "sampling error" in note
    assert "S1 of toy.flag on y = -0.04" in note and "ST of toy.x on y = 1.07" in note
    assert sobol_notes(sens[sens["value"].between(0, 1)]) == []


def test_zoomed_axes_are_marked_and_show_the_seed_noise_band():
    import matplotlib.pyplot as plt
    import numpy as np

    from sim.sweep.plots import _honest_axis

    fig, (thin, wide) = plt.subplots(1, 2)
    _honest_axis(thin, np.array([0.589, 0.590, 0.591, 0.593]), spread=0.0003)
    _honest_axis(wide, np.array([15.0, 19.0, 25.0]), spread=1.9)
    texts = lambda ax: " ".join(t.get_text() for t in ax.texts)  # noqa: E731
    assert "zoomed" in texts(thin) and "zoomed" not in texts(wide)
    low, high = wide.get_ylim()
    assert low <= 19.67 - 1.9 and high >= 19.67 + 1.9, "the noise band is always in view"
    assert len(wide.patches) == 1, "a grey band for the spread between seeds"
    plt.close(fig)


def test_terminal_output_fits_100_columns_and_never_cuts_a_value(tmp_path):
    out = _sweep(tmp_path, FACTORIAL.replace("replications: 4", "replications: 3"))
    proc = subprocess.run([sys.executable, "-m", "sim.cli", "analyze", str(out), "--no-plots"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[2] == "Finding", "the finding comes first"
    assert max(len(x.rstrip()) for x in lines) <= 100
    effects = pd.read_csv(out / "analysis" / "effects.csv")
    from sim.sweep.analysis import load
    from sim.sweep.report import effects_rows

    for row in effects_rows(load(out), effects).itertuples(index=False):
        assert f"{row.effect}" in proc.stdout and f"{row._4}" in proc.stdout   # effect and its interval, whole
    summary = pd.read_csv(out / "analysis" / "summary.csv")
    assert f"{summary['y mean'].iloc[0]:.3g} ± {summary['y sd'].iloc[0]:.3g}" in proc.stdout
