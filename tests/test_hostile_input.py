"""Hostile and broken input (issue 13): no file outside the allowed trees is read, limits are
checked before the work, and every case is one located message with exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys
import tracemalloc
import warnings
from pathlib import Path

import pytest
from test_bad_input import GOOD

from sim.cli import main
from sim.errors import UserError
from sim.scenario import MAX_ACTORS, MAX_ACTOR_MONTHS, load_scenario, parse_scenario
from sim.scenario.yamlio import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, MAX_SCALAR_CHARS

ROOT = Path(__file__).resolve().parents[1]
SECRET = "TOPSECRET-4471"


def messages(fn, *args, **kw) -> list[str]:
    with pytest.raises(UserError) as info:
        fn(*args, **kw)
    return info.value.messages


def cli(capsys, *argv: str) -> tuple[int, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse refuses a flag's value
        code = exc.code
    return code, capsys.readouterr().err


@pytest.fixture
def secret(tmp_path) -> Path:
    """A valid scenario outside every allowed tree, holding a value that must never show."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    path = folder / "secret.yaml"
    path.write_text(GOOD.replace("name: tiny", f"name: {SECRET}"))
    return path


# ------------------------------------------------------------------ 1. uploads and extends

@pytest.mark.parametrize("target", ["{secret}", "../../../..{secret}", "{missing}", "../../../..{missing}",
                                    "sweeps/x.yaml", "..", "feb2022_baseline/../feb2022_baseline", "", "[a]", "5"])
def test_an_upload_may_extend_only_a_shipped_scenario_by_name(secret, target):
    missing = secret.with_name("missing.yaml")
    value = target.format(secret=secret, missing=missing)
    got = messages(parse_scenario, f"extends: {value}\nname: upload\n", "up.yaml")
    assert len(got) == 1 and got[0].startswith("up.yaml:1: extends: got ")
    assert "may extend only a shipped scenario, by name (one of: " in got[0] and "teaching_islands" in got[0]
    assert SECRET not in got[0]


def test_an_upload_reveals_nothing_about_whether_a_path_exists(secret):
    shown = [messages(parse_scenario, f"extends: {p}\n", "up.yaml")[0].split(": got ", 1)[1].split(":", 1)[1]
             for p in (secret, secret.with_name("missing.yaml"))]
    assert shown[0] == shown[1]


@pytest.mark.parametrize("name", ["teaching_islands", "teaching_islands.yaml"])
def test_an_upload_extends_a_shipped_scenario_by_name(name):
    s = parse_scenario(f"extends: {name}\nname: Mine\nsteps: 3\n", "up.yaml")
    assert s.name == "Mine" and s.steps == 3 and len(s.actors) > 2


def test_a_file_may_not_extend_outside_its_folder_tree(tmp_path, secret):
    mine = tmp_path / "mine"
    mine.mkdir()
    for value in ("../elsewhere/secret.yaml", str(secret), "../elsewhere/missing.yaml", "/dev/zero"):
        (mine / "s.yaml").write_text(f"extends: {value}\nname: x\n")
        got = messages(load_scenario, mine / "s.yaml")
        assert len(got) == 1 and "extends: " in got[0] and "is outside this scenario's folder tree" in got[0], got
        assert SECRET not in got[0]


def test_a_symlink_out_of_the_tree_is_refused_after_resolving(tmp_path, secret):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "link.yaml").symlink_to(secret)
    (mine / "s.yaml").write_text("extends: link.yaml\nname: x\n")
    got = messages(load_scenario, mine / "s.yaml")
    assert "'link.yaml' is outside this scenario's folder tree" in got[0] and SECRET not in got[0]


def test_a_file_extends_files_below_its_folder_and_shipped_scenarios_by_name(tmp_path):
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "world.yaml").write_text("extends: teaching_islands\nsteps: 7\n")
    (tmp_path / "s.yaml").write_text("extends: base/world.yaml\nname: Mine\n")
    s = load_scenario(tmp_path / "s.yaml")
    assert s.name == "Mine" and s.steps == 7
    # a file of the same name in the folder comes first
    (tmp_path / "teaching_islands.yaml").write_text(GOOD)
    (tmp_path / "t.yaml").write_text("extends: teaching_islands\n")
    assert load_scenario(tmp_path / "t.yaml").name == "tiny"


def test_shipped_exercises_still_reach_the_shipped_scenarios_by_path():
    for path in sorted((ROOT / "exercises").glob("*/*.yaml")):
        assert load_scenario(path).actors


# ------------------------------------------------------------------ 2. limits, checked before the work

