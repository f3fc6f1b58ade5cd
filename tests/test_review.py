"""The after-action review explains a policy turn: which pair cooled when steady support stopped, and why."""

from __future__ import annotations

from sim.model import BlocModel
from sim.review import after_action_review
from sim.scenario import load_scenario


def turns(overrides=None) -> list[str]:
    model = BlocModel(load_scenario("us_pullback_2025", overrides=overrides), seed=0).run()
    review = after_action_review(model)
    if "## Policy turns" not in review:
        return []
    section = review.split("## Policy turns", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("- ")]


def test_the_review_tells_the_us_ukraine_cooling_after_the_2025_pull_back():
    lines = turns()
    us = [line for line in lines if "The United States and Ukraine cooled" in line]
    assert len(us) == 1, lines
    line = us[0]
    assert line.startswith("- 2025-04:")                                   # the month of the pull-back
    assert "aid ($" in line and "arms ($" in line                          # which support stopped
    assert "every month since 2022-" in line                               # since when it had flowed
    assert "Why: the event: The US pulls back its support for Ukraine" in line
    before, end = (float(x.split()[0]) for x in line.split("(affinity ")[1].split(" before, "))
    assert end < before, "the pair cooled"


def test_without_the_pull_back_the_review_tells_no_us_ukraine_turn():
    assert not [line for line in turns({"events.us_pullback.enabled": False}) if "United States and Ukraine" in line]
