"""Where runs execute: one `concurrent.futures.Executor` for every backend.

- `process`: a local process pool, all cores by default.
- `dask`: Dask distributed, through `client.get_executor()`; either an existing
  cluster (`tcp://host:port`) or a LocalCluster started here (`--dask-local N`).
- `inline`: runs each task in this process when submitted (debugging, tests).

The engine only calls `submit` and waits on the futures, so results cannot depend on
the backend; each run carries its own seed.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass

from sim.errors import UserError
from sim.sweep import lifeline


class InlineExecutor(Executor):
    """Runs each submitted call immediately, in this process."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        fut: Future = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the waiter like a pool would
            fut.set_exception(exc)
        return fut


@dataclass
class Backend:
    """An open executor plus how many runs it can work on at once.

    `restart()` (process pools only) replaces a pool broken by a worker that died.
    """

    executor: Executor
    slots: int
    description: str
    restart: Callable[[], None] | None = None


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _process_pool(workers: int) -> ProcessPoolExecutor:
    # forkserver: children fork from a clean server that has imported the simulation once,
    # never from this process with its threads (progress display, Dask).
    # Both levels of helpers die with the sweep (see sim/sweep/lifeline.py).
    os.environ[lifeline.SWEEP_PID] = str(os.getpid())
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["sim.sweep.lifeline", "sim.sweep.worker", "sim.runner"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx,
                               initializer=lifeline.worker_started, initargs=(os.getpid(),))


def _start_workers(backend: Backend) -> None:
    """Start every worker before the first run, with Ctrl-C held back meanwhile: a worker still
    starting when the sweep exits would not find the pool's queues (a FileNotFoundError
    traceback). Ctrl-C then reaches the sweep, which shuts the started workers down."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        for started in [backend.executor.submit(os.getpid) for _ in range(backend.slots)]:
            started.result()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


@contextlib.contextmanager
def open_backend(workers: int | None = None, scheduler: str | None = None,
                 dask_local: int | None = None) -> Iterator[Backend]:
    """Open the executor the options ask for; close it (and any cluster) on exit."""
    if scheduler and dask_local is not None:
        raise UserError("Dask: give a cluster address or a number of local Dask workers, not both")
    if workers is not None and workers < 0:
        raise UserError(f"workers: got {workers} (0 to run in this process, or a positive number)")
    if scheduler or dask_local is not None:
        with _dask(scheduler, dask_local) as backend:
            yield backend
        return
    if workers == 0:
        yield Backend(InlineExecutor(), 1, "in this process")
        return
    n = workers or cpu_count()
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # Ctrl-C waits until the pool is ours
    try:
        backend = Backend(_process_pool(n), n, f"{n} local process{'es' if n != 1 else ''}")
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)

    def restart() -> None:
        backend.executor.shutdown(wait=False, cancel_futures=True)
        backend.executor = _process_pool(n)

    backend.restart = restart
    try:
        _start_workers(backend)
        yield backend
    finally:
        backend.executor.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def _dask(scheduler: str | None, n_local: int | None) -> Iterator[Backend]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - dask is a dependency
        raise UserError("Dask distributed is not installed (pip install 'dask[distributed]')") from None
    cluster = None
    try:
        if scheduler:
            try:
                client = Client(scheduler, timeout="10s")
            except (OSError, TimeoutError, ValueError) as exc:
                raise UserError(f"Dask scheduler: cannot reach {scheduler}: {exc} "
                                "(the address of a running Dask scheduler, tcp://HOST:PORT)") from None
            where = scheduler
        else:
            if n_local < 1:
                raise UserError(f"local Dask cluster: got {n_local} workers (1 or more)")
            cluster = LocalCluster(n_workers=n_local, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
            where = f"local Dask cluster of {n_local}"
        try:
            slots = sum(client.nthreads().values()) or 1
            yield Backend(client.get_executor(pure=False), slots, f"{where} ({slots} threads)")
        finally:
            client.close()
    finally:
        if cluster is not None:
            cluster.close()
