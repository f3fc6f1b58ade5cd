"""The dashboard, end to end, in headless Chromium against a live server started by the fixture.

Each test opens its own browser context, which the server treats as a separate page with
its own run. Screenshots of the main views go to test-output/screenshots/.
"""

from __future__ import annotations

import csv
import io
import json
import statistics
import time
from pathlib import Path

import pytest

OUT = Path(__file__).resolve().parents[2] / "test-output"

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

CHARTS = ["network", "heatmap", "compare", "blocs", "lean", "arms", "aid", "pressure", "front"]

# Clicks Step and resolves with [header ms, all charts redrawn ms] measured in the page.
STEP_AND_TIME = """async (target) => {
  const t0 = performance.now();
  let header = null;
  const before = Array.from(document.querySelectorAll('[data-rendered]')).map(c => c.dataset.rendered);
  document.querySelector('button.blocsim-step').click();
  for (let i = 0; i < 2000; i++) {
    const h = document.querySelector('.blocsim-header-line [data-step]');
    if (h && h.dataset.step === String(target)) {
      if (header === null) header = performance.now() - t0;
      const revs = Array.from(document.querySelectorAll('[data-rendered]')).map(c => c.dataset.rendered);
      if (new Set(revs).size === 1 && revs.every((r, k) => r !== before[k])) return [header, performance.now() - t0];
    }
    await new Promise(r => setTimeout(r, 2));
  }
  return null;
}"""


def step_of(page) -> int:
    return int(page.locator(".blocsim-header-line [data-step]").get_attribute("data-step"))


def wait_ready(page) -> None:
    """Wait until the header is shown and every chart has drawn the same revision."""
    page.locator(".blocsim-header-line [data-step]").wait_for()
    try:
        page.wait_for_function(
            """(n) => { const r = Array.from(document.querySelectorAll('[data-rendered]')).map(c => c.dataset.rendered);
                       const h = document.querySelector('.blocsim-stepinfo');
                       return r.length >= n && r.every(x => x === h.dataset.revision); }""", arg=len(CHARTS))
    except Exception:
        state = page.evaluate("""() => Array.from(document.querySelectorAll('[data-chart]')).map(
            c => c.dataset.chart + ':' + (c.querySelector('[data-rendered]') || {dataset: {}}).dataset.rendered)""")
        raise AssertionError(f"charts did not all draw the latest revision: {state}") from None


def wait_step(page, n: int, timeout: float = 30_000) -> None:
    """Wait until the header, the event log and every chart show step ``n``."""
    page.wait_for_function(
        """(n) => { const h = document.querySelector('.blocsim-header-line [data-step]');
                   const log = document.querySelector('.blocsim-log-count');
                   return h && h.dataset.step === String(n) && log && log.dataset.step === String(n); }""",
        arg=n, timeout=timeout)
    wait_ready(page)


def pixels(page, chart: str) -> str:
    """What a chart shows right now, as its canvas' PNG data URL."""
    return page.evaluate("(n) => document.querySelector(`[data-chart=${n}] canvas`).toDataURL()", chart)


def pick(page, css: str, option: str) -> None:
    """Choose ``option`` in the Vuetify select that carries class ``css``."""
    menu = page.locator(".menuable__content__active")
    menu.wait_for(state="detached")
    page.locator(f"{css} .v-select__slot").click()
    item = menu.locator(".v-list-item", has_text=option).first
    item.wait_for()
    page.wait_for_timeout(150)  # the menu slides in; a click during the transition can miss
    item.click()
    if "v-select--is-multi" not in (page.locator(css).get_attribute("class") or "") and menu.count():
        menu.wait_for(state="detached")


def log_text(page) -> str:
    return page.locator(".blocsim-log").inner_text()


def open_dashboard(new_page, url):
    page = new_page(url)
    wait_ready(page)
    return page


