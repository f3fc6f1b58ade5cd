"""The layers hold: the core imports neither the commands nor the dashboard, and the dashboard
does not import the commands (the contracts in pyproject.toml, checked by import-linter)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def lint_imports(*args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("lint-imports")
    exe = str(exe) if exe.exists() else shutil.which("lint-imports")
    if exe is None:
        pytest.fail("lint-imports is missing: pip install -e '.[test]' (import-linter)")
    return subprocess.run([exe, "--no-cache", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_the_layer_contracts_are_kept():
    proc = lint_imports()
    assert "the core imports neither the commands nor the dashboard KEPT" in proc.stdout, proc.stdout
    assert "the dashboard does not import the commands KEPT" in proc.stdout, proc.stdout
    assert proc.returncode == 0 and "0 broken" in proc.stdout, proc.stdout


def test_a_broken_contract_is_reported(tmp_path):
    """The checker sees our imports: a contract the code breaks (the dashboard imports the model) fails."""
    config = tmp_path / "contracts.toml"
    config.write_text('[tool.importlinter]\nroot_packages = ["sim", "viz"]\n\n'
                      '[[tool.importlinter.contracts]]\nname = "viz without the model"\ntype = "forbidden"\n'
                      'source_modules = ["viz.session"]\nforbidden_modules = ["sim.model"]\n')
    proc = lint_imports(str(config))
    assert proc.returncode != 0 and "viz without the model BROKEN" in proc.stdout, proc.stdout
