"""Messages a new user meets: mistyped flags, overrides in force, sweep specs copied elsewhere,
and a sweep spec whose bad design must not hide a mistyped parameter path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sim.cli import main
from sim.errors import UserError
from sim.sweep.spec import load_spec, parse_spec

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("argv,expected", [
    (["run", "--seeds", "3"], "blocsim run: unknown option --seeds (did you mean --seed?) (see 'blocsim run --help')"),
    (["run", "feb2022_baseline", "--stpes", "3"],
     "blocsim run: unknown option --stpes (did you mean --steps?) (see 'blocsim run --help')"),
    (["sweep", "x.yaml", "--dry-run"], "blocsim sweep: unknown option --dry-run (see 'blocsim sweep --help')"),
    (["analyze", "x", "y"], "blocsim analyze: unexpected argument 'y' (see 'blocsim analyze --help')"),
])
def test_a_mistyped_flag_points_at_the_subcommands_help(argv, expected, capsys):
    assert main(argv) == 2
    assert capsys.readouterr().err.strip() == expected


def test_the_run_summary_lists_the_overrides_in_force(tmp_path, capsys):
    assert main(["run", "feb2022_baseline", "--steps", "1", "--out", str(tmp_path),
                 "--set", "actors.CHN.reputation_concern=0.9", "--set", "actors.USA.reputation_concern=0.4"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert ("Overrides in force (2), changed from the scenario file: actors.CHN.reputation_concern = 0.9; "
            "actors.USA.reputation_concern = 0.4") in out
    assert main(["run", "feb2022_baseline", "--steps", "1", "--out", str(tmp_path)]) == 0
    assert "Overrides in force" not in capsys.readouterr().out


def test_a_copied_sweep_spec_resolves_scenarios_from_its_own_folder(tmp_path, monkeypatch):
    spec = ROOT / "scenarios" / "sweeps" / "us_pullback_size_timing.yaml"
    copied = tmp_path / "mine" / "sweeps"
    copied.mkdir(parents=True)
    shutil.copy(spec, copied)
    monkeypatch.chdir(ROOT / "scenarios" / "sweeps")   # where '../us_pullback_2025.yaml' would exist
    loaded = load_spec(copied / spec.name)
    assert loaded.scenario_path(0) == copied / "../us_pullback_2025.yaml"
    from sim.sweep.prepare import scenario_ref

    with pytest.raises(UserError) as err:
        scenario_ref(loaded, 0)
    (msg,) = err.value.messages
    line = spec.read_text().splitlines().index("scenarios: ../us_pullback_2025.yaml") + 1
    assert msg.startswith(f"{copied / spec.name}:{line}: scenarios.0: ../us_pullback_2025.yaml: no such file: "
                          f"looked for {tmp_path / 'mine' / 'us_pullback_2025.yaml'}")
    assert "relative to the spec's own folder" in msg and "did you mean 'us_pullback_2025'?" in msg
    # the scenario copied next to it is found, wherever the command runs
    for name in ("us_pullback_2025.yaml", "feb2022_baseline.yaml", "drone_deal_2022.yaml",
                 "dprk_munitions_2023_24.yaml"):
        shutil.copy(ROOT / "scenarios" / name, tmp_path / "mine")
    monkeypatch.chdir(tmp_path)
    assert scenario_ref(load_spec(copied / spec.name), 0)[0].label == "us_pullback_2025"


def test_a_bad_design_does_not_hide_a_mistyped_parameter_path():
    text = ("scenarios: feb2022_baseline\nparameters:\n  - path: actors.CHN.reputaton_concern\n"
            "    values: [0.2, 0.8]\ndesign: sobl\n")
    with pytest.raises(UserError) as err:
        parse_spec(text, str(ROOT / "spec.yaml"))
    design, path = err.value.messages
    assert ":5: design: got 'sobl'" in design
    assert ":3: parameters.0.path: actors.CHN.reputaton_concern is rejected by scenario feb2022_baseline" in path
    assert "did you mean 'reputation_concern'?" in path


def test_the_energy_discount_explains_its_split_in_the_log():
    from sim.model import BlocModel
    from sim.scenario import load_scenario

    m = BlocModel(load_scenario("feb2022_baseline"), seed=0)
    for _ in range(3):
        m.step()
    discounts = [a for a in m.events if a.item == "energy_discount" and a.step == 2]
    assert len(discounts) >= 2 and len({round(a.amount, 6) for a in discounts}) == 1, "one equal share each"
    names = dict(zip(m.world.ids, m.world.names))
    text = discounts[0].sentence(names)
    assert f"an equal share (1/{len(discounts)}) to each large economy that does not sanction it" in text
    assert "25% of its $20.0bn monthly energy exports" in text


@pytest.mark.parametrize("fail", [False, True])
def test_dev_installs_chromium_in_one_line_and_shows_apt_only_on_failure(tmp_path, fail):
    import subprocess

    fake = tmp_path / "apt-get"
    fake.write_text("#!/bin/sh\nfor i in $(seq 1 300); do echo \"Get:$i fake apt line\"; done\n"
                    + ("echo 'E: Unable to locate package chromium'; exit 100\n" if fail else "exit 0\n"))
    fake.chmod(0o755)
    dev = (ROOT / "dev").read_text()
    body = dev[dev.index("install_browser() {"):]
    body = body[:body.index("\n}\n") + 3].replace("[ -x /usr/bin/chromium ]", "false").replace('sudo="sudo"', 'sudo=""')
    proc = subprocess.run(["bash", "-c", f"set -euo pipefail\n{body}\ninstall_browser"], capture_output=True,
                          text=True, env={"PATH": f"{tmp_path}:/usr/bin:/bin"}, timeout=60)
    lines = (proc.stdout + proc.stderr).splitlines()
    assert lines[0] == ("blocsim: installing Chromium (Debian package) for the dashboard's browser tests; "
                        "this takes a minute")
    if fail:
        assert proc.returncode != 0 and "E: Unable to locate package chromium" in lines
        assert lines[-1] == "blocsim: installing Chromium failed (output above)"
    else:
        assert proc.returncode == 0 and len(lines) == 1