def test_page_loads_with_every_asset_local(dashboard_url, new_page, shot):
    page = open_dashboard(new_page, dashboard_url)
    page.wait_for_load_state("networkidle")
    rule = page.locator(".blocsim-active-rule").inner_text()
    assert "Alignment rule" in rule and len(rule) > len("Alignment rule: ")
    assert page.locator("[data-chart] canvas").count() >= len(CHARTS)
    shot(page, "01-loaded")
    # the dials show the scenario's values without writing overrides (EU aid 1.8 sits between
    # its slider's 0.5 steps), so a fresh page runs the scenario as written
    assert page.locator("[data-dial]").count() >= 5
    page.wait_for_timeout(500)
    assert page.locator(".blocsim-controls textarea").input_value() == ""
    assert page.locator(".blocsim-overrides").count() == 0
    assert "EU aid to Ukraine ($bn a month): 1.8" in page.locator(
        "[data-dial='actors.EU.doctrine_params.aid_per_month']").inner_text()
    assert any("/_solara/cdn/" in u for u in page.net.urls), "expected assets served by the local proxy"
    assert not page.net.external(), page.net.external()
    assert not page.net.asset_failures(), page.net.asset_failures()


def test_pick_scenario_then_ten_steps_change_network_plots_and_log(dashboard_url, new_page, shot):
    page = open_dashboard(new_page, dashboard_url)
    pick(page, ".blocsim-scenario", "teaching_islands")
    page.wait_for_function("() => document.querySelector('.blocsim-scn').innerText.includes('Archipelago')")
    wait_ready(page)
    assert step_of(page) == 0
    assert "0 of 0 actions" in page.locator(".blocsim-log-count").inner_text()
    pick(page, ".blocsim-scenario", "feb2022_baseline")
    page.wait_for_function("() => document.querySelector('.blocsim-scn').innerText.includes('Feb 2022')")
    wait_ready(page)
    before = {c: pixels(page, c) for c in ("network", "heatmap", "blocs", "lean", "arms", "front")}
    page.locator("button.blocsim-step10").click()
    wait_step(page, 10)
    after = {c: pixels(page, c) for c in before}
    unchanged = [c for c in before if before[c] == after[c]]
    if unchanged:
        import base64
        shot(page, "99-unchanged-charts")
        for c in unchanged:
            (OUT / "screenshots" / f"99-unchanged-{c}.png").write_bytes(base64.b64decode(after[c].split(",", 1)[1]))
        counts = page.evaluate("() => Array.from(document.querySelectorAll('[data-chart]')).map(e => e.dataset.chart)")
    assert not unchanged, f"charts did not change after 10 steps: {unchanged} (charts in page: {counts})"
    page.wait_for_function("() => parseInt(document.querySelector('.blocsim-log-count').innerText) > 10")
    text = log_text(page)
    assert "because" in text, "log sentences should give reasons"
    # scrolled down to the log, the active rule and the run buttons stay in view
    page.locator(".blocsim-panel-log").scroll_into_view_if_needed()
    page.mouse.wheel(0, 2000)
    page.wait_for_timeout(300)
    for sticky in (".blocsim-active-rule", "button.blocsim-step"):
        box = page.locator(sticky).bounding_box()
        assert box and 0 <= box["y"] < 200, f"{sticky} scrolled out of view: {box}"
    shot(page, "03b-scrolled-header-stays")
    page.set_viewport_size({"width": 1600, "height": 3300})
    shot(page, "02-after-10-steps-full")
    shot(page.locator(".blocsim-panel-log"), "03-event-log")
    shot(page.locator("[data-chart=heatmap]"), "04-heatmap")
    # the UN votes panel: ES-11/1 held in Mar 2022 as on record, ES-11/6 still to come
    votes = page.locator(".blocsim-panel-votes")
    held = votes.locator("tr[data-vote=es11_1]")
    assert held.get_attribute("data-held") == "1"
    assert "adopted" in held.inner_text() and "matches all 19" in held.inner_text()
    assert "not yet held" in votes.locator("tr[data-vote=es11_6]").inner_text()
    shot(votes, "04b-un-votes")


