"""Every shipped scenario and exercise gives the same outputs, byte for byte, as the golden files.

A refactor must not change a result. A change that means to (a recalibration) regenerates
the files on purpose: `.venv/bin/python tests/golden/regenerate.py` (see its docstring).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("golden", Path(__file__).parent / "golden" / "regenerate.py")
golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(golden)

CASES = [(case, path, seed) for case, path in golden.cases() for seed in golden.SEEDS]


def first_difference(want: bytes, got: bytes) -> str:
    w, g = want.decode().splitlines(), got.decode().splitlines()
    for i, (a, b) in enumerate(zip(w, g), 1):
        if a != b:
            return f"line {i}:\n  golden: {a[:300]}\n  now:    {b[:300]}"
    return f"golden has {len(w)} lines, now {len(g)}"


@pytest.mark.parametrize("case,path,seed", CASES, ids=[f"{c}-seed{s}" for c, _, s in CASES])
def test_outputs_match_golden(case, path, seed):
    produced = golden.outputs(path, seed)
    for name, data in produced.items():
        stored = golden.golden_file(case, seed, name)
        assert stored.exists(), f"no golden file {stored.name}: run tests/golden/regenerate.py"
        want = golden.read(stored)
        assert data == want, f"{case} seed {seed} {name} differs from the golden file, " \
                             f"{first_difference(want, data)}"


def test_every_case_has_golden_files():
    names = {p.name for p in golden.GOLDEN.glob("*.gz")}
    expected = {golden.golden_file(c, s, n).name for c, _, s in CASES
                for n in ("summary.json", "events.jsonl", "series.csv", "agents.csv")}
    assert expected <= names, sorted(expected - names)[:5]
