"""One session of a sweep: check, open (or resume) the folder, run what is left."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pyarrow as pa

from sim.sweep import manifest as mf
from sim.sweep.backends import open_backend
from sim.sweep.engine import run_plan
from sim.sweep.plan import Plan
from sim.sweep.prepare import prepare
from sim.sweep.progress import SweepProgress, Totals
from sim.sweep.spec import LoadedSpec, load_spec
from sim.sweep.store import DESIGN, PLAN, ResultStore
from sim.sweep.worker import run_blocsim

PLAN_BATCH = 10_000


def _plan_batches(plan: Plan, types: dict[str, pa.DataType]):
    schema = pa.schema([("run_id", pa.int64()), ("scenario", pa.string()), ("point_id", pa.int64()),
                        ("replication", pa.int64()), ("seed", pa.int64())]
                       + [(k, v) for k, v in types.items()])

    def batches():
        for start in range(0, plan.n_runs, PLAN_BATCH):
            tasks = [plan.task(i) for i in range(start, min(plan.n_runs, start + PLAN_BATCH))]
            cols = [[t.run_id for t in tasks], [t.scenario.label if t.scenario else "" for t in tasks],
                    [t.point_id for t in tasks], [t.replication for t in tasks], [t.seed for t in tasks]]
            cols += [[t.params[k] for t in tasks] for k in types]
            yield pa.record_batch([pa.array(c, type=f.type) for c, f in zip(cols, schema)], schema=schema)

    return batches(), schema


def _design_table(plan: Plan) -> pa.Table | None:
    d = plan.design
    if d.matrix is None:
        return None
    cols = {"point_id": pa.array(range(len(d)), pa.int64())}
    for j, name in enumerate(d.names):
        cols[f"x.{name}"] = pa.array(d.matrix[:, j], pa.float64())
    return pa.table(cols)


def run_sweep(spec: str | Path | LoadedSpec, out: str | Path, *, workers: int | None = None,
              scheduler: str | None = None, dask_local: int | None = None,
              run_fn: Any = run_blocsim, show_progress: bool = False, retry_failed: bool = False,
              flush_runs: int = 500, flush_seconds: float = 10.0, probe: bool = True) -> Totals:
    """Run (or resume) a sweep into `out`; returns this session's totals.

    Raises UserError for bad input; KeyboardInterrupt propagates after the finished runs
    are written, so a rerun resumes.
    """
    loaded = spec if isinstance(spec, LoadedSpec) else load_spec(spec)
    plan, files = prepare(loaded, run_fn=run_fn, probe=probe)
    store = ResultStore(out)
    fresh = mf.build(loaded, plan, files, run_fn)
    manifest, resumed = mf.open_folder(store, fresh)
    types = mf.param_types(plan)
    totals = Totals(total=plan.n_runs)
    session = {"started": mf.now(), "resumed": resumed, "retry_failed": retry_failed}
    # the backend opens before anything is written, so a wrong address leaves no folder
    with open_backend(workers, scheduler, dask_local) as backend:
        session["backend"] = backend.description
        store.out.mkdir(parents=True, exist_ok=True)
        if not resumed:
            store.write_manifest(manifest)
        store.prepare()
        table = _design_table(plan)
        if not store.check_table(PLAN, rows=plan.n_runs):
            batches, schema = _plan_batches(plan, types)
            store.write_plan(batches, schema)
        if table is not None and not store.check_table(DESIGN, rows=table.num_rows):
            store.write_design(table)
        for note in store.notes:
            print(f"sweep {out}: {note}", file=sys.stderr)
        try:
            with SweepProgress(totals, enabled=show_progress) as progress:
                run_plan(plan, store, backend, run_fn, progress, param_types=types,
                         retry_failed=retry_failed, flush_runs=flush_runs, flush_seconds=flush_seconds)
        finally:
            status = store.status_by_run(plan.n_runs)
            totals.folder_done = int((status > 0).sum())
            totals.folder_failed = int((status == 2).sum())
            session.update(ended=mf.now(), ran=totals.ran, ok=totals.ok, failed=totals.failed,
                           skipped=totals.skipped, interrupted=totals.interrupted,
                           seconds=round(totals.elapsed, 3))
            manifest.setdefault("sessions", []).append(session)
            store.write_manifest(manifest)
    return totals