def test_hover_previews_and_click_keeps_a_country_in_the_inspector_and_log_filters(dashboard_url, new_page, shot):
    page = open_dashboard(new_page, dashboard_url)
    page.locator("button.blocsim-step10").click()
    wait_step(page, 10)
    # click the country that stands furthest from any other, so no neighbour covers it; the
    # chart's size must have settled first (a scrollbar appearing re-lays it out)
    page.wait_for_function("""() => {
        const ch = document.querySelector('[data-chart=network] [data-rendered]').__blocsimChart;
        const size = ch.getWidth() + 'x' + ch.getHeight();
        const stable = window.__netSize === size && performance.now() - window.__netSince > 400;
        if (window.__netSize !== size) { window.__netSize = size; window.__netSince = performance.now(); }
        return stable; }""", polling=100)
    for attempt in range(3):
        actor, x, y = page.evaluate("""() => {
            const el = document.querySelector('[data-chart=network] [data-rendered]');
            const ch = el.__blocsimChart;
            const nodes = ch.getOption().series[0].data.map(
                d => [d.name, ...ch.convertToPixel({seriesIndex: 0}, [d.x, d.y])]);
            const gap = ([n, x, y]) => Math.min(...nodes.filter(o => o[0] !== n).map(
                o => Math.hypot(o[1] - x, o[2] - y)));
            const best = nodes.reduce((a, b) => gap(a) >= gap(b) ? a : b);
            const r = el.getBoundingClientRect();
            return [best[0], r.left + best[1], r.top + best[2]];
        }""")
        page.mouse.move(x, y)
        try:  # hovering previews the country; clicking keeps it
            page.locator(f"[data-inspector={actor}][data-preview='1']").wait_for(timeout=5000)
            page.mouse.click(x, y)
            page.locator(f"[data-inspector={actor}][data-preview='0']").wait_for(timeout=5000)
            break
        except Exception:
            shot(page, f"99-inspector-miss-{attempt}")
    else:
        raise AssertionError(f"clicking {actor} at {(x, y)} did not open the inspector")
    card = page.locator(".blocsim-inspector").inner_text()
    for field in ("Doctrine", "stock", "made/mo", "Partners", "Rivals", "Sanctioned by", "Needs", "Arms in"):
        assert field in card, f"{field!r} missing from the inspector"
    shot(page.locator(".blocsim-inspector"), "05-inspector")
    # filter the log to one actor and one kind
    total = int(page.locator(".blocsim-log-count").inner_text().split()[0])
    pick(page, ".blocsim-filter-kind", "sanction")
    page.keyboard.press("Escape")
    page.wait_for_function(f"() => parseInt(document.querySelector('.blocsim-log-count').innerText) < {total}")
    # the count and the table are separate widgets: wait until the table shows the rows counted
    page.wait_for_function("() => document.querySelectorAll('.blocsim-log tr[data-kind]').length === "
                           "Math.min(parseInt(document.querySelector('.blocsim-log-count').innerText), 250)")
    kinds = page.locator(".blocsim-log tr[data-kind]").evaluate_all("rows => rows.map(r => r.dataset.kind)")
    assert kinds and set(kinds) == {"sanction"}
    pick(page, ".blocsim-filter-actor", "RUS")
    page.keyboard.press("Escape")
    page.wait_for_function("() => document.querySelector('.blocsim-log-count').innerText.startsWith("
                           f"'{len(kinds)} ') === false")
    rows = page.locator(".blocsim-log tr[data-kind]").evaluate_all(
        "rows => rows.map(r => [r.dataset.kind, r.dataset.actor, r.dataset.target])")
    assert rows and all(k == "sanction" and "RUS" in (a, t) for k, a, t in rows), rows[:5]
    shot(page.locator(".blocsim-panel-log"), "05b-event-log-filtered")


