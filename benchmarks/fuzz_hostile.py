"""Fuzz blocsim with hostile scenario files and bad command lines; count how each ends.

Each case runs the real command (`sim.cli.main`) in this process, under a memory cap and
a time limit per case, and ends as one of:

    ok         exit 0 (a mutated file can still be a valid scenario)
    located    exit 2, every stderr line naming where: `FILE:LINE: ...`, `FILE: ...`, `--flag ...`,
               `override PATH: ...` or argparse's `blocsim CMD: error: argument --flag ...`
    message    exit 2 with messages on stderr, no traceback, but some line not located
    traceback  an exception escaped the command (exit 1 from `blocsim`), MemoryError included
    timeout    the case ran past its time limit

Usage (bounded: about a minute on one core):

    python benchmarks/fuzz_hostile.py                      # this checkout
    python benchmarks/fuzz_hostile.py --root /tmp/base     # another checkout, e.g. main
    python benchmarks/fuzz_hostile.py --files 400 --seed 1 --show traceback

The cases are the same for every root (seeded), so counts compare before and after a change.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import re
import resource
import signal
import sys
import tempfile
import traceback
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
OUTCOMES = ("ok", "located", "message", "traceback", "timeout")
TOKENS = [
    "&a ", "*a", "&b [*a, *a, *a, *a]", "!!set ", "!!float ", "!!int ", "!!binary ", "!!timestamp ",
    "!!python/object/apply:os.system ", "!custom ", "[", "]", "{", "}", ": ", "- ", "? ", ",", "\n", "  ",
    "\t", ".inf", "-.inf", ".nan", "1.0e+999", "9" * 40, "~", "null", "'", '"', "#", "%YAML 1.1\n",
    "---\n", "<<: *a\n", "extends: /etc/passwd\n", "extends: ../../../../etc/hostname\n", "extends: *a\n",
    "\x00", "\ufeff", "é", "step:", "date: 2021-13", "doctrine_params: {arms_items: [lasers]}",
    "record: {for: [AUR], against: [AUR]}", "[" * 50, "]" * 50, "economy: .inf", "energy_exports: .inf",
]


def laughs(levels: int) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


HOSTILE = {  # the cases the issue lists, and their neighbours
    "laughs": laughs(9),
    "recursive_alias": "name: &a [*a]\n",
    "deep_flow": "a: " + "[" * 3000 + "]" * 3000 + "\n",
    "deep_block": "".join("  " * i + f"k{i}:\n" for i in range(400)) + "  " * 400 + "v: 1\n",
    "set_key": "? !!set {a: null}\n: 1\n",
    "float_abc": 'economy: !!float "abc"\n',
    "extends_abs": "extends: /etc/hostname\nname: x\n",
    "extends_zero": "extends: /dev/zero\nname: x\n",
    "extends_up": "extends: ../../../../../../etc/hostname\nname: x\n",
    "big_value": "name: " + "x" * 3_000_000 + "\n",
}


TAGS = ["", "", "!!float ", "!!int ", "!!bool ", "!!set ", "!!map ", "!!seq ", "!!omap ", "!!binary ",
        "!!timestamp ", "!!null ", "!!str ", "!!python/object/apply:os.system ", "!local "]
VALUES = ["abc", "1", "0.5", "-3", ".inf", "-.inf", ".nan", "1.0e+999", "9" * 30, "'x'", "[1, 2]", "{a: 1}",
          "[*a]", "*a", "&a [*a]", "&a {b: *a}", "null", "2021-13-45", "[lasers]", "{}", "[]"]
KEYS = ["name", "description", "steps", "start", "actors", "economy", "reputation_concern", "doctrine",
        "doctrine_params", "arms_items", "items", "events", "step", "date", "set", "extends", "poles",
        "record", "weights", "<<", "1", "null"]


def mutate(rng: random.Random, text: str) -> str:
    for _ in range(rng.randint(1, 6)):
        pos = rng.randint(0, len(text))
        token = rng.choice(TOKENS)
        op = rng.choice(["insert", "replace", "delete_line", "duplicate_line", "insert_line"])
        start, end = text.rfind("\n", 0, pos) + 1, text.find("\n", pos)
        end = len(text) if end < 0 else end + 1
        if op == "insert_line":  # KEY: !!TAG VALUE at the indentation of the line it follows
            line = text[start:end]
            indent = line[: len(line) - len(line.lstrip())].strip("\n")
            new = f"{indent}{rng.choice(KEYS)}: {rng.choice(TAGS)}{rng.choice(VALUES)}\n"
            text = text[:end] + ("" if text[end - 1:end] == "\n" else "\n") + new + text[end:]
        elif op == "insert":
            text = text[:pos] + token + text[pos:]
        elif op == "replace":
            text = text[:pos] + token + text[pos + len(token):]
        elif op == "delete_line":
            text = text[:start] + text[end:]
        else:
            text = text[:end] + text[start:end] + text[end:]
    return text


def scenario_cases(root: Path, rng: random.Random, n: int, tmp: Path) -> list[list[str]]:
    """`validate` and `run` on n mutated copies of the shipped scenarios, plus the hostile files."""
    bases = sorted((root / "scenarios").glob("*.yaml")) + sorted((root / "exercises").glob("*/*.yaml"))
    folder = tmp / "files" / "deep" / "er"
    folder.mkdir(parents=True)
    cases = []
    for i in range(n):
        base = rng.choice(bases)
        path = folder / f"m{i:04d}.yaml"
        text = mutate(rng, base.read_text())  # the same mutations whatever the root
        # a copy beside the original would change what `extends:` reaches; point it home instead
        text = text.replace("extends: ../../scenarios/", f"extends: {root}/scenarios/")
        text = text.replace("extends: ", f"extends: {base.parent}/", 1) if "extends: /" not in text else text
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        cases.append(["validate", str(path)])
        if i % 4 == 0:
            cases.append(["run", str(path), "--steps", "2", "--json", "--out", str(tmp / "out")])
    for name, text in HOSTILE.items():
        path = folder / f"{name}.yaml"
        path.write_text(text)
        cases += [["validate", str(path)], ["run", str(path), "--steps", "1", "--json", "--out", str(tmp / "out")]]
    cases += [["validate", "/dev/zero"], ["run", "/dev/zero", "--json", "--out", str(tmp / "out")]]
    return cases


def command_cases(tmp: Path, rng: random.Random) -> list[list[str]]:
    """Bad values for the flags of every run-like command."""
    (tmp / "series_dir" / "series.parquet").mkdir(parents=True)
    values = {
        "--seed": ["-1", "nan", "1e9999", "x", "99999999999999999999"],
        "--steps": ["0", "-3", "1201", "nan", ""],
        "--set": ["steps=[1,", "name=!!python/object/apply:os.system [id]", "actors.AUR.economy=.inf",
                  "actors.AUR.economy=.nan", "nothing", "=", "actors.ZZZ.economy=1", "steps=&a [*a]",
                  "actors.AUR.economy=1.0e+999", "actors.AUR.doctrine_params.arms_items=[lasers]"],
        "--alignment": ["", "nonsense", " "],
        "--out": ["", "/proc/self", str(tmp / "series_dir"), "/dev/null"],
    }
    commands = [["run", "teaching_islands"], ["compare", "teaching_islands"],
                ["exercise", "europe_alone", "--no-dashboard"]]
    cases = []
    for command in commands:
        for flag, options in values.items():
            if command[0] == "compare" and flag in ("--alignment", "--out"):
                continue
            for value in options:
                cases.append([*command, flag, value, "--steps", "1"] if flag != "--steps" else [*command, flag, value])
    cases += [["reference", "--write", str(tmp)], ["reference", "--write", "/proc/self/x"],
              ["sweep", "x.yaml", "--shard-seconds", "nan"], ["sweep", "x.yaml", "--shard-runs", "0"],
              ["validate", str(tmp)], ["validate", ""], ["landscape", "teaching_islands", "--seed", "-1"]]
    rng.shuffle(cases)
    return cases


LOCATED = re.compile(r"^(--[a-z-]+ |override \S+: |blocsim [a-z]+: error: |\S[^:]*(:\d+)?: )")


class Timeout(BaseException):
    pass


def _alarm(signum, frame):
    raise Timeout


def run_case(argv: list[str], seconds: int) -> tuple[str, str]:
    from sim.cli import main

    err, out = io.StringIO(), io.StringIO()
    signal.alarm(seconds)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            code = main(argv)
    except SystemExit as exc:  # argparse
        code = exc.code
    except Timeout:
        return "timeout", ""
    except BaseException as exc:  # noqa: BLE001 - what we count
        return "traceback", "".join(traceback.format_exception_only(exc)).strip()[:200]
    finally:
        signal.alarm(0)
    text = err.getvalue()
    if code == 0:
        return "ok", ""
    if code == 2 and text.strip() and "Traceback" not in text:
        lines = text.strip().splitlines()
        located = all(LOCATED.match(line) for line in lines)
        return ("located" if located else "message"), next((x for x in lines if not LOCATED.match(x)), lines[0])[:200]
    return "traceback", f"exit {code}: {text[-200:]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=HERE, help="the blocsim checkout to test")
    parser.add_argument("--files", type=int, default=200, help="mutated scenario files")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--seconds", type=int, default=20, help="time limit per case")
    parser.add_argument("--memory-gb", type=float, default=3.0, help="address-space cap for this process")
    parser.add_argument("--show", nargs="*", default=[], choices=OUTCOMES, help="print the cases that end so")
    args = parser.parse_args()
    args.root = args.root.resolve()
    sys.path.insert(0, str(args.root.resolve()))
    cap = int(args.memory_gb * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    signal.signal(signal.SIGALRM, _alarm)
    import sim

    assert Path(sim.__file__).resolve().is_relative_to(args.root.resolve()), sim.__file__
    rng = random.Random(args.seed)
    counts: dict[str, Counter] = {"scenario files": Counter(), "command lines": Counter()}
    with tempfile.TemporaryDirectory(prefix="blocsim-fuzz-") as tmp:
        os.chdir(tmp)  # a command that writes into the current folder (`--out ''` before the fix) writes here
        groups = {"scenario files": scenario_cases(args.root, rng, args.files, Path(tmp)),
                  "command lines": command_cases(Path(tmp), rng)}
        for group, cases in groups.items():
            for argv in cases:
                outcome, detail = run_case(argv, args.seconds)
                counts[group][outcome] += 1
                if outcome in args.show:
                    print(f"{outcome}: {' '.join(a[:60] for a in argv)}\n    {detail}", file=sys.__stdout__)
    print(f"root: {args.root}")
    for group, c in counts.items():
        total = sum(c.values())
        print(f"{group}: {total} cases: " + ", ".join(f"{k} {c[k]}" for k in OUTCOMES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
