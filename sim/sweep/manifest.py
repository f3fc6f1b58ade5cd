"""The manifest: what a results folder holds and how it was made.

It records the spec (text and parsed), the scenario files' hashes, the package and
library versions, the design, and each session that worked on the folder. Its
fingerprint (spec + scenario contents + run function) decides whether a later command
may resume into the same folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
import subprocess
from pathlib import Path
from typing import Any

import pyarrow as pa

from sim.errors import UserError
from sim.sweep.plan import Plan
from sim.sweep.spec import LoadedSpec
from sim.sweep.store import FORMAT, ResultStore, param_type


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def fn_name(fn: Any) -> str:
    return f"{fn.__module__}:{fn.__qualname__}"


def fingerprint(loaded: LoadedSpec, plan: Plan, run_fn: Any) -> str:
    """Same fingerprint = same runs with the same inputs (comments and layout aside)."""
    blob = json.dumps({"spec": loaded.spec.model_dump(mode="json"),
                       "scenarios": [r.sha256 for r in plan.scenarios],
                       "run_fn": fn_name(run_fn)}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def param_types(plan: Plan) -> dict[str, pa.DataType]:
    """A fixed Arrow type per varied parameter, so every shard agrees."""
    out = {}
    for p in plan.spec.parameters:
        if p.values is not None:
            out[p.path] = param_type(list(p.values))
        else:
            out[p.path] = pa.int64() if p.integer else pa.float64()
    return out


def _versions() -> dict[str, str]:
    import numpy
    import pandas

    import sim

    out = {"blocsim": getattr(sim, "__version__", "unknown"), "python": platform.python_version(),
           "numpy": numpy.__version__, "pandas": pandas.__version__, "pyarrow": pa.__version__}
    try:
        import mesa

        out["mesa"] = mesa.__version__
    except ImportError:  # pragma: no cover
        pass
    try:
        root = Path(sim.__file__).resolve().parents[1]
        rev = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                             text=True, timeout=5)
        if rev.returncode == 0:
            dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", "sim"],
                                   capture_output=True, text=True, timeout=5).stdout.strip()
            out["git"] = rev.stdout.strip() + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        pass
    return out


def build(loaded: LoadedSpec, plan: Plan, files: list[dict], run_fn: Any) -> dict:
    spec = loaded.spec
    d = plan.design
    return {
        "format": FORMAT,
        "kind": "blocsim-sweep",
        "name": spec.name,
        "fingerprint": fingerprint(loaded, plan, run_fn),
        "created": now(),
        "spec_file": str(Path(loaded.file).resolve()) if loaded.file != "<string>" else loaded.file,
        "spec_sha256": loaded.sha256,
        "spec_text": loaded.text,
        "spec": spec.model_dump(mode="json"),
        "scenarios": files,
        "versions": _versions(),
        "run_fn": fn_name(run_fn),
        "design": {"kind": d.kind, "parameters": d.names, "points": len(d),
                   "problem": d.problem, "second_order": spec.second_order,
                   "morris_levels": spec.morris_levels},
        "replications": spec.replications,
        "root_seed": spec.seed,
        "common_random_numbers": spec.common_random_numbers,
        "n_runs": plan.n_runs,
        "param_types": {k: str(v) for k, v in param_types(plan).items()},
        "files": {"plan": "plan.parquet", "design": "design.parquet", "runs": "runs/", "series": "series/"},
        "sessions": [],
    }


def open_folder(store: ResultStore, manifest: dict) -> tuple[dict, bool]:
    """The manifest to continue with, and whether this is a resume.

    A folder made by another sweep (different spec, scenarios or model) is refused,
    so results of different experiments never mix.
    """
    out = store.out
    if out.exists() and not out.is_dir():
        raise UserError(f"{out}: is a file (a folder for the results)")
    if store.exists():
        try:
            old = store.read_manifest()
        except (OSError, ValueError) as exc:
            raise UserError(f"{out}/manifest.json:1: (file): unreadable ({exc}) "
                            "(a sweep folder; use a new output folder)") from None
        if old.get("fingerprint") != manifest["fingerprint"]:
            what = []
            if old.get("spec") != manifest["spec"]:
                what.append("the spec")
            if [s.get("merged_sha256") for s in old.get("scenarios", [])] != \
                    [s["merged_sha256"] for s in manifest["scenarios"]]:
                what.append("the scenario files")
            if old.get("run_fn") != manifest["run_fn"]:
                what.append("the model")
            raise UserError(f"{out}: holds results of a different sweep ({' and '.join(what) or 'inputs'} "
                            "changed since) (a new output folder, or the unchanged spec to resume)")
        return old, True
    if out.exists() and any(out.iterdir()):
        raise UserError(f"{out}: is not empty and holds no sweep manifest "
                        "(a new or empty folder)")
    return manifest, False
