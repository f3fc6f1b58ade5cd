"""The game: a scenario, a seed, the countries teams play and a tree of turns, kept in an event store.

Every method that changes the game takes the `Principal` acting (from `Game.join(code)`),
checks its role inside the method, and appends one or more entries to the log in one
transaction. A refusal changes nothing and is logged with its reason. The state (phases,
orders, branches, the model) is rebuilt from the log by replaying it through the
deterministic model; models kept in memory are only a cache.

Turns are numbered from 1. Turn k covers months (k-1)*N+1 .. k*N of the scenario (N months
per turn); its inputs apply at its first month. A branch made by rolling back to turn k
shares turns 1..k-1 with its parent and plays turn k anew.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

from sim.errors import UserError
from sim.scenario import load_scenario, unknown
from sim.scenario.schema import ActionSpec, Scenario

from sim.game.orders import OrderProblem, check_order, order_sentence, parse_order
from sim.game.store import Entry, EventStore, utc_now
from sim.game.turns import TurnInputs, doctrine_advice, play_turn, state_digest
from sim.game.views import sight_of
from sim.timeline import InjectAction, InjectEvent, Run, SetField

ROLES = ("facilitator", "team", "observer")
MAX_TEAMS = 40
REJOIN_TOKEN_HOURS = 12   # a page's rejoin token lasts a workshop day


class Refused(UserError):
    """An action the game does not allow; logged as a refusal."""


@dataclass(frozen=True)
class Principal:
    """Who acts: the facilitator (White cell), a team (one country) or an observer."""

    role: str
    country: str | None = None

    @property
    def who(self) -> str:
        return self.country if self.role == "team" else self.role


SYSTEM = Principal("system")


@dataclass
class Turn:
    number: int
    phase: str = "open"                    # open | closed | adjudicated
    deadline: str | None = None
    inputs: TurnInputs = field(default_factory=TurnInputs)
    order_ids: dict[str, dict[int, ActionSpec]] = field(default_factory=dict)   # team -> order id -> order
    origins: dict[int, str] = field(default_factory=dict)                       # order id -> 'team' | 'advisor'
    injects: list[dict] = field(default_factory=list)                          # as logged, for the review
    digest: str | None = None

    def orders_of(self, team: str) -> list[ActionSpec]:
        return list(self.order_ids.get(team, {}).values())


@dataclass
class Branch:
    id: int
    parent: int | None
    fork: int                              # turns before this one are the parent's
    turns: dict[int, Turn] = field(default_factory=dict)
    created: str = ""


def _new_code(nbytes: int) -> str:
    """A random code (from `secrets`) that does not start with '-', so that `--as CODE` reads it."""
    while (code := secrets.token_urlsafe(nbytes)).startswith("-"):
        pass
    return code


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _refusing(method: Callable) -> Callable:
    """Run a changing method in one write transaction, up to date with the log; log any refusal."""

    @functools.wraps(method)
    def run(self: "Game", principal: Principal, *args, **kwargs):
        with self.lock:
            self.tick()                     # a deadline that passed closes the phase, whatever follows
            try:
                with self.store.writing():
                    self._catch_up()
                    result = method(self, principal, *args, **kwargs)
            except (Refused, OrderProblem) as exc:
                self._pending.clear()
                reason = "; ".join(exc.messages) if isinstance(exc, UserError) else str(exc)
                self._log_refusal(principal, method.__name__, reason)
                raise Refused(reason) from None
            except BaseException:
                self._pending.clear()
                raise
            self._apply_entries()
            return result

    return run


def _reading(method: Callable) -> Callable:
    """Run a reading method up to date with the log; log any refusal (a read above one's role)."""

    @functools.wraps(method)
    def run(self: "Game", principal: Principal, *args, **kwargs):
        with self.lock:
            self._catch_up()
            try:
                return method(self, principal, *args, **kwargs)
            except Refused as exc:
                self._log_refusal(principal, method.__name__, "; ".join(exc.messages))
                raise

    return run


class Game:
    """One game, open on its file. Create with `Game.create`, reopen with `Game.open`."""

    def __init__(self, store: EventStore, clock: Callable[[], str] | None = None):
        self.store = store
        self.clock = clock or utc_now
        self.lock = threading.RLock()
        self.last_seq = 0
        self._pending: list[Entry] = []
        self._runs: dict[int, Run] = {}     # branch -> its run, replayed from the log (a cache)
        self.scenario: Scenario | None = None
        self.scenario_name = ""
        self.seed = 0
        self.teams: list[str] = []
        self.months_per_turn = 1
        self.branches: dict[int, Branch] = {}
        self.branch_id = 1
        self.paused = False
        self.reveals: dict[int, dict] = {}
        self.messages: list[dict] = []
        self.joined: set[str] = set()
        self.listeners: list[Callable[[Entry], None]] = []   # called with each committed entry, in order
        with self.lock:
            self._catch_up(verify=True)

    # ------------------------------------------------------------------ creating and opening
    @classmethod
    def create(cls, path: str | Path, scenario: str, teams: list[str], seed: int = 0, months_per_turn: int = 1,
               overrides: dict | None = None, clock: Callable[[], str] | None = None) -> tuple["Game", dict]:
        """A new game file. Returns the game and its codes: {'facilitator': S, 'observer': O, 'teams': {id: C}}."""
        scn = load_scenario(scenario, overrides=overrides or None)
        problems = []
        if not teams:
            problems.append("teams: name at least one country a team plays (e.g. RUS,USA)")
        for t in teams:
            if t not in scn.actors:
                problems.append(f"teams: {unknown('actor', t, scn.actors)}")
        if len(set(teams)) != len(teams):
            problems.append("teams: a country is named twice")
        if len(teams) > MAX_TEAMS:
            problems.append(f"teams: at most {MAX_TEAMS} teams")
        if not 1 <= int(months_per_turn) <= scn.steps:
            problems.append(f"months per turn: got {months_per_turn} (months per turn, from 1 to {scn.steps})")
        if not 0 <= int(seed) <= 2**32 - 1:
            problems.append(f"seed: got {seed} (a whole number from 0 to {2**32 - 1})")
        if problems:
            raise UserError(problems)
        store = EventStore.create(path)
        codes = {"facilitator": _new_code(24), "observer": _new_code(18), "teams": {t: _new_code(18) for t in teams}}
        now = (clock or utc_now)()
        try:
            with store.writing():
                store.add_credential(_digest(codes["facilitator"]), "facilitator", None)
                store.add_credential(_digest(codes["observer"]), "observer", None)
                for t, code in codes["teams"].items():
                    store.add_credential(_digest(code), "team", t)
                store.append("created", {"scenario": str(scenario), "scenario_data": scn.model_dump(mode="json"),
                                         "seed": int(seed), "teams": list(teams),
                                         "months_per_turn": int(months_per_turn), "overrides": overrides or {}},
                             "facilitator", "facilitator", now, limit=None)
                store.append("phase_opened", {"branch": 1, "turn": 1, "deadline": None}, "facilitator",
                             "facilitator", now)
            return cls(store, clock), codes
        except BaseException:
            store.discard()
            raise

    @classmethod
    def open(cls, path: str | Path, clock: Callable[[], str] | None = None) -> "Game":
        store = EventStore.open(path)
        try:
            return cls(store, clock)
        except BaseException:
            store.close()
            raise

    def close(self) -> None:
        """Close the game file, once no other thread is using it (a server's fan-out thread may be
        reading the log): closing it under another thread's query can crash the process."""
        with self.lock:
            self.store.close()

    def join(self, code: str) -> Principal:
        """The principal a code (facilitator secret, team join code or observer code) stands for."""
        with self.lock:
            found = self.store.credential(_digest(str(code))) if code else None
            if found is None:
                self.store.append("refused", {"action": "join", "reason": "unknown code"}, "unknown", "unknown",
                                  self.clock())
                self._catch_up()
                raise Refused("unknown code (the facilitator's secret, a team's join code or the observer code)")
            p = Principal(found[0], found[1])
            if p.who not in self.joined:
                self.store.append("joined", {}, p.who, p.role, self.clock())
                self._catch_up()
            return p

    def issue_rejoin_token(self, p: Principal) -> str:
        """A random token that joins again as `p` once, within REJOIN_TOKEN_HOURS: a page keeps it
        instead of its code, to rejoin by itself after a restart. Only its digest is stored."""
        token = secrets.token_urlsafe(32)
        expires = datetime.fromisoformat(self.clock()) + timedelta(hours=REJOIN_TOKEN_HOURS)
        with self.lock:
            self.store.add_token(_digest(token), p.role, p.country, expires.isoformat(timespec="seconds"))
        return token

    def rejoin(self, token: str) -> tuple[Principal, str]:
        """The principal a rejoin token stands for, and the token that replaces it (each is used once)."""
        with self.lock:
            found = self.store.take_token(_digest(str(token)), self.clock()) if token else None
            if found is None:
                self.record_refusal("join", "unknown, used or expired rejoin token")
                raise Refused("this page's rejoin token is unknown, used or expired: enter your code again")
            p = Principal(found[0], found[1])
            return p, self.issue_rejoin_token(p)

    @_refusing
    def revoke_rejoin_tokens(self, p: Principal, team: str | None = None) -> int:
        """Void the rejoin tokens of one team's pages (or of every page): they must enter their code again."""
        self._require(p, "facilitator", "revoke rejoin tokens")
        if team is not None and team not in self.teams:
            raise Refused(f"revoke: {unknown('team', team, self.teams)}")
        count = self.store.revoke_tokens(*(("team", team) if team else ()))
        self._append("rejoin_tokens_revoked", {"team": team, "count": count}, p)
        return count

    # ------------------------------------------------------------------ where the game is
    @property
    def branch(self) -> Branch:
        return self.branches[self.branch_id]

    @property
    def turn_number(self) -> int:
        return max(self.branch.turns) if self.branch.turns else self.branch.fork

    @property
    def turn(self) -> Turn:
        return self.branch.turns[self.turn_number]

    @property
    def last_turn(self) -> int:
        return self.scenario.steps // self.months_per_turn

    def turn_of(self, branch: int, number: int) -> Turn | None:
        """Turn `number` as branch `branch` played it (its own, or inherited from its parent)."""
        b = self.branches[branch]
        while number < b.fork and b.parent is not None:
            b = self.branches[b.parent]
        return b.turns.get(number)

    def lineage(self, branch: int) -> list[Turn]:
        """The turns of a branch in order, from turn 1 to its current one."""
        last = max(self.branches[branch].turns, default=self.branches[branch].fork)
        return [t for n in range(1, last + 1) if (t := self.turn_of(branch, n)) is not None]

    def months(self, number: int) -> range:
        """The model steps turn `number` covers."""
        n = self.months_per_turn
        return range((number - 1) * n + 1, number * n + 1)

    def _run(self, branch: int) -> Run:
        """The branch's run after its adjudicated turns, replayed from the log where not cached.
        Replaying the last turn must give the state the log recorded for it."""
        run = self._runs.get(branch)
        if run is None:
            run = Run(self.scenario, self.seed)
        done = [t for t in self.lineage(branch) if t.phase == "adjudicated" and self.months(t.number).start > run.now]
        for t in done:
            play_turn(run, t.inputs, self.months_per_turn, self.teams)
        if done and state_digest(run.model) != done[-1].digest:
            raise UserError(f"{self.store.path}: replaying the log to turn {done[-1].number} (branch {branch}) does "
                            "not give the state the log recorded: this blocsim's model differs from the one the game "
                            "was played with (nothing was changed)")
        self._runs[branch] = run
        return run

    # ------------------------------------------------------------------ the log
    def _max_seq(self) -> int:
        return self.store.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM log").fetchone()[0]

    def _catch_up(self, verify: bool = False) -> None:
        """Apply entries other processes (or this one) committed since we last looked."""
        entries = self.store.entries(after=self.last_seq)
        for entry in entries:
            self._reduce(entry)
            self.last_seq = entry.seq
        self._notify(entries)
        if self.scenario is None:
            raise UserError(f"{self.store.path}: the game file holds no game (it was never created); "
                            "nothing was changed")
        if verify:   # replay the current branch's adjudicated turns against the recorded state
            self._run(self.branch_id)

    def _append(self, kind: str, data: dict, p: Principal) -> Entry:
        entry = self.store.append(kind, data, p.who, p.role, self.clock())
        self._pending.append(entry)
        return entry

    def _apply_entries(self) -> None:
        entries, self._pending = self._pending, []
        for entry in entries:
            self._reduce(entry)
            self.last_seq = max(self.last_seq, entry.seq)
        self._notify(entries)

    def _notify(self, entries: list[Entry]) -> None:
        for listener in list(self.listeners):
            for entry in entries:
                listener(entry)

    @property
    def revision(self) -> int:
        """The number of the latest entry applied: it grows with every change (pages compare it)."""
        return self.last_seq

    def _reduce(self, e: Entry) -> None:
        """Bring the in-memory state forward by one committed entry."""
        d = e.data
        if e.kind == "created":
            from sim.scenario.schema import Scenario as S
            self.scenario = S.model_validate(d["scenario_data"])
            self.scenario_name, self.seed = d["scenario"], d["seed"]
            self.teams, self.months_per_turn = list(d["teams"]), d["months_per_turn"]
            self.branches = {1: Branch(1, None, 1, created=e.at)}
            return
        turn = self.branches[d["branch"]].turns.get(d["turn"]) if "branch" in d and "turn" in d else None
        if e.kind == "phase_opened":   # a new turn, or the same turn reopened (its orders kept)
            turn = self.branches[d["branch"]].turns.setdefault(d["turn"], Turn(d["turn"]))
            turn.phase, turn.deadline = "open", d.get("deadline")
        elif e.kind == "phase_closed":
            turn.phase = "closed"
        elif e.kind in ("order_submitted", "order_changed"):
            spec = ActionSpec.model_validate(d["order"])
            turn.order_ids.setdefault(e.who, {})[d["id"]] = spec
            turn.origins[d["id"]] = d.get("origin", "team")
            turn.inputs.orders = {t: turn.orders_of(t) for t in turn.order_ids}
        elif e.kind == "order_withdrawn":
            turn.order_ids.get(e.who, {}).pop(d["id"], None)
            turn.inputs.orders = {t: turn.orders_of(t) for t in turn.order_ids}
        elif e.kind == "inject":
            item = d["event"] if d.get("event") else ActionSpec.model_validate(d["action"])
            turn.inputs.injects.append(item)
            turn.injects.append(d)
        elif e.kind == "set":
            turn.inputs.sets.append((d["path"], d["value"]))
        elif e.kind == "adjudicated":
            turn.phase, turn.digest = "adjudicated", d["digest"]
        elif e.kind == "paused":
            self.paused = True
        elif e.kind == "resumed":
            self.paused = False
        elif e.kind == "branched":
            self.branches[d["new"]] = Branch(d["new"], d["from"], d["turn"], created=e.at)
            self.branch_id = d["new"]
        elif e.kind == "switched":
            self.branch_id = d["to"]
        elif e.kind == "revealed":
            self.reveals[e.seq] = {"id": e.seq, "team": d["team"], "note": d.get("note", ""),
                                   "about": d.get("about"), "hidden": False, "at": e.at}
        elif e.kind == "hidden":
            self.reveals[d["id"]]["hidden"] = True
        elif e.kind == "message":
            self.messages.append({"id": e.seq, "team": d["team"], "text": d["text"], "at": e.at})
        elif e.kind == "joined":
            self.joined.add(e.who)

    def _log_refusal(self, p: Principal, action: str, reason: str) -> None:
        self.store.append("refused", {"action": action, "reason": reason[:2000], "branch": self.branch_id,
                                      "turn": self.turn_number},
                          getattr(p, "who", "unknown"), getattr(p, "role", "unknown"), self.clock())
        self._catch_up()

    def record_refusal(self, action: str, reason: str, who: str = "unknown") -> None:
        """Log a refusal decided outside the engine (e.g. a server's rate limit on wrong codes)."""
        with self.lock:
            self.store.append("refused", {"action": action, "reason": reason[:2000]}, who, "unknown", self.clock())
            self._catch_up()

    @_reading
    def log(self, p: Principal) -> list[dict]:
        """The whole log (facilitator only)."""
        self._require(p, "facilitator", "read the game log")
        return [e.to_dict() for e in self.store.entries()]

    @_reading
    def review(self, p: Principal, branch: int | None = None) -> str:
        """The after-action review of a branch (default: the current one) as one HTML page (facilitator only)."""
        from sim.game.review import render

        self._require(p, "facilitator", "export the review (it holds every team's orders)")
        branch = self.branch_id if branch is None else branch
        if branch not in self.branches:
            raise Refused(f"branch {branch}: no such branch (branches: {', '.join(map(str, self.branches))})")
        return render(self, branch)

    # ------------------------------------------------------------------ checks shared by the methods
    def _require(self, p: Principal, role: str, what: str) -> None:
        if p.role != role:
            raise Refused(f"only the {role} can {what} (you act as {p.role}{' ' + p.country if p.country else ''})")

    def _team(self, p: Principal) -> str:
        if p.role != "team" or p.country not in self.teams:
            raise Refused(f"only a team can give orders (you act as {p.role})")
        return p.country

    def _open_turn(self, what: str) -> Turn:
        turn = self.turn
        if self.paused:
            raise Refused(f"cannot {what}: the facilitator has paused the game")
        if turn.phase != "open":
            raise Refused(f"cannot {what}: the order phase of turn {turn.number} is {turn.phase}")
        return turn

    def tick(self) -> bool:
        """Close the order phase if its deadline has passed (every changing method does this first;
        a server calls it on a timer). True if it closed the phase."""
        with self.lock:
            self._catch_up()
            if not self._deadline_passed():
                return False
            with self.store.writing():
                self._catch_up()
                if not self._deadline_passed():
                    return False
                self._append("phase_closed", {"branch": self.branch_id, "turn": self.turn_number,
                                              "why": "deadline"}, SYSTEM)
            self._apply_entries()
            return True

    def _deadline_passed(self) -> bool:
        turn = self.turn
        return turn.phase == "open" and bool(turn.deadline) and not self.paused and self.clock() >= turn.deadline

    # ------------------------------------------------------------------ team actions
    @_refusing
    def submit_order(self, p: Principal, order: Any, origin: str = "team") -> int:
        """Submit one order (a mapping of ActionSpec fields); returns its id."""
        return self._submit(p, [order], origin)[0]

    @_refusing
    def submit_orders(self, p: Principal, orders: list, origin: str = "team") -> list[int]:
        """Submit several orders at once: all are accepted, or none (the message names the one refused)."""
        return self._submit(p, orders, origin)

    def _submit(self, p: Principal, orders: list, origin: str) -> list[int]:
        team = self._team(p)
        turn = self._open_turn("submit orders")
        model = self._run(self.branch_id).model
        kept = turn.orders_of(team)
        ids = []
        for n, raw in enumerate(orders, 1):
            try:
                spec = parse_order(raw, team)
                check_order(model, team, spec, kept, self.months(turn.number))
            except OrderProblem as exc:
                label = f"order {n}: " if len(orders) > 1 else ""
                raise Refused(f"{label}{exc}") from None
            kept.append(spec)
            order_id = self._max_seq() + 1      # the id is the entry's number (we hold the write lock)
            self._append("order_submitted", {"branch": self.branch_id, "turn": turn.number, "id": order_id,
                                             "order": spec.model_dump(), "origin": origin}, p)
            ids.append(order_id)
        return ids

    @_refusing
    def change_order(self, p: Principal, order_id: int, order: Any) -> int:
        team = self._team(p)
        turn = self._open_turn("change orders")
        mine = turn.order_ids.get(team, {})
        if order_id not in mine:
            raise Refused(f"order {order_id}: no such order of {team} this turn (its orders: {', '.join(map(str, mine)) or 'none'})")
        spec = parse_order(order, team)
        others = [o for i, o in mine.items() if i != order_id]
        check_order(self._run(self.branch_id).model, team, spec, others, self.months(turn.number))
        self._append("order_changed", {"branch": self.branch_id, "turn": turn.number, "id": order_id,
                                       "order": spec.model_dump(), "origin": "team"}, p)
        return order_id

    @_refusing
    def withdraw_order(self, p: Principal, order_id: int) -> None:
        team = self._team(p)
        turn = self._open_turn("withdraw orders")
        if order_id not in turn.order_ids.get(team, {}):
            raise Refused(f"order {order_id}: no such order of {team} this turn")
        self._append("order_withdrawn", {"branch": self.branch_id, "turn": turn.number, "id": order_id}, p)

    @_reading
    def advise(self, p: Principal) -> list[dict]:
        """What the team's country's doctrine would do this turn: each move with its reason."""
        if p.role != "team":
            raise Refused("only a team asks its advisor")
        return self._advice(p.country)

    def _advice(self, team: str) -> list[dict]:
        turn = self.turn
        model = self._run(self.branch_id).model
        inputs = TurnInputs(sets=list(turn.inputs.sets), injects=list(turn.inputs.injects))
        out = []
        for a in doctrine_advice(model, team, inputs):
            spec = {k: getattr(a, k) for k in ActionSpec.model_fields}
            if a.kind == "procure" and a.detail == "abroad":
                continue   # a purchase abroad has its own price; an order buys at home
            out.append({"order": spec, "sentence": a.sentence(self.names, proposed=True)})
        return out

    @_refusing
    def adopt(self, p: Principal, index: int) -> int:
        """Adopt advice number `index` (from `advise`, counted from 0) as an order, with the same checks."""
        team = self._team(p)
        self._open_turn("adopt advice")
        advice = self._advice(team)
        if not 0 <= int(index) < len(advice):
            raise Refused(f"advice {index}: the advisor has {len(advice)} suggestions (0 to {len(advice) - 1})")
        return self._submit(p, [advice[int(index)]["order"]], "advisor")[0]

    # ------------------------------------------------------------------ the facilitator
    @_refusing
    def open_phase(self, p: Principal, deadline: str | None = None) -> None:
        """Reopen the current turn's order phase (optionally with a deadline, UTC ISO time)."""
        self._require(p, "facilitator", "open the order phase")
        turn = self.turn
        if turn.phase == "adjudicated":
            raise Refused(f"turn {turn.number} is adjudicated (roll back to play it again)")
        if deadline is not None:
            try:
                when = datetime.fromisoformat(str(deadline))
            except ValueError:
                raise Refused(f"deadline: got {deadline!r} (a time as YYYY-MM-DDTHH:MM:SS+00:00)") from None
            when = when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when.astimezone(timezone.utc)
            deadline = when.isoformat(timespec="seconds")   # UTC, so that times compare as text
        self._append("phase_opened", {"branch": self.branch_id, "turn": turn.number, "deadline": deadline}, p)

    @_refusing
    def close_phase(self, p: Principal) -> None:
        self._require(p, "facilitator", "close the order phase")
        turn = self.turn
        if turn.phase != "open":
            raise Refused(f"the order phase of turn {turn.number} is already {turn.phase}")
        self._append("phase_closed", {"branch": self.branch_id, "turn": turn.number, "why": "facilitator"}, p)

    @_refusing
    def adjudicate(self, p: Principal) -> dict:
        """Step the model through the current turn; publish the results and open the next turn."""
        self._require(p, "facilitator", "adjudicate")
        turn = self.turn
        if turn.phase == "adjudicated":
            raise Refused(f"turn {turn.number} is already adjudicated")
        if turn.phase == "open":
            self._append("phase_closed", {"branch": self.branch_id, "turn": turn.number, "why": "adjudication"}, p)
        run = self._run(self.branch_id)
        try:   # the run moves on now; if anything fails before the commit, it is rebuilt from the log
            play_turn(run, turn.inputs, self.months_per_turn, self.teams)
            digest = state_digest(run.model)
            self._append("adjudicated", {"branch": self.branch_id, "turn": turn.number, "digest": digest,
                                         "month": run.model.month}, p)
            if turn.number < self.last_turn:
                self._append("phase_opened", {"branch": self.branch_id, "turn": turn.number + 1, "deadline": None}, p)
        except BaseException as exc:
            self._runs.pop(self.branch_id, None)
            if isinstance(exc, UserError) and not isinstance(exc, Refused):
                raise Refused(f"turn {turn.number} cannot be adjudicated: {'; '.join(exc.messages)}") from None
            raise
        return {"turn": turn.number, "month": run.model.month, "digest": digest}

    @_refusing
    def inject(self, p: Principal, event: str | None = None, action: dict | None = None) -> None:
        """Queue a scenario event (by id) or a composed action for the current turn."""
        self._require(p, "facilitator", "inject events")
        turn = self.turn
        if turn.phase == "adjudicated":
            raise Refused(f"turn {turn.number} is adjudicated; injects go into an open turn")
        if (event is None) == (action is None):
            raise Refused("inject: give a scenario event id or a composed action, one of them")
        if event is not None:
            if event not in self.scenario.events:
                raise Refused(f"inject: {unknown('event', event, self.scenario.events)}")
            given, data = InjectEvent(event), {"event": event, "description": self.scenario.events[event].description}
        else:
            spec = parse_order(action, action.get("actor") if isinstance(action, dict) else None)
            given = InjectAction(spec)
        problem = self._run(self.branch_id).problem(given)
        if problem:
            raise Refused(f"inject: {problem}")
        if action is not None:
            data = {"action": spec.model_dump(), "description": order_sentence(spec, self.names, self.scenario.economy.prices_bn)}
        self._append("inject", {"branch": self.branch_id, "turn": turn.number, **data}, p)

    @_refusing
    def set_field(self, p: Principal, path: str, value: Any) -> None:
        """Change a settable field (as an event's `set:` would) from the current turn on."""
        self._require(p, "facilitator", "set fields")
        turn = self.turn
        if turn.phase == "adjudicated":
            raise Refused(f"turn {turn.number} is adjudicated")
        problem = self._run(self.branch_id).problem(SetField(str(path), value))
        if problem:
            raise Refused(problem)
        self._append("set", {"branch": self.branch_id, "turn": turn.number, "path": str(path), "value": value}, p)

    @_refusing
    def pause(self, p: Principal) -> None:
        self._require(p, "facilitator", "pause the game")
        if self.paused:
            raise Refused("the game is already paused")
        self._append("paused", {}, p)

    @_refusing
    def resume(self, p: Principal) -> None:
        self._require(p, "facilitator", "resume the game")
        if not self.paused:
            raise Refused("the game is not paused")
        self._append("resumed", {}, p)

    @_refusing
    def rollback(self, p: Principal, to_turn: int) -> int:
        """Play turn `to_turn` again as a new branch (the old branch is kept); returns the new branch's id."""
        self._require(p, "facilitator", "roll back")
        now = self.turn_number
        if not 1 <= int(to_turn) <= now:
            raise Refused(f"rollback: got turn {to_turn} (a turn from 1 to {now} of branch {self.branch_id})")
        new = max(self.branches) + 1
        self._append("branched", {"from": self.branch_id, "turn": int(to_turn), "new": new}, p)
        self._append("phase_opened", {"branch": new, "turn": int(to_turn), "deadline": None}, p)
        return new

    @_refusing
    def switch_branch(self, p: Principal, branch: int) -> None:
        self._require(p, "facilitator", "switch branches")
        if branch not in self.branches:
            raise Refused(f"branch {branch}: no such branch (branches: {', '.join(map(str, self.branches))})")
        self._append("switched", {"to": int(branch)}, p)

    @_refusing
    def reveal(self, p: Principal, team: str, note: str = "", about: str | None = None) -> int:
        """Show a team a note, and/or a fact it cannot see: 'stocks:ID' (a country's stocks now) or
        'orders:ID' (a team's orders this turn). Returns the reveal's id (for `hide`)."""
        self._require(p, "facilitator", "reveal information")
        if team not in self.teams:
            raise Refused(f"reveal: {unknown('team', team, self.teams)}")
        if about is not None:
            kind, _, who = str(about).partition(":")
            if kind not in ("stocks", "orders") or who not in self.scenario.actors:
                raise Refused(f"reveal: about {about!r} (stocks:ID or orders:ID, ID an actor)")
        if not note and about is None:
            raise Refused("reveal: give a note, or what to show (about)")
        return self._append("revealed", {"team": team, "note": str(note)[:2000], "about": about}, p).seq

    @_refusing
    def message(self, p: Principal, text: str, team: str | None = None) -> int:
        """Send a message to one team, or to everyone (team None); returns its id."""
        self._require(p, "facilitator", "send messages")
        if team is not None and team not in self.teams:
            raise Refused(f"message: {unknown('team', team, self.teams)}")
        text = str(text).strip()
        if not text or len(text) > 2000:
            raise Refused("message: a text of 1 to 2000 characters")
        return self._append("message", {"team": team, "text": text}, p).seq

    @_refusing
    def hide(self, p: Principal, reveal_id: int) -> None:
        self._require(p, "facilitator", "hide information")
        if reveal_id not in self.reveals or self.reveals[reveal_id]["hidden"]:
            raise Refused(f"hide: no reveal {reveal_id} in force")
        self._append("hidden", {"id": int(reveal_id), "team": self.reveals[reveal_id]["team"]}, p)

    # ------------------------------------------------------------------ reading
    @property
    def names(self) -> dict[str, str]:
        return {a: x.name for a, x in self.scenario.actors.items()}

    def final_model(self, branch: int):
        """The model after a branch's last adjudicated turn (shared cache entry: read only)."""
        return self._run(branch).model

    def current_model(self):
        """The model at the start of the current turn (a shared cache entry: read it, do not change it)."""
        return self._run(self.branch_id).model

    def status(self, p: Principal | None = None) -> dict:
        """Where the game stands, with who has submitted orders: public, but for the seed
        (`Sight.sees_seed`)."""
        with self.lock:
            self._catch_up()
            turn = self.turn
            seed = {"seed": self.seed} if p is None or sight_of(p).sees_seed else {}
            return {"scenario": self.scenario_name, **seed, "teams": list(self.teams),
                    "months_per_turn": self.months_per_turn, "branch": self.branch_id, "turn": turn.number,
                    "last_turn": self.last_turn, "month": self.scenario.step_to_month(self.months(turn.number).start),
                    "phase": turn.phase, "deadline": turn.deadline, "paused": self.paused,
                    "submitted": sorted(t for t in self.teams if turn.order_ids.get(t)),
                    "joined": sorted(self.joined), "branches": self.branch_list()}

    def branch_list(self) -> list[dict]:
        return [{"id": b.id, "parent": b.parent, "fork": b.fork, "turns": max(b.turns, default=b.fork),
                 "current": b.id == self.branch_id, "created": b.created} for b in self.branches.values()]

    @_reading
    def orders(self, p: Principal, branch: int | None = None, number: int | None = None) -> dict[str, list[dict]]:
        """Orders of a turn (default: the current one): a team sees its own; the facilitator sees all."""
        if p.role not in ("facilitator", "team"):
            raise Refused("only teams and the facilitator see orders")
        if branch is not None and branch not in self.branches:
            raise Refused(f"branch {branch}: no such branch (branches: {', '.join(map(str, self.branches))})")
        turn = self.turn_of(branch or self.branch_id, number or self.turn_number)
        if turn is None:
            return {}
        teams = list(turn.order_ids) if p.role == "facilitator" else [p.country]
        pending = turn.phase != "adjudicated"
        return {t: [{"id": i, "order": s.model_dump(),
                     "sentence": order_sentence(s, self.names, self.scenario.economy.prices_bn, proposed=pending),
                     "origin": turn.origins.get(i, "team")} for i, s in turn.order_ids.get(t, {}).items()]
                for t in teams}

    def view(self, p: Principal, since: int = 0) -> dict:
        """What `p` may see of the game now (fog of war for teams; everything for the facilitator);
        `since`: only the moves of months after it."""
        from sim.game.views import view
        with self.lock:
            self._catch_up()
            return view(self, p, since)
