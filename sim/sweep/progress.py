"""Progress display: runs done, failures, rate and ETA (rich), and the final totals line."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn
from rich.text import Text


@dataclass
class Totals:
    """Counts for one session of a sweep."""

    total: int
    skipped: int = 0       # already done in an earlier session
    ok: int = 0
    failed: int = 0
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None
    interrupted: bool = False
    failures: list[dict] = field(default_factory=list)  # a sample, for the report
    folder_done: int | None = None    # runs recorded in the folder, all sessions
    folder_failed: int | None = None  # of which failed

    @property
    def ran(self) -> int:
        return self.ok + self.failed

    @property
    def elapsed(self) -> float:
        return (self.ended or time.monotonic()) - self.started

    @property
    def rate(self) -> float:
        return self.ran / self.elapsed if self.elapsed > 0 else 0.0

    def line(self, out: str) -> str:
        done = self.skipped + self.ran
        state = "interrupted" if self.interrupted else "done"
        text = (f"sweep {state}: {done}/{self.total} runs ({self.ok} ok, {self.failed} failed this "
                f"session, {self.skipped} already done) in {self.elapsed:.1f} s, "
                f"{self.rate:.1f} runs/s -> {out}")
        if self.folder_failed:
            text += f"; {self.folder_failed} failed run(s) in the folder in all"
        return text


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        done = task.completed - task.fields.get("start_at", 0)
        rate = done / elapsed if elapsed > 0 else 0.0
        return Text(f"{rate:,.1f} runs/s", style="progress.data.speed")


class _EtaColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        done = task.completed - task.fields.get("start_at", 0)
        left = task.total - task.completed if task.total is not None else 0
        if done <= 0 or elapsed <= 0:
            return Text("ETA --:--", style="progress.remaining")
        secs = int(left * elapsed / done)
        h, rem = divmod(secs, 3600)
        m, s = divmod(rem, 60)
        return Text(f"ETA {h}:{m:02d}:{s:02d}" if h else f"ETA {m:02d}:{s:02d}", style="progress.remaining")


class SweepProgress:
    """A live bar on stderr (silent when `enabled` is false)."""

    def __init__(self, totals: Totals, enabled: bool = True, console: Console | None = None):
        self.totals = totals
        self.console = console or Console(stderr=True)
        self.enabled = enabled
        self._progress: Progress | None = None
        self._task = None

    def __enter__(self) -> SweepProgress:
        if self.enabled:
            self._progress = Progress(
                TextColumn("[bold]sweep"), BarColumn(), MofNCompleteColumn(),
                TextColumn("[red]{task.fields[failed]} failed"), _RateColumn(), _EtaColumn(),
                console=self.console, transient=False, refresh_per_second=4)
            self._progress.__enter__()
            self._task = self._progress.add_task(
                "sweep", total=self.totals.total, completed=self.totals.skipped,
                failed=0, start_at=self.totals.skipped)
        return self

    def advance(self, ok: bool) -> None:
        if ok:
            self.totals.ok += 1
        else:
            self.totals.failed += 1
        if self._progress is not None:
            self._progress.update(self._task, advance=1, failed=self.totals.failed)

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc)
