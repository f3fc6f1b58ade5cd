"""Serve the workshop: the Solara pages and the JSON API on one server, offline, around one game."""

from __future__ import annotations

import os
import threading
import warnings
from pathlib import Path

from sim.game import Game
from viz.server import OFFLINE_ENV, _enforce_offline, _harden_static_files
from viz.workshop import state

APP = Path(__file__).with_name("app.py")
TICK_S = 1.0   # how often a phase deadline is checked


def _add_api_routes() -> None:
    """Put the JSON API's routes in front of Solara's catch-all page route, on Solara's own Starlette app."""
    import solara.server.starlette as solara_starlette

    from viz.workshop.api import routes

    app_routes = solara_starlette.app.router.routes
    if not any(getattr(r, "path", "") == "/api/join" for r in app_routes):
        app_routes[0:0] = routes
        solara_starlette.app.add_middleware(ClientAddress)


class ClientAddress:
    """ASGI middleware: a page's websocket carries its client's address in the `state.CLIENT_HEADER`
    header (replacing any the browser sent), which the page reads through `solara.lab.headers`. The
    address is the connection's own, or a trusted proxy's X-Forwarded-For (uvicorn's
    FORWARDED_ALLOW_IPS, which `serve` sets), as the API's `request.client` is."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket":
            host = scope["client"][0] if scope.get("client") else "unknown"
            headers = [(k, v) for k, v in scope["headers"] if k.lower() != state.CLIENT_HEADER.encode()]
            scope = {**scope, "headers": [*headers, (state.CLIENT_HEADER.encode(), host.encode())]}
        await self.app(scope, receive, send)


def _tick_forever(game: Game, stop: threading.Event) -> None:
    """Close the order phase when its countdown ends, even if nobody acts."""
    while not stop.wait(TICK_S):
        try:
            game.tick()
        except Exception:  # a failed tick is retried next second; the game itself is unchanged
            pass


def serve(game: Game, host: str, port: int, trusted_proxies: str = "") -> int:
    """Run the workshop server in this process until interrupted. X-Forwarded-For names a client only
    when it comes from one of `trusted_proxies` (comma-separated; by default none, not even loopback)."""
    warnings.filterwarnings("ignore", message="Cookies with samesite=none")
    os.environ.update(OFFLINE_ENV)
    os.environ["FORWARDED_ALLOW_IPS"] = trusted_proxies   # read by uvicorn's Config ("": trust none)
    os.environ["SOLARA_APP"] = str(APP)   # read when solara's server module is imported (by _add_api_routes)
    from solara.__main__ import cli

    _enforce_offline()
    _harden_static_files()
    state.install(game)
    _add_api_routes()
    stop = threading.Event()
    threading.Thread(target=_tick_forever, args=(game, stop), daemon=True, name="workshop-tick").start()
    argv = ["run", str(APP), "--host", host, "--port", str(port), "--production", "--no-open",
            "--no-check-version", "--log-level-uvicorn", "warning"]
    try:
        cli(argv, standalone_mode=False)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
    return 0
