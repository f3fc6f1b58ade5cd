"""Shared fixtures: small worlds written inline, so each test shows its whole setup."""

from __future__ import annotations

import copy

import pytest

from sim.model import BlocModel
from sim.scenario.schema import Scenario

SMALL = {
    "name": "small test world",
    "description": "four actors, one war",
    "start": "2024-01",
    "steps": 6,
    "poles": {"west": ["PAT"], "east": ["AGG"]},
    "actors": {
        "PAT": {"name": "Patronia", "doctrine": "patron", "economy": 5000, "military_spending": 100,
                "stocks": {"shells": 1_000_000, "air_defence": 500}, "reserves": 100,
                "doctrine_params": {"aid_per_month": 2.0, "arms_share": 0.05}},
        "DEF": {"name": "Defendia", "doctrine": "belligerent", "economy": 100, "military_spending": 5,
                "stocks": {"shells": 100_000, "troops": 100}, "reserves": 5},
        "AGG": {"name": "Aggressia", "doctrine": "belligerent", "economy": 1000, "military_spending": 50,
                "stocks": {"shells": 500_000, "troops": 150}, "reserves": 50, "food_exports": 2},
        "SUP": {"name": "Supplia", "doctrine": "arms_exporter", "economy": 20, "military_spending": 2,
                "stocks": {"shells": 3_000_000}, "doctrine_params": {"export_share": 0.05, "items": ["shells"]}},
    },
    "relations": [["PAT", "DEF", 0.7], ["PAT", "AGG", -0.6], ["DEF", "AGG", -0.9],
                  ["SUP", "AGG", 0.7], ["SUP", "PAT", -0.6], ["SUP", "DEF", -0.5]],
    "theaters": {"front": {"name": "The front", "attacker": "AGG", "defender": "DEF", "front": 10,
                           "attacker_burn": {"shells": 300_000, "troops": 100},
                           "defender_burn": {"shells": 100_000, "troops": 80}}},
}


def make_scenario(**changes) -> Scenario:
    """SMALL with top-level keys replaced, or nested ones merged via `actors__ID={...}`."""
    data = copy.deepcopy(SMALL)
    for key, value in changes.items():
        if key.startswith("actors__"):
            data["actors"].setdefault(key[8:], {}).update(value)
        else:
            data[key] = value
    return Scenario.model_validate(data)


@pytest.fixture
def small() -> Scenario:
    return make_scenario()


@pytest.fixture
def model(small) -> BlocModel:
    return BlocModel(small, seed=1)


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, driven by Playwright: one for the whole session, shared by the
    end-to-end tests (tests/e2e) and the load test's pages (tests/load)."""
    from pathlib import Path

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: run ./dev test, or apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield b
        b.close()