def test_injects_show_in_the_log(dashboard_url, new_page, shot):
    page = open_dashboard(new_page, dashboard_url)
    # a scheduled event, applied now
    page.locator(".blocsim-inject-event .v-select__slot").click()
    first = page.locator(".menuable__content__active .v-list-item").first
    event_id = first.inner_text().split(":")[0].strip()
    first.click()
    page.locator("button.blocsim-inject-event-go").click()
    page.locator(".blocsim-inject-message").wait_for()
    assert "Queued event" in page.locator(".blocsim-inject-message").inner_text()
    # a composed action
    pick(page, ".blocsim-inject-actor", "PRK")
    pick(page, ".blocsim-inject-kind", "arms_transfer")
    pick(page, ".blocsim-inject-target", "RUS")
    page.locator(".blocsim-inject-amount input").fill("123456")
    page.locator("button.blocsim-inject-go").click()
    page.wait_for_function("() => document.querySelector('.blocsim-inject-message').innerText.includes('PRK')")
    page.locator("button.blocsim-step").click()
    wait_step(page, 1)
    injected = page.locator(".blocsim-log tr[data-inject]")
    assert injected.count() >= 2, (f"expected the event {event_id} and the composed action as injects; "
                                   f"step {step_of(page)}, log: {log_text(page)[:1500]}")
    texts = injected.all_inner_texts()
    assert any("North Korea" in t and "123" in t for t in texts), texts
    shot(page.locator(".blocsim-panel-injects"), "06-injects")
    # absurd amount: a message, nothing queued
    page.locator(".blocsim-inject-amount input").fill("-5")
    page.locator("button.blocsim-inject-go").click()
    page.wait_for_function("() => document.querySelector('.blocsim-inject-message').innerText.includes('amount')")


def test_invalid_upload_and_absurd_values_show_messages_and_server_stays_up(
        dashboard_url, new_page, shot, tmp_path, dashboard):
    page = open_dashboard(new_page, dashboard_url)
    bad = tmp_path / "broken.yaml"
    bad.write_text("name: Broken\ndescription: x\nactors:\n  AAA: {name: A, economy: -5}\n"
                   "  BBB: {name: B, doctrin: hedger}\n")
    page.locator("input[data-upload=scenario]").set_input_files(str(bad))
    errors = page.locator(".blocsim-errors")
    errors.wait_for()
    text = errors.inner_text()
    assert "broken.yaml:4: actors.AAA.economy" in text
    assert "broken.yaml:5: actors.BBB.doctrin" in text and "did you mean 'doctrine'" in text
    assert "Feb 2022" in page.locator(".blocsim-scn").inner_text(), "the current run must stay loaded"
    shot(page.locator(".blocsim-controls"), "07-upload-error")
    junk = tmp_path / "junk.yaml"
    junk.write_bytes(b"\x00\xff\xfe not yaml: [")
    page.locator("input[data-upload=scenario]").set_input_files(str(junk))
    page.wait_for_function("() => document.querySelector('.blocsim-errors').innerText.includes('junk.yaml')")
    # absurd settings
    page.locator(".blocsim-seed input").fill("-3")
    page.locator(".blocsim-steps input").fill("100000000")
    page.locator("button.blocsim-apply").click()
    page.wait_for_function("() => document.querySelector('.blocsim-errors').innerText.includes('steps: got')")
    assert "seed: got '-3'" in page.locator(".blocsim-errors").inner_text()
    # stepping past the end
    page.locator(".blocsim-seed input").fill("7")
    page.locator(".blocsim-steps input").fill("2")
    page.locator("button.blocsim-apply").click()
    page.wait_for_function("() => document.querySelector('.blocsim-stepinfo').innerText.includes('/ 2')")
    page.locator("button.blocsim-step10").click()
    wait_step(page, 2)
    page.locator("button.blocsim-step").click()
    page.wait_for_function("() => (document.querySelector('.blocsim-notice') || {innerText: ''}).innerText"
                           ".includes('last step')")
    assert step_of(page) == 2
    # a valid upload then loads
    good = tmp_path / "mini.yaml"
    good.write_text("extends: teaching_islands.yaml\nname: Mini upload\ndescription: an uploaded variant\nsteps: 5\n")
    page.locator("input[data-upload=scenario]").set_input_files(str(good))
    page.wait_for_function("() => document.querySelector('.blocsim-scn').innerText.includes('Mini upload')")
    assert dashboard.proc.poll() is None, "the server died"
    assert new_page(dashboard_url).locator(".blocsim-header-line").wait_for() is None


