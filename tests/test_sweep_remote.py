"""`blocsim sweep --scheduler tcp://...` against a real Dask scheduler and workers started
with Dask's own command line, as an analyst would on a cluster (here on 127.0.0.1)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.sweep.session import run_sweep
from sim.sweep.store import read_results, read_series
from test_sweep_model import SPEC

ROOT = Path(__file__).resolve().parents[1]
DASK = Path(sys.executable).with_name("dask")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def cluster(tmp_path):
    """A scheduler and two single-threaded worker processes, each its own `dask` command."""
    if not DASK.exists() and not shutil.which("dask"):
        pytest.fail("the `dask` command is missing: dask[distributed] is a dependency")
    dask = str(DASK if DASK.exists() else shutil.which("dask"))
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = tmp_path / "dask-logs"
    logs.mkdir()
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=open(logs / "scheduler.log", "w"))]
    try:
        _wait_for_port(port, procs[0], logs / "scheduler.log")
        procs.append(subprocess.Popen([dask, "worker", address, "--nworkers", "2", "--nthreads", "1",
                                       "--no-dashboard"], cwd=tmp_path,
                                      stdout=subprocess.DEVNULL, stderr=open(logs / "workers.log", "w")))
        _wait_for_workers(address, 2, logs / "workers.log")
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


def _wait_for_port(port: int, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"dask scheduler exited: {log.read_text()[-2000:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    pytest.fail(f"dask scheduler did not listen on {port}: {log.read_text()[-2000:]}")


def _wait_for_workers(address: str, n: int, log: Path) -> None:
    from distributed import Client

    with Client(address, timeout="20s") as client:
        try:
            client.wait_for_workers(n, timeout=90)
        except TimeoutError:
            pytest.fail(f"{n} dask workers did not join: {log.read_text()[-2000:]}")


def test_cli_sweep_on_a_running_cluster_equals_the_local_run(tmp_path, cluster):
    spec = tmp_path / "sweep.yaml"
    spec.write_text(SPEC)
    out = tmp_path / "remote"
    proc = subprocess.run([sys.executable, "-m", "sim.cli", "sweep", str(spec), "--out", str(out),
                           "--scheduler", cluster, "--no-progress"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "8/8 runs (8 ok, 0 failed" in proc.stdout, proc.stdout
    manifest = (out / "manifest.json").read_text()
    assert f"{cluster} (2 threads)" in manifest  # the backend the session ran on is recorded
    run_sweep(spec, tmp_path / "inline", workers=0)
    local, remote = read_results(tmp_path / "inline"), read_results(out)
    pd.testing.assert_frame_equal(local.drop(columns="elapsed_s"), remote.drop(columns="elapsed_s"))
    pd.testing.assert_frame_equal(read_series(tmp_path / "inline"), read_series(out))
