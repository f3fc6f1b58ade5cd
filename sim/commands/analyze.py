"""`blocsim analyze DIR`: summary table, sensitivity indices, plots and an HTML report."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.errors import UserError

NAME = "analyze"
HELP = "summarise a sweep folder: table, Sobol/Morris indices, plots, HTML report"
PRINT_ROWS = 25


def register(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        NAME, help=HELP,
        description="Read the results of `blocsim sweep` (finished or partial) and write "
                    "summary.csv, sensitivity.csv, PNG plots and report.html into DIR/analysis.")
    p.add_argument("dir", metavar="DIR", help="the --out folder of a sweep")
    p.add_argument("--outcomes", nargs="+", metavar="PATTERN",
                   help="outcomes to summarise and plot (names or glob patterns; default: the "
                        "spec's, else the headline ones)")
    p.add_argument("--report", metavar="PATH", help="where to write the HTML report "
                                                    "(default DIR/analysis/report.html)")
    p.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    p.set_defaults(func=run)
    return p


def analyze(out: str | Path, outcomes: list[str] | None = None, report: str | Path | None = None,
            plots: bool = True) -> dict:
    """Write the analysis files; returns what was written and computed."""
    from sim.sweep import plots as pl
    from sim.sweep.analysis import load, pick_outcomes, sensitivity, summary_table
    from sim.sweep.report import write_report

    data = load(out)
    if data.results.empty:
        raise UserError(f"{out}: no finished runs yet (run or resume `blocsim sweep` first)")
    chosen = pick_outcomes(data, outcomes)
    if outcomes and not chosen:
        raise UserError(f"--outcomes: {' '.join(outcomes)} match no numeric outcome "
                        f"(some of: {', '.join(data.outcome_columns[:20])})")
    folder = Path(out) / "analysis"
    folder.mkdir(exist_ok=True)
    everything = pick_outcomes(data, outcomes, limit=None) if outcomes else data.outcome_columns
    summary_full = summary_table(data, everything)
    summary_full.to_csv(folder / "summary.csv", index=False)
    summary = summary_table(data, chosen)
    sens, notes = sensitivity(data, chosen, seed=int(data.manifest.get("root_seed", 0)) % (2**31))
    sens.to_csv(folder / "sensitivity.csv", index=False)
    images: dict[str, Path | None] = {}
    if plots:
        images = {
            "distributions": pl.outcome_distributions(data, chosen, folder / "outcome_distributions.png"),
            "scatter": pl.parameter_scatter(data, chosen, folder / "parameter_scatter.png"),
            "blocs": pl.bloc_membership_plot(data, folder / "bloc_membership.png"),
        }
    report_path = Path(report) if report else folder / "report.html"
    write_report(data, summary, sens, notes, images, report_path)
    return {"data": data, "outcomes": chosen, "summary": summary, "sensitivity": sens, "notes": notes,
            "images": images, "report": report_path, "folder": folder}


def _print(result: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    from sim.sweep.analysis import short_names

    console = Console()
    if not console.is_terminal:
        console = Console(width=200)
    data = result["data"]
    summary = result["summary"]
    res = data.results
    n_ok = int((res["status"] == "ok").sum())
    console.print(f"[bold]{data.manifest['name']}[/]: {len(res)}/{data.manifest['n_runs']} runs finished "
                  f"({n_ok} ok, {len(res) - n_ok} failed); design {data.manifest['design']['kind']}")
    table = Table(title="outcomes by parameter point (mean ± sd over replications)")
    params = data.params
    several = summary["scenario"].nunique() > 1
    short = short_names(params)
    for c in (["scenario"] if several else []) + [short[p] for p in params] + ["runs"]:
        table.add_column(c, overflow="fold")
    for o in result["outcomes"]:
        table.add_column(o, justify="right", overflow="fold")
    for _, row in summary.head(PRINT_ROWS).iterrows():
        cells = ([str(row["scenario"])] if several else []) + [_fmt(row[p]) for p in params]
        cells.append(f"{row['runs_ok']}" + (f" (+{row['runs_failed']} failed)" if row["runs_failed"] else ""))
        cells += [f"{_fmt(row[f'{o} mean'])} ± {_fmt(row[f'{o} sd'])}" for o in result["outcomes"]]
        table.add_row(*cells)
    console.print(table)
    if any(short[p] != p for p in params):
        console.print("[dim]" + "; ".join(f"{short[p]} = {p}" for p in params) + "[/]")
    if len(summary) > PRINT_ROWS:
        console.print(f"... {len(summary) - PRINT_ROWS} more points in {result['folder'] / 'summary.csv'}")
    sens = result["sensitivity"]
    if not sens.empty:
        wide = sensitivity_wide(sens)
        t = Table(title=f"sensitivity ({sens['method'].iloc[0]}; ± half-width of the 95% interval)")
        for c in wide.columns:
            t.add_column(str(c), justify="left" if c in ("scenario", "outcome", "parameter") else "right")
        for _, row in wide.iterrows():
            t.add_row(*[_fmt(v) for v in row])
        if len(wide) > 60:
            console.print(f"({len(wide)} rows; all in {result['folder'] / 'sensitivity.csv'})")
        console.print(t)
    for note in result["notes"]:
        console.print(f"[dim]{note}[/]")
    console.print(f"wrote {result['folder']}/summary.csv, sensitivity.csv"
                  + (", " + ", ".join(p.name for p in result["images"].values() if p) if result["images"] else "")
                  + f" and {result['report']}")


def sensitivity_wide(sens):
    """One row per scenario, outcome and parameter; each index as 'value ± conf'."""
    import pandas as pd

    rows = {}
    for r in sens.itertuples(index=False):
        key = (r.scenario, r.outcome, r.parameter)
        cell = _fmt(float(r.value)) + ("" if pd.isna(r.conf) else f" ± {_fmt(float(r.conf))}")
        rows.setdefault(key, {})[r.index] = cell
    return pd.DataFrame([{"scenario": k[0], "outcome": k[1], "parameter": k[2], **v}
                         for k, v in rows.items()])


def _fmt(v) -> str:
    if isinstance(v, float):
        return "" if v != v else f"{v:.3g}"
    return str(v)


def run(args) -> int:
    result = analyze(args.dir, args.outcomes, args.report, plots=not args.no_plots)
    _print(result)
    return 0
