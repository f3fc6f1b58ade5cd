"""A self-contained HTML report of a sweep: one file, images embedded as base64."""

from __future__ import annotations

import base64
import html
from pathlib import Path

import pandas as pd

from sim.sweep.analysis import SweepData

MAX_TABLE_ROWS = 300

CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.8em; margin: 0.5em 0; }
th, td { border: 1px solid #ddd; padding: 2px 6px; text-align: right; }
th { background: #f4f4f4; } td.l, th.l { text-align: left; }
img { max-width: 100%; border: 1px solid #eee; margin: 0.5em 0; }
.note { color: #666; font-size: 0.9em; } code { background: #f4f4f4; padding: 0 3px; }
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


def write_report(data: SweepData, summary: pd.DataFrame, sens: pd.DataFrame, notes: list[str],
                 plots: dict[str, Path | None], path: Path) -> Path:
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
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(m['name'])}: sweep report"
        f"</title><style>{CSS}</style></head><body>",
        f"<h1>Sweep report: {html.escape(m['name'])}</h1>",
        f"<p>{html.escape(m['spec'].get('description') or '')}</p>",
        f"<p>Design <b>{d['kind']}</b> over {len(d['parameters'])} parameter(s), {d['points']} points x "
        f"{m['replications']} replications x {len(m.get('scenarios', []))} scenario(s) = {m['n_runs']} runs. "
        f"Finished: <b>{len(res)}</b> ({n_ok} ok, {n_err} failed). Root seed {m['root_seed']}.</p>",
        f"<ul>{scen}</ul><p class='note'>{html.escape(versions)}; spec "
        f"<code>{html.escape(m.get('spec_file', ''))}</code> sha256 <code>{m['spec_sha256'][:16]}</code></p>",
        "<h2>Outcomes by parameter point</h2><p class='note'>Mean and standard deviation over the "
        "replications that finished.</p>",
        _table(summary),
        "<h2>Sensitivity</h2>",
    ]
    if sens is not None and not sens.empty:
        from sim.commands.analyze import sensitivity_wide

        parts.append("<p class='note'>Each index with the half-width of its 95% bootstrap interval "
                     "(SALib); indices are computed on the mean over replications at each point.</p>")
        parts.append(_table(sensitivity_wide(sens)))
    parts += [f"<p class='note'>{html.escape(n)}</p>" for n in notes]
    parts += [
        "<h2>Outcome distributions</h2>", _img(plots.get("distributions"), "outcome distributions"),
        "<h2>Parameters against outcomes</h2>", _img(plots.get("scatter"), "parameter-outcome scatter"),
        "<h2>Bloc membership</h2>", _img(plots.get("blocs"), "bloc membership"),
    ]
    if n_err:
        cols = ["run_id", "scenario", "seed", *data.params, "error"]
        parts += ["<h2>Failed runs</h2>", _table(res.loc[res["status"] != "ok", cols].head(100))]
    parts.append("<h2>Spec</h2><pre>" + html.escape(m.get("spec_text", "")) + "</pre></body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
