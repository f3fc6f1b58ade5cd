"""The `blocsim` command as a user runs it: run, validate, scenarios, reference."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_run_json_has_the_documented_keys(tmp_path, capsys):
    assert main(["run", "teaching_islands", "--steps", "6", "--seed", "3", "--json", "--out", str(tmp_path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"scenario", "seed", "steps", "blocs", "lean", "front", "votes"} <= set(out)
    assert out["seed"] == 3 and out["steps"] == 6
    assert all(isinstance(b, list) and all(isinstance(a, str) for a in b) for b in out["blocs"])
    assert all(-1 <= x <= 1 for x in out["lean"].values())
    assert out["lean"]["AUR"] < 0 < out["lean"]["BOR"]       # negative leans toward the US-led pole
    assert set(out["front"]) == {"strait"}
    vote = out["votes"][0]
    assert vote["id"] == "condemn_bor" and "BOR" in vote["against"]


def test_run_writes_series_agents_events_and_summary(tmp_path, capsys):
    assert main(["run", "teaching_islands", "--steps", "5", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "Blocs at the end" in printed and "Front The Strait war" in printed
    series = pd.read_parquet(tmp_path / "series.parquet")
    agents = pd.read_parquet(tmp_path / "agents.parquet")
    assert list(series["step"]) == list(range(6))
    assert len(agents) == 6 * 6 and {"lean", "bloc", "shells"} <= set(agents.columns)
    events = [json.loads(line) for line in (tmp_path / "events.jsonl").read_text().splitlines()]
    assert events and all({"actor", "target", "kind", "amount", "reason", "text", "step"} <= set(e) for e in events)
    assert all(e["reason"] or e["event"] for e in events)     # every move says why
    review = (tmp_path / "review.md").read_text()
    assert review.startswith("# After-action review: ") and "## Where it ended" in review


def test_run_csv_format(tmp_path):
    assert main(["run", "teaching_islands", "--steps", "2", "--out", str(tmp_path), "--format", "csv", "--json"]) == 0
    assert pd.read_csv(tmp_path / "series.csv")["step"].tolist() == [0, 1, 2]


def test_set_override_changes_the_run(tmp_path, capsys):
    main(["run", "teaching_islands", "--steps", "4", "--json", "--out", str(tmp_path / "a"),
          "--set", "actors.ESM.reputation_concern=0.1"])
    open_run = json.loads(capsys.readouterr().out)
    assert any(f["from"] == "ESM" for f in open_run["arms_flows"])   # careless Esmer arms Borealis openly


def test_validate_and_scenarios_list_shipped_files(capsys):
    files = sorted(str(p) for p in (ROOT / "scenarios").glob("*.yaml"))
    assert main(["validate", *files]) == 0
    assert main(["scenarios"]) == 0
    listed = capsys.readouterr().out
    assert "feb2022_baseline" in listed and "teaching_islands" in listed


def test_reference_doc_is_current():
    from sim.reference import render
    assert (ROOT / "docs" / "SCENARIO_REFERENCE.md").read_text() == render(), \
        "run: blocsim reference --write docs/SCENARIO_REFERENCE.md"


def test_progress_bar_and_summary_from_a_real_process(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "sim.cli", "run", "--out", str(tmp_path), "--steps", "3"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Feb 2022 baseline" in proc.stdout and "UN vote es11_1" in proc.stdout
