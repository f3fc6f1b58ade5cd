"""Time from the facilitator's adjudicate to every open workshop page showing the next turn.

    .venv/bin/python benchmarks/bench_workshop.py [--pages 30] [--turns 5]

Starts `blocsim workshop` on a free loopback port, opens --pages observer and team pages in headless
Chromium (one browser, a context each), then adjudicates --turns times through the JSON API. Each page
records (in the browser, with a MutationObserver) the moment its header first shows the new turn.
It also records when the page's network (the dashboard's views) shows the new month.
Prints the median and 95th percentile over every page and turn, measured from the moment the
adjudicate request returned (the change is committed) and from the moment it was sent (adding the
model's month itself). Target: under 1 s for 30 pages.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402
from tests.e2e.test_workshop import join, start, stop  # noqa: E402

WATCH = """([turn, step]) => { window.__seen = null; window.__views = null; const want = `turn ${turn} of`;
  const views = `Alignment network · step ${step} `;
  const check = () => { const text = document.body.innerText;
    if (window.__seen === null && text.includes(want)) window.__seen = Date.now();
    if (window.__views === null && text.includes(views)) window.__views = Date.now(); };
  new MutationObserver(check).observe(document.body, {subtree: true, childList: true, characterData: true}); check(); }"""


def p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=20, method="inclusive")[-1] if len(xs) > 1 else xs[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=30)
    ap.add_argument("--turns", type=int, default=5)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    db = Path(tempfile.mkdtemp()) / "bench.db"
    w = start(db, "feb2022_baseline", "--teams", "RUS,USA,CHN,EU", "--db", str(db))
    who = ["observer", "RUS", "USA", "CHN", "EU"]
    after_commit, after_request, views = [], [], []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            pages = []
            for i in range(args.pages):
                page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
                page.set_default_timeout(60_000)
                page.goto(w.url)
                role = who[i % len(who)]
                join(page, w.codes[role], "observer (projector)" if role == "observer" else f"team {role}")
                pages.append(page)
            for turn in range(2, args.turns + 2):
                for page in pages:
                    page.evaluate(WATCH, [turn, turn - 1])
                sent = time.time() * 1000
                w.api("facilitator", "/api/adjudicate", "POST")
                done = time.time() * 1000
                for page in pages:
                    page.wait_for_function("window.__seen !== null && window.__views !== null")
                    seen, drawn = page.evaluate("[window.__seen, window.__views]")
                    after_commit.append(max(0.0, seen - done) / 1000)
                    views.append(max(0.0, drawn - done) / 1000)
                    after_request.append((seen - sent) / 1000)
            browser.close()
    finally:
        stop(w, signal.SIGTERM)
    n = len(after_commit)
    print(f"workshop: {args.pages} pages x {args.turns} adjudications ({n} page updates)")
    print(f"  committed -> page shows the new turn: median {statistics.median(after_commit):.3f} s, "
          f"p95 {p95(after_commit):.3f} s, max {max(after_commit):.3f} s")
    print(f"  committed -> page's network shows the new month: median {statistics.median(views):.3f} s, "
          f"p95 {p95(views):.3f} s, max {max(views):.3f} s")
    print(f"  adjudicate sent -> page shows the new turn: median {statistics.median(after_request):.3f} s, "
          f"p95 {p95(after_request):.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
