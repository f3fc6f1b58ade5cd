"""Property-based fuzzing of the scenario loader (Hypothesis): any document either loads or
gets located messages; never a traceback, and memory stays bounded.

Bounded for CI: a fixed number of examples per property (FUZZ_EXAMPLES, default 100), no
example database, derandomized so that a failure reproduces.
"""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.errors import UserError
from sim.scenario import SCENARIO_DIR, Scenario, parse_scenario

MEMORY_BOUND = 64 * 2**20
"""Most memory (bytes, traced by tracemalloc) one document may take to load or refuse."""
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
BASE = (SCENARIO_DIR / "teaching_islands.yaml").read_text()
TOKENS = [
    "&a ", "*a", "&b [*a, *a, *a, *a]", "!!set ", "!!float ", "!!int ", "!!binary ", "!!timestamp ",
    "!!python/object/apply:os.system ", "!custom ", "[", "]", "{", "}", ": ", "- ", "? ", ",", "\n", "  ",
    "\t", ".inf", "-.inf", ".nan", "1.0e+999", "9" * 40, "~", "null", "'", '"', "#", "\\", "%YAML 1.1\n",
    "---\n", "...\n", "<<: *a\n", "extends: /etc/passwd\n", "extends: ../../x.yaml\n",
    "extends: teaching_islands\n", "extends: *a\n", "\x00", "\ufeff", "\u2028", "é", "step:", "date: 2021-13",
    "actors:", "events:", "doctrine_params: {arms_items: [lasers]}", "record: {for: [AUR], against: [AUR]}",
    "[" * 80, "]" * 80,
]
settings.register_profile("ci", max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile("ci")


@st.composite
def mutated_scenarios(draw) -> str:
    """A shipped scenario with a few tokens inserted, lines deleted or characters replaced."""
    text = BASE
    for _ in range(draw(st.integers(1, 8))):
        pos = draw(st.integers(0, len(text)))
        token = draw(st.sampled_from(TOKENS) | st.text(max_size=4))
        op = draw(st.sampled_from(["insert", "replace", "delete_line"]))
        if op == "insert":
            text = text[:pos] + token + text[pos:]
        elif op == "replace":
            text = text[:pos] + token + text[pos + len(token):]
        else:
            start = text.rfind("\n", 0, pos) + 1
            end = text.find("\n", pos)
            text = text[:start] + text[end + 1 if end >= 0 else len(text):]
    return text


token_soup = st.lists(st.sampled_from(TOKENS) | st.text(max_size=6), max_size=60).map("".join)

TAGS = ["", "", "!!float ", "!!int ", "!!bool ", "!!set ", "!!map ", "!!seq ", "!!omap ", "!!binary ",
        "!!timestamp ", "!!null ", "!!str ", "!!python/object/apply:os.system ", "!local "]
VALUES = ["abc", "1", "0.5", "-3", ".inf", "-.inf", ".nan", "1.0e+999", "9" * 30, "'x'", "[1, 2]", "{a: 1}",
          "[*a]", "*a", "&a [*a]", "&a {b: *a}", "null", "2021-13-45", '"\\x00"', "[lasers]", "{}", "[]"]
KEYS = ["name", "description", "steps", "start", "actors", "economy", "reputation_concern", "doctrine",
        "doctrine_params", "arms_items", "items", "events", "step", "date", "set", "extends", "poles",
        "record", "weights", "<<", "1", "null", "? !!set {a: null}\n:", "? [a, b]\n:", "? {a: 1}\n:"]


@st.composite
def hostile_lines(draw) -> str:
    """The shipped scenario with lines `KEY: !!TAG VALUE` inserted at the indentation of
    the line above: wrong types, tags, aliases and keys, in every section."""
    lines = BASE.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines)))
        above = lines[at - 1] if at else ""
        indent = above[: len(above) - len(above.lstrip())]
        key, tag, value = draw(st.sampled_from(KEYS)), draw(st.sampled_from(TAGS)), draw(st.sampled_from(VALUES))
        lines.insert(at, f"{indent}{key} {tag}{value}" if key.endswith(":") else f"{indent}{key}: {tag}{value}")
    return "\n".join(lines) + "\n"


def loads_or_is_located(text: str) -> None:
    tracemalloc.start()
    try:
        try:
            result = parse_scenario(text, "up.yaml")
        except UserError as exc:
            assert exc.messages, "a refusal says why"
            for m in exc.messages:
                assert m.startswith(("up.yaml:", "up.yaml: ", str(SCENARIO_DIR))), m[:300]
                assert len(m) < 2000, f"a message quotes at most an excerpt: {m[:300]}"
        else:
            assert isinstance(result, Scenario)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_BOUND, f"{peak:,} bytes to load {len(text):,} characters"


@given(mutated_scenarios())
def test_a_mutated_scenario_loads_or_gets_located_messages(text):
    loads_or_is_located(text)


@given(token_soup)
def test_any_yaml_token_soup_loads_or_gets_located_messages(text):
    loads_or_is_located(text)


@given(hostile_lines())
def test_a_scenario_with_hostile_lines_loads_or_gets_located_messages(text):
    loads_or_is_located(text)


def test_the_unmutated_base_loads():
    loads_or_is_located(BASE)
    assert parse_scenario(BASE, "up.yaml").name
