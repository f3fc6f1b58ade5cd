"""Numbers from a finished (or partial) sweep: summary by point, sensitivity indices.

- `summary_table`: one row per scenario and design point, its parameters, the number of
  runs that finished and failed, and each outcome's mean and standard deviation over
  the replications.
- `sensitivity`: Sobol first and total order (Sobol designs) or Morris mu*, mu and sigma
  (Morris designs), computed by SALib on the per-point means, per scenario and outcome.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import UserError
from sim.sweep.store import BASE_COLUMNS, MANIFEST, ResultStore, read_design, read_results, read_series
from sim.sweep.worker import select


@dataclass
class SweepData:
    """A results folder read back: manifest, result rows, kept series, design matrix."""

    out: Path
    manifest: dict
    results: pd.DataFrame
    series: pd.DataFrame
    design: pd.DataFrame | None

    @property
    def params(self) -> list[str]:
        return list(self.manifest["design"]["parameters"])

    @property
    def ok(self) -> pd.DataFrame:
        return self.results[self.results["status"] == "ok"]

    @property
    def outcome_columns(self) -> list[str]:
        """Numeric outcome columns, in the order the runs reported them."""
        skip = set(BASE_COLUMNS) | set(self.params)
        return [c for c in self.results.columns
                if c not in skip and pd.api.types.is_numeric_dtype(self.results[c])]


def load(out: str | Path) -> SweepData:
    """Read a sweep folder; UserError if it is not one."""
    out = Path(out)
    if not (out / MANIFEST).exists():
        raise UserError(f"{out}: holds no {MANIFEST} (the output folder of a sweep)")
    manifest = ResultStore(out).read_manifest()
    return SweepData(out, manifest, read_results(out), read_series(out), read_design(out))


HEADLINE = ("polarization", "n_blocs", "cohesion*", "front.*")


def pick_outcomes(data: SweepData, patterns: list[str] | None = None, limit: int | None = 8) -> list[str]:
    """Outcomes to show: the given patterns, else the spec's, else the headline ones.

    Bloc labels (`bloc.*`) have their own plot and are left out unless asked for by
    name; outcomes that never vary are left out when there are others to show.
    """
    names = data.outcome_columns
    if patterns:
        chosen = select(names, tuple(patterns))
    else:
        spec_final = [p for p in data.manifest["spec"]["outcomes"]["final"] if p != "*"]
        chosen = [c for c in select(names, tuple(spec_final) or HEADLINE)
                  if not c.startswith("bloc.") or c in spec_final]
        chosen = chosen or select(names, HEADLINE) or names
    ok = data.ok
    varying = [c for c in chosen if ok[c].nunique(dropna=True) > 1]
    chosen = varying or chosen
    return chosen[:limit] if limit else chosen


def summary_table(data: SweepData, outcomes: list[str]) -> pd.DataFrame:
    """Per scenario and point: parameters, runs ok/failed, mean and sd of each outcome."""
    df = data.results
    if df.empty:
        return pd.DataFrame()
    keys = ["scenario", "point_id"]
    params = data.params
    grouped = df.groupby(keys, sort=True)
    ok = df[df["status"] == "ok"].groupby(keys, sort=True)
    parts = [grouped[params].first()] if params else []
    parts.append(pd.DataFrame({"runs_ok": grouped["status"].apply(lambda s: int((s == "ok").sum())),
                               "runs_failed": grouped["status"].apply(lambda s: int((s != "ok").sum()))}))
    if outcomes:
        means, sds = ok[outcomes].mean(), ok[outcomes].std(ddof=1)
        stats = {}
        for c in outcomes:
            stats[f"{c} mean"] = means[c]
            stats[f"{c} sd"] = sds[c]
        parts.append(pd.DataFrame(stats))
    return pd.concat(parts, axis=1).reset_index()


def _point_means(data: SweepData, scenario: str, outcome: str) -> np.ndarray:
    n_points = int(data.manifest["design"]["points"])
    sub = data.ok[data.ok["scenario"] == scenario]
    means = sub.groupby("point_id")[outcome].mean()
    return means.reindex(range(n_points)).to_numpy(dtype=float)


def sensitivity(data: SweepData, outcomes: list[str], seed: int = 0) -> tuple[pd.DataFrame, list[str]]:
    """Sensitivity indices where the design allows, and notes on what was skipped.

    Rows: scenario, outcome, parameter, method, index, value, conf.
    """
    design = data.manifest["design"]
    kind = design["kind"]
    cols = ["scenario", "outcome", "parameter", "method", "index", "value", "conf"]
    if kind not in ("sobol", "morris"):
        return pd.DataFrame(columns=cols), [
            f"no sensitivity indices for a {kind} design (use design: sobol or morris)"]
    if data.design is None or design.get("problem") is None:
        return pd.DataFrame(columns=cols), ["design.parquet is missing: cannot compute indices"]
    from SALib.analyze import morris as morris_a
    from SALib.analyze import sobol as sobol_a

    problem = design["problem"]
    names = problem["names"]
    X = data.design.sort_values("point_id")[[f"x.{n}" for n in names]].to_numpy(dtype=float)
    rows, notes = [], []
    for scenario in sorted(data.results["scenario"].unique()):
        for outcome in outcomes:
            y = _point_means(data, scenario, outcome)
            missing = int(np.isnan(y).sum())
            if missing:
                notes.append(f"{scenario}/{outcome}: {missing} of {len(y)} points have no finished "
                             "run; indices need every point (finish the sweep, retrying the failed runs)")
                continue
            if np.nanstd(y) == 0:
                notes.append(f"{scenario}/{outcome}: the same value at every point; no indices")
                continue
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                if kind == "sobol":
                    res = sobol_a.analyze(problem, y, calc_second_order=bool(design.get("second_order")),
                                          seed=seed)
                    for j, p in enumerate(names):
                        rows.append([scenario, outcome, p, "sobol", "S1", res["S1"][j], res["S1_conf"][j]])
                        rows.append([scenario, outcome, p, "sobol", "ST", res["ST"][j], res["ST_conf"][j]])
                else:
                    res = morris_a.analyze(problem, X, y, num_levels=int(design.get("morris_levels", 4)),
                                           seed=seed)
                    for j, p in enumerate(names):
                        rows.append([scenario, outcome, p, "morris", "mu_star", res["mu_star"][j],
                                     res["mu_star_conf"][j]])
                        rows.append([scenario, outcome, p, "morris", "mu", res["mu"][j], np.nan])
                        rows.append([scenario, outcome, p, "morris", "sigma", res["sigma"][j], np.nan])
    return pd.DataFrame(rows, columns=cols), notes


def bloc_membership(data: SweepData, scenario: str) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Per actor, how often it sits with each pole's leader, in another bloc, or alone;
    and the co-membership matrix (share of runs in which two actors share a bloc).

    Uses the `bloc.<ID>` outcomes (bloc label per actor; a bloc of one is non-aligned).
    """
    ok = data.ok[data.ok["scenario"] == scenario]
    cols = [c for c in ok.columns if c.startswith("bloc.") and pd.api.types.is_numeric_dtype(ok[c])]
    if not cols or ok.empty:
        return None
    actors = [c[len("bloc."):] for c in cols]
    labels = ok[cols].to_numpy(dtype=float)
    same = (labels[:, :, None] == labels[:, None, :]) & ~np.isnan(labels[:, :, None])
    co = pd.DataFrame(same.mean(axis=0), index=actors, columns=actors)
    alone = same.sum(axis=2) == 1
    poles = {}
    for s in data.manifest.get("scenarios", []):
        if s.get("label") == scenario:
            poles = s.get("poles") or {}
    leaders = {side: next((a for a in members if a in actors), None) for side, members in poles.items()}
    freq = pd.DataFrame(index=actors)
    taken = alone.copy()
    for side, leader in leaders.items():
        if leader is None:
            continue
        j = actors.index(leader)
        with_leader = same[:, :, j] & ~alone & ~taken
        freq[f"with {leader} ({side})"] = with_leader.mean(axis=0)
        taken |= with_leader
    freq["other bloc"] = (~taken).mean(axis=0)
    freq["non-aligned"] = alone.mean(axis=0)
    return freq, co


def short_names(paths: list[str]) -> dict[str, str]:
    """Column labels: the last part of each dotted path, longer where two would clash."""
    out = {}
    for p in paths:
        parts = p.split(".")
        for k in range(1, len(parts) + 1):
            label = ".".join(parts[-k:])
            if sum(q.split(".")[-k:] == parts[-k:] for q in paths) == 1:
                break
        out[p] = label
    return out


def sensitivity_wide(sens: pd.DataFrame) -> pd.DataFrame:
    """One row per scenario, outcome and parameter; each index as 'value ± conf'."""
    rows: dict = {}
    for r in sens.itertuples(index=False):
        key = (r.scenario, r.outcome, r.parameter)
        cell = fmt(float(r.value)) + ("" if pd.isna(r.conf) else f" ± {fmt(float(r.conf))}")
        rows.setdefault(key, {})[r.index] = cell
    return pd.DataFrame([{"scenario": k[0], "outcome": k[1], "parameter": k[2], **v} for k, v in rows.items()])


def fmt(v) -> str:
    """A table cell: floats to three significant digits, NaN as blank, anything else as text."""
    if isinstance(v, float):
        return "" if v != v else f"{v:.3g}"
    return str(v)
