"""Small things a new user notices on the dashboard: names in pickers, money as people write it,
axis labels in full, no badge over the charts, the scenario picker naming the scenario."""

from __future__ import annotations

import re
import shutil
import pytest
from conftest import ROOT, SHOTS, start_server, stop_server
from test_dashboard import open_dashboard, pick, wait_step

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]


def test_pickers_show_names_and_money_reads_as_written(dashboard_url, new_page, shot):
    page = open_dashboard(new_page, dashboard_url)
    pick(page, ".blocsim-inspector", "United States (USA)")
    page.locator("[data-inspector=USA]").wait_for()
    card = page.locator(".blocsim-inspector").inner_text()
    assert re.search(r"Economy \$\d+\.\dtn/yr", card), card
    assert "kbn" not in card and "Mbn" not in card
    shot(page.locator(".blocsim-inspector"), "30-inspector-money")
    page.locator(".blocsim-inject-actor .v-select__slot").click()
    items = page.locator(".menuable__content__active .v-list-item").all_inner_texts()
    assert "Russia (RUS)" in items and "North Korea (PRK)" in items
    shot(page, "31-actor-picker-names")
    page.keyboard.press("Escape")


def test_axis_labels_are_whole_and_no_badge_covers_the_charts(dashboard_url, new_page, shot):
    page = open_dashboard(new_page, dashboard_url)
    page.locator("button.blocsim-step10").click()
    wait_step(page, 10)
    grids = page.evaluate("""() => ['blocs', 'lean', 'arms', 'aid', 'pressure', 'front'].map(name => {
        const c = document.querySelector(`[data-chart=${name}] [data-rendered]`).__blocsimChart;
        const o = c.getOption();
        return [o.grid[0].containLabel, o.xAxis[0].nameLocation]; })""")
    assert all(contain and where == "middle" for contain, where in grids), grids
    assert page.get_by_text("This website runs on Solara").count() == 0
    page.locator("[data-chart=arms]").evaluate("e => e.scrollIntoView({block: 'center'})")
    page.screenshot(path=str(SHOTS / "32-axis-labels-no-badge.png"))


def test_a_scenario_opened_from_a_file_is_named_not_shown_as_a_path(new_page, tmp_path, shot):
    mine = tmp_path / "a very long folder name that would be truncated" / "my_islands.yaml"
    mine.parent.mkdir(parents=True)
    shutil.copy(ROOT / "scenarios" / "teaching_islands.yaml", mine)
    server = start_server("dashboard-file", ("dashboard", str(mine)))
    try:
        page = open_dashboard(new_page, server.url)
        shown = page.locator(".blocsim-scenario .v-select__selection").inner_text()
        assert shown == "The Archipelago (fictional)", shown
        assert page.locator(".blocsim-scenario-file").inner_text() == "from the file my_islands.yaml"
        shot(page.locator(".blocsim-controls"), "33-scenario-picker-names-the-file")
    finally:
        stop_server(server)
