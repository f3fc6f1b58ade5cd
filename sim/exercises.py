"""The classroom exercises in exercises/: each a folder with a scenario, a worksheet and instructor notes.

A folder exercises/NAME/ holds scenario.yaml (the world), worksheet.md (for students; its
first heading is the exercise's title) and instructor.md. It may hold further scenarios
(variants) that the worksheet names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sim.errors import UserError

EXERCISE_DIR = Path(__file__).resolve().parents[1] / "exercises"


@dataclass(frozen=True)
class Exercise:
    name: str
    folder: Path
    title: str

    @property
    def scenario(self) -> Path:
        return self.folder / "scenario.yaml"

    @property
    def worksheet(self) -> Path:
        return self.folder / "worksheet.md"

    @property
    def instructor(self) -> Path:
        return self.folder / "instructor.md"

    def variants(self) -> list[str]:
        """The other scenarios in the folder (file stems), which --variant accepts."""
        return sorted(p.stem for p in self.folder.glob("*.yaml") if p.name != "scenario.yaml")

    def variant(self, name: str | None) -> Path:
        if not name or name in ("scenario", "scenario.yaml"):
            return self.scenario
        stem = Path(name).stem
        path = self.folder / f"{stem}.yaml"
        if not path.exists():
            known = ", ".join(["scenario", *self.variants()])
            raise UserError(f"--variant {name}: exercise {self.name} has no scenario {stem}.yaml "
                            f"(one of: {known})")
        return path


def worksheet_title(path: Path) -> str:
    """The text of the worksheet's first Markdown heading (or the folder name)."""
    try:
        for line in path.read_text(encoding="utf-8").splitlines():
            m = re.match(r"^#{1,6}\s+(.*\S)\s*$", line)
            if m:
                return m.group(1)
    except OSError:
        pass
    return path.parent.name


def exercises(root: Path | None = None) -> list[Exercise]:
    """Every folder in exercises/ that holds a scenario.yaml and a worksheet.md, by name."""
    root = root or EXERCISE_DIR
    found = []
    if root.is_dir():
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            if (folder / "scenario.yaml").exists() and (folder / "worksheet.md").exists():
                found.append(Exercise(folder.name, folder, worksheet_title(folder / "worksheet.md")))
    return found


def find_exercise(name: str, root: Path | None = None) -> Exercise:
    known = exercises(root)
    for ex in known:
        if name in (ex.name, str(ex.folder)) or Path(name).resolve() == ex.folder.resolve():
            return ex
    names = ", ".join(ex.name for ex in known) or "none found in exercises/"
    raise UserError(f"exercise '{name}': no such exercise (one of: {names}; list them with: blocsim exercise)")


def run_watching(model, pairs: list[tuple[str, str]], steps: int) -> list[tuple[str, list[float]]]:
    """Run `model` for `steps` months; the affinity of each watched pair at the start and about five
    times along the way (every 1, 2, 3, 6, 12, 24 or 60 months), as (month, [affinity per pair])."""
    w = model.world

    def now() -> tuple[str, list[float]]:
        return model.month, [float(w.affinity[w.index[a], w.index[b]]) for a, b in pairs]

    every = next((k for k in (1, 2, 3, 6, 12, 24, 60) if k >= steps / 5), steps)
    checkpoints = [now()]
    for step in range(1, steps + 1):
        model.step()
        if pairs and (step % every == 0 or step == steps):
            checkpoints.append(now())
    return checkpoints
