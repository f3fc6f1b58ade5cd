"""PNG plots of a sweep (matplotlib, Agg backend: no display needed).

- outcome distributions: a histogram per outcome, one colour per scenario;
- parameter-outcome scatter: each parameter against each outcome, with the mean per level;
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

MAX_PARAMS = 6
MAX_OUTCOMES = 6


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
    for j, p in enumerate(params):
        x, cats = _numeric(ok[p])
        levels = np.unique(x[~np.isnan(x)])
        discrete = cats is not None or len(levels) <= 12
        span = (levels.max() - levels.min()) if len(levels) > 1 else 1.0
        jitter = rng.uniform(-0.015, 0.015, len(x)) * span if discrete else 0.0
        for i, o in enumerate(outcomes):
            ax = axes[i, j]
            y = ok[o].to_numpy(dtype=float)
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
    fig.suptitle(f"{data.manifest['name']}: parameters vs outcomes (red: mean per level)", fontsize=10)
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
