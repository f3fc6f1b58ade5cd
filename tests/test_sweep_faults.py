"""Sweep folders damaged between sessions recover to the results of a clean sweep."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from test_sweep import stable, write_spec
from test_sweep_toy import toy_run

from sim.errors import UserError
from sim.sweep.session import run_sweep
from sim.sweep.store import read_plan, read_results, read_series


def sweep(spec: Path, out: Path):
    return run_sweep(spec, out, workers=0, run_fn=toy_run, flush_runs=4, flush_seconds=60)


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clean")
    spec = write_spec(folder)
    sweep(spec, folder / "out")
    return spec, folder / "out"


def _first(folder: Path) -> Path:
    return sorted(folder.glob("part-*.parquet"))[0]


DAMAGED = {
    "runs shard": lambda out: _first(out / "runs"),
    "series shard": lambda out: _first(out / "series"),
    "plan": lambda out: out / "plan.parquet",
    "manifest": lambda out: out / "manifest.json",
}


@pytest.mark.parametrize("kind", list(DAMAGED))
@pytest.mark.parametrize("keep", [0, 0.5])
def test_a_truncated_file_is_quarantined_and_resume_equals_a_clean_sweep(clean, tmp_path, capsys, kind, keep):
    spec, clean_out = clean
    out = tmp_path / "out"
    shutil.copytree(clean_out, out)
    target = DAMAGED[kind](out)
    data = target.read_bytes()
    target.write_bytes(data[: int(len(data) * keep)])
    totals = sweep(spec, out)
    err = capsys.readouterr().err
    name = target.relative_to(out).as_posix()
    assert f"{name}: " in err and "quarantine/" in err, err
    assert list((out / "quarantine").iterdir()), "the damaged file is kept aside, not deleted"
    if kind in ("runs shard", "series shard"):
        assert totals.ran == 4, "the runs the shard held run again, and only those"
    else:
        assert totals.ran == 0
    assert stable(read_results(out)).equals(stable(read_results(clean_out)))
    assert read_series(out).equals(read_series(clean_out))
    assert read_plan(out).equals(read_plan(clean_out))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["fingerprint"] == json.loads((clean_out / "manifest.json").read_text())["fingerprint"]


def test_manifest_without_a_readable_copy_is_refused_cleanly(clean, tmp_path):
    spec, clean_out = clean
    out = tmp_path / "out"
    shutil.copytree(clean_out, out)
    (out / "manifest.json").write_text("{")
    (out / "manifest.previous.json").write_text("")
    with pytest.raises(UserError, match=r"manifest.json:1: \(file\): unreadable"):
        sweep(spec, out)


def test_a_task_whose_scenario_text_was_changed_does_not_run(tmp_path):
    from dataclasses import replace

    from sim.sweep.plan import ScenarioRef
    from sim.sweep.worker import ScenarioMismatch, build_scenario

    text = (Path(__file__).resolve().parents[1] / "scenarios" / "teaching_islands.yaml").read_text()
    text += f"# {tmp_path}\n"  # a text no earlier test has built in this process
    ref = ScenarioRef("islands", "teaching_islands.yaml", hashlib.sha256(text.encode()).hexdigest(), text)
    poisoned = replace(ref, text=text.replace("reputation_concern: 0.", "reputation_concern: 0.9"))
    with pytest.raises(ScenarioMismatch, match="does not match its recorded hash"):
        build_scenario(poisoned, {})
    assert build_scenario(ref, {}).name == "The Archipelago (fictional)"


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads the process tree from /proc (Linux)")
def test_pool_helpers_exit_when_the_sweep_is_killed(tmp_path):
    import os
    import signal
    import time

    from test_sweep import SPEC, _cli

    spec = write_spec(tmp_path, SPEC.format(reps=8).replace("parameters:\n", "set: {toy.sleep: 0.5}\nparameters:\n"))
    proc = _cli(str(spec), "--out", str(tmp_path / "out"), "--workers", "2", "--no-progress",
                "--run-fn", "test_sweep_toy:toy_run")
    deadline = time.monotonic() + 60
    helpers: list[int] = []
    while time.monotonic() < deadline and proc.poll() is None:  # the fork server and its two workers
        helpers = [h for c in _children(proc.pid) for h in [c, *_children(c)]]
        if len(helpers) >= 3:
            break
        time.sleep(0.05)
    assert len(helpers) >= 3, f"no pool started: {proc.communicate()}"
    os.kill(proc.pid, signal.SIGKILL)  # the sweep alone, as the out-of-memory killer would
    proc.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_alive(h) for h in helpers):
        time.sleep(0.05)
    left = [h for h in helpers if _alive(h)]
    for h in left:  # do not leave them behind if the test fails
        os.kill(h, signal.SIGKILL)
    assert not left, "pool helper processes outlived the sweep"
