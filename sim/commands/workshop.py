"""`blocsim workshop SCENARIO --teams RUS,USA`: serve one game to a facilitator, teams and an observer.

Creates the game (or resumes it with --resume FILE), prints the address, the facilitator's secret,
one join code per team and the observer code, writes the same to FILE.codes.txt (readable only by
its owner), then serves the pages and the JSON API until Ctrl+C. See docs/WORKSHOP.md.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sim.commands.argtypes import whole_number
from sim.commands.dashboard import DEFAULT_HOST, LOOPBACK, check_port
from sim.errors import UserError
from sim.scenario import DEFAULT_SCENARIO

DEFAULT_PORT = 8766
DEFAULT_DB = Path("workshop.db")


def register(sub) -> None:
    p = sub.add_parser("workshop", help="serve a game to a room: facilitator, team and observer pages",
                       description=__doc__.splitlines()[0])
    p.add_argument("scenario", nargs="?", default=None, help=f"a scenario file or shipped name (default {DEFAULT_SCENARIO})")
    p.add_argument("--teams", help="the countries teams play, e.g. RUS,USA,CHN,EU (a new workshop)")
    p.add_argument("--db", type=Path, default=None, help=f"the game file to create (default {DEFAULT_DB})")
    p.add_argument("--resume", type=Path, metavar="FILE", help="continue the workshop saved in this game file")
    p.add_argument("--seed", type=whole_number(0, 2**32 - 1), default=None,
                   help="random seed (default: a fresh random one, kept in the game file; only the facilitator sees it)")
    p.add_argument("--months", type=whole_number(1, 1200), default=1, help="months per turn (default 1)")
    p.add_argument("--host", default=DEFAULT_HOST,
                   help="address to bind (default 127.0.0.1; 0.0.0.0 lets other machines in the room connect)")
    p.add_argument("--port", type=whole_number(1, 65535), default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    p.add_argument("--trust-proxy", metavar="IP[,IP]", default="",
                   help="addresses of a reverse proxy in front of the server whose X-Forwarded-For header names the "
                        "client (default: none; wrong codes are counted per connecting address)")
    p.set_defaults(func=run)


def proxies(text: str) -> str:
    """`--trust-proxy`: comma-separated addresses or networks, checked."""
    import ipaddress

    given = [t.strip() for t in text.split(",") if t.strip()]
    for t in given:
        try:
            ipaddress.ip_network(t, strict=False)
        except ValueError:
            raise UserError(f"--trust-proxy {t}: not an IP address or network (e.g. 127.0.0.1 or 10.0.0.0/8)") from None
    return ",".join(given)


def codes_path(db: Path) -> Path:
    return db.with_name(db.name + ".codes.txt")


def write_private(path: Path, text: str) -> None:
    """Write `text` to a file only its owner can read or write (mode 0600), replacing any old one."""
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)


def sheet(url: str, codes: dict, host: str) -> str:
    """The facilitator's sheet: where to connect and the codes to hand out."""
    lines = [f"workshop: {url}  (everyone opens this address and enters their code)",
             f"facilitator secret: {codes['facilitator']}",
             f"observer code:      {codes['observer']}"]
    lines += [f"team {team:12s}      {code}" for team, code in codes["teams"].items()]
    if host not in LOOPBACK:
        lines.append(f"NOTE: listening on {host}, beyond this machine: anyone on the network can reach the "
                     "join page; only the codes let them in.")
    return "\n".join(lines) + "\n"


def run(args) -> int:
    from sim.game import Game

    trusted = proxies(args.trust_proxy)
    if args.resume is not None:
        if args.teams or args.scenario or args.db:
            raise UserError("--resume FILE continues a saved workshop: give no scenario, --teams or --db with it")
        db = args.resume
        if not db.is_file():
            raise UserError(f"--resume {db}: no such game file")
        check_port(args.host, args.port)
        game = Game.open(db)
        codes_file = codes_path(db)
        shown = f"[{args.host}]" if ":" in args.host else args.host
        url = f"http://{shown}:{args.port}/"
        st = game.status()
        print(f"workshop resumed: {db}, branch {st['branch']}, turn {st['turn']} ({st['phase']})")
        print(f"workshop: {url}  (the codes are unchanged: see {codes_file})")
        if args.host not in LOOPBACK:
            print(f"NOTE: listening on {args.host}, beyond this machine: anyone on the network can reach the join page.")
    else:
        if not args.teams:
            raise UserError("--teams: name the countries teams play, e.g. --teams RUS,USA,CHN,EU "
                            "(or continue a workshop with --resume FILE)")
        db = args.db or DEFAULT_DB
        if db.exists():
            raise UserError(f"--db {db}: the file exists; continue it with --resume {db} or choose another --db")
        check_port(args.host, args.port)
        teams = [t.strip() for t in args.teams.split(",") if t.strip()]
        seed = secrets.randbelow(2**32) if args.seed is None else args.seed
        game, codes = Game.create(db, args.scenario or DEFAULT_SCENARIO, teams, seed=seed,
                                  months_per_turn=args.months)
        shown = f"[{args.host}]" if ":" in args.host else args.host
        url = f"http://{shown}:{args.port}/"
        codes_file = codes_path(db)
        text = sheet(url, codes, args.host)
        write_private(codes_file, text)
        print(text, end="")
        print(f"The same is in {codes_file} (readable only by you). The game file keeps only the codes' hashes.")
        print(f"seed: {seed} (kept in the game file; teams and the observer are not shown it)")
    print("Ctrl+C stops the server; `blocsim workshop --resume FILE` continues where it stopped.", flush=True)
    from viz.workshop.server import serve  # the dashboard is imported only here

    if trusted:
        print(f"NOTE: trusting X-Forwarded-For from {trusted} (a reverse proxy) to name each client.")
    return serve(game, args.host, args.port, trusted)
