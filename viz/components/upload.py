"""A plain file picker that hands a small text file's contents to Python."""

from __future__ import annotations

from collections.abc import Callable

import solara

from sim.scenario.yamlio import MAX_FILE_BYTES as MAX_UPLOAD_BYTES  # the loader's own limit


@solara.component_vue("upload.vue")
def Upload(
    label: str = "Upload a scenario (.yaml)",
    max_bytes: int = MAX_UPLOAD_BYTES,
    event_upload: Callable[[dict], None] | None = None,
):
    """Calls ``event_upload({name, size, text})``; ``text`` is None when the file is too big or unreadable."""
