"""The facilitator page's own pieces: the countdown typed in minutes, the branch tree shown."""

from __future__ import annotations

import pytest

from viz.workshop.app import branch_tree, deadline_after

NOW = "2026-03-01T10:00:00+00:00"


def test_a_countdown_becomes_a_deadline_after_the_servers_time():
    assert deadline_after(" 5 ", NOW) == "2026-03-01T10:05:00+00:00"
    assert deadline_after("0.5", NOW) == "2026-03-01T10:00:30+00:00"
    assert deadline_after("", NOW) is None


@pytest.mark.parametrize("typed", ["abc", "0", "-3", "1e308", "nan", "inf", "1441"])
def test_a_countdown_that_is_no_number_of_minutes_up_to_a_day_is_refused_with_the_field(typed):
    with pytest.raises(ValueError, match=r"countdown in minutes: got .* \(a number from 0.1 to 1440\)"):
        deadline_after(typed, NOW)


def test_the_branch_tree_puts_each_branch_under_the_one_it_was_rolled_back_from():
    def b(i, parent):
        return {"id": i, "parent": parent, "fork": 1, "turns": 2, "current": i == 4}
    tree = branch_tree([b(1, None), b(2, 1), b(3, 1), b(4, 2)])
    assert [(t["id"], t["label"].replace("\u00a0", " ")) for t in tree] == [
        (1, "1"), (2, "└ 2"), (4, "  └ 4"), (3, "└ 3")]
    assert tree[2]["current"]
