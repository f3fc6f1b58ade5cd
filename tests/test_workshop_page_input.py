"""What the facilitator types on the page before it reaches the game: the countdown in minutes."""

from __future__ import annotations

import pytest

from viz.workshop.app import deadline_after

NOW = "2026-03-01T10:00:00+00:00"


def test_a_countdown_becomes_a_deadline_after_the_servers_time():
    assert deadline_after(" 5 ", NOW) == "2026-03-01T10:05:00+00:00"
    assert deadline_after("0.5", NOW) == "2026-03-01T10:00:30+00:00"
    assert deadline_after("", NOW) is None


@pytest.mark.parametrize("typed", ["abc", "0", "-3", "1e308", "nan", "inf", "1441"])
def test_a_countdown_that_is_no_number_of_minutes_up_to_a_day_is_refused_with_the_field(typed):
    with pytest.raises(ValueError, match=r"countdown in minutes: got .* \(a number from 0.1 to 1440\)"):
        deadline_after(typed, NOW)
