"""Golden outputs: every shipped scenario and exercise, seeds 0-2, as `blocsim run` writes them.

The golden test (tests/test_golden.py) reruns each case and compares summary.json,
events.jsonl and the series CSV byte for byte with the files kept here. A change that
alters results on purpose (a recalibration, a new rule) regenerates them with

    .venv/bin/python tests/golden/regenerate.py

and the commit says why the outputs changed.
"""

from __future__ import annotations

import gzip
import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "data"
SEEDS = (0, 1, 2)


def cases() -> list[tuple[str, Path]]:
    """(case name, scenario file): shipped scenarios and every exercise scenario file."""
    found = [(p.stem, p) for p in sorted((ROOT / "scenarios").glob("*.yaml"))]
    for p in sorted((ROOT / "exercises").glob("*/*.yaml")):
        found.append((f"{p.parent.name}__{p.stem}", p))
    return found


def outputs(path: Path, seed: int) -> dict[str, bytes]:
    """The three outputs the golden test holds, as bytes."""
    from sim.runner import simulate

    model = simulate(path, seed=seed)
    summary = model.summary()
    events = io.StringIO()
    for rec in model.events.to_dicts():
        events.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return {
        "summary.json": json.dumps(summary, indent=2).encode(),
        "events.jsonl": events.getvalue().encode(),
        "series.csv": model.series().to_csv(index=False).encode(),
        "agents.csv": model.agent_series().to_csv(index=False).encode(),
    }


def golden_file(case: str, seed: int, name: str) -> Path:
    return GOLDEN / f"{case}.seed{seed}.{name}.gz"


def write(path: Path, data: bytes) -> None:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, compresslevel=9) as gz:
        gz.write(data)
    path.write_bytes(buf.getvalue())


def read(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes())


def main() -> int:
    sys.path.insert(0, str(ROOT))
    GOLDEN.mkdir(exist_ok=True)
    for old in GOLDEN.glob("*.gz"):
        old.unlink()
    for case, path in cases():
        for seed in SEEDS:
            for name, data in outputs(path, seed).items():
                write(golden_file(case, seed, name), data)
        print(f"{case}: seeds {', '.join(map(str, SEEDS))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
