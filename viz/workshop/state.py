"""The one game object of the server process, shared by every page and every API request.

`solara.reactive` state belongs to one browser page; this module-level holder is the same object for
all of them. Pages subscribe through `subscribe`, which calls back after each committed change.
"""

from __future__ import annotations

import threading
import time
from collections import deque

from sim.game import Game, Principal, Refused
from sim.game.views import sight_of
from viz.layout import affinity_layout
from viz.session import EventRows, Frame, build_frame

FAILED_JOINS_ALLOWED = 5        # wrong codes one client may try ...
FAILED_JOINS_WINDOW_S = 60.0    # ... within this many seconds, before it is refused outright
CLIENT_HEADER = "x-blocsim-client"   # set by the server on a page's websocket: the client's address


class Holder:
    """The game being played, set once by the server before it serves."""

    game: Game | None = None


HOLDER = Holder()
_subscribers: set = set()
_sub_lock = threading.Lock()


def game() -> Game:
    if HOLDER.game is None:
        raise RuntimeError("no workshop game is loaded (start it with `blocsim workshop`)")
    return HOLDER.game


def install(g: Game) -> None:
    """Make `g` the shared game and fan its committed changes out to every subscribed page."""
    HOLDER.game = g
    g.listeners.append(_fan_out)


def _fan_out(entry) -> None:
    with _sub_lock:
        callbacks = list(_subscribers)
    for callback in callbacks:
        try:
            callback(entry)
        except Exception:  # a closed page must not stop the others from hearing of the change
            with _sub_lock:
                _subscribers.discard(callback)


_views: dict = {}


def view(p: Principal) -> dict:
    """`game.view(p)`, computed once per revision and principal: thirty pages of four teams and an
    observer re-render after a change from five views, not thirty. (Read it; do not change it.)"""
    g = game()
    key = (g.revision, p)
    found = _views.get(key)
    if found is None:
        found = g.view(p)
        with _sub_lock:
            if len(_views) > 256:
                _views.clear()
            _views[key] = found
    return found


_frames: dict = {}
_logs: dict = {}                                   # sight -> its event rows, grown turn by turn
_layout: dict = {"state": None, "positions": None}  # the network's layout, continued from state to state


def frame(p: Principal) -> Frame:
    """The dashboard's `Frame` of the game's current model as `p` may see it (`sim.game.views.Sight`).

    Built once per model state (branch and month) and sight, not per page nor per revision: an order or a
    message changes no frame, and after an adjudication thirty pages of four teams, the observer and the
    facilitator draw from six frames, whose chart options are also built once (`Frame.memo`)."""
    g = game()
    sight = sight_of(p)
    with g.lock:
        g.status()                       # up to date with the log
        model = g.current_model()
        state = (g.branch_id, int(model.world.step))
        found = _frames.get((state, sight))
        if found is not None and found[0] is model:
            return found[1]
        if _layout["state"] != state:    # one layout per state, shared by every sight (relations are public)
            _layout.update(state=state, positions=affinity_layout(model.world.affinity, _layout["positions"]))
        built = build_frame(model, revision=g.revision, log=_logs.setdefault(sight, EventRows(sight)),
                            positions=_layout["positions"], source=g.scenario_name)
        if len(_frames) > 64:
            _frames.clear()
        _frames[(state, sight)] = (model, built)
        return built


def subscribe(callback) -> callable:
    """Call `callback(entry)` after each committed change; returns the function that unsubscribes."""
    with _sub_lock:
        _subscribers.add(callback)
    return lambda: _subscribers.discard(callback)


class JoinLimiter:
    """Counts failed joins per client in a sliding window; a client over the limit is refused before
    its code is even looked at."""

    def __init__(self, allowed: int = FAILED_JOINS_ALLOWED, window_s: float = FAILED_JOINS_WINDOW_S,
                 clock=time.monotonic):
        self.allowed, self.window_s, self.clock = allowed, window_s, clock
        self.failures: dict[str, deque] = {}
        self.lock = threading.Lock()

    def _recent(self, client: str) -> deque:
        q = self.failures.setdefault(client, deque())
        cutoff = self.clock() - self.window_s
        while q and q[0] < cutoff:
            q.popleft()
        return q

    def blocked(self, client: str) -> bool:
        with self.lock:
            return len(self._recent(client)) >= self.allowed

    def failed(self, client: str) -> None:
        with self.lock:
            self._recent(client).append(self.clock())


LIMITER = JoinLimiter()


class TooManyAttempts(Refused):
    """A client that tried too many wrong codes recently."""


def _limited(client: str, attempt):
    """`attempt()` unless `client` tried too many wrong codes or tokens lately; a refusal counts."""
    g = game()
    if LIMITER.blocked(client):
        reason = (f"too many wrong codes from this client ({client}); wait {int(FAILED_JOINS_WINDOW_S)} s "
                  "before trying again")
        g.record_refusal("join", reason)
        raise TooManyAttempts(reason)
    try:
        return attempt()
    except Refused:
        LIMITER.failed(client)
        raise


def join(code: str, client: str) -> Principal:
    """The principal a code stands for, rate-limited per client address (pages and API alike);
    refusals are written to the game log."""
    return _limited(client, lambda: game().join(code))


def rejoin(token: str, client: str) -> tuple[Principal, str]:
    """A page's rejoin token: its principal and the token that replaces it, rate-limited like `join`."""
    return _limited(client, lambda: game().rejoin(token))
