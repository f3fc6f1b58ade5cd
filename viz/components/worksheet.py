"""An exercise's worksheet beside the dashboard: when the scenario file has a worksheet.md
next to it (exercises/NAME/), its Markdown is shown in a panel that folds away."""

from __future__ import annotations

from pathlib import Path

import markdown
import solara

from sim.scenario import resolve_path

WORKSHEET = "worksheet.md"


def find_worksheet(scenario: str | None) -> Path | None:
    """The worksheet beside a scenario file (a path or a shipped name), if there is one."""
    if not scenario:
        return None
    path = resolve_path(scenario).with_name(WORKSHEET)
    return path if path.is_file() else None


def worksheet_html(path: Path) -> tuple[str, str]:
    """(title, HTML) of a worksheet: its first heading, and the rest rendered on the server
    (no script or asset leaves this machine). Raw HTML in the file is shown as text."""
    text = path.read_text(encoding="utf-8", errors="replace")
    lines = text.splitlines()
    title = next((ln.lstrip("#").strip() for ln in lines if ln.startswith("#")), path.parent.name)
    body = "\n".join(lines[1:] if lines and lines[0].startswith("#") else lines)
    md = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"])
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return title, md.convert(body)


@solara.component
def WorksheetView(path: Path):
    """The worksheet in a folding panel, open at first."""
    title, html = solara.use_memo(lambda: worksheet_html(path), [str(path)])
    with solara.Card(classes=["blocsim-panel", "blocsim-panel-worksheet"]):
        with solara.Details(summary=f"Worksheet: {title}", expand=True):
            solara.HTML(tag="div", unsafe_innerHTML=html, classes=["blocsim-worksheet"],
                        attributes={"data-worksheet": path.parent.name})
