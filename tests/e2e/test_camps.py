"""Changes of camp in the browser: in the Feb 2022 baseline Turkey leaves the western bloc in
2023-04 (step 14). The timeline, the feed, the network and the log must all make it plain."""

from __future__ import annotations

import pytest
from test_dashboard import open_dashboard, pick, wait_step

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]


def chart_point(page, chart: str, series: int, value: list) -> tuple[float, float]:
    """Page coordinates of a data value in a chart (ECharts' own conversion)."""
    x, y = page.evaluate(
        """([name, s, v]) => { const c = document.querySelector(`[data-chart=${name}] [data-rendered]`).__blocsimChart;
                              return c.convertToPixel({seriesIndex: s}, v); }""", [chart, series, value])
    box = page.locator(f"[data-chart={chart}] [data-rendered]").bounding_box()
    return box["x"] + x, box["y"] + y


def test_turkey_changing_camp_is_impossible_to_miss(dashboard_url, new_page, shot):
    page = open_dashboard(new_page, dashboard_url)
    page.locator("button.blocsim-step10").click()
    wait_step(page, 10)
    assert "No actor has changed camp yet" in page.locator(".blocsim-panel-camps").inner_text()
    for n in range(11, 15):
        page.locator("button.blocsim-step").click()
        wait_step(page, n)
    # the feed: month, actor, from where to where, and what drove it
    item = page.locator(".blocsim-feed-item", has_text="Turkey").first
    text = item.inner_text()
    assert "2023-04 · Turkey" in text and "the bloc of the United States → non-aligned" in text
    assert "Turkey voted" in text, "the feed names the actions that drove the change"
    shot(page.locator(".blocsim-panel-camps"), "20-camps-timeline-and-feed")
    # the network: a ring and a note on the step it happens
    page.locator("[data-chart=network]").evaluate("e => e.scrollIntoView({block: 'center'})")
    page.screenshot(path=str(page_shot_path("21-network-change-cue-viewport")))
    assert page.evaluate("""() => { const c = document.querySelector('[data-chart=network] [data-rendered]').__blocsimChart;
        const n = c.getOption().series[0].data.find(d => d.name === 'TUR');
        return n.itemStyle && n.itemStyle.borderWidth >= 5; }""")
    # clicking the change's marker on the timeline opens its cause in the event log
    page.locator("[data-chart=camps]").evaluate("e => e.scrollIntoView({block: 'center'})")
    x, y = chart_point(page, "camps", 1, ["2023-04", "Turkey"])
    page.mouse.click(x, y)
    focus = page.locator(".blocsim-log-focus")
    focus.wait_for()
    assert "Why Turkey changed camp in 2023-04" in focus.inner_text()
    rows = page.locator(".blocsim-log tr[data-kind]").evaluate_all(
        "rows => rows.map(r => [r.dataset.actor, r.dataset.target])")
    assert rows and all("TUR" in pair for pair in rows)
    page.wait_for_function("() => { const r = document.querySelector('.blocsim-panel-log').getBoundingClientRect();"
                           " return r.top >= 0 && r.top < window.innerHeight / 2; }")
    page.screenshot(path=str(page_shot_path("22-log-opened-on-turkey-viewport")))
    page.locator("button.blocsim-log-unfocus").click()
    focus.wait_for(state="detached")
    # pickers show names
    pick(page, ".blocsim-filter-actor", "Turkey (TUR)")
    page.keyboard.press("Escape")


def page_shot_path(name: str):
    from conftest import SHOTS

    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS / f"{name}.png"


def test_series_charts_give_each_actor_its_own_colour_and_direct_labels(dashboard_url, new_page, shot):
    page = open_dashboard(new_page, dashboard_url)
    page.locator("button.blocsim-step10").click()
    wait_step(page, 10)
    colours = page.evaluate("""() => ['lean', 'pressure'].map(name => {
        const c = document.querySelector(`[data-chart=${name}] [data-rendered]`).__blocsimChart;
        return c.getOption().series.map(s => [s.name, s.lineStyle.color]); })""")
    lean, pressure = (dict(x) for x in colours)
    assert len(set(pressure.values())) == len(pressure), "each sanctioned actor has its own colour"
    assert all(lean[a] == pressure[a] for a in set(lean) & set(pressure)), "one colour per actor in every chart"
    assert page.evaluate("""() => !document.body.innerText.includes('This website runs on Solara')""")
    header = page.locator(".blocsim-sticky").inner_text()
    assert "docs/THEORIES.md" in header and "THEORY.md" not in header
    shot(page.locator(".blocsim-panel", has=page.locator("[data-chart=lean]")), "23-series-colours-direct-labels")
    shot(page, "24-whole-page-step10")
