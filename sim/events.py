"""The event log: every action of a run, in order, with its reason."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sim.actions import Action


class EventLog:
    def __init__(self, names: dict[str, str]):
        self.names = names
        self.records: list[Action] = []

    def extend(self, actions: list[Action]) -> None:
        self.records.extend(actions)

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self):
        return iter(self.records)

    def for_step(self, step: int) -> list[Action]:
        return [a for a in self.records if a.step == step]

    def sentences(self, step: int | None = None) -> list[str]:
        recs = self.records if step is None else self.for_step(step)
        return [f"[{a.date}] {a.sentence(self.names)}" for a in recs]

    def to_dicts(self) -> list[dict]:
        return [dict(a.to_dict(), text=a.sentence(self.names)) for a in self.records]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.to_dicts())

    def to_jsonl(self, path: Path | str) -> None:
        with open(path, "w", encoding="utf-8") as fh:
            for rec in self.to_dicts():
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