def test_exports_download_csv_jsonl_and_png(dashboard_url, new_page, tmp_path):
    page = open_dashboard(new_page, dashboard_url)
    page.locator("button.blocsim-step10").click()
    wait_step(page, 10)

    def download(locator):
        with page.expect_download() as d:
            locator.click()
        path = tmp_path / d.value.suggested_filename
        d.value.save_as(path)
        return path

    series = download(page.get_by_role("button", name="Series (CSV)", exact=True))
    rows = list(csv.DictReader(io.StringIO(series.read_text())))
    assert series.suffix == ".csv" and len(rows) == 11 and "polarization" in rows[0]
    assert [int(r["step"]) for r in rows] == list(range(11))
    log = download(page.get_by_role("button", name="Event log (JSONL)"))
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert log.suffix == ".jsonl" and records and all("reason" in r for r in records)
    assert max(r["step"] for r in records) == 10
    review = download(page.get_by_role("button", name="After-action review (Markdown)"))
    text = review.read_text()
    assert review.suffix == ".md" and text.startswith("# After-action review: Feb 2022 baseline")
    assert "2022-02 to 2022-12 (10 of 36 steps)" in text and "ES-11/1" in text and "## Who moved" in text
    for chart in ("network", "heatmap", "blocs"):
        png = download(page.locator(f"[data-png={chart}]"))
        data = png.read_bytes()
        assert png.suffix == ".png" and data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000, chart


def test_two_browser_contexts_have_independent_runs(dashboard_url, new_page):
    a = open_dashboard(new_page, dashboard_url)
    b = open_dashboard(new_page, dashboard_url)
    for _ in range(3):
        target = step_of(a) + 1
        a.locator("button.blocsim-step").click()
        wait_step(a, target)
    assert step_of(a) == 3 and step_of(b) == 0
    pick(b, ".blocsim-scenario", "teaching_islands")
    b.wait_for_function("() => document.querySelector('.blocsim-scn').innerText.includes('Archipelago')")
    wait_ready(b)
    b.locator("button.blocsim-step").click()
    wait_step(b, 1)
    a.reload()
    wait_ready(a)  # a reload is a new page: it starts afresh, but b is untouched
    assert "Archipelago" in b.locator(".blocsim-scn").inner_text() and step_of(b) == 1
    assert "Feb 2022" in a.locator(".blocsim-scn").inner_text()


