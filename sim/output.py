"""Writing a run's results to disk and summarising it for a person."""

from __future__ import annotations

import json
from pathlib import Path

from sim.errors import UserError
from sim.review import after_action_review, front_sentence, vote_sentence


def write_outputs(model, out: Path, fmt: str = "parquet", overrides: dict | None = None,
                  summary: dict | None = None) -> dict[str, Path]:
    """series, agent series, event log (JSONL), summary (JSON) and after-action review (Markdown) in `out`."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"--out {out}: cannot create the folder: {exc.strerror} (a writable folder)") from None
    files = {"series": out / f"series.{fmt}", "agents": out / f"agents.{fmt}",
             "events": out / "events.jsonl", "summary": out / "summary.json", "review": out / "review.md"}
    for key, frame in (("series", model.series()), ("agents", model.agent_series())):
        if fmt == "parquet":
            frame.to_parquet(files[key], index=False)
        else:
            frame.to_csv(files[key], index=False)
    model.events.to_jsonl(files["events"])
    summary = summary or model.summary()
    files["summary"].write_text(json.dumps(summary, indent=2), encoding="utf-8")
    files["review"].write_text(after_action_review(model, overrides, summary), encoding="utf-8")
    return files


def print_summary(model, summary: dict, files: dict[str, Path], overrides: dict | None = None) -> None:
    """The run in a few tables for the console; the overrides in force, if any, said first."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    c = Console()
    names = dict(zip(model.world.ids, model.world.names))
    c.print(f"[bold]{summary['scenario']}[/] - seed {summary['seed']}, {summary['steps']} months "
            f"({summary['start']} to {summary['end']}), alignment rule: [bold]{summary['alignment_rule']}[/]")
    if overrides:
        c.print(f"[bold yellow]Overrides in force ({len(overrides)}), changed from the scenario file:[/] "
                + escape("; ".join(f"{k} = {v}" for k, v in overrides.items())))
    t = Table(title="Blocs at the end")
    t.add_column("bloc")
    t.add_column("members")
    t.add_column("cohesion", justify="right")
    for i, (members, coh) in enumerate(zip(summary["blocs"], summary["cohesion"]), 1):
        t.add_row(str(i), ", ".join(names[m] for m in members), f"{coh:.2f}")
    if summary["nonaligned"]:
        t.add_row("-", "non-aligned: " + ", ".join(names[m] for m in summary["nonaligned"]), "")
    c.print(t)
    t = Table(title=f"Lean (-1 US-led pole .. +1 Russia/China pole); polarization {summary['polarization']:.2f}")
    t.add_column("actor")
    t.add_column("lean", justify="right")
    t.add_column("", no_wrap=True)
    t.add_column("sanction pressure", justify="right")
    for aid, x in sorted(summary["lean"].items(), key=lambda kv: kv[1]):
        pos = int(round((x + 1) * 10))
        bar = "." * pos + "|" + "." * (20 - pos)
        t.add_row(names[aid], f"{x:+.2f}", bar, f"{summary['sanction_pressure'].get(aid, 0):.2f}")
    c.print(t)
    t = Table(title="Largest arms and aid flows (whole run)")
    for col in ("from", "to", "amount"):
        t.add_column(col)
    for f in summary["arms_flows"][:8]:
        t.add_row(names[f["from"]], names[f["to"]], f"{f['amount']:,.0f} {f['units']}")
    for f in summary["aid_flows"][:5]:
        t.add_row(names[f["from"]], names[f["to"]], f"${f['bn']:,.1f}bn {f['item'].replace('_', ' ')}")
    c.print(t)
    for tid, front in summary["front"].items():
        th = model.spec.theaters[tid]
        c.print(f"Front [bold]{th.name}[/]: {front_sentence(th, front, names)}")
    for v in summary["votes"]:
        c.print(vote_sentence(v, v["id"], names))
        c.print(f"   against: {', '.join(v['against']) or '-'}; abstain: {', '.join(v['abstain']) or '-'}")
    c.print(f"{summary['events_logged']} actions logged. Files: " + ", ".join(str(p) for p in files.values()))
