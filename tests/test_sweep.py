"""The sweep engine on a tiny deterministic model: specs, designs, seeds, backends,
streaming, failures, resume."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from test_sweep_toy import toy_run, wide_run

from sim.errors import UserError
from sim.sweep.design import build_design, expected_points
from sim.sweep.seeds import run_seed
from sim.sweep.session import run_sweep
from sim.sweep.spec import parse_spec
from sim.sweep.store import read_plan, read_results, read_series

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
VOLATILE = ["elapsed_s"]

SPEC = """\
name: toy
scenarios: toy.yaml
parameters:
  - path: toy.x
    values: [0.0, 0.5, 1.0]
  - path: toy.k
    bounds: [1, 3]
    levels: 3
    integer: true
replications: {reps}
seed: 7
steps: 6
outcomes:
  final: [y, noise, "bloc.*"]
  series: {{every: 2, columns: [level]}}
"""


def write_spec(folder: Path, text: str | None = None, reps: int = 2) -> Path:
    (folder / "toy.yaml").write_text("name: toy\n")
    path = folder / "spec.yaml"
    path.write_text(text if text is not None else SPEC.format(reps=reps))
    return path


def stable(df: pd.DataFrame) -> pd.DataFrame:
    return df.drop(columns=VOLATILE).sort_values("run_id").reset_index(drop=True)


# ------------------------------------------------------------------ spec checks

BAD_SPECS = [
    ("scenarios: []\n", r"scenarios: .*at least 1"),
    ("scenarios: a.yaml\nparameters:\n  - path: a.b\n", r":3: parameters\.0: has both or neither"),
    ("scenarios: a.yaml\nparameters:\n  - path: a.b\n    values: []\n", r":4: parameters\.0\.values: an empty list"),
    ("scenarios: a.yaml\nparameters:\n  - path: a.b\n    bounds: [2, 1]\n", r":4: parameters\.0\.bounds: .* is empty"),
    ("scenarios: a.yaml\ndesign: lhs\nparameters:\n  - path: a.b\n    bounds: [0, 1]\n", r":2: design: lhs needs samples: N"),
    ("scenarios: a.yaml\ndesign: sobol\nsamples: 10\nparameters:\n  - path: a.b\n    bounds: [0, 1]\n"
     "  - path: c.d\n    bounds: [0, 1]\n", r":3: samples: got 10 \(a power of two"),
    ("scenarios: a.yaml\nparameters:\n  - path: a.b\n    bounds: [0, 1]\n", r":4: parameters\.0\.bounds: a full factorial needs levels"),
    ("scenarios: a.yaml\nreplicatons: 3\n", r":2: replicatons: unknown field \(did you mean 'replications'"),
    ("scenarios: a.yaml\ndesign: grid\n", r":2: design: got 'grid'"),
    ("scenarios: a.yaml\nparameters:\n  - path: a.b\n    values: [1]\n  - path: a.b\n    values: [2]\n",
     r"parameters: a\.b is varied twice"),
    ("scenarios: [a.yaml\n", r"not valid YAML: .*\(check the indentation"),
    ("- just\n- a list\n", r":1: \(top level\): the file must hold a mapping"),
]


@pytest.mark.parametrize("text,pattern", BAD_SPECS)
def test_bad_specs_get_located_messages(text, pattern):
    with pytest.raises(UserError) as err:
        parse_spec(text, "bad.yaml")
    msgs = err.value.messages
    assert msgs and all(re.match(r"^bad\.yaml:\d+: \S.*: .+", m) for m in msgs), msgs
    assert any(re.search(pattern, m) for m in msgs), msgs


def test_yaml_is_loaded_safely(tmp_path):
    marker = tmp_path / "pwned"
    try:
        parse_spec(f"scenarios: !!python/object/apply:os.system ['touch {marker}']\n", "evil.yaml")
    except UserError:
        pass
    assert not marker.exists()
    with pytest.raises(UserError):
        parse_spec("scenarios: !!python/name:os.system\n", "evil.yaml")


# ------------------------------------------------------------------ designs and seeds

def _sampled(design: str, samples: int, extra: str = "") -> str:
    return (f"scenarios: a.yaml\ndesign: {design}\nsamples: {samples}\n{extra}parameters:\n"
            "  - path: a.x\n    bounds: [0, 1]\n  - path: a.flag\n    values: [true, false]\n"
            "  - path: a.n\n    bounds: [30, 48]\n    integer: true\n")


@pytest.mark.parametrize("design,samples,extra,size", [
    ("lhs", 20, "", 20),
    ("sobol", 16, "", 16 * (3 + 2)),
    ("sobol", 8, "second_order: true\n", 8 * (2 * 3 + 2)),
    ("morris", 6, "", 6 * (3 + 1)),
])
def test_sampler_sizes_and_ranges(design, samples, extra, size):
    spec = parse_spec(_sampled(design, samples, extra), "s.yaml").spec
    d = build_design(spec)
    assert len(d) == expected_points(spec) == size
    assert d.matrix.shape == (size, 3)
    xs = [p["a.x"] for p in d.points]
    assert all(0.0 <= x <= 1.0 for x in xs)
    assert {p["a.flag"] for p in d.points} <= {True, False}
    ns = [p["a.n"] for p in d.points]
    assert all(isinstance(n, int) and 30 <= n <= 48 for n in ns)
    assert build_design(spec).points == d.points  # deterministic given the root seed


def test_full_factorial_size_and_seed_changes_samples():
    spec = parse_spec("scenarios: a.yaml\nparameters:\n  - path: a.x\n    values: [1, 2, 3]\n"
                      "  - path: a.y\n    bounds: [0, 1]\n    levels: 5\n", "f.yaml").spec
    d = build_design(spec)
    assert len(d) == 15 and d.points[0] == {"a.x": 1, "a.y": 0.0} and d.points[-1] == {"a.x": 3, "a.y": 1.0}
    a = build_design(parse_spec(_sampled("lhs", 10) + "seed: 1\n", "s.yaml").spec)
    b = build_design(parse_spec(_sampled("lhs", 10) + "seed: 2\n", "s.yaml").spec)
    assert a.points != b.points


def test_run_seeds_are_spawned_children_of_the_root():
    children = np.random.SeedSequence(42).spawn(5)
    expected = [int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in children]
    assert [run_seed(42, i) for i in range(5)] == expected
    assert len(set(expected)) == 5 and run_seed(43, 0) != expected[0]


# ------------------------------------------------------------------ running

def test_results_plan_and_series(tmp_path):
    spec = write_spec(tmp_path)
    totals = run_sweep(spec, tmp_path / "out", workers=0, run_fn=toy_run)
    assert (totals.ok, totals.failed) == (18, 0)
    df = read_results(tmp_path / "out")
    assert list(df["run_id"]) == list(range(18))
    assert set(df.columns) >= {"toy.x", "toy.k", "seed", "y", "noise", "bloc.AAA", "status"}
    assert "flag" not in df.columns  # not among the kept outcomes
    plan = read_plan(tmp_path / "out")
    assert plan[["run_id", "seed", "toy.x", "toy.k"]].equals(df[["run_id", "seed", "toy.x", "toy.k"]])
    assert plan["seed"].tolist() == [run_seed(7, i) for i in range(18)]
    series = read_series(tmp_path / "out")
    assert sorted(series["step"].unique()) == [2, 4, 6] and set(series.columns) == {"run_id", "step", "level"}
    # the final value equals the last series value, run by run
    last = series[series["step"] == 6].set_index("run_id")["level"]
    assert np.allclose(last.loc[df["run_id"]].to_numpy(), df["y"].to_numpy())


def test_same_results_across_workers_and_backends(tmp_path):
    spec = write_spec(tmp_path, reps=3)
    runs = {}
    for name, kw in {"inline": dict(workers=0), "pool1": dict(workers=1), "pool2": dict(workers=2),
                     "dask2": dict(dask_local=2)}.items():
        run_sweep(spec, tmp_path / name, run_fn=toy_run, flush_runs=7, **kw)
        runs[name] = stable(read_results(tmp_path / name))
    assert len(runs["inline"]) == 27 and (runs["inline"]["status"] == "ok").all()
    for name, df in runs.items():
        pd.testing.assert_frame_equal(df, runs["inline"], check_exact=True, obj=name)


def test_failing_runs_are_recorded_and_the_sweep_goes_on(tmp_path):
    spec = write_spec(tmp_path, SPEC.format(reps=2).replace(
        "  - path: toy.k", "  - path: toy.fail\n    values: [false, true]\n  - path: toy.k"))
    totals = run_sweep(spec, tmp_path / "out", workers=2, run_fn=toy_run)
    df = read_results(tmp_path / "out")
    assert len(df) == 36 and totals.failed == 18 and totals.ok == 18
    bad = df[df["status"] == "error"]
    assert (bad["toy.fail"]).all() and (~df.loc[df["status"] == "ok", "toy.fail"]).all()
    assert bad["error"].str.startswith("ValueError: toy failure at x=").all()
    assert bad["traceback"].str.contains("toy_run").all() and bad["y"].isna().all()
    assert totals.failures and totals.failures[0]["params"]["toy.fail"] is True


def test_a_run_that_kills_its_worker_fails_alone(tmp_path):
    spec = write_spec(tmp_path, SPEC.format(reps=4).replace(
        "  - path: toy.k\n    bounds: [1, 3]\n    levels: 3\n    integer: true",
        "  - path: toy.crash\n    values: [false, true]\n  - path: toy.k\n    values: [1, 2, 3, 4]"))
    totals = run_sweep(spec, tmp_path / "out", workers=2, run_fn=toy_run)
    df = read_results(tmp_path / "out")
    assert len(df) == 96 and df["run_id"].is_unique
    crashed = df["toy.crash"] & (df["toy.x"] == 1.0) & (df["toy.k"] == 4) & (df["replication"] == 0)
    bad = df[df["status"] == "error"]
    assert len(bad) == totals.failed == 1 and crashed[bad.index].all()
    assert bad["error"].str.contains("worker process died").all()
    assert (df.loc[~crashed, "status"] == "ok").all()


def test_resume_refuses_a_changed_spec(tmp_path):
    spec = write_spec(tmp_path)
    run_sweep(spec, tmp_path / "out", workers=0, run_fn=toy_run)
    spec.write_text(SPEC.format(reps=3))
    with pytest.raises(UserError, match="different sweep"):
        run_sweep(spec, tmp_path / "out", workers=0, run_fn=toy_run)


def test_rerun_of_finished_sweep_runs_nothing_and_retry_failed_reruns(tmp_path):
    spec = write_spec(tmp_path, SPEC.format(reps=1).replace(
        "  - path: toy.k", "  - path: toy.fail\n    values: [false, true]\n  - path: toy.k"))
    first = run_sweep(spec, tmp_path / "out", workers=0, run_fn=toy_run)
    again = run_sweep(spec, tmp_path / "out", workers=0, run_fn=toy_run)
    assert again.ran == 0 and again.skipped == first.ran == 18
    retry = run_sweep(spec, tmp_path / "out", workers=0, run_fn=toy_run, retry_failed=True)
    assert retry.ran == 9 and retry.skipped == 9
    df = read_results(tmp_path / "out")
    assert len(df) == 18 and df["run_id"].is_unique


def _peak_traced(tmp_path: Path, n: int, flush_runs: int) -> int:
    spec = write_spec(tmp_path, f"scenarios: toy.yaml\nreplications: {n}\nsteps: 2\n")
    tracemalloc.start()
    try:
        run_sweep(spec, tmp_path / f"out{n}-{flush_runs}", workers=0, run_fn=wide_run,
                  flush_runs=flush_runs, probe=False)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_with_more_runs(tmp_path):
    """Peak traced memory in the parent for 500 runs is about that of 50 runs."""
    _peak_traced(tmp_path, 5, 25)  # imports and caches out of the way
    small = _peak_traced(tmp_path, 50, 25)
    large = _peak_traced(tmp_path, 500, 25)
    assert len(read_results(tmp_path / "out500-25")) == 500
    # 500 runs x 200 outcomes held in memory would add several MB
    assert large < small * 1.3 + 500_000, (small, large)
    # and the measure does see results that are held: one shard for everything grows
    held = _peak_traced(tmp_path, 500, 10_000)
    assert held > large + 2_000_000, (large, held)


# ------------------------------------------------------------------ the command, killed and resumed

def _cli(*args: str, **kw) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(TESTS)])}
    return subprocess.Popen([sys.executable, "-m", "sim.cli", "sweep", *args], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, **kw)


def test_resume_after_sigkill_matches_an_uninterrupted_sweep(tmp_path):
    text = SPEC.format(reps=8).replace("parameters:\n", "set: {toy.sleep: 0.02}\nparameters:\n")
    spec = write_spec(tmp_path, text)  # 72 runs
    out = tmp_path / "killed"
    args = [str(spec), "--out", str(out), "--workers", "2", "--shard-runs", "5", "--no-progress",
            "--run-fn", "test_sweep_toy:toy_run"]
    proc = _cli(*args)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list((out / "runs").glob("part-*.parquet"))) < 2:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # the command and its workers, at once
    proc.wait()
    partial = len(read_results(out))
    assert 0 < partial < 72, partial
    proc = _cli(*args)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    assert f"{partial} already done" in stdout
    # every run exactly once across all shards, and the same values as an uninterrupted sweep
    ids = np.concatenate([pq.read_table(p, columns=["run_id"]).column(0).to_numpy()
                          for p in (out / "runs").glob("part-*.parquet")])
    assert sorted(ids.tolist()) == list(range(72))
    run_sweep(spec, tmp_path / "whole", workers=0, run_fn=toy_run)
    pd.testing.assert_frame_equal(stable(read_results(out)), stable(read_results(tmp_path / "whole")))
    pd.testing.assert_frame_equal(read_series(out), read_series(tmp_path / "whole"))


def test_ctrl_c_saves_finished_runs_and_exit_codes(tmp_path):
    done = tmp_path / "done.txt"  # the toy adds a line per finished run (the spec check's probe run first)
    text = SPEC.format(reps=8).replace("parameters:\n", f"set: {{toy.sleep: 0.1, toy.done_file: '{done}'}}\n"
                                                       "parameters:\n")
    spec = write_spec(tmp_path, text)  # 72 runs of 0.1 s
    out = tmp_path / "out"
    args = [str(spec), "--out", str(out), "--workers", "1", "--shard-runs", "1000", "--no-progress",
            "--run-fn", "test_sweep_toy:toy_run"]
    proc = _cli(*args)

    def finished() -> int:
        return len(done.read_text().splitlines()) - 1 if done.exists() else 0

    deadline = time.monotonic() + 120  # interrupt once three runs are done, however slow the start
    while time.monotonic() < deadline and finished() < 3 and proc.poll() is None:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: to the sweep and its pool's helpers
    _, stderr = proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the sweep finished before the interrupt")
    assert proc.returncode == 130 and "resume" in stderr and "Traceback" not in stderr
    assert len(read_results(out)) > 0  # finished runs were written although no shard was full


def test_cli_bad_spec_exits_2_with_located_message(tmp_path):
    spec = write_spec(tmp_path, "scenarios: toy.yaml\nsteps: 0\n")
    proc = _cli(str(spec), "--out", str(tmp_path / "out"))
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 2, stderr
    assert stderr.strip().splitlines() == [f"{spec}:2: steps: got 0 (a number greater than or equal to 1)"]
    assert not (tmp_path / "out").exists()


def test_cli_failures_exit_1_and_are_listed(tmp_path):
    spec = write_spec(tmp_path, SPEC.format(reps=1).replace(
        "  - path: toy.k", "  - path: toy.fail\n    values: [false, true]\n  - path: toy.k"))
    proc = _cli(str(spec), "--out", str(tmp_path / "out"), "--workers", "0", "--no-progress",
                "--run-fn", "test_sweep_toy:toy_run")
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 1, stderr
    assert "18/18 runs (9 ok, 9 failed" in stdout
    assert "9 run(s) failed" in stderr and '"toy.fail": true' in stderr and "ValueError" in stderr


@pytest.mark.parametrize("options,message", [
    (["--dask-local", "0"], "--dask-local: got 0 (a number of workers, 1 or more)"),
    (["--workers", "-1"], "--workers: got -1 (0 to run in this process, or a positive number)"),
    (["--workers", "2", "--dask-local", "2", "--scheduler", "tcp://127.0.0.1:1"], "give one of them"),
    (["--shard-runs", "0"], "argument --shard-runs: 0 is out of range (1 or more)"),
    (["--shard-seconds", "nan"], "argument --shard-seconds: got nan (a finite number above 0)"),
    (["--shard-seconds", "0"], "argument --shard-seconds: got 0 (a finite number above 0)"),
])
def test_cli_bad_options_exit_2_and_write_nothing(tmp_path, options, message):
    spec = write_spec(tmp_path)
    proc = _cli(str(spec), "--out", str(tmp_path / "out"), "--run-fn", "test_sweep_toy:toy_run", *options)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 2 and message in stderr and "Traceback" not in stderr, stderr
    assert not (tmp_path / "out").exists()


def test_cli_out_must_be_a_folder(tmp_path):
    spec = write_spec(tmp_path)
    (tmp_path / "file").write_text("x")
    proc = _cli(str(spec), "--out", str(tmp_path / "file"), "--run-fn", "test_sweep_toy:toy_run")
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "is a file" in stderr
