"""The results folder: manifest, run plan, and Parquet shards written as runs finish.

Layout of `--out DIR`::

    manifest.json         spec, scenario hashes, versions, design, sessions
    plan.parquet          every run: run_id, scenario, point, replication, seed, parameters
    design.parquet        SALib designs: the sample matrix, one row per point
    runs/part-000001.parquet     result rows (one per run), written atomically
    series/part-000001.parquet   kept series rows of the same runs (optional)

A shard is written to a temporary file, fsynced, and renamed into place, so a shard
either exists whole or not at all. A file damaged anyway (a full disk, a copy cut short)
is found on resume: an unreadable shard, with its partner, is moved to `quarantine/` and
its runs are run again; an unreadable plan or design is moved there and rewritten; an
unreadable manifest is recovered from `manifest.previous.json`, the copy each write keeps. A run is done once its row is in a `runs/` shard;
series shards are written first and count only when their `runs/` partner exists, so a
kill between the two leaves nothing half-recorded. If a run appears in several shards
(only with `--retry-failed`), the newest shard wins.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

MANIFEST = "manifest.json"
PREVIOUS_MANIFEST = "manifest.previous.json"
QUARANTINE = "quarantine"
PLAN = "plan.parquet"
DESIGN = "design.parquet"
RUNS = "runs"
SERIES = "series"
PART = re.compile(r"^part-(\d{6,})\.parquet$")
FORMAT = 1

BASE_COLUMNS = {
    "run_id": pa.int64(), "scenario": pa.string(), "point_id": pa.int64(),
    "replication": pa.int64(), "seed": pa.int64(), "status": pa.string(),
    "error": pa.string(), "traceback": pa.string(), "elapsed_s": pa.float64(),
}


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic_bytes(path: Path, data: bytes) -> None:
    """Write a whole file or nothing: temp file, fsync, rename, fsync the folder."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def write_table_atomic(table: pa.Table, path: Path) -> None:
    """Write a Parquet file whole or not at all."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as f:
        pq.write_table(table, f, compression="zstd")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def param_type(values: list[Any]) -> pa.DataType:
    """One Arrow type for all values a parameter can take (strings if they are mixed)."""
    kinds = {type(v) for v in values}
    if kinds <= {bool}:
        return pa.bool_()
    if kinds <= {int}:
        return pa.int64()
    if kinds <= {int, float}:
        return pa.float64()
    return pa.string()


def _column(values: list[Any], typ: pa.DataType | None) -> pa.Array:
    if typ is not None:
        if pa.types.is_string(typ):
            values = [None if v is None else str(v) for v in values]
        return pa.array(values, type=typ)
    if all(v is None or isinstance(v, float) for v in values):
        return pa.array(values, type=pa.float64())
    return pa.array([None if v is None else str(v) for v in values], type=pa.string())


def rows_to_table(rows: list[dict[str, Any]], param_types: dict[str, pa.DataType]) -> pa.Table:
    """Result rows as a table: base columns, parameters (fixed types), then outcomes."""
    names: dict[str, None] = dict.fromkeys(BASE_COLUMNS)
    names.update(dict.fromkeys(param_types))
    for r in rows:
        names.update(dict.fromkeys(r))
    types = {**BASE_COLUMNS, **param_types}
    arrays = [_column([r.get(n) for r in rows], types.get(n)) for n in names]
    return pa.table(arrays, names=list(names))


def series_to_table(blocks: list[dict[str, list]]) -> pa.Table:
    names: dict[str, None] = {}
    for b in blocks:
        names.update(dict.fromkeys(b))
    arrays = []
    for n in names:
        values = [v for b in blocks for v in (b[n] if n in b else [None] * len(b["run_id"]))]
        typ = pa.int64() if n in ("run_id", "step") else None
        arrays.append(_column(values, typ))
    return pa.table(arrays, names=list(names))


def _read_json(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    return data


def _unreadable(path: Path, columns: tuple[str, ...] = (), rows: int | None = None) -> str | None:
    """Why a Parquet file cannot be used (read whole: a truncated file fails here), or None."""
    try:
        table = pq.read_table(path)
    except (OSError, ValueError, pa.ArrowException) as exc:
        return f"unreadable ({str(exc).splitlines()[0][:80] if str(exc) else type(exc).__name__})"
    missing = [c for c in columns if c not in table.column_names]
    if missing:
        return f"unreadable (no column {missing[0]})"
    if rows is not None and table.num_rows != rows:
        return f"incomplete ({table.num_rows} of {rows} rows)"
    return None


def _parts(folder: Path) -> list[tuple[int, Path]]:
    if not folder.is_dir():
        return []
    out = []
    for p in folder.iterdir():
        m = PART.match(p.name)
        if m:
            out.append((int(m.group(1)), p))
    return sorted(out)


class ResultStore:
    """Writes and reads one sweep's results folder."""

    def __init__(self, out: str | Path):
        self.out = Path(out)
        self.runs_dir = self.out / RUNS
        self.series_dir = self.out / SERIES
        self._next = 1
        self.notes: list[str] = []  # what was found damaged and done about it, for the user

    # ------------------------------------------------------------ set-up and resume
    def exists(self) -> bool:
        return (self.out / MANIFEST).exists() or (self.out / PREVIOUS_MANIFEST).exists()

    def read_manifest(self) -> dict:
        """The manifest; if it is unreadable, the previous copy (then written back, and said so)."""
        path = self.out / MANIFEST
        try:
            return _read_json(path)
        except (OSError, ValueError) as exc:
            try:
                manifest = _read_json(self.out / PREVIOUS_MANIFEST)
            except (OSError, ValueError):
                raise exc from None
        if path.exists():
            self.quarantine(path, "unreadable", rerun=False)
        write_atomic_bytes(path, json.dumps(manifest, indent=2, default=str).encode())
        self.notes.append(f"{MANIFEST}: recovered from {PREVIOUS_MANIFEST}")
        return manifest

    def write_manifest(self, manifest: dict) -> None:
        """Replace the manifest whole, keeping the one it replaces as manifest.previous.json."""
        self.out.mkdir(parents=True, exist_ok=True)
        path = self.out / MANIFEST
        try:
            old = path.read_bytes()
            json.loads(old)
        except (OSError, ValueError):
            old = None
        if old is not None:
            write_atomic_bytes(self.out / PREVIOUS_MANIFEST, old)
        text = json.dumps(manifest, indent=2, sort_keys=False, default=str)
        write_atomic_bytes(path, text.encode())

    def quarantine(self, path: Path, reason: str, rerun: bool = True) -> None:
        """Move a damaged file to quarantine/ (never delete it) and note it for the user."""
        folder = self.out / QUARANTINE
        folder.mkdir(exist_ok=True)
        stem = path.relative_to(self.out).as_posix().replace("/", "-")
        dest, k = folder / stem, 1
        while dest.exists():
            dest, k = folder / f"{stem}.{k}", k + 1
        os.replace(path, dest)
        then = "; its runs will run again" if rerun else ""
        self.notes.append(f"{path.relative_to(self.out).as_posix()}: {reason}; moved to "
                          f"{dest.relative_to(self.out).as_posix()}{then}")

    def check_table(self, name: str, rows: int | None = None) -> bool:
        """Whether plan.parquet or design.parquet is whole (quarantined if not); False if absent."""
        path = self.out / name
        if not path.exists():
            return False
        problem = _unreadable(path, rows=rows)
        if problem:
            self.quarantine(path, problem, rerun=False)
            return False
        return True

    def prepare(self) -> None:
        """Create folders; drop temp files and orphaned series shards of a killed session;
        quarantine unreadable shards (with their partner), so their runs run again."""
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        self.series_dir.mkdir(parents=True, exist_ok=True)
        for folder in (self.out, self.runs_dir, self.series_dir):
            for p in folder.glob(".*.tmp"):
                p.unlink(missing_ok=True)
        runs = dict(_parts(self.runs_dir))
        series = dict(_parts(self.series_dir))
        for n, path in runs.items():
            problem = _unreadable(path, columns=("run_id", "status"))
            partner = series.get(n)
            if problem is None and partner is not None:
                partner_problem = _unreadable(partner, columns=("run_id",))
                if partner_problem:
                    self.quarantine(partner, partner_problem)
                    problem = "its series shard is damaged"
                partner = None
            if problem:
                self.quarantine(path, problem)
            if problem and partner is not None:
                self.quarantine(partner, "its runs shard is damaged")
        runs = {n for n, _ in _parts(self.runs_dir)}
        for n, p in _parts(self.series_dir):
            if n not in runs:
                p.unlink(missing_ok=True)
        last = max([n for n, _ in _parts(self.runs_dir)] + [n for n, _ in _parts(self.series_dir)] + [0])
        self._next = last + 1

    def write_plan(self, batches: Iterable[pa.RecordBatch], schema: pa.Schema) -> None:
        """Write the run plan in batches (memory stays per batch)."""
        path = self.out / PLAN
        tmp = path.with_name(f".{path.name}.tmp")
        with pq.ParquetWriter(tmp, schema, compression="zstd") as w:
            for b in batches:
                w.write_batch(b)
        os.replace(tmp, path)
        _fsync_dir(self.out)

    def write_design(self, table: pa.Table) -> None:
        write_table_atomic(table, self.out / DESIGN)

    def status_by_run(self, n_runs: int) -> np.ndarray:
        """Per run: 0 not done, 1 done ok, 2 done with an error (newest shard wins)."""
        status = np.zeros(n_runs, dtype=np.int8)
        for _, path in _parts(self.runs_dir):
            t = pq.read_table(path, columns=["run_id", "status"])
            ids = t.column("run_id").to_numpy()
            ok = np.asarray(t.column("status").to_pylist(), dtype=object) == "ok"
            inside = (ids >= 0) & (ids < n_runs)
            status[ids[inside]] = np.where(ok[inside], 1, 2)
        return status

    # ------------------------------------------------------------ writing
    def write_shard(self, rows: list[dict[str, Any]], series: list[dict[str, list]],
                    param_types: dict[str, pa.DataType]) -> Path:
        """Write one shard of finished runs (series first, then the rows that commit it)."""
        n = self._next
        self._next += 1
        name = f"part-{n:06d}.parquet"
        if series:
            write_table_atomic(series_to_table(series), self.series_dir / name)
        rows = sorted(rows, key=lambda r: r["run_id"])
        path = self.runs_dir / name
        write_table_atomic(rows_to_table(rows, param_types), path)
        return path


