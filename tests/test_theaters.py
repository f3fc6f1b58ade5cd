"""Theaters that open or close during a run: a what-if second front."""

from __future__ import annotations

from sim.cli import main
from sim.model import BlocModel
from sim.scenario import SCENARIO_DIR, load_scenario

SECOND_FRONT = f"""\
extends: {SCENARIO_DIR / 'teaching_islands.yaml'}
name: Second front
theaters:
  north:
    name: The northern front
    attacker: DRA
    defender: AUR
    front: 0
    active: false
    attacker_burn: {{shells: 100000, troops: 50}}
    defender_burn: {{shells: 50000, troops: 40}}
events:
  north_opens:
    description: Draxia opens a front against Auria
    step: 3
    set: {{theaters.north.active: true}}
  north_closes:
    description: An armistice on the northern front
    step: 8
    set: {{theaters.north.active: false}}
"""


def test_a_front_opens_and_closes_on_schedule(tmp_path):
    path = tmp_path / "second.yaml"
    path.write_text(SECOND_FRONT)
    m = BlocModel(load_scenario(path), seed=0)
    dra, aur = m.world.index["DRA"], m.world.index["AUR"]
    fronts, wars = [], []
    for _ in range(10):
        m.step()
        fronts.append(m.world.fronts["north"])
        wars.append(bool(m.world.at_war[dra, aur]))
    # an event at step k takes effect in the month that ends at step k (as the log dates it)
    assert wars == [False] * 2 + [True] * 5 + [False] * 3
    assert fronts[:2] == [0.0, 0.0] and fronts[2] > 0   # no fighting before it opens
    assert fronts[6] == fronts[7] == fronts[8] == fronts[9]   # nor after the armistice
    assert m.burn[dra].sum() == 0 and m.burn[aur].sum() == 0  # no fire wanted once it has closed
    sentences = [a.sentence(dict(zip(m.world.ids, m.world.names))) for a in m.events if a.kind == "policy"]
    assert any("opened a front against" in s and "Auria" in s for s in sentences), sentences
    assert any("stopped fighting on their front" in s for s in sentences), sentences


def test_a_bad_front_switch_is_a_located_message(tmp_path, capsys):
    path = tmp_path / "second.yaml"
    path.write_text(SECOND_FRONT.replace("theaters.north.active: true", "theaters.north.active: maybe"))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:" in err and "events.north_opens.set.theaters.north.active: got 'maybe'" in err
