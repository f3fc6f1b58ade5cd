"""Exports: the run's series as CSV, the event log as JSONL, the after-action review as
Markdown (charts have their own PNG buttons)."""

from __future__ import annotations

import re

import solara

from viz.session import Frame, Session


def export_name(frame: Frame, what: str, ext: str) -> str:
    """A file name that says scenario, seed (when the reader is told it), step and content."""
    base = re.sub(r"[^A-Za-z0-9_.-]+", "-", frame.scenario).strip("-") or "run"
    seed = "" if frame.seed is None else f"-seed{frame.seed}"
    return f"{base}{seed}-step{frame.step}-{what}.{ext}"


@solara.component
def ExportsView(frame: Frame, session: Session):
    """Download buttons; the data is produced when clicked, from the current run."""
    with solara.Row(style={"flex-wrap": "wrap", "gap": "8px"}):
        solara.FileDownload(session.series_csv, filename=export_name(frame, "series", "csv"),
                            label="Series (CSV)", mime_type="text/csv")
        solara.FileDownload(session.agents_csv, filename=export_name(frame, "actors", "csv"),
                            label="Per-actor series (CSV)", mime_type="text/csv")
        solara.FileDownload(session.events_jsonl, filename=export_name(frame, "events", "jsonl"),
                            label="Event log (JSONL)", mime_type="application/x-ndjson")
        solara.FileDownload(session.review_md, filename=export_name(frame, "review", "md"),
                            label="After-action review (Markdown)", mime_type="text/markdown")
    solara.Text("Each chart has a PNG button above its top-right corner.",
                style={"font-size": "12px", "color": "#666"})
