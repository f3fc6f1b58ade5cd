"""`blocsim analyze`'s work: read a sweep folder, compute, plot, and write a self-contained
HTML report (one file, images embedded) that opens with its finding: plain sentences and one
chart ranked with intervals against the spread between seeds. The points table comes last,
collapsed and scrollable."""

from __future__ import annotations

import base64
import html
from pathlib import Path

import pandas as pd

from sim.errors import UserError
from sim.sweep.analysis import SweepData, load, pick_outcomes, sensitivity, sensitivity_wide, summary_table
from sim.sweep.findings import effect_cells, effects, sobol_notes, summary_sentences

MAX_TABLE_ROWS = 300

CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.8em; margin: 0.5em 0; }
th, td { border: 1px solid #ddd; padding: 2px 6px; text-align: right; }
th { background: #f4f4f4; } td.l, th.l { text-align: left; }
img { max-width: 100%; border: 1px solid #eee; margin: 0.5em 0; }
.note { color: #666; font-size: 0.9em; } code { background: #f4f4f4; padding: 0 3px; }
.finding { font-size: 1.05em; line-height: 1.5; } .finding li { margin: 0.3em 0; }
.noise { color: #777; } .scroll { max-height: 480px; overflow: auto; border: 1px solid #eee; }
details > summary { cursor: pointer; font-weight: 600; margin: 1em 0 0.5em; }
"""


def _table(df: pd.DataFrame, floatfmt: str = "{:.4g}") -> str:
    if df is None or df.empty:
        return "<p class='note'>(empty)</p>"
    more = len(df) - MAX_TABLE_ROWS
    shown = df.head(MAX_TABLE_ROWS)
    out = ["<table><tr>" + "".join(f"<th>{html.escape(str(c))}</th>" for c in shown.columns) + "</tr>"]
    for _, row in shown.iterrows():
        cells = []
        for v in row:
            if isinstance(v, float):
                cells.append(f"<td>{'' if pd.isna(v) else floatfmt.format(v)}</td>")
            else:
                cells.append(f"<td class='l'>{html.escape(str(v))}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    if more > 0:
        out.append(f"<p class='note'>... {more} more rows in the CSV file.</p>")
    return "\n".join(out)


def _img(path: Path | None, alt: str) -> str:
    if path is None or not Path(path).exists():
        return f"<p class='note'>({alt}: no data to plot)</p>"
    data = base64.b64encode(Path(path).read_bytes()).decode()
    return f"<img alt='{html.escape(alt)}' src='data:image/png;base64,{data}'>"


def analyze(out: str | Path, outcomes: list[str] | None = None, report: str | Path | None = None,
            plots: bool = True) -> dict:
    """Write the analysis files into OUT/analysis; returns what was written and computed."""
    from sim.sweep import plots as pl

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
    summary_table(data, everything).to_csv(folder / "summary.csv", index=False)
    summary = summary_table(data, chosen)
    seed = int(data.manifest.get("root_seed", 0)) % (2**31)
    sens, notes = sensitivity(data, chosen, seed=seed)
    sens.to_csv(folder / "sensitivity.csv", index=False)
    notes = sobol_notes(sens) + notes
    table = effects(data, chosen, seed=seed)
    table.to_csv(folder / "effects.csv", index=False)
    finding = summary_sentences(data, table, chosen)
    images: dict[str, Path | None] = {}
    if plots:
        images = {
            "effects": pl.effects_chart(data, table, folder / "effects.png"),
            "distributions": pl.outcome_distributions(data, chosen, folder / "outcome_distributions.png"),
            "scatter": pl.parameter_scatter(data, chosen, folder / "parameter_scatter.png"),
            "blocs": pl.bloc_membership_plot(data, folder / "bloc_membership.png"),
        }
    report_path = Path(report) if report else folder / "report.html"
    write_report(data, summary, sens, notes, images, report_path, finding=finding, effects_table=table)
    return {"data": data, "outcomes": chosen, "summary": summary, "sensitivity": sens, "notes": notes,
            "effects": table, "finding": finding, "images": images, "report": report_path, "folder": folder}


def effects_rows(data: SweepData, table: pd.DataFrame) -> pd.DataFrame:
    """The effects as a display table: ranked, each cell as text, noise marked."""
    from sim.sweep.analysis import short_names

    short = short_names(data.params)
    rows = []
    for k, r in enumerate(table.itertuples(index=False), 1):
        effect, lo, hi, spread = effect_cells(r)
        rows.append({"rank": k, "parameter: from → to": f"{short.get(r.parameter, r.parameter)}: {r.low} → {r.high}",
                     "outcome": r.outcome, "effect": effect, "90% interval": f"{lo} to {hi}", "seed spread": spread,
                     "vs spread": "within noise" if r.within_noise else
                     ("?" if r.in_spreads != r.in_spreads else f"{r.in_spreads:.1f}×"),
                     **({"scenario": r.scenario} if table["scenario"].nunique() > 1 else {})})
    return pd.DataFrame(rows)


def write_report(data: SweepData, summary: pd.DataFrame, sens: pd.DataFrame, notes: list[str],
                 plots: dict[str, Path | None], path: Path, finding: list[str] | None = None,
                 effects_table: pd.DataFrame | None = None) -> Path:
    """The HTML report: finding first (sentences, one chart), then the evidence, the points last."""
    m = data.manifest
    res = data.results
    n_ok = int((res["status"] == "ok").sum()) if not res.empty else 0
    n_err = len(res) - n_ok
    d = m["design"]
    versions = ", ".join(f"{k} {v}" for k, v in m.get("versions", {}).items())
    scen = "".join(
        f"<li><code>{html.escape(s['label'])}</code> merged sha256 <code>{s['merged_sha256'][:16]}</code>: "
        + ", ".join(f"{html.escape(f['path'])} (<code>{f['sha256'][:12]}</code>)" for f in s.get("files", []))
        + "</li>" for s in m.get("scenarios", []))
    finding = finding or []
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(m['name'])}: sweep report"
        f"</title><style>{CSS}</style></head><body>",
        f"<h1>Sweep report: {html.escape(m['name'])}</h1>",
        f"<p>{html.escape(m['spec'].get('description') or '')}</p>",
        "<h2 id='finding'>Finding</h2>",
    ]
    if finding:
        parts.append(f"<p class='finding'>{html.escape(finding[0])}</p><ol class='finding'>"
                     + "".join(f"<li{' class=noise' if 'within seed noise' in f else ''}>{html.escape(f)}</li>"
                               for f in finding[1:]) + "</ol>")
    parts.append(_img(plots.get("effects"), "effects ranked against the spread between seeds"))
    parts.append("<p class='note'>An effect is the mean outcome at a parameter's high level minus the mean at "
                 "its low level, over everything else the sweep varied, with a 90% bootstrap interval. The "
                 "spread between seeds is the standard deviation between the replications of one point: "
                 "effects inside the grey band are smaller than what the seed alone changes.</p>")
    if effects_table is not None and not effects_table.empty:
        parts.append("<details><summary>Every effect, ranked</summary><div class='scroll'>"
                     + _table(effects_rows(data, effects_table)) + "</div></details>")
    parts += [
        "<h2>How the sweep was run</h2>",
        f"<p>Design <b>{d['kind']}</b> over {len(d['parameters'])} parameter(s), {d['points']} points x "
        f"{m['replications']} replications x {len(m.get('scenarios', []))} scenario(s) = {m['n_runs']} runs. "
        f"Finished: <b>{len(res)}</b> ({n_ok} ok, {n_err} failed). Root seed {m['root_seed']}.</p>",
        f"<ul>{scen}</ul><p class='note'>{html.escape(versions)}; spec "
        f"<code>{html.escape(m.get('spec_file', ''))}</code> sha256 <code>{m['spec_sha256'][:16]}</code></p>",
        "<h2>Sensitivity indices</h2>",
    ]
    if sens is not None and not sens.empty:
        parts.append("<p class='note'>Each index with the half-width of its 95% bootstrap interval "
                     "(SALib); indices are computed on the mean over replications at each point.</p>")
        parts.append(_table(sensitivity_wide(sens)))
    parts += [f"<p class='note'>{html.escape(n)}</p>" for n in notes]
    parts += [
        "<h2>Parameters against outcomes</h2>",
        "<p class='note'>Grey band: the mean ± the spread between seeds. A panel marked <i>zoomed</i> shows a "
        "thin slice of its scale: its differences are small in absolute terms, however tall they look.</p>",
        _img(plots.get("scatter"), "parameter-outcome scatter"),
        "<h2>Outcome distributions</h2>", _img(plots.get("distributions"), "outcome distributions"),
        "<h2>Bloc membership</h2>", _img(plots.get("blocs"), "bloc membership"),
    ]
    if n_err:
        cols = ["run_id", "scenario", "seed", *data.params, "error"]
        parts += ["<h2>Failed runs</h2>", _table(res.loc[res["status"] != "ok", cols].head(100))]
    parts += [
        "<h2>Outcomes by parameter point</h2>",
        f"<details><summary>Show the {len(summary)} points (mean and standard deviation over the replications "
        "that finished)</summary><div class='scroll'>", _table(summary), "</div></details>",
        "<h2>Spec</h2><pre>" + html.escape(m.get("spec_text", "")) + "</pre></body></html>",
    ]
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
