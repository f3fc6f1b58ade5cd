"""`blocsim game VERB FILE ...`: play a workshop game headless, one command per move.

The game lives in one SQLite file (--db at `new`). Every verb but `new` names that file and
acts with a code: `--as CODE`, or the environment variable BLOCSIM_GAME_CODE. `new` prints
the facilitator's secret, one join code per team and an observer code (keep them: the file
holds only their hashes).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from sim.commands.argtypes import whole_number
from sim.errors import UserError
from sim.scenario import DEFAULT_SCENARIO

CODE_ENV = "BLOCSIM_GAME_CODE"
MAX_ORDERS_BYTES = 256_000

FACILITATOR_VERBS = {
    "open": "reopen the current turn's order phase (--deadline UTC time optional)",
    "close": "close the order phase",
    "adjudicate": "step the model through the turn, publish the results, open the next turn",
    "pause": "pause the game (no orders accepted)",
    "resume": "resume a paused game",
    "log": "print the whole game log",
}


def register(sub) -> None:
    p = sub.add_parser("game", help="play a workshop game headless (teams, orders, turns, branches)",
                       description=__doc__.splitlines()[0])
    verbs = p.add_subparsers(dest="verb", metavar="VERB", parser_class=type(p))
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])

    def verb(name: str, help: str, file: bool = True, code: bool = True):
        v = verbs.add_parser(name, help=help, description=help)
        if file:
            v.add_argument("file", type=Path, help="the game file")
        if code:
            v.add_argument("--as", dest="code", metavar="CODE",
                           help=f"your code (facilitator secret, team join code or observer code); default ${CODE_ENV}")
        v.add_argument("--json", action="store_true", help="print the result as JSON")
        return v

    v = verb("new", "start a new game and print its codes", file=False, code=False)
    v.add_argument("scenario", nargs="?", default=DEFAULT_SCENARIO, help="a scenario file or shipped name")
    v.add_argument("--teams", required=True, help="the countries teams play, e.g. RUS,USA,CHN,EU")
    v.add_argument("--db", type=Path, required=True, help="the game file to create")
    v.add_argument("--seed", type=whole_number(0, 2**32 - 1), default=0, help="random seed (default 0)")
    v.add_argument("--months", type=whole_number(1, 1200), default=1, help="months per turn (default 1)")
    v.add_argument("--set", action="append", default=[], metavar="PATH=VALUE", help="override a scenario field")
    v.set_defaults(func=cmd_new)

    v = verb("order", "submit a team's orders from a YAML file (a list of orders; all or none accepted)")
    v.add_argument("orders", type=Path, help="YAML file: a list of orders (kind, target, item, amount, ...)")
    v.set_defaults(func=cmd_order)
    v = verb("change", "replace one of your orders this turn (same checks as a new one)")
    v.add_argument("id", type=int, help="the order's id (see `game view`)")
    v.add_argument("order", type=Path, help="YAML file: the new order (one mapping)")
    v.set_defaults(func=cmd_change)
    v = verb("withdraw", "withdraw one of your orders this turn")
    v.add_argument("id", type=int, help="the order's id (see `game view`)")
    v.set_defaults(func=cmd_withdraw)
    v = verb("advise", "what your country's doctrine would do this turn, with reasons")
    v.set_defaults(func=cmd_advise)
    v = verb("adopt", "adopt one of the advisor's suggestions as an order")
    v.add_argument("index", type=int, help="the suggestion's number in `game advise`")
    v.set_defaults(func=cmd_adopt)
    v = verb("view", "what you can see of the game (a team: its own country, fog of war)")
    v.set_defaults(func=cmd_view)
    v = verb("status", "the turn, the phase, who has submitted, the branches")
    v.set_defaults(func=cmd_status)
    v = verb("branches", "the tree of branches")
    v.set_defaults(func=cmd_branches)
    for name, help in FACILITATOR_VERBS.items():
        v = verb(name, help)
        if name == "open":
            v.add_argument("--deadline", help="UTC time the phase closes by itself, e.g. 2026-12-02T18:00:00+00:00")
        v.set_defaults(func=cmd_facilitator, action=name)
    v = verb("rollback", "play an earlier turn again as a new branch (every branch is kept)")
    v.add_argument("--to", dest="to_turn", type=whole_number(1), required=True, help="the turn to play again")
    v.set_defaults(func=cmd_rollback)
    v = verb("switch", "make another branch the current one")
    v.add_argument("branch", type=int)
    v.set_defaults(func=cmd_switch)
    v = verb("inject", "queue a scenario event or a composed action for this turn")
    v.add_argument("--event", help="a scenario event id")
    v.add_argument("--action", help="a composed action as YAML, e.g. '{kind: sanction, actor: USA, target: "
                                    "CHN, item: banks, amount: 0.2}'")
    v.set_defaults(func=cmd_inject)
    v = verb("set", "change a settable field from this turn on")
    v.add_argument("assignment", metavar="PATH=VALUE")
    v.set_defaults(func=cmd_set)
    v = verb("reveal", "show a team a note or a fact it cannot see")
    v.add_argument("--team", required=True)
    v.add_argument("--note", default="")
    v.add_argument("--about", help="stocks:ID or orders:ID")
    v.set_defaults(func=cmd_reveal)
    v = verb("message", "send a message to a team, or to everyone")
    v.add_argument("text")
    v.add_argument("--team", help="the team's country (default: everyone)")
    v.set_defaults(func=cmd_message)
    v = verb("hide", "withdraw a reveal")
    v.add_argument("id", type=int)
    v.set_defaults(func=cmd_hide)
    v = verb("export", "write the after-action review as one self-contained HTML file")
    v.add_argument("--branch", type=int, help="the branch to tell (default: the current one)")
    v.add_argument("--out", type=Path, help="the HTML file (default: FILE with .html)")
    v.set_defaults(func=cmd_export)


# ---------------------------------------------------------------------- helpers
def _open(args):
    from sim.game import Game

    code = args.code or os.environ.get(CODE_ENV)
    if not code:
        raise UserError(f"give your code with --as CODE or in ${CODE_ENV}")
    game = Game.open(args.file)
    return game, game.join(code)


def _print(args, result, text: str) -> int:
    print(json.dumps(result, indent=2, ensure_ascii=False, default=str) if args.json else text)
    return 0


def _status_text(st: dict) -> str:
    deadline = f", closes by {st['deadline']}" if st["deadline"] and st["phase"] == "open" else ""
    paused = " (paused)" if st["paused"] else ""
    ended = " - the last turn: the game is over" if st["phase"] == "adjudicated" and st["turn"] == st["last_turn"] else ""
    seed = f" (seed {st['seed']})" if "seed" in st else ""
    return (f"{st['scenario']}{seed}, branch {st['branch']}, turn {st['turn']} of {st['last_turn']} "
            f"({st['month']}): orders {st['phase']}{deadline}{paused}{ended}\n"
            f"teams: {', '.join(st['teams'])}; submitted: {', '.join(st['submitted']) or 'none'}")


# ---------------------------------------------------------------------- verbs
def cmd_new(args) -> int:
    from sim.commands.run import parse_sets
    from sim.game import Game

    teams = [t.strip() for t in args.teams.split(",") if t.strip()]
    game, codes = Game.create(args.db, args.scenario, teams, seed=args.seed, months_per_turn=args.months,
                              overrides=parse_sets(args.set))
    st = game.status()
    game.close()
    if args.json:
        return _print(args, {"file": str(args.db), "codes": codes, "status": st}, "")
    print(f"game {args.db}: {st['scenario']}, {len(teams)} teams, {st['last_turn']} turns of "
          f"{st['months_per_turn']} month(s); turn 1 orders are open")
    print(f"facilitator secret: {codes['facilitator']}")
    print(f"observer code:      {codes['observer']}")
    for team, code in codes["teams"].items():
        print(f"team {team:12s}  {code}")
    print("Keep these codes: the file holds only their hashes.")
    return 0


def _read_orders(path: Path):
    from sim.scenario.yamlio import parse_yaml, read_text

    text = read_text(path, "a YAML file of orders")
    if len(text.encode()) > MAX_ORDERS_BYTES:
        raise UserError(f"{path}: the file is too large (at most {MAX_ORDERS_BYTES:,} bytes)")
    return parse_yaml(text, str(path)).data


def cmd_change(args) -> int:
    data = _read_orders(args.order)
    if isinstance(data, list) and len(data) == 1:
        data = data[0]
    game, me = _open(args)
    try:
        game.change_order(me, args.id, data)
    except UserError as exc:
        raise UserError([f"{args.order}: {m}" for m in exc.messages]) from None
    order = next(o for o in game.orders(me)[me.country] if o["id"] == args.id)
    return _print(args, order, f"order {args.id}: {order['sentence']}")


def cmd_order(args) -> int:
    data = _read_orders(args.orders)
    if isinstance(data, dict) and "orders" in data:
        data = data["orders"]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not data:
        raise UserError(f"{args.orders}: expected a list of orders, each a mapping "
                        "(- kind: arms_transfer\\n  target: UKR\\n  item: shells\\n  amount: 10000)")
    game, me = _open(args)
    try:
        ids = game.submit_orders(me, data)
    except UserError as exc:
        raise UserError([f"{args.orders}: {m}" for m in exc.messages]) from None
    orders = game.orders(me)[me.country]
    return _print(args, {"accepted": ids, "orders": orders},
                  "\n".join(f"order {o['id']}: {o['sentence']}" for o in orders if o["id"] in ids))


def cmd_withdraw(args) -> int:
    game, me = _open(args)
    game.withdraw_order(me, args.id)
    return _print(args, {"withdrawn": args.id}, f"order {args.id} withdrawn")


def cmd_advise(args) -> int:
    game, me = _open(args)
    advice = game.advise(me)
    return _print(args, advice, "\n".join(f"{i}: {a['sentence']}" for i, a in enumerate(advice))
                  or "the doctrine would do nothing this turn")


def cmd_adopt(args) -> int:
    game, me = _open(args)
    oid = game.adopt(me, args.index)
    order = next(o for o in game.orders(me)[me.country] if o["id"] == oid)
    return _print(args, order, f"order {oid}: {order['sentence']}")


def cmd_view(args) -> int:
    game, me = _open(args)
    v = game.view(me)
    if args.json:
        return _print(args, v, "")
    lines = [_status_text(v["game"])]
    if "country" in v:
        c = v["country"]
        lines.append(f"{c['name']}: reserves ${c['reserves_bn']:,.1f}bn; stocks " +
                     ", ".join(f"{k} {x:,.0f}" for k, x in c["stocks"].items()))
        if c["needs"]:
            lines.append("needs: " + ", ".join(f"{k} {x:,.0f}" for k, x in c["needs"].items()))
        lines += [f"order {o['id']}: {o['sentence']}" for o in v["orders"]]
        lines += [f"revealed: {r['note']} {json.dumps(r.get('data')) if r.get('data') else ''}" for r in v["revealed"]]
    lines += [f"message from the facilitator: {m['text']}" for m in v["messages"]]
    lines += [f"[{e['date']}] {e['text']}" for e in v["events"][-15:]]
    print("\n".join(lines))
    return 0


def cmd_status(args) -> int:
    game, me = _open(args)
    st = game.status(me)
    return _print(args, st, _status_text(st))


def cmd_branches(args) -> int:
    game, me = _open(args)
    rows = game.branch_list()
    return _print(args, rows, "\n".join(
        f"{'*' if b['current'] else ' '} branch {b['id']}: " +
        (f"from branch {b['parent']} at turn {b['fork']}, " if b["parent"] else "") + f"up to turn {b['turns']}"
        for b in rows))


def cmd_facilitator(args) -> int:
    game, me = _open(args)
    if args.action == "log":
        entries = game.log(me)
        return _print(args, entries, "\n".join(
            f"{e['seq']:5d} {e['at']} {e['who']:>11s} ({e['role']}) {e['kind']} {json.dumps(e['data'])[:160]}"
            for e in entries))
    if args.action == "open":
        game.open_phase(me, deadline=args.deadline)
    else:
        result = getattr(game, {"close": "close_phase"}.get(args.action, args.action))(me)
        if args.action == "adjudicate":
            model = game.final_model(game.branch_id)
            moves = [a.sentence(game.names) for a in model.events if a.step in game.months(result["turn"])]
            if not args.json:
                print("\n".join(moves))
    st = game.status(me)
    return _print(args, st, _status_text(st))


def cmd_rollback(args) -> int:
    game, me = _open(args)
    new = game.rollback(me, args.to_turn)
    st = game.status(me)
    return _print(args, st, f"branch {new} plays turn {args.to_turn} again\n" + _status_text(st))


def cmd_switch(args) -> int:
    game, me = _open(args)
    game.switch_branch(me, args.branch)
    st = game.status(me)
    return _print(args, st, _status_text(st))


def cmd_inject(args) -> int:
    from sim.scenario.yamlio import parse_yaml

    action = parse_yaml(args.action, "--action").data if args.action else None
    game, me = _open(args)
    game.inject(me, event=args.event, action=action)
    return _print(args, {"ok": True}, "queued for this turn")


def cmd_set(args) -> int:
    from sim.scenario import parse_assignment

    try:
        path, value = parse_assignment(args.assignment)
    except ValueError as exc:
        raise UserError(f"set {args.assignment}: {exc}") from None
    game, me = _open(args)
    game.set_field(me, path, value)
    return _print(args, {"ok": True}, f"{path} = {value!r} from this turn on")


def cmd_reveal(args) -> int:
    game, me = _open(args)
    rid = game.reveal(me, args.team, note=args.note, about=args.about)
    return _print(args, {"id": rid}, f"reveal {rid} shown to {args.team}")


def cmd_message(args) -> int:
    game, me = _open(args)
    mid = game.message(me, args.text, team=args.team)
    return _print(args, {"id": mid}, f"message {mid} sent to {args.team or 'everyone'}")


def cmd_hide(args) -> int:
    game, me = _open(args)
    game.hide(me, args.id)
    return _print(args, {"ok": True}, f"reveal {args.id} hidden")


def cmd_export(args) -> int:
    game, me = _open(args)
    out = args.out or args.file.with_suffix(".html")
    text = game.review(me, branch=args.branch)
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"{out}: cannot write the review ({exc.strerror})") from None
    return _print(args, {"file": str(out)}, f"after-action review: {out}")