def _quick(fn, *args) -> list[str]:
    """The messages of a refusal, which must come before the work: little memory, short messages."""
    tracemalloc.start()
    try:
        got = messages(fn, *args)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20, f"{peak:,} bytes traced: refused after the work, not before it"
    assert sum(len(m) for m in got) < 2000, "messages quote at most an excerpt"
    return got


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text(GOOD + f"description: {'x' * MAX_FILE_BYTES}\n")
    got = _quick(load_scenario, path)
    assert got == [f"{path}: the file is {path.stat().st_size:,} bytes (at most {MAX_FILE_BYTES:,} bytes, "
                   "the limit for a YAML file)"]
    assert "bytes" in _quick(parse_scenario, path.read_text())[0]


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_is_never_read(tmp_path, device):
    if not Path(device).exists():
        pytest.skip(f"no {device}")
    assert _quick(load_scenario, device) == [f"{device}: not a regular file (a path to a YAML file, not a "
                                             "device or a pipe)"]
    (tmp_path / "zero.yaml").symlink_to(device)
    (tmp_path / "s.yaml").write_text("extends: zero.yaml\n")
    assert "'zero.yaml' is outside this scenario's folder tree" in _quick(load_scenario, tmp_path / "s.yaml")[0]


def test_a_pipe_is_never_waited_on(tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")
    assert "not a regular file" in _quick(load_scenario, tmp_path / "pipe.yaml")[0]
    (tmp_path / "s.yaml").write_text("extends: pipe.yaml\n")
    assert "pipe.yaml: not a regular file" in _quick(load_scenario, tmp_path / "s.yaml")[0]


def billion_laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("text, words", [
    (billion_laughs(), f"more than {MAX_NODES:,} values once its aliases"),
    ("name: &a [*a]\n", "the alias *a refers to a value that contains it"),
    ("a: &a {b: *a}\n", "the alias *a refers to a value that contains it"),
    ("a: " + "[" * 5000 + "]" * 5000 + "\n", f"nested deeper than {MAX_DEPTH} levels"),
    ("".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "v: 1\n", f"deeper than {MAX_DEPTH}"),
    ("a: &a " + "[" * 40 + "1" + "]" * 40 + "\nb: " + "[" * 40 + "*a" + "]" * 40 + "\n",
     "once its aliases (*name) are expanded"),
    (f"name: {'x' * (MAX_SCALAR_CHARS + 1)}\n", f"(at most {MAX_SCALAR_CHARS:,})"),
])
def test_alias_depth_and_length_limits_are_one_message(tmp_path, text, words):
    path = tmp_path / "s.yaml"
    path.write_text(text)
    got = _quick(load_scenario, path)
    assert len(got) == 1 and got[0].startswith(f"{path}:") and "(limits): " in got[0] and words in got[0], got
    assert words in _quick(parse_scenario, text, "up.yaml")[0]


def many_actors(n: int, steps: int = 24) -> str:
    return (f"name: many\ndescription: d\nsteps: {steps}\npoles: {{west: [A0], east: [A1]}}\nactors:\n"
            + "".join(f"  A{i}: {{name: A{i}}}\n" for i in range(n)))


def test_too_many_actors_or_actor_months_are_refused_before_validation(tmp_path, capsys):
    path = tmp_path / "many.yaml"
    path.write_text(many_actors(MAX_ACTORS + 1))
    assert _quick(load_scenario, path) == [f"{path}:6: actors: {MAX_ACTORS + 1:,} actors (at most "
                                           f"{MAX_ACTORS:,}, the limit for one scenario)"]
    path.write_text(many_actors(MAX_ACTORS, steps=MAX_ACTOR_MONTHS // MAX_ACTORS + 1))
    assert "actor-months" in _quick(load_scenario, path)[0]
    path.write_text(many_actors(MAX_ACTORS, steps=2))
    code, err = cli(capsys, "run", str(path), "--steps", "1200", "--out", str(tmp_path / "out"))
    assert code == 2 and "actor-months" in err and f"at most {MAX_ACTOR_MONTHS:,}" in err
    assert not (tmp_path / "out").exists(), "refused before the run"


def test_compare_steps_beyond_the_actor_month_limit_are_refused_before_any_rule_runs(tmp_path, capsys):
    path = tmp_path / "many.yaml"
    path.write_text(many_actors(MAX_ACTORS, steps=2))
    code, err = cli(capsys, "compare", str(path), "--steps", "1200")
    assert code == 2 and f"{path} with --steps 1200: " in err and "actor-months" in err, err


@pytest.mark.parametrize("spec, located", [
    ("scenarios: [many.yaml]\nsteps: 1200\n", "spec.yaml:2: steps: too large for scenario many: "),
    ("scenarios: [many.yaml]\nparameters:\n  - {path: steps, values: [2, 1200]}\n",
     "spec.yaml:3: parameters.0.values: steps = 1200 is rejected by scenario many: "),
])
def test_sweep_steps_beyond_the_actor_month_limit_are_refused_at_check(tmp_path, capsys, spec, located):
    (tmp_path / "many.yaml").write_text(many_actors(MAX_ACTORS, steps=2))
    (tmp_path / "spec.yaml").write_text(spec)
    for flags in (["--check"], ["--out", str(tmp_path / "out")]):
        code, err = cli(capsys, "sweep", str(tmp_path / "spec.yaml"), *flags)
        assert code == 2 and located in err and "actor-months" in err, err
    assert not (tmp_path / "out").exists(), "refused before the sweep starts"


def test_dashboard_steps_box_beyond_the_actor_month_limit_is_an_in_page_message():
    from viz.session import Session

    session = Session()
    assert session.load_upload("many.yaml", many_actors(MAX_ACTORS, steps=2)) == []
    errors = session.configure(steps=1200)
    assert len(errors) == 1 and errors[0].startswith("steps: ") and "actor-months" in errors[0], errors
    assert session.settings.steps is None and session.run.scenario.steps == 2, "the current run stays as it was"


# ------------------------------------------------------------------ 3. tracebacks that are messages now

def _validate(tmp_path, capsys, text: str, name: str = "s.yaml") -> str:
    (tmp_path / name).write_text(text)
    code, err = cli(capsys, "validate", str(tmp_path / name))
    assert code == 2 and "Traceback" not in err, err
    return err


@pytest.mark.parametrize("text, located", [
    ("? !!set {a: null}\n: 1\n", "s.yaml:1: (top level): a key must be a plain value"),
    ("? [a, b]\n: 1\n", "s.yaml:1: (top level): a key must be a plain value"),
    (GOOD.replace("doctrine: hedger}\n  BBB", 'doctrine: hedger, economy: !!float "abc"}\n  BBB'),
     "s.yaml:5: actors.AAA.economy: cannot read 'abc' as float"),
    (GOOD + "x: !!python/object/apply:os.system [id]\n", "s.yaml:7: x: the tag"),
    (GOOD + "x: !!binary 'not base64!'\n", "s.yaml:7: x: cannot read"),
    (GOOD + "x: !custom 1\n", "s.yaml:7: x: cannot read '1' as !custom"),
    (GOOD + "events:\n  e1: {description: x, set: {actors.AAA.reputation_concern: 0.2}}\n"
            "  e2: {description: y, step: 2, set: {actors.AAA.reputation_concern: 0.3}}\n",
     "s.yaml:8: events.e1: give exactly one of step: or date:"),
    (GOOD.replace("doctrine: hedger}\n  BBB", "doctrine: patron, doctrine_params: {arms_items: [shells, lasers]}}\n  BBB"),
     "s.yaml:5: actors.AAA.doctrine_params.arms_items.1: got 'lasers'"),
    (GOOD.replace("doctrine: hedger}\n  BBB", "doctrine: arms_exporter, doctrine_params: {items: [lasers]}}\n  BBB"),
     "s.yaml:5: actors.AAA.doctrine_params.items.0: got 'lasers'"),
])
def test_inputs_that_raised_get_a_located_message(tmp_path, capsys, text, located):
    assert located in _validate(tmp_path, capsys, text)


def test_an_unhashable_key_through_extends_is_located(tmp_path, capsys):
    (tmp_path / "base.yaml").write_text("? !!set {a: null}\n: 1\n")
    err = _validate(tmp_path, capsys, "extends: base.yaml\nname: x\n")
    assert "base.yaml:1: (top level): a key must be a plain value" in err


@pytest.mark.parametrize("command", [["run"], ["compare"], ["exercise", "europe_alone", "--no-dashboard"]])
@pytest.mark.parametrize("flags, words", [
    (["--set", "steps=[1,"], "--set steps: not valid YAML: "),
    (["--set", "name=!!python/object/apply:os.system [id]"], "--set name: the tag"),
    (["--set", "actors.RUS.economy=.inf"], "--set actors.RUS.economy: got .inf (a finite number)"),
    (["--seed", "-1"], "argument --seed: -1 is out of range (0 to 4294967295)"),
])
def test_bad_flags_of_every_run_command_are_one_message(capsys, command, flags, words):
    code, err = cli(capsys, *command, *flags)
    assert code == 2 and words in err, err


@pytest.mark.parametrize("flags, words", [
    (["--out", "/proc/self"], "--out /proc/self: cannot write there"),
    (["--alignment", ""], "argument --alignment: got an empty name"),
    (["--out", ""], "argument --out: got an empty path"),
])
def test_bad_run_options_are_refused_before_the_run(capsys, flags, words):
    if flags[1].startswith("/proc") and not Path("/proc/self").exists():
        pytest.skip("no /proc")
    code, err = cli(capsys, "run", "teaching_islands", *flags)
    assert code == 2 and words in err, err


def test_an_output_folder_whose_series_file_is_a_folder_is_refused_before_the_run(tmp_path, capsys):
    (tmp_path / "series.parquet").mkdir()
    code, err = cli(capsys, "run", "teaching_islands", "--out", str(tmp_path))
    assert code == 2 and "series.parquet there is a folder" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["series.parquet"]


def test_reference_write_to_a_folder_is_a_message(tmp_path, capsys):
    code, err = cli(capsys, "reference", "--write", str(tmp_path))
    assert code == 2 and f"--write {tmp_path}: cannot write" in err


# ------------------------------------------------------------------ 4. numbers are finite

@pytest.mark.parametrize("field, value", [
    ("economy", ".inf"), ("energy_exports", ".inf"), ("reserves", ".nan"), ("economy", "-.inf"),
    ("doctrine_params", "{aid_per_month: .inf}"), ("stocks", "{shells: .inf}"), ("economy", "1" + "0" * 40),
])
def test_every_number_in_a_scenario_is_finite(tmp_path, capsys, field, value):
    text = GOOD.replace("doctrine: hedger}\n  BBB", f"doctrine: patron, {field}: {value}}}\n  BBB")
    err = _validate(tmp_path, capsys, text)
    assert f"s.yaml:5: actors.AAA.{field}" in err and ("a finite number" in err or "within" in err), err


def test_a_theater_burn_of_inf_is_refused(tmp_path, capsys):
    text = GOOD + ("theaters:\n  t: {name: T, attacker: AAA, defender: BBB, front: 5,"
                   " attacker_burn: {shells: .inf}}\n")
    assert "s.yaml:8: theaters.t.attacker_burn.shells: got .inf (a finite number)" in _validate(tmp_path, capsys, text)


def test_a_run_that_overflows_writes_nothing_and_says_which_numbers(tmp_path, capsys):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code, err = cli(capsys, "run", "--steps", "3", "--json", "--out", str(tmp_path / "o"),
                        "--set", "actors.USA.doctrine_params.aid_per_month=1.0e+308")
    assert code == 2 and "month 2022-04: the run produced numbers that are not finite (agents.reserves)" in err, err
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)], "one message, no numpy warnings first"
    assert "NaN" not in capsys.readouterr().out
    assert not list((tmp_path / "o").glob("*.json"))


def test_the_dashboard_refuses_the_month_a_run_overflows_in_page(capsys):
    from viz.session import Session

    session = Session()
    assert session.configure(overrides={"actors.USA.doctrine_params.aid_per_month": 1.0e308}) == []
    errors = session.step(3)
    assert errors == ["Feb 2022 baseline: month 2022-04: the run produced numbers that are not finite "
                      "(agents.reserves) (scenario values small enough that sums and products stay finite)"]
    assert "Traceback" not in capsys.readouterr().err


def test_a_sweep_level_of_inf_fails_the_check(tmp_path, capsys):
    spec = tmp_path / "spec.yaml"
    spec.write_text("scenarios: teaching_islands.yaml\nparameters:\n  - path: actors.AUR.economy\n"
                    "    values: [1.0, .inf]\nsteps: 2\n")
    (tmp_path / "teaching_islands.yaml").write_text("extends: teaching_islands\n")
    code, err = cli(capsys, "sweep", str(spec), "--check")
    assert code == 2 and "spec.yaml:4: parameters.0.values.1: got .inf (a finite number)" in err, err


# ------------------------------------------------------------------ 5. no longer silently accepted

def test_an_actor_on_two_sides_of_a_vote_or_leading_both_poles_is_refused(tmp_path, capsys):
    text = GOOD.replace("east: [BBB]", "east: [BBB, AAA]") + (
        "votes:\n  v: {title: V, step: 1, condemns: BBB, record: {for: [AAA], against: [AAA]}}\n")
    err = _validate(tmp_path, capsys, text)
    assert "s.yaml:3: poles.east.1: 'AAA' also leads the west pole" in err
    assert "s.yaml:8: votes.v.record.against.0: 'AAA' is also listed under for" in err


def test_sweep_shard_seconds_must_be_a_finite_positive_number(capsys, tmp_path):
    for value in ("nan", "inf", "0"):
        with pytest.raises(SystemExit) as info:
            main(["sweep", "x.yaml", "--shard-seconds", value])
        assert info.value.code == 2
        assert f"argument --shard-seconds: got {value} (a finite number above 0)" in capsys.readouterr().err


# ------------------------------------------------------------------ the real command, no traceback

def test_the_command_prints_no_traceback_for_hostile_files(tmp_path):
    (tmp_path / "laughs.yaml").write_text(billion_laughs())
    (tmp_path / "deep.yaml").write_text("a: " + "[" * 100000 + "\n")
    proc = subprocess.run([sys.executable, "-m", "sim.cli", "validate", "/dev/zero", str(tmp_path / "laughs.yaml"),
                           str(tmp_path / "deep.yaml")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.splitlines()) == 3, proc.stderr
