"""Time from the facilitator's adjudicate to every workshop session showing the next turn.

    .venv/bin/python benchmarks/bench_workshop.py [--turns 5]            # the load test's 30 sessions
    .venv/bin/python benchmarks/bench_workshop.py --pages 30 [--turns 5]  # 30 browser pages, no API sessions

Starts `blocsim workshop` on a free loopback port. By default it runs the load test's mix
(tests/load/session_mix.py): 26 locust API sessions (20 team, 6 observer) that follow the game with
the long-poll /api/wait, and 4 headless Chromium pages (two teams ordering through the form, two
observers); every team session orders each turn before the adjudication. With --pages N it opens N
observer and team pages in one Chromium instead, and no API session. Everything shares this machine's
cores. Prints the median and 95th percentile, over every session and turn, of the time from the
adjudicate request's answer (the change is committed before it is sent) to the session seeing the
new turn, and the CPU the server, the browser and locust used during the turns. Target: under 1 s.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402
from tests.e2e.test_workshop import start, stop  # noqa: E402
from tests.load.session_mix import ALL_PAGES, MIX_PAGES, play  # noqa: E402


def p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=20, method="inclusive")[-1] if len(xs) > 1 else xs[0]


def line(label: str, xs: list[float]) -> str:
    if not xs:
        return f"  {label}: none"
    return (f"  {label} ({len(xs)}): median {statistics.median(xs):.3f} s, p95 {p95(xs):.3f} s, "
            f"max {max(xs):.3f} s")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=None,
                    help="open this many browser pages and no API session (default: the load test's mix)")
    ap.add_argument("--turns", type=int, default=5)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    if args.pages is None:
        api, teams, pages, orders = 26, 20, MIX_PAGES, True
        title = f"{api} API sessions ({teams} team, {api - teams} observer) + {len(pages)} browser pages"
    else:
        api, teams, orders = 0, 0, False
        pages = tuple(ALL_PAGES[i % len(ALL_PAGES)] for i in range(args.pages))
        title = f"{args.pages} browser pages (observer and teams), no API session"

    tmp = Path(tempfile.mkdtemp())
    db = tmp / "bench.db"
    w = start(db, "feb2022_baseline", "--teams", "RUS,USA,CHN,EU", "--db", str(db))
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            mix = play(w, tmp, browser, api, teams, pages, args.turns, page_orders=orders, name="bench-workshop")
            browser.close()
    finally:
        stop(w, signal.SIGTERM)
    print(f"workshop: {title}, {args.turns} adjudications")
    print("adjudicate answered -> the session shows the new turn:")
    print(line("every session", mix.every))
    print(line("API sessions (long-poll)", mix.api_latency))
    print(line("browser pages", mix.page_latency))
    print(line("browser pages' network showing the new month", mix.views_latency))
    print(line("per turn, until the last session updated", mix.turn_all_updated))
    print(line("from the adjudicate request sent (adds the model's month)", mix.from_request))
    print("CPU used during the turns: " + ", ".join(f"{k} {v:.1f} s" for k, v in mix.cpu_s.items() if v))
    if mix.locust_code not in (None, 0):
        print(f"locust reported failures (exit {mix.locust_code}): see {mix.locust_log}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
