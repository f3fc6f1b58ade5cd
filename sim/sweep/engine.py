"""The sweep loop: keep the workers busy, stream finished runs to shards, hold nothing.

At most `max_inflight` runs are submitted at a time; as each finishes its result is
buffered and the buffer is written as one shard every `flush_runs` runs or
`flush_seconds` seconds, whichever comes first. Memory is therefore bounded by the
in-flight window and the buffer, not by the number of runs. On Ctrl-C (or SIGTERM) the
finished runs in the buffer are written before stopping, so only runs still in flight
are redone by the next session.

If a worker process dies (a crash or the out-of-memory killer), the pool is restarted
and the runs that were in flight become suspects: each is rerun alone, and one that
kills its worker again is recorded as failed. One bad run thus neither stops the sweep
nor takes innocent runs down with it.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Future, wait
from typing import Any

import numpy as np
import pyarrow as pa

from sim.sweep.backends import Backend
from sim.sweep.plan import Plan, RunTask
from sim.sweep.progress import SweepProgress
from sim.sweep.store import ResultStore
from sim.sweep.worker import RunResult, execute, failed

MAX_FAILURE_SAMPLES = 20
MAX_CRASHES = 2  # a run in flight when a worker process died this often is recorded as failed


class WorkerDied(RuntimeError):
    """A worker process died (crash, out of memory) while this run was in flight."""


def run_plan(plan: Plan, store: ResultStore, backend: Backend, run_fn: Callable[[RunTask], Any],
             progress: SweepProgress, *, param_types: dict[str, pa.DataType],
             retry_failed: bool = False, flush_runs: int = 500, flush_seconds: float = 10.0,
             inflight_per_slot: int = 4) -> None:
    """Run every unfinished run of the plan, writing shards as they complete."""
    status = store.status_by_run(plan.n_runs)
    todo = (status == 0) | ((status == 2) if retry_failed else False)
    progress.totals.skipped = int(plan.n_runs - np.count_nonzero(todo))
    tasks = plan.tasks(skip=lambda i: not todo[i])
    max_inflight = max(1, backend.slots * inflight_per_slot)
    inflight: dict[Future, RunTask] = {}
    rows: list[dict] = []
    series: list[dict] = []
    last_flush = time.monotonic()
    totals = progress.totals

    def flush() -> None:
        nonlocal last_flush
        if rows:
            store.write_shard(rows, series, param_types)
            rows.clear()
            series.clear()
        last_flush = time.monotonic()

    suspects: deque[RunTask] = deque()  # in flight when a worker died: rerun one at a time
    crashes: dict[int, int] = {}

    def submit(task: RunTask) -> bool:
        try:
            inflight[backend.executor.submit(execute, run_fn, task)] = task
            return True
        except BrokenExecutor:
            suspects.appendleft(task)
            pool_died()
            return False

    def fill() -> None:
        while suspects:
            if inflight:
                return
            if submit(suspects.popleft()):
                return
        while len(inflight) < max_inflight:
            task = next(tasks, None)
            if task is None or not submit(task):
                return

    def record(res: RunResult, task: RunTask) -> None:
        rows.append(res.row)
        if res.series is not None:
            series.append(res.series)
        if not res.ok and len(totals.failures) < MAX_FAILURE_SAMPLES:
            totals.failures.append({k: res.row[k] for k in ("run_id", "scenario", "seed", "error")}
                                   | {"params": dict(task.params)})
        progress.advance(res.ok)

    def pool_died() -> None:
        """Keep what finished, requeue what was in flight, start a fresh pool."""
        if backend.restart is None:
            raise RuntimeError("the executor broke and cannot be restarted")
        for fut, task in list(inflight.items()):
            exc = fut.exception() if fut.done() and not fut.cancelled() else None
            if fut.done() and not fut.cancelled() and exc is None:
                record(fut.result(), task)
                continue
            crashes[task.run_id] = crashes.get(task.run_id, 0) + 1
            if crashes[task.run_id] >= MAX_CRASHES:
                record(failed(task, WorkerDied(
                    "its worker process died (a crash, or out of memory), also when it ran alone")), task)
            else:
                suspects.append(task)
        inflight.clear()
        backend.restart()

    def collect(fut: Future, task: RunTask) -> bool:
        """Record a finished future; False if its pool broke (the caller restarts it)."""
        try:
            res: RunResult = fut.result()
        except BrokenExecutor:
            if backend.restart is None:
                res = failed(task, WorkerDied("the worker running this run was lost"))
            else:
                return False
        except Exception as exc:  # noqa: BLE001 - task lost, cancelled, killed worker (Dask)...
            res = failed(task, exc)
        record(res, task)
        return True

    try:
        fill()
        while inflight or suspects:
            timeout = max(0.05, flush_seconds - (time.monotonic() - last_flush))
            finished, _ = wait(list(inflight), timeout=timeout, return_when=FIRST_COMPLETED)
            broken = False
            for fut in finished:
                task = inflight.pop(fut)
                if not collect(fut, task):
                    inflight[fut] = task  # back in, so pool_died sees it
                    broken = True
            if broken:
                pool_died()
            fill()
            if len(rows) >= flush_runs or (rows and time.monotonic() - last_flush >= flush_seconds):
                flush()
        flush()
    except BaseException:
        # Ctrl-C, SIGTERM or an error writing: keep what finished, drop what is in flight.
        totals.interrupted = True
        for fut in list(inflight):
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                record(fut.result(), inflight.pop(fut))
            else:
                fut.cancel()
        flush()
        raise
    finally:
        totals.ended = time.monotonic()
