"""Start the dashboard's Solara server so that every asset is served locally.

Solara loads JavaScript, CSS and fonts from a CDN unless told otherwise. Here the
server proxies ``/_solara/cdn/`` from the files that ``solara-assets`` installs, the
CDN it would fall back to is pointed at a closed loopback port (so a missing asset
fails loudly instead of leaving the machine), and telemetry and the version check
are off. The result runs in an air-gapped room.
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path

log = logging.getLogger("blocsim.dashboard")
APP = Path(__file__).with_name("app.py")
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
SCENARIO_ENV = "BLOCSIM_DASHBOARD_SCENARIO"

# Environment that keeps every request on this machine (read by solara at import).
OFFLINE_ENV = {
    "SOLARA_ASSETS_PROXY": "True",
    "SOLARA_ASSETS_CDN": "http://127.0.0.1:9/",
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
}


def solara_argv(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> list[str]:
    """Arguments for ``solara`` that serve the dashboard in production mode."""
    return [
        "run", str(APP), "--host", host, "--port", str(port),
        "--production", "--no-open", "--no-check-version", "--log-level-uvicorn", "warning",
    ]


def _enforce_offline() -> None:
    """Apply the offline settings even if solara was imported before the environment was set."""
    import solara.server.settings as server_settings
    import solara.settings

    solara.settings.assets.proxy = True
    solara.settings.assets.cdn = OFFLINE_ENV["SOLARA_ASSETS_CDN"]
    server_settings.telemetry.mixpanel_enable = False


def _harden_static_files() -> None:
    """A static-file URL that cannot name a file (a NUL byte, `..%00`) is a 404, logged,
    instead of an unhandled ValueError (HTTP 500 and a traceback in the log)."""
    from starlette.exceptions import HTTPException
    from starlette.staticfiles import StaticFiles

    original = StaticFiles.get_response
    if getattr(original, "blocsim_hardened", False):
        return

    async def get_response(self, path: str, scope):
        try:
            if "\0" in path:
                raise ValueError("embedded null byte")
            return await original(self, path, scope)
        except ValueError:
            log.warning("refused a static-file request for a path that names no file: %.80r", scope.get("path"))
            raise HTTPException(status_code=404) from None

    get_response.blocsim_hardened = True
    StaticFiles.get_response = get_response


def serve(scenario: str | None = None, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> int:
    """Run the dashboard server in this process until interrupted."""
    warnings.filterwarnings("ignore", message="Cookies with samesite=none")  # plain http on a LAN is intended
    os.environ.update(OFFLINE_ENV)
    if scenario:
        os.environ[SCENARIO_ENV] = str(scenario)
    else:
        os.environ.pop(SCENARIO_ENV, None)
    from solara.__main__ import cli  # imported after the environment is set

    _enforce_offline()
    _harden_static_files()

    try:
        cli(solara_argv(host, port), standalone_mode=False)
    except KeyboardInterrupt:
        pass
    return 0
