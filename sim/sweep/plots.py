"""PNG plots of a sweep (matplotlib, Agg backend: no display needed).

- effects: the summary chart, every parameter's effect on every outcome in units of the
  spread between seeds, ranked, with intervals, over a band that marks seed noise;
- outcome distributions: a histogram per outcome, one colour per scenario;
- parameter-outcome scatter: each parameter against each outcome, with the mean per level, a
  band for the spread between seeds, and a note on every axis zoomed in to a thin slice;
- bloc membership: per actor, how often it sits with each pole's leader, elsewhere or alone,
  and how often each pair of actors shares a bloc.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.sweep.analysis import SweepData, bloc_membership, short_names  # noqa: E402
from sim.sweep.findings import INTERVAL, effect_cells, seed_spread  # noqa: E402

MAX_PARAMS = 6
MAX_OUTCOMES = 6
MAX_EFFECTS = 20
ZOOMED = 0.10   # an axis spanning less than this share of its largest value is called zoomed
NOISE = "#dddddd"


def effects_chart(data: SweepData, table: pd.DataFrame, path: Path) -> Path | None:
    """The summary chart: effects ranked, each with its interval, in units of the spread between seeds."""
    rows = table[table["spread"] > 0].head(MAX_EFFECTS)
    if rows.empty:
        return None
    short = short_names(data.params)
    several = rows["scenario"].nunique() > 1
    n = len(rows)
    fig, ax = plt.subplots(figsize=(10, 1.2 + 0.36 * n))
    y = np.arange(n)
    x = rows["effect"] / rows["spread"]
    lo, hi = rows["lo"] / rows["spread"], rows["hi"] / rows["spread"]
    edge = max(1.5, float(np.nanmax(np.abs(np.r_[lo, hi]))) * 1.08)
    ax.axvspan(-1, 1, color=NOISE, zorder=0, label="within the spread between seeds (seed noise)")
    ax.axvline(0, color="#888", lw=0.8, zorder=1)
    within = rows["within_noise"].to_numpy()
    colour = np.where(within, "#9e9e9e", "#1f3b70")
    ax.hlines(y, lo, hi, colors=colour, lw=2.2, zorder=2)
    ax.scatter(x, y, c=colour, s=36, zorder=3)
    labels = [f"{short.get(r.parameter, r.parameter)} ({r.low}→{r.high}) → {r.outcome}"
              + (f" [{r.scenario}]" if several else "") for r in rows.itertuples(index=False)]
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(-edge, edge)
    for k, r in enumerate(rows.itertuples(index=False)):
        effect, _, _, spread = effect_cells(r)
        ax.annotate(f"{effect} (spread {spread})" + (" · within noise" if r.within_noise else ""),
                    (1.01, k), xycoords=("axes fraction", "data"), va="center", fontsize=7,
                    color="#666" if r.within_noise else "#1f3b70", annotation_clip=False)
    ax.set_xlabel("effect of going from the low to the high level, in spreads between seeds "
                  f"(1 = one standard deviation between replications); bars: {int(INTERVAL * 100)}% intervals",
                  fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    ax.legend(loc="lower right", fontsize=7, frameon=True)
    ax.set_title(f"{data.manifest['name']}: what moves what, ranked (grey: smaller than the spread between seeds)",
                 fontsize=10)
    fig.tight_layout(rect=(0, 0, 0.84, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _honest_axis(ax, y: np.ndarray, spread: float) -> None:
    """Shade the seed-noise band around the mean, keep it in view, and say when the axis is zoomed."""
    finite = y[np.isfinite(y)]
    if not len(finite):
        return
    centre = float(np.mean(finite))
    if spread == spread and spread > 0:
        ax.axhspan(centre - spread, centre + spread, color=NOISE, zorder=0)
        low, high = min(finite.min(), centre - 1.5 * spread), max(finite.max(), centre + 1.5 * spread)
    else:
        low, high = float(finite.min()), float(finite.max())
    pad = (high - low) * 0.05 or abs(centre) * 0.05 or 0.05
    ax.set_ylim(low - pad, high + pad)
    low, high = ax.get_ylim()
    top = max(abs(low), abs(high))
    if top > 0 and (high - low) < ZOOMED * top and not (low <= 0 <= high):
        ax.text(0.02, 0.97, f"zoomed: axis spans only {high - low:.2g} around {centre:.3g}",
                transform=ax.transAxes, fontsize=6.5, color="#b71c1c", va="top",
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1})


def _grid(n: int, cols: int) -> tuple[int, int]:
    cols = max(1, min(cols, n))
    return (n + cols - 1) // cols, cols


def _save(fig, path: Path, footer: str = "") -> Path:
    """Lay out and write a figure; ``footer`` is a line of small print kept clear of the axes."""
    if footer:
        fig.text(0.5, 0.004, footer, ha="center", va="bottom", fontsize=7, wrap=True)
    fig.tight_layout(rect=(0, 0.025 if footer else 0, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def outcome_distributions(data: SweepData, outcomes: list[str], path: Path) -> Path | None:
    ok = data.ok
    if ok.empty or not outcomes:
        return None
    outcomes = outcomes[:12]
    rows, cols = _grid(len(outcomes), 3)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.0 * rows), squeeze=False)
    scenarios = sorted(ok["scenario"].unique())
    for ax, name in zip(axes.flat, outcomes):
        values = ok[name].dropna().to_numpy(dtype=float)
        bins = np.histogram_bin_edges(values, bins=min(30, max(5, len(values) // 5))) if len(values) else 10
        for s in scenarios:
            v = ok.loc[ok["scenario"] == s, name].dropna().to_numpy(dtype=float)
            ax.hist(v, bins=bins, alpha=0.6 if len(scenarios) > 1 else 0.9, label=s)
        ax.set_title(name, fontsize=9)
        ax.set_ylabel("runs", fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in axes.flat[len(outcomes):]:
        ax.set_visible(False)
    if len(scenarios) > 1:
        axes.flat[0].legend(fontsize=7)
    fig.suptitle(f"{data.manifest['name']}: outcome distributions ({len(ok)} runs)", fontsize=10)
    return _save(fig, path)


def _numeric(values: pd.Series) -> tuple[np.ndarray, list | None]:
    """Values on an axis: numbers as they are, anything else as category positions."""
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        cats = sorted(values.dropna().unique(), key=str)
        pos = {c: i for i, c in enumerate(cats)}
        return values.map(pos).to_numpy(dtype=float), cats
    return values.to_numpy(dtype=float), None


def parameter_scatter(data: SweepData, outcomes: list[str], path: Path) -> Path | None:
    ok = data.ok
    params = data.params[:MAX_PARAMS]
    outcomes = outcomes[:MAX_OUTCOMES]
    if ok.empty or not params or not outcomes:
        return None
    fig, axes = plt.subplots(len(outcomes), len(params), squeeze=False,
                             figsize=(3.3 * len(params), 2.6 * len(outcomes)))
    rng = np.random.default_rng(0)
    short = short_names(params)
    spreads = {o: seed_spread(ok, o) for o in outcomes}
    for j, p in enumerate(params):
        x, cats = _numeric(ok[p])
        levels = np.unique(x[~np.isnan(x)])
        discrete = cats is not None or len(levels) <= 12
        span = (levels.max() - levels.min()) if len(levels) > 1 else 1.0
        jitter = rng.uniform(-0.015, 0.015, len(x)) * span if discrete else 0.0
        for i, o in enumerate(outcomes):
            ax = axes[i, j]
            y = ok[o].to_numpy(dtype=float)
            _honest_axis(ax, y, spreads[o])
            ax.scatter(x + jitter, y, s=6, alpha=0.35, color="tab:blue", linewidths=0)
            if discrete:
                means = [np.nanmean(y[x == v]) for v in levels]
                ax.plot(levels, means, color="tab:red", marker="o", ms=3, lw=1.2)
            if cats is not None:
                ax.set_xticks(range(len(cats)), [str(c) for c in cats])
            if i == len(outcomes) - 1:
                ax.set_xlabel(short[p], fontsize=8)
            if j == 0:
                ax.set_ylabel(o, fontsize=8)
            ax.tick_params(labelsize=7)
    fig.suptitle(f"{data.manifest['name']}: parameters vs outcomes (red: mean per level; grey band: "
                 "± the spread between seeds around the mean)", fontsize=10)
    paths = "; ".join(f"{short[p]} = {p}" for p in params) if any(short[p] != p for p in params) else ""
    return _save(fig, path, footer=paths)


def bloc_membership_plot(data: SweepData, path: Path) -> Path | None:
    scenarios = sorted(data.ok["scenario"].unique()) if not data.ok.empty else []
    found = [(s, bloc_membership(data, s)) for s in scenarios]
    found = [(s, r) for s, r in found if r is not None]
    if not found:
        return None
    fig, axes = plt.subplots(len(found), 2, squeeze=False,
                             figsize=(13, max(3.5, 0.28 * len(found[0][1][0]) + 1.5) * len(found)))
    for row, (scenario, (freq, co)) in enumerate(found):
        ax = axes[row, 0]
        left = np.zeros(len(freq))
        for col in freq.columns:
            color = ("tab:blue" if "(west)" in col else "tab:red" if "(east)" in col
                     else "lightgray" if col == "non-aligned" else "tab:gray")
            ax.barh(freq.index, freq[col], left=left, label=col, color=color)
            left += freq[col].to_numpy()
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel("share of runs", fontsize=8)
        ax.set_title(f"{scenario}: bloc membership per actor", fontsize=9)
        ax.legend(fontsize=7, loc="lower right")
        ax.tick_params(labelsize=7)
        ax = axes[row, 1]
        im = ax.imshow(co.to_numpy(), vmin=0, vmax=1, cmap="viridis")
        ax.set_xticks(range(len(co)), co.columns, rotation=90, fontsize=6)
        ax.set_yticks(range(len(co)), co.index, fontsize=6)
        ax.set_title(f"{scenario}: share of runs two actors share a bloc", fontsize=9)
        fig.colorbar(im, ax=ax, fraction=0.046)
    return _save(fig, path)