# ------------------------------------------------------------------ reading

def _concat(tables: list[pa.Table]) -> pa.Table:
    try:
        return pa.concat_tables(tables, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        # an outcome that was a number in one shard and text in another: read as text
        names: dict[str, None] = {}
        for t in tables:
            names.update(dict.fromkeys(t.column_names))
        fixed = []
        for t in tables:
            cols = []
            for n in names:
                c = t.column(n) if n in t.column_names else pa.nulls(len(t))
                cols.append(c if n in BASE_COLUMNS else c.cast(pa.string()))
            fixed.append(pa.table(cols, names=list(names)))
        return pa.concat_tables(fixed, promote_options="permissive")


def _read_parts(folder: Path, keep: set[int] | None = None) -> list[tuple[int, pa.Table]]:
    return [(n, pq.read_table(p)) for n, p in _parts(folder) if keep is None or n in keep]


def read_results(out: str | Path, errors: bool = True):
    """All result rows as a pandas DataFrame, one row per run, sorted by run_id."""
    import pandas as pd

    store = ResultStore(out)
    parts = _read_parts(store.runs_dir)
    if not parts:
        return pd.DataFrame(columns=list(BASE_COLUMNS))
    tables = [t.append_column("_part", pa.array([n] * len(t), pa.int64())) for n, t in parts]
    df = _concat(tables).to_pandas()
    df = df.sort_values(["run_id", "_part"]).drop_duplicates("run_id", keep="last")
    df = df.drop(columns="_part").reset_index(drop=True)
    if not errors:
        df = df[df["status"] == "ok"].reset_index(drop=True)
    return df


def read_series(out: str | Path):
    """All kept series rows (run_id, step, columns...), for runs that are committed."""
    import pandas as pd

    store = ResultStore(out)
    committed = {n for n, _ in _parts(store.runs_dir)}
    parts = _read_parts(store.series_dir, committed)
    if not parts:
        return pd.DataFrame(columns=["run_id", "step"])
    tables = [t.append_column("_part", pa.array([n] * len(t), pa.int64())) for n, t in parts]
    df = _concat(tables).to_pandas()
    # a rerun (--retry-failed) supersedes older rows of the same run
    newest = df.groupby("run_id")["_part"].transform("max")
    df = df[df["_part"] == newest].drop(columns="_part")
    return df.sort_values(["run_id", "step"]).reset_index(drop=True)


def read_plan(out: str | Path):
    return pq.read_table(Path(out) / PLAN).to_pandas()


def read_design(out: str | Path):
    path = Path(out) / DESIGN
    return pq.read_table(path).to_pandas() if path.exists() else None
