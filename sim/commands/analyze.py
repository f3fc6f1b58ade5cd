"""`blocsim analyze DIR`: the finding first (sentences, effects ranked against the spread between
seeds), then sensitivity indices and the points; the work is done by sim.sweep.report."""

from __future__ import annotations

import argparse

NAME = "analyze"
HELP = "summarise a sweep folder: finding, effects vs seed noise, Sobol/Morris indices, plots, HTML report"
PRINT_ROWS = 16       # points printed (all are in summary.csv)
PRINT_EFFECTS = 15    # effects printed (all are in effects.csv)
WIDTH = 100           # the width when the output is not a terminal
PAD = 2               # the space rich puts between two columns (padding 0 1, collapsed)


def register(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        NAME, help=HELP,
        description="Read the results of `blocsim sweep` (finished or partial) and write "
                    "effects.csv, summary.csv, sensitivity.csv, PNG plots and report.html into DIR/analysis.")
    p.add_argument("dir", metavar="DIR", help="the --out folder of a sweep")
    p.add_argument("--outcomes", nargs="+", metavar="PATTERN",
                   help="outcomes to summarise and plot (names or glob patterns; default: the "
                        "spec's, else the headline ones)")
    p.add_argument("--report", metavar="PATH", help="where to write the HTML report "
                                                    "(default DIR/analysis/report.html)")
    p.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    p.set_defaults(func=run)
    return p


def _table(title: str, columns: list[str], rows: list[list[str]], right: set[str] = frozenset()):
    """A rich table whose values are never cut: columns no narrower than their widest value."""
    from rich import box
    from rich.table import Table

    t = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False, collapse_padding=True,
              show_edge=False)
    for k, c in enumerate(columns):
        width = max([len(r[k]) for r in rows] + [max(len(w) for w in c.split())])
        t.add_column(c, justify="right" if c in right else "left", no_wrap=False, min_width=width,
                     overflow="fold")
    for r in rows:
        t.add_row(*r)
    return t


def _chunks(fixed: list[int], widths: list[int], limit: int) -> list[list[int]]:
    """Split columns (by width) into groups that fit ``limit`` next to the ``fixed`` ones."""
    room = limit - sum(w + PAD for w in fixed)
    groups: list[list[int]] = [[]]
    used = 0
    for k, w in enumerate(widths):
        if groups[-1] and used + w + PAD > room:
            groups.append([])
            used = 0
        groups[-1].append(k)
        used += w + PAD
    return groups


def _print(result: dict) -> None:
    from rich.console import Console

    from sim.sweep.analysis import fmt, sensitivity_wide, short_names
    from sim.sweep.report import effects_rows

    console = Console()
    if not console.is_terminal:
        console = Console(width=WIDTH)
    data, summary = result["data"], result["summary"]
    res = data.results
    n_ok = int((res["status"] == "ok").sum())
    console.print(f"[bold]{data.manifest['name']}[/]: {len(res)}/{data.manifest['n_runs']} runs finished "
                  f"({n_ok} ok, {len(res) - n_ok} failed); design {data.manifest['design']['kind']}")
    console.print("\n[bold]Finding[/]")
    for k, line in enumerate(result["finding"]):
        console.print(line if k == 0 else f"{k}. {line}", style="dim" if "within seed noise" in line else None)
    effects = effects_rows(data, result["effects"])
    if not effects.empty:
        shown = effects.drop(columns=["rank"]).head(PRINT_EFFECTS)
        cols = list(shown.columns)
        console.print(_table(f"effects, ranked against the spread between seeds ({len(effects)} in effects.csv)",
                             cols, shown.astype(str).values.tolist(),
                             right={"effect", "90% interval", "seed spread", "vs spread"}))
    short = short_names(data.params)
    sens = result["sensitivity"]
    if not sens.empty:
        wide = sensitivity_wide(sens)
        wide["parameter"] = wide["parameter"].map(lambda p: short.get(p, p))
        if wide["scenario"].nunique() == 1:
            wide = wide.drop(columns=["scenario"])
        console.print(_table(f"sensitivity ({sens['method'].iloc[0]}; ± half-width of the 95% interval)",
                             list(wide.columns), wide.fillna("").astype(str).values.tolist(),
                             right=set(wide.columns) - {"scenario", "outcome", "parameter"}))
    for note in result["notes"]:
        console.print(f"[dim]{note}[/]")
    _print_points(console, data, summary, result["outcomes"], short, fmt)
    console.print(f"wrote {result['folder']}/effects.csv, summary.csv, sensitivity.csv"
                  + (", " + ", ".join(p.name for p in result["images"].values() if p) if result["images"] else "")
                  + f" and {result['report']}")


def _print_points(console, data, summary, outcomes, short, fmt) -> None:
    """The points, mean ± sd per outcome, split into tables that fit the width, never cut."""
    params = data.params
    several = summary["scenario"].nunique() > 1
    head = summary.head(PRINT_ROWS)
    fixed_cols = (["scenario"] if several else []) + [short[p] for p in params] + ["runs"]
    fixed = [(([str(r["scenario"])] if several else []) + [fmt(r[p]) for p in params]
              + [f"{r['runs_ok']}" + (f" (+{r['runs_failed']} failed)" if r["runs_failed"] else "")])
             for _, r in head.iterrows()]
    cells = [[f"{fmt(r[f'{o} mean'])} ± {fmt(r[f'{o} sd'])}" for o in outcomes] for _, r in head.iterrows()]
    fixed_w = [max([len(row[k]) for row in fixed] + [len(c)]) for k, c in enumerate(fixed_cols)]
    widths = [max([len(row[k]) for row in cells] + [len(o)]) for k, o in enumerate(outcomes)]
    groups = _chunks(fixed_w, widths, console.width)
    for g, group in enumerate(groups, 1):
        part = f", part {g} of {len(groups)}" if len(groups) > 1 else ""
        console.print(_table(f"outcomes by parameter point (mean ± sd over replications{part})",
                             fixed_cols + [outcomes[k] for k in group],
                             [f + [c[k] for k in group] for f, c in zip(fixed, cells)],
                             right={outcomes[k] for k in group}))
    if any(short[p] != p for p in params):
        console.print("[dim]" + "; ".join(f"{short[p]} = {p}" for p in params) + "[/]")
    if len(summary) > PRINT_ROWS:
        console.print(f"... {len(summary) - PRINT_ROWS} more points in summary.csv")


def run(args) -> int:
    from sim.sweep.report import analyze

    _print(analyze(args.dir, args.outcomes, args.report, plots=not args.no_plots))
    return 0