def test_step_redraw_and_play_are_measured(dashboard_url, new_page, shot):
    page = open_dashboard(new_page, dashboard_url)
    timings = []
    for k in range(1, 11):
        t = page.evaluate(STEP_AND_TIME, k)
        assert t is not None, f"step {k} never finished redrawing"
        timings.append(t[1])
    median, worst = statistics.median(timings), max(timings)
    # from step 0, play at 10 steps/s for 2.5 s while counting animation frames (a frozen page draws none)
    page.locator("button.blocsim-reset").click()
    wait_step(page, 0)
    page.locator(".blocsim-speed button", has_text="10").click()
    page.wait_for_function("() => document.querySelector('.blocsim-speed .v-btn--active').innerText.trim() === '10'")
    page.evaluate("""() => { window.__gaps = []; let last = performance.now();
        const tick = (t) => { window.__gaps.push(t - last); last = t; if (window.__count) requestAnimationFrame(tick); };
        window.__count = true; requestAnimationFrame(tick); }""")
    s0, t0 = step_of(page), time.perf_counter()
    page.locator("button.blocsim-play").click()
    page.wait_for_timeout(2500)
    s1, t1 = step_of(page), time.perf_counter()
    pause_ms = page.evaluate("""async () => {  // Pause, while the page is redrawing
        const t0 = performance.now(); document.querySelector('button.blocsim-play').click();
        while (!document.querySelector('button.blocsim-play').innerText.includes('PLAY')
               && performance.now() - t0 < 5000) await new Promise(r => setTimeout(r, 5));
        return performance.now() - t0; }""")
    rate = (s1 - s0) / (t1 - t0)
    max_gap = page.evaluate("() => { window.__count = false; return Math.max(...window.__gaps.slice(1)); }")
    page.wait_for_timeout(500)
    paused_at = step_of(page)
    page.wait_for_timeout(800)
    assert step_of(page) == paused_at, "Pause did not stop the run"
    figures = {"step_redraw_ms_median": round(median), "step_redraw_ms_max": round(worst),
               "step_redraw_ms": [round(t) for t in timings], "play_steps_per_s_at_10": round(rate, 2),
               "play_max_frame_gap_ms": round(max_gap), "pause_ms": round(pause_ms)}
    OUT.mkdir(exist_ok=True)
    (OUT / "dashboard-perf.json").write_text(json.dumps(figures, indent=1))
    print("dashboard responsiveness:", figures)
    # The figures are measured here and judged by benchmarks/bench_dashboard.py against the
    # targets (300 ms a step, 5 steps/s); a test only checks what a user would see.
    if s1 <= s0 + 2:   # a machine this busy plays slower than the window; playing must still advance
        page.locator("button.blocsim-play").click()
        page.wait_for_function(f"() => Number(document.querySelector('.blocsim-header-line [data-step]').dataset.step) > {s0 + 2}",
                               timeout=60_000)


def test_compare_a_run_with_and_without_an_inject_on_the_same_axes(dashboard_url, new_page, shot):
    page = open_dashboard(new_page, dashboard_url)
    page.locator("button.blocsim-step10").click()
    wait_step(page, 10)
    page.get_by_role("button", name="Pin this run for comparison").click()
    page.locator(".blocsim-pinned").wait_for()
    page.locator("button.blocsim-reset").click()
    wait_step(page, 0)
    pick(page, ".blocsim-inject-actor", "USA")
    pick(page, ".blocsim-inject-kind", "withdraw")
    pick(page, ".blocsim-inject-target", "UKR")
    page.locator("button.blocsim-inject-go").click()
    page.wait_for_function("() => (document.querySelector('.blocsim-inject-message') || {innerText: ''})"
                           ".innerText.includes('Queued')")
    page.locator("button.blocsim-step10").click()
    wait_step(page, 10)
    series = page.evaluate("""() => {
        const ch = document.querySelector('[data-chart=compare] [data-rendered]').__blocsimChart;
        return ch.getOption().series.map(s => [s.name, s.lineStyle.type, s.data.length, s.data.map(d => d[1])]); }""")
    pinned = [s for s in series if "(pinned)" in s[0]]
    current = [s for s in series if "(this run)" in s[0]]
    assert pinned and len(pinned) == len(current), series
    assert all(s[1] == "dashed" and s[2] == 11 for s in pinned) and all(s[1] == "solid" for s in current)
    assert any(p[3] != c[3] for p, c in zip(pinned, current)), "the inject should change at least one indicator"
    shot(page.locator(".blocsim-panel-compare"), "08-compare-with-without-inject")


