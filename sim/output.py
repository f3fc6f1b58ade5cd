"""Writing a run's results to disk and summarising it for a person."""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from sim.errors import UserError, not_finite
from sim.scenario.yamlio import excerpt
from sim.review import after_action_review, front_sentence, vote_sentence


OUTPUT_FILES = ("series", "agents", "events", "summary", "review")


def output_files(out: Path, fmt: str = "parquet") -> dict[str, Path]:
    return {"series": out / f"series.{fmt}", "agents": out / f"agents.{fmt}",
            "events": out / "events.jsonl", "summary": out / "summary.json", "review": out / "review.md"}


def prepare_output(out: Path, fmt: str = "parquet", where: str | None = None) -> dict[str, Path]:
    """Create `out` and check that every output file can be written there, before a run starts.
    Messages begin with `where` (how the caller named the folder), by default the folder itself."""
    where = where or str(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise UserError(f"{where}: is a file (a folder for the results)") from None
    except OSError as exc:
        raise UserError(f"{where}: cannot create the folder: {exc.strerror} (a writable folder)") from None
    if not out.is_dir():
        raise UserError(f"{where}: is not a folder (a folder for the results)")
    files = output_files(out, fmt)
    for path in files.values():
        if path.exists() and not path.is_file():
            raise UserError(f"{where}: {path.name} there is a folder or a device (a folder whose "
                            f"{path.name}, if any, is a file the run may replace)")
    try:
        with tempfile.NamedTemporaryFile(dir=out, prefix=".blocsim-write-test-"):
            pass
    except OSError as exc:
        raise UserError(f"{where}: cannot write there: {exc.strerror} (a folder you can write to)") from None
    return files


def non_finite(value: Any, path: str = "") -> list[str]:
    """Paths of the NaN or infinite numbers in a summary (nested dicts and lists)."""
    if isinstance(value, float):
        return [] if math.isfinite(value) else [path or "(value)"]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in non_finite(v, f"{path}.{k}" if path else str(k))]
    if isinstance(value, (list, tuple)):
        return [p for i, v in enumerate(value) for p in non_finite(v, f"{path}.{i}")]
    return []


def check_finite(summary: dict, frames: dict | None = None) -> None:
    """The invariant every run's outputs keep: every number is finite. A run whose inputs
    are so large that a number overflows is refused with the fields that did."""
    bad = non_finite(summary)
    for key, frame in (frames or {}).items():
        numbers = frame.select_dtypes("number")
        cols = [str(c) for c in numbers.columns if not np.isfinite(numbers[c].to_numpy(dtype=float)).all()]
        bad += [f"{key}.{c}" for c in cols]
    if bad:
        raise not_finite(summary.get("scenario", "the run"), bad)


def write_outputs(model, out: Path, fmt: str = "parquet", overrides: dict | None = None,
                  summary: dict | None = None, where: str | None = None) -> dict[str, Path]:
    """series, agent series, event log (JSONL), summary (JSON) and after-action review (Markdown) in `out`.

    Nothing is written unless every number is finite."""
    files = prepare_output(out, fmt, where)
    summary = summary or model.summary()
    frames = {"series": model.series(), "agents": model.agent_series()}
    check_finite(summary, frames)
    current = files["series"]
    try:
        for key, frame in frames.items():
            current = files[key]
            if fmt == "parquet":
                frame.to_parquet(current, index=False)
            else:
                frame.to_csv(current, index=False)
        current = files["events"]
        model.events.to_jsonl(current)
        current = files["summary"]
        current.write_text(json.dumps(summary, indent=2, allow_nan=False), encoding="utf-8")
        current = files["review"]
        current.write_text(after_action_review(model, overrides, summary), encoding="utf-8")
    except (OSError, pa.ArrowException) as exc:
        reason = getattr(exc, "strerror", None) or excerpt(str(exc), 120)
        raise UserError(f"{where or out}: cannot write {current.name}: {reason} (a folder you can write to, "
                        "with free space)") from None
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
