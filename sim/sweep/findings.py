"""What a sweep found, in plain sentences: which parameter moves which outcome, by how much,
and whether that is more than the run-to-run spread.

- The *effect* of a parameter on an outcome is the mean outcome at its highest level minus
  the mean at its lowest (for a parameter sampled over a range: the top quarter of its values
  against the bottom quarter; for text values, the levels with the largest and smallest
  means), averaged over everything else the sweep varied.
- Its *interval* is a 90% bootstrap interval (runs resampled within each of the two groups).
- The *spread* is how far runs differ by their seed alone: the standard deviation between
  the replications of one point, pooled over the points. An effect smaller than the spread
  is marked as such: a single run could not show it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.sweep.analysis import SweepData, short_names

BOOTSTRAP = 1000
LEVELS_AS_RANGE = 6      # more distinct values than this: compare the top and bottom quarters
SUMMARY_SENTENCES = 5
INTERVAL = 0.90

COLUMNS = ["scenario", "outcome", "parameter", "low", "high", "mean_low", "mean_high", "effect",
           "lo", "hi", "spread", "in_spreads", "within_noise", "n_low", "n_high"]


def seed_spread(ok: pd.DataFrame, outcome: str) -> float:
    """The standard deviation between replications of one point, pooled over the points."""
    groups = ok.groupby([c for c in ("scenario", "point_id") if c in ok.columns])[outcome]
    var, n = groups.var(ddof=1), groups.count()
    keep = (n > 1) & var.notna()
    if not keep.any():
        return math.nan
    return float(np.sqrt((var[keep] * (n[keep] - 1)).sum() / (n[keep] - 1).sum()))


def _groups(values: pd.Series) -> tuple[pd.Series, pd.Series, str, str] | None:
    """Boolean masks of the low and high groups of a parameter's values, and their labels."""
    v = values.dropna()
    if v.nunique() < 2:
        return None
    if pd.api.types.is_bool_dtype(v) or all(isinstance(x, (bool, np.bool_)) for x in v.unique()):
        return values == False, values == True, "false", "true"  # noqa: E712 - the values are booleans
    if pd.api.types.is_numeric_dtype(v):
        levels = np.sort(v.unique())
        if len(levels) <= LEVELS_AS_RANGE:
            lo, hi = levels[0], levels[-1]
            return values == lo, values == hi, _plain(lo), _plain(hi)
        q1, q3 = v.quantile(0.25), v.quantile(0.75)
        return values <= q1, values >= q3, f"at most {_plain(q1)}", f"at least {_plain(q3)}"
    return None   # text levels: chosen by their means in `effects`


def effects(data: SweepData, outcomes: list[str], seed: int = 0) -> pd.DataFrame:
    """One row per scenario, outcome and parameter (see the module docstring), ranked: the
    effects largest against the spread first."""
    rng = np.random.default_rng(seed)
    rows = []
    ok = data.ok
    for scenario in sorted(ok["scenario"].unique()) if not ok.empty else []:
        sub = ok[ok["scenario"] == scenario]
        for outcome in outcomes:
            y = sub[outcome].astype(float)
            if y.notna().sum() < 2:
                continue
            spread = seed_spread(sub, outcome)
            for p in data.params:
                found = _groups(sub[p])
                if found is None and sub[p].nunique() >= 2:
                    means = y.groupby(sub[p].astype(str)).mean().sort_values()
                    lo_l, hi_l = means.index[0], means.index[-1]
                    found = sub[p].astype(str) == lo_l, sub[p].astype(str) == hi_l, lo_l, hi_l
                if found is None:
                    continue
                low_mask, high_mask, low, high = found
                a, b = y[low_mask].dropna().to_numpy(), y[high_mask].dropna().to_numpy()
                if not len(a) or not len(b):
                    continue
                effect = b.mean() - a.mean()
                boot = (rng.choice(b, (BOOTSTRAP, len(b))).mean(axis=1)
                        - rng.choice(a, (BOOTSTRAP, len(a))).mean(axis=1))
                lo, hi = np.quantile(boot, [(1 - INTERVAL) / 2, (1 + INTERVAL) / 2])
                scale = spread if spread > 0 else math.nan
                rows.append([scenario, outcome, p, low, high, a.mean(), b.mean(), effect, lo, hi, spread,
                             abs(effect) / scale if scale == scale else math.nan,
                             bool(abs(effect) < spread) if spread == spread else False, len(a), len(b)])
    df = pd.DataFrame(rows, columns=COLUMNS)
    if df.empty:
        return df
    df["_rank"] = df["in_spreads"].fillna(-1.0)
    df["_abs"] = df["effect"].abs()
    return df.sort_values(["_rank", "_abs"], ascending=False).drop(columns=["_rank", "_abs"]).reset_index(drop=True)