@pytest.mark.browser
def test_hindcast_scorecard_folds_open_and_scores_a_historical_scenario(dashboard_url, new_page, shot):
    page = open_dashboard(new_page, dashboard_url)
    panel = page.locator(".blocsim-panel-scorecard")
    panel.locator(".v-expansion-panel-header").click()                 # folded until asked for
    assert "has no historical record" in panel.inner_text()            # the default scenario has none
    assert panel.locator("button.blocsim-score").count() == 0
    pick(page, ".blocsim-scenario", "us_pullback_2025")
    page.wait_for_function("() => document.querySelector('.blocsim-scn').innerText.includes('2025')")
    wait_ready(page)
    panel.locator("button.blocsim-score").click()
    table = panel.locator("table.blocsim-scorecard")
    table.wait_for(timeout=120_000)
    text = table.inner_text()
    assert "fitting part" in text and "held-out part" in text and "missed pattern" in text
    shot(panel, "12-hindcast-scorecard")
    assert not page.net.external(), page.net.external()


@pytest.mark.browser
def test_alignment_rules_side_by_side(dashboard_url, new_page, shot):
    page = open_dashboard(new_page, dashboard_url)
    page.get_by_role("button", name="Compare all rules").click()
    table = page.locator("table.blocsim-rules")
    table.wait_for(timeout=60_000)
    header = table.locator("tr").first.inner_text()
    for rule in ("interest", "balance_continuous", "balance_triad", "landscape"):
        assert rule in header
    rows = table.locator("tr")
    assert rows.count() == 1 + 20                       # every actor of the default scenario
    assert "Russia" in table.inner_text() and "United States" in table.inner_text()
    shot(page.locator(".blocsim-panel-rules"), "09-rules-side-by-side")
    assert not page.net.external(), page.net.external()


def test_an_exercise_opens_with_its_worksheet(exercise_server, new_page, shot):
    page = open_dashboard(new_page, exercise_server.url)
    assert "Europe alone" in page.locator(".blocsim-scn").inner_text()
    sheet = page.locator("[data-worksheet=europe_alone]")
    assert sheet.is_visible()
    text = sheet.inner_text()
    assert "Part A" in text and "us_pullback" in text  # the worksheet's own sections and tables
    assert sheet.locator("table").count() >= 1
    shot(page.locator(".blocsim-panel-worksheet"), "10-exercise-worksheet")
    page.locator(".blocsim-panel-worksheet .v-expansion-panel-header").click()  # folds away
    sheet.wait_for(state="hidden")


def test_key_parameter_dials_restart_the_run_with_overrides(exercise_server, new_page, shot):
    page = open_dashboard(new_page, exercise_server.url)
    assert page.locator("[data-dial]").count() == 5
    assert page.locator(".blocsim-overrides").count() == 0
    page.locator("button.blocsim-step").click()
    wait_step(page, 1)
    # switch the pull-back off, and nudge Ukraine's purchases abroad up one notch (0.25 -> 0.5)
    page.locator("[data-dial='events.us_pullback.enabled'] input").click(force=True)
    page.locator("[data-dial='actors.UKR.doctrine_params.market_bn'] .v-slider__thumb-container").focus()
    page.keyboard.press("ArrowRight")
    box = page.locator(".blocsim-controls textarea")
    page.wait_for_function("(el) => el.value.includes('market_bn = 0.5')", arg=box.element_handle())
    assert "events.us_pullback.enabled = false" in box.input_value()
    shot(page.locator(".blocsim-controls"), "11-key-parameters")
    page.locator("button.blocsim-apply").click()
    chip = page.locator(".blocsim-overrides")
    chip.wait_for()
    wait_step(page, 0)  # applying restarts the run
    assert chip.inner_text().strip() == "2 overrides"
    assert "actors.UKR.doctrine_params.market_bn = 0.5" in chip.get_attribute("title")
    assert "Ukraine's arms purchases abroad ($bn a month): 0.5" in page.locator(
        "[data-dial='actors.UKR.doctrine_params.market_bn']").inner_text()


