"""Every constant a result depends on is a scenario parameter: `signals:`, `economy:` and doctrine params."""

from __future__ import annotations

import pytest
import yaml

from sim.errors import UserError
from sim.model import BlocModel
from sim.scenario import load_scenario
from sim.scenario.schema import Diplomacy, Economy, Prices, Signals
from sim.world import ITEM
from tests.conftest import SMALL


@pytest.fixture
def small_file(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(SMALL))
    return path


def run(path, steps=6, **overrides):
    return BlocModel(load_scenario(path, overrides or None), seed=0).run(steps)


def test_each_constant_states_its_unit_and_source():
    for section in (Signals, Diplomacy, Economy, Prices):
        for name, f in section.model_fields.items():
            if f.json_schema_extra is None:   # a nested section, itself checked
                continue
            assert f.json_schema_extra["unit"] and f.json_schema_extra["source"], (section.__name__, name)


def test_a_file_without_the_sections_reaches_them_with_set(small_file):
    s = load_scenario(small_file, {"signals.attack": 40, "economy.prices_bn.drones": 5e-4,
                                   "signals.diplomatic.summit": 3})
    assert s.signals.attack == 40 and s.economy.prices_bn.drones == 5e-4 and s.signals.diplomatic.summit == 3
    m = BlocModel(s, seed=0)
    assert m.world.prices[ITEM["drones"]] == 5e-4


def test_the_damage_cap_and_production_loss_change_the_run(small_file):
    base = dict(SMALL, sanctions=[{"by": "PAT", "on": "SUP", "intensity": 1.0}],
                actors=dict(SMALL["actors"], SUP=dict(SMALL["actors"]["SUP"], production={"shells": 10_000})))
    small_file.write_text(yaml.safe_dump(base))
    default = run(small_file, steps=60)
    capped = run(small_file, steps=60, **{"economy.damage_cap": 0.2})
    sup = default.world.index["SUP"]
    assert default.world.damage[sup] > 0.2 and capped.world.damage[sup] == pytest.approx(0.2)
    unhurt = run(small_file, steps=1, **{"economy.production_loss": 0.0})
    hurt = run(small_file, steps=1)
    made = lambda m: m.world.created[sup, ITEM["shells"]]   # noqa: E731
    assert made(unhurt) == 10_000 and made(hurt) < 10_000


def test_a_doctrine_threshold_is_a_parameter(small_file):
    """Patronia freezes Aggressia's assets when its sanctions reach freeze_at (0.3 by default)."""
    freezes = lambda m: [a for a in m.events if a.actor == "PAT" and a.item == "asset_freeze"]   # noqa: E731
    assert freezes(run(small_file, steps=8))
    assert not freezes(run(small_file, steps=8, **{"actors.PAT.doctrine_params.freeze_at": 0.95}))


def test_a_constant_out_of_range_is_a_located_message(small_file):
    with pytest.raises(UserError) as err:
        load_scenario(small_file, {"economy.damage_cap": 2})
    assert "economy.damage_cap" in err.value.messages[0] and "1" in err.value.messages[0]


def test_a_dial_can_move_a_constant(small_file):
    dial = {"path": "economy.damage_cap", "label": "Most GDP sanctions can destroy", "min": 0.1, "max": 0.9}
    small_file.write_text(yaml.safe_dump(dict(SMALL, key_parameters=[dial])))
    assert load_scenario(small_file).key_parameters[0].path == "economy.damage_cap"
    small_file.write_text(yaml.safe_dump(dict(SMALL, key_parameters=[{**dial, "path": "economy.damage_capp"}])))
    with pytest.raises(UserError, match="no field economy.damage_capp"):
        load_scenario(small_file)
