"""Fixtures for the dashboard's end-to-end tests: a live server and headless Chromium.

The server is started the way users start it (``blocsim dashboard --port N``), on a
free loopback port, and killed afterwards. Every browser page records its requests; a test fails
if any of them leaves 127.0.0.1 or if a local asset fails to load.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest


ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "test-output"
SHOTS = OUT / "screenshots"
CHROMIUM = os.environ.get("BLOCSIM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def free_port() -> int:
    """A TCP port that is free on the loopback interface right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    """Block until ``url`` answers HTTP 200, or fail with the server's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"dashboard server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"dashboard server did not answer at {url} within {timeout}s:\n{log.read_text()[-3000:]}")


class Server:
    """A running dashboard: its URL and its log."""

    def __init__(self, url: str, proc: subprocess.Popen, log: Path):
        self.url, self.proc, self.log = url, proc, log

    def log_text(self) -> str:
        """Everything the server printed so far."""
        return self.log.read_text(errors="replace")


def start_server(name: str, command: tuple[str, ...] = ("dashboard",)) -> Server:
    """Start ``blocsim COMMAND... --port N`` (the dashboard, or an exercise) and wait until it answers."""
    OUT.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = OUT / f"{name}.log"
    argv = [sys.executable, "-m", "sim.cli", *command, "--port", str(port)]
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    url = f"http://127.0.0.1:{port}/"
    wait_until_up(url, proc, log)
    assert f"blocsim dashboard: http://127.0.0.1:{port}" in log.read_text(), "the command must print its address"
    return Server(url, proc, log)


def stop_server(server: Server) -> None:
    """Terminate the server process (kill it if it does not stop)."""
    server.proc.terminate()
    try:
        server.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        server.proc.wait()


@pytest.fixture(scope="session")
def dashboard():
    """One dashboard server for the whole session (pages have independent state)."""
    server = start_server("dashboard-server")
    yield server
    stop_server(server)
    assert "Could not load URL" not in server.log_text(), "an asset was missing from the local install"


@pytest.fixture(scope="session")
def exercise_server():
    """`blocsim exercise europe_alone`, as a teacher starts it."""
    server = start_server("exercise-server", ("exercise", "europe_alone"))
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
def dashboard_url(dashboard) -> str:
    """The URL of the running dashboard."""
    return dashboard.url


# `browser` (the session's one headless Chromium) is in tests/conftest.py: the load tests share it.


class NetLog:
    """Requests a page made, split into the ones that left loopback and the ones that failed."""

    def __init__(self):
        self.urls: list[str] = []
        self.failed: list[str] = []

    def attach(self, page) -> None:
        page.on("request", lambda r: self.urls.append(r.url))
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        page.on("response", lambda r: self.failed.append(f"{r.url} (HTTP {r.status})") if r.status >= 400 else None)

    def external(self) -> list[str]:
        """Requests whose host is not the loopback interface (data: and blob: are local)."""
        out = []
        for u in self.urls:
            p = urlparse(u)
            if p.scheme in ("data", "blob", "about"):
                continue
            if p.hostname not in LOOPBACK:
                out.append(u)
        return out

    def asset_failures(self) -> list[str]:
        """Failed requests, apart from the ones a closing page aborts by design."""
        return [f for f in self.failed if "_solara/cdn" in f or "/static/" in f or "nbextensions" in f]


@pytest.fixture
def new_page(browser, request):
    """Factory: a page in a fresh browser context (its own cookies, so its own dashboard session)."""
    contexts, logs = [], []

    def make(url: str | None = None, **kw):
        ctx = browser.new_context(viewport={"width": 1600, "height": 1000}, accept_downloads=True, **kw)
        contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(30_000)
        net = NetLog()
        net.attach(page)
        logs.append(net)
        page.net = net
        if url:
            page.goto(url)
        return page

    yield make
    for ctx in contexts:
        ctx.close()
    for net in logs:
        assert not net.external(), f"requests left 127.0.0.1: {net.external()}"
        assert not net.asset_failures(), f"local assets failed to load: {net.asset_failures()}"


@pytest.fixture
def shot():
    """Save a screenshot under test-output/screenshots/: ``shot(page_or_locator, name)``."""

    def take(target, name: str) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        if hasattr(target, "goto"):
            target.screenshot(path=str(path), full_page=True)
        else:
            target.screenshot(path=str(path))
        return path

    return take