def test_back_replays_to_the_month_before_and_forward_again_is_the_same_run(dashboard_url, new_page, shot):
    page = open_dashboard(new_page, dashboard_url)
    assert page.locator("button.blocsim-back").is_disabled()  # nothing to go back to at step 0
    page.locator("button.blocsim-step10").click()
    wait_step(page, 10)
    count = page.locator(".blocsim-log-count").inner_text()
    blocs = page.locator(".blocsim-blocs").inner_text()
    page.locator("button.blocsim-back").click()
    wait_step(page, 9)
    assert page.locator(".blocsim-log-count").inner_text() != count  # month 10's actions are gone
    page.locator("button.blocsim-step").click()
    wait_step(page, 10)
    assert page.locator(".blocsim-log-count").inner_text() == count
    assert page.locator(".blocsim-blocs").inner_text() == blocs


def test_hostile_uploads_read_no_server_file_and_are_refused_within_limits(
        dashboard_url, new_page, tmp_path, dashboard):
    """An upload may extend only a shipped scenario by name; limits refuse a billion laughs."""
    secret = tmp_path / "secret.yaml"
    secret.write_text("name: TOPSECRET-4471\ndescription: not for the room\nactors: {}\n")
    page = open_dashboard(new_page, dashboard_url)
    errors = page.locator(".blocsim-errors")
    shown = {}
    for label, target in (("absolute", str(secret)), ("dotdot", f"../../../../../..{secret}"),
                          ("missing", str(tmp_path / "nothing-here.yaml")), ("folder", "sweeps/x.yaml")):
        upload = tmp_path / f"{label}.yaml"
        upload.write_text(f"extends: {target}\nname: Hostile {label}\n")
        page.locator("input[data-upload=scenario]").set_input_files(str(upload))
        page.wait_for_function("(n) => (document.querySelector('.blocsim-errors') || {innerText: ''})"
                               ".innerText.includes(n)", arg=f"{label}.yaml")
        text = errors.inner_text()
        assert "TOPSECRET" not in text and "not for the room" not in text
        assert "may extend only a shipped scenario, by name" in text, text
        shown[label] = text.split("may extend only", 1)[1]
    # the same words whether or not the path exists: nothing is revealed about the server's files
    assert shown["absolute"] == shown["missing"]
    assert "Feb 2022" in page.locator(".blocsim-scn").inner_text(), "the current run must stay loaded"
    laughs = tmp_path / "laughs.yaml"
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    laughs.write_text("\n".join(lines) + "\n")
    page.locator("input[data-upload=scenario]").set_input_files(str(laughs))
    page.wait_for_function("() => document.querySelector('.blocsim-errors').innerText.includes('laughs.yaml')")
    assert "more than 100,000 values" in errors.inner_text()
    infinite = tmp_path / "infinite.yaml"
    infinite.write_text("extends: teaching_islands\nname: Infinite\nactors:\n  AUR: {economy: .inf}\n")
    page.locator("input[data-upload=scenario]").set_input_files(str(infinite))
    page.wait_for_function("() => document.querySelector('.blocsim-errors').innerText.includes('infinite.yaml:4')")
    assert "a finite number" in errors.inner_text()
    good = tmp_path / "by_name.yaml"
    good.write_text("extends: teaching_islands\nname: Named parent\ndescription: by name\nsteps: 5\n")
    page.locator("input[data-upload=scenario]").set_input_files(str(good))
    page.wait_for_function("() => document.querySelector('.blocsim-scn').innerText.includes('Named parent')")
    assert dashboard.proc.poll() is None, "the server died"
    assert "Traceback" not in dashboard.log_text()


@pytest.mark.parametrize("path", ["static/..%00/x", "static/%00", "_solara/cdn/..%00/x"])
def test_a_static_url_that_names_no_file_is_a_404_not_a_server_error(dashboard, path):
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(dashboard.url + path, timeout=30)
    assert info.value.code == 404
    assert "Traceback" not in dashboard.log_text()
    assert "refused a static-file request" in dashboard.log_text(), "refusals are logged"