def _plain(x) -> str:
    if isinstance(x, (bool, np.bool_)):
        return "true" if x else "false"
    if isinstance(x, (int, np.integer)) or (isinstance(x, float) and float(x).is_integer()):
        return str(int(x))
    return f"{float(x):.3g}"


def decimals(ref: float) -> int:
    """Decimals that show ``ref`` with two significant digits (0 for numbers of 10 and more)."""
    if not ref or ref != ref or math.isinf(ref):
        return 2
    return max(0, 1 - math.floor(math.log10(abs(ref))))


def num(x: float, places: int) -> str:
    """A number with ``places`` decimals ('-0.0' printed as '0.0')."""
    text = f"{x:.{places}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def sentence(row, params: list[str]) -> str:
    """'Raising step from 32 to 44 moves front.ukraine by −0.45 (90% interval −1.2 to 0.30),
    less than the spread between seeds (1.9).'"""
    short = short_names(params)
    name = short.get(row.parameter, row.parameter)
    verb = "Switching" if (row.low, row.high) == ("false", "true") else \
        "Raising" if _is_number(row.low) or str(row.low).startswith("at most") else "Changing"
    effect, lo, hi, spread = effect_cells(row)
    text = (f"{verb} {name} from {row.low} to {row.high} moves {row.outcome} by {effect} "
            f"({int(INTERVAL * 100)}% interval {lo} to {hi})")
    if row.spread != row.spread:
        return text + "; with one run per point, the spread between seeds is unknown."
    if row.within_noise:
        return text + f", less than the spread between seeds ({spread}): within seed noise."
    return text + f", {row.in_spreads:.1f} times the spread between seeds ({spread})."


def effect_cells(row) -> tuple[str, str, str, str]:
    """Effect, interval ends and spread as text, to the precision the spread warrants."""
    known = row.spread == row.spread and row.spread > 0
    d = decimals(max(row.spread, abs(row.effect) / 10) if known else abs(row.effect))
    spread = f"{row.spread:.2g}" if known else "?"
    return num(row.effect, d), num(row.lo, d), num(row.hi, d), spread


def _is_number(s) -> bool:
    try:
        float(str(s))
        return True
    except ValueError:
        return False


def summary_sentences(data: SweepData, table: pd.DataFrame, outcomes: list[str] | None = None,
                      limit: int = SUMMARY_SENTENCES) -> list[str]:
    """The finding in plain sentences: how many effects beat the spread between seeds, then each
    outcome's largest effect (outcomes in the order given: the spec's, headline ones first)."""
    if table.empty:
        return ["No parameter changed any outcome these runs report (or no run finished)."]
    reps = int(data.manifest.get("replications", 1))
    # each outcome's largest effect, outcomes in the order asked for (the spec's, headline first)
    firsts = table.drop_duplicates(["scenario", "outcome"], keep="first")
    order = {o: k for k, o in enumerate(outcomes or [])}
    firsts = firsts.sort_values("outcome", key=lambda col: col.map(order).fillna(len(order)), kind="stable")
    out = [sentence(r, data.params) for r in firsts.head(limit).itertuples(index=False)]
    within = int(table["within_noise"].sum())
    clear = table[~table["within_noise"] & (np.sign(table["lo"]) == np.sign(table["hi"]))]
    if within == len(table):
        out.insert(0, f"No parameter moves any of these outcomes by more than the spread between seeds: "
                      f"with {reps} replication{'s' if reps != 1 else ''} per point, none of the "
                      f"{len(table)} effects can be told from chance in a single run.")
    else:
        out.insert(0, f"{len(clear)} of {len(table)} parameter-outcome effects exceed the spread between "
                      f"seeds with an interval clear of zero; {within} are smaller than that spread "
                      "(marked 'within seed noise').")
    return out


def sobol_notes(sens: pd.DataFrame) -> list[str]:
    """Plain words for Sobol indices outside [0, 1], which happen through sampling error."""
    if sens is None or sens.empty or "sobol" not in set(sens["method"]):
        return []
    s = sens[(sens["method"] == "sobol")]
    odd = s[(s["value"] < 0) | (s["value"] > 1)]
    if odd.empty:
        return []
    names = ", ".join(f"{r.index} of {r.parameter} on {r.outcome} = {r.value:.2f}"
                      for r in odd.head(6).itertuples(index=False))
    return [f"{len(odd)} Sobol ind{'ices' if len(odd) != 1 else 'ex'} fall outside [0, 1] ({names}"
            f"{', ...' if len(odd) > 6 else ''}). A share of variance cannot be negative or above 1: "
            "these are sampling error from a small number of samples, not findings. Read an index "
            "below 0 as about 0 and one above 1 as about 1, and trust an index only as far as its "
            "± interval; more samples (the spec's `samples:`) narrow it."]
