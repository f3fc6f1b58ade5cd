"""The one game object of the server process, shared by every page and every API request.

`solara.reactive` state belongs to one browser page; this module-level holder is the same object for
all of them. Pages and API long-polls hear of changes through `subscribe`: one fan-out thread hears
each commit from the game's listeners, computes the views the open pages will ask for, and then calls
every subscriber with the new revision.
"""

from __future__ import annotations

import asyncio
import logging
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
MAX_WAITING = 1000              # API long-polls waiting at once; more are turned away (503)

log = logging.getLogger("blocsim.workshop")


class Holder:
    """The game being played, set once by the server before it serves, and what its subscribers
    were last told: `news` is the public headline (revision, branch, turn, phase) of that revision."""

    game: Game | None = None
    news: dict = {"revision": 0}
    fan_out: threading.Thread | None = None


HOLDER = Holder()
_subscribers: set = set()
_sub_lock = threading.Lock()
_changed = threading.Event()     # set by the game's listener; cleared by the fan-out thread
_waiting: set = set()            # the subscribers that are API long-polls


def game() -> Game:
    if HOLDER.game is None:
        raise RuntimeError("no workshop game is loaded (start it with `blocsim workshop`)")
    return HOLDER.game


def install(g: Game) -> None:
    """Make `g` the shared game and fan its committed changes out to every subscriber."""
    HOLDER.game = g
    HOLDER.news = _headline(g)
    _views.clear()
    _asked.clear()
    _drawn.clear()
    _frames.clear()
    _logs.clear()
    _layout.update(state=None, positions=None)
    g.listeners.append(_heard)
    if HOLDER.fan_out is None:
        HOLDER.fan_out = threading.Thread(target=_fan_out_forever, daemon=True, name="workshop-fan-out")
        HOLDER.fan_out.start()


def _headline(g: Game) -> dict:
    with g.lock:
        return {"revision": g.revision, "branch": g.branch_id, "turn": g.turn_number, "phase": g.turn.phase}


def _heard(entry) -> None:
    """The game's listener. It runs in the committing thread, inside the game's lock: it only flags."""
    _changed.set()


def _fan_out_forever() -> None:
    while True:
        _changed.wait()
        _changed.clear()
        try:
            _fan_out()
        except Exception:   # logged, and the next commit is fanned out as usual
            log.exception("workshop: telling the pages of a change failed")


def _fan_out() -> None:
    """Warm the views the open pages and sessions will ask for and tell the API long-polls, then warm
    the frames the open pages will draw and tell the pages. Commits that arrive meanwhile set the flag
    again: they are told in the next round."""
    g = HOLDER.game
    if g is None or g.revision == HOLDER.news["revision"]:
        return
    told = HOLDER.news["revision"]
    _warm(view, _watched_since(_asked, told))
    HOLDER.news = _headline(g)
    with _sub_lock:
        waiting_polls = list(_waiting)
        pages = [c for c in _subscribers if c not in _waiting]
    _tell(waiting_polls)              # a script needs no frame: it is not kept waiting for them
    _warm(frame, _watched_since(_drawn, told))
    _tell(pages)


def _warm(compute, principals) -> None:
    for p in principals:
        try:
            compute(p)
        except Exception:   # not kept: the page or request that asks for it meets the error itself
            pass


def _tell(callbacks) -> None:
    for callback in callbacks:
        try:
            callback(HOLDER.news["revision"])
        except Exception:  # a closed page must not stop the others from hearing of the change
            with _sub_lock:
                _subscribers.discard(callback)


def subscribe(callback) -> callable:
    """Call `callback(revision)` after each committed change; returns the function that unsubscribes."""
    with _sub_lock:
        _subscribers.add(callback)

    def unsubscribe():
        with _sub_lock:
            _subscribers.discard(callback)
    return unsubscribe


def revision() -> int:
    """The latest revision the subscribers were told of (pages compare it with the one they show)."""
    return HOLDER.news["revision"]


_views: dict = {}
_asked: dict = {}                 # principal -> the latest revision a page or session asked for its view
_drawn: dict = {}                 # principal -> the latest revision a page asked for its frame
_view_lock = threading.Lock()     # one thread computes a missing view; the others then find it


def view(p: Principal) -> dict:
    """`game.view(p)`, computed once per revision and principal: thirty pages of four teams and an
    observer re-render after a change from five views, not thirty. (Read it; do not change it.)"""
    g = game()
    found = _views.get((g.revision, p))
    if found is None:
        with _view_lock:
            found = _views.get((g.revision, p))
            if found is None:
                with g.lock:
                    found = g.view(p)
                    at = g.revision          # the view caught up with the log: this is its revision
                if len(_views) > 256:
                    for key in [k for k in _views if k[0] < at]:
                        del _views[key]
                _views[(at, p)] = found
    _asked[p] = g.revision
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
    _drawn[p] = g.revision
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


def _watched_since(asked: dict, revision: int) -> list[Principal]:
    """The principals that asked (`_asked`: a view, `_drawn`: a frame) at `revision` or later: the
    open sessions and pages."""
    return [p for p, at in list(asked.items()) if at >= revision]


async def news_after(since: int, timeout_s: float) -> dict:
    """The headline once the told revision passes `since`, or the current one after `timeout_s` seconds.
    Waits in the event loop: no thread is held while it waits."""
    loop = asyncio.get_running_loop()
    passed = asyncio.Event()

    def wake(revision: int) -> None:
        if revision > since:
            loop.call_soon_threadsafe(passed.set)

    with _sub_lock:
        if len(_waiting) >= MAX_WAITING:
            raise TooManyWaiting(f"{MAX_WAITING} sessions are waiting already; wait a few seconds and ask again")
        _subscribers.add(wake)
        _waiting.add(wake)
    try:
        if HOLDER.news["revision"] <= since:
            try:
                await asyncio.wait_for(passed.wait(), timeout_s)
            except TimeoutError:
                pass
    finally:
        with _sub_lock:
            _subscribers.discard(wake)
            _waiting.discard(wake)
    return dict(HOLDER.news)


def waiting() -> int:
    """How many API long-polls are waiting now."""
    return len(_waiting)


class TooManyWaiting(Exception):
    """More long-polls than `MAX_WAITING` at once."""


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
