"""`blocsim dashboard [SCENARIO]`: serve the Solara dashboard on this machine.

It binds 127.0.0.1:8765 by default, prints the address, and serves every JavaScript,
CSS and font file itself, so it works without internet. The dashboard code (viz/) is
imported only when the command runs: sim/ has no dashboard imports.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

from sim.commands.argtypes import whole_number
from sim.errors import UserError
from sim.scenario import load_scenario

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def register(sub) -> None:
    p = sub.add_parser("dashboard", help="watch and steer a run in the browser (offline)",
                       description="Serve the dashboard. Open the printed address in a browser.")
    p.add_argument("scenario", nargs="?", default=None,
                   help="a scenario file, or the name of a shipped one (default: the Feb 2022 baseline)")
    p.add_argument("--host", default=DEFAULT_HOST,
                   help="address to bind (default 127.0.0.1; 0.0.0.0 lets other machines in the room connect)")
    p.add_argument("--port", type=whole_number(1, 65535), default=DEFAULT_PORT, help="port (default 8765)")
    p.set_defaults(func=run)


def check_port(host: str, port: int) -> None:
    """Fail with one clear line if the address cannot be bound."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise UserError(f"--host {host}: not an address of this machine (for example 127.0.0.1 or 0.0.0.0)") from None
    family, _, _, _, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(addr)
        except OSError as exc:
            raise UserError(f"--port {port}: cannot listen on {host}:{port} ({exc.strerror}; "
                            "choose another port with --port)") from None


def run(args) -> int:
    return start(args.scenario, args.host, args.port)


def start(scenario: str | None, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> int:
    """Check the scenario and the address, then serve the dashboard until Ctrl+C."""
    if scenario is not None:
        load_scenario(scenario)  # a broken scenario stops here, with its located messages
        if Path(scenario).exists():
            scenario = str(Path(scenario).resolve())
    check_port(host, port)
    shown = f"[{host}]" if ":" in host else host
    print(f"blocsim dashboard: http://{shown}:{port}  (Ctrl+C to stop)", flush=True)
    if host not in LOOPBACK:
        print("blocsim dashboard: listening beyond this machine; anyone on the network can open it",
              file=sys.stderr, flush=True)
    from viz.server import serve  # the dashboard is imported only here

    return serve(scenario, host, port)
