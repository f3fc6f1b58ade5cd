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


def _tick_forever(game: Game, stop: threading.Event) -> None:
    """Close the order phase when its countdown ends, even if nobody acts."""
    while not stop.wait(TICK_S):
        try:
            game.tick()
        except Exception:  # a failed tick is retried next second; the game itself is unchanged
            pass


def serve(game: Game, host: str, port: int) -> int:
    """Run the workshop server in this process until interrupted."""
    warnings.filterwarnings("ignore", message="Cookies with samesite=none")
    os.environ.update(OFFLINE_ENV)
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
