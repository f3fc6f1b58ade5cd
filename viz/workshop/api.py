"""The workshop's JSON API, served under /api/ beside the pages.

Every route turns the caller's code (header ``X-Blocsim-Code`` or ``"code"`` in the JSON body, never
the URL) into a principal and calls the same `Game` method the pages call, so the role checks and the
logging of refusals are the engine's. Answers: 200 with JSON; 400 bad input; 401 missing code;
403 refused (logged); 413 body too large; 429 too many wrong codes from this client (logged);
503 too many long-polls waiting at once.
"""

from __future__ import annotations

import inspect
import json
import math

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

from sim.errors import UserError
from sim.game import Principal, Refused
from viz.workshop import state

CODE_HEADER = "x-blocsim-code"
MAX_BODY_BYTES = 256_000
WAIT_DEFAULT_S = 25.0   # how long /api/wait holds a request when nothing changes ...
WAIT_MAX_S = 60.0       # ... and the longest a client may ask for


class BadRequest(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


async def _body(request: Request) -> dict:
    if request.method in ("GET", "HEAD"):
        return {}
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise BadRequest(413, f"the request body is too large (at most {MAX_BODY_BYTES:,} bytes)")
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest(400, "the request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise BadRequest(400, "the request body must be a JSON object")
    return data


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def endpoint(method):
    """Wrap `method(principal, body, request) -> result` as a route: code check, errors as JSON.
    A plain method runs in a worker thread; an async one (a long-poll) waits in the event loop."""

    async def route(request: Request):
        try:
            body = await _body(request)
            code = request.headers.get(CODE_HEADER) or body.pop("code", None)
            if not code or not isinstance(code, str):
                raise BadRequest(401, f"send your code in the {CODE_HEADER} header or as \"code\" in a JSON body")
            principal = await run_in_threadpool(state.join, code, _client(request))
            if inspect.iscoroutinefunction(method):
                result = await method(principal, body, request)
            else:
                result = await run_in_threadpool(method, principal, body, request)
        except BadRequest as exc:
            return JSONResponse({"error": str(exc)}, status_code=exc.status)
        except state.TooManyWaiting as exc:
            return JSONResponse({"error": str(exc)}, status_code=503)
        except state.TooManyAttempts as exc:
            return JSONResponse({"error": "; ".join(exc.messages)}, status_code=429)
        except Refused as exc:
            return JSONResponse({"error": "; ".join(exc.messages)}, status_code=403)
        except UserError as exc:
            return JSONResponse({"error": "; ".join(exc.messages)}, status_code=400)
        if isinstance(result, HTMLResponse):
            return result
        return JSONResponse(result)

    return route


def _int(body: dict, key: str, request: Request | None = None) -> int:
    value = body.get(key)
    if value is None and request is not None:
        value = request.path_params.get(key) or request.query_params.get(key)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise BadRequest(400, f"{key}: expected a whole number, got {value!r}") from None


def _g():
    return state.game()


def who(p: Principal, body, request):
    return {"role": p.role, "country": p.country, "revision": _g().revision}


def status(p, body, request):
    return _g().status(p)


def view(p, body, request):
    since = _int({"since": request.query_params.get("since", "0")}, "since")
    return state.view(p) if since == 0 else _g().view(p, since=since)   # the whole view: shared per revision


async def wait(p, body, request):
    """Long-poll: answer as soon as the game's revision passes `since` (or after `timeout` seconds
    with the current one), with the public headline: revision, branch, turn and phase."""
    since = _int(body, "since", request)
    if since < 0:
        raise BadRequest(400, f"since: expected a revision of 0 or more, got {since}")
    raw = body.get("timeout", request.query_params.get("timeout", WAIT_DEFAULT_S))
    try:
        timeout = float(raw)
    except (TypeError, ValueError):
        timeout = math.nan
    if not 0 <= timeout <= WAIT_MAX_S:
        raise BadRequest(400, f"timeout: expected seconds from 0 to {WAIT_MAX_S:g}, got {raw!r}")
    return await state.news_after(since, timeout)


def orders(p, body, request):
    return _g().orders(p)


def submit(p, body, request):
    items = body.get("orders", body.get("order"))
    if items is None:
        raise BadRequest(400, "send \"orders\": a list of orders (or \"order\": one order)")
    if isinstance(items, list):
        return {"ids": _g().submit_orders(p, items)}
    return {"ids": [_g().submit_order(p, items)]}


def change(p, body, request):
    if "order" not in body:
        raise BadRequest(400, "send \"order\": the order that replaces this one")
    return {"id": _g().change_order(p, _int(body, "order_id", request), body["order"])}


def withdraw(p, body, request):
    _g().withdraw_order(p, _int(body, "order_id", request))
    return {"withdrawn": _int(body, "order_id", request)}


def advice(p, body, request):
    return {"suggestions": _g().advise(p)}


def adopt(p, body, request):
    return {"id": _g().adopt(p, _int(body, "index"))}


def open_phase(p, body, request):
    _g().open_phase(p, deadline=body.get("deadline"))
    return _g().status(p)


def close_phase(p, body, request):
    _g().close_phase(p)
    return _g().status(p)


def adjudicate(p, body, request):
    return _g().adjudicate(p)


def inject(p, body, request):
    _g().inject(p, event=body.get("event"), action=body.get("action"))
    return _g().status(p)


def set_field(p, body, request):
    if not isinstance(body.get("path"), str) or "value" not in body:
        raise BadRequest(400, "send \"path\" (a settable field) and \"value\"")
    _g().set_field(p, body["path"], body["value"])
    return _g().status(p)


def rollback(p, body, request):
    return {"branch": _g().rollback(p, _int(body, "turn"))}


def switch(p, body, request):
    _g().switch_branch(p, _int(body, "branch"))
    return _g().status(p)


def reveal(p, body, request):
    return {"id": _g().reveal(p, str(body.get("team", "")), str(body.get("note", "")), body.get("about"))}


def message(p, body, request):
    return {"id": _g().message(p, str(body.get("text", "")), body.get("team"))}


def revoke_tokens(p, body, request):
    team = body.get("team")
    return {"revoked": _g().revoke_rejoin_tokens(p, None if team is None else str(team))}


def game_log(p, body, request):
    return {"log": _g().log(p)}


def export(p, body, request):
    branch = request.query_params.get("branch")
    html = _g().review(p, branch=_int({"branch": branch}, "branch") if branch else None)
    return HTMLResponse(html, headers={"Content-Disposition": 'attachment; filename="review.html"'})


routes = [
    Route("/api/join", endpoint(who), methods=["POST"]),
    Route("/api/status", endpoint(status), methods=["GET", "POST"]),
    Route("/api/view", endpoint(view), methods=["GET", "POST"]),
    Route("/api/wait", endpoint(wait), methods=["GET", "POST"]),
    Route("/api/orders", endpoint(orders), methods=["GET"]),
    Route("/api/orders", endpoint(submit), methods=["POST"]),
    Route("/api/orders/{order_id}", endpoint(change), methods=["PUT"]),
    Route("/api/orders/{order_id}", endpoint(withdraw), methods=["DELETE"]),
    Route("/api/advice", endpoint(advice), methods=["GET", "POST"]),
    Route("/api/adopt", endpoint(adopt), methods=["POST"]),
    Route("/api/phase/open", endpoint(open_phase), methods=["POST"]),
    Route("/api/phase/close", endpoint(close_phase), methods=["POST"]),
    Route("/api/adjudicate", endpoint(adjudicate), methods=["POST"]),
    Route("/api/inject", endpoint(inject), methods=["POST"]),
    Route("/api/set", endpoint(set_field), methods=["POST"]),
    Route("/api/rollback", endpoint(rollback), methods=["POST"]),
    Route("/api/switch", endpoint(switch), methods=["POST"]),
    Route("/api/reveal", endpoint(reveal), methods=["POST"]),
    Route("/api/message", endpoint(message), methods=["POST"]),
    Route("/api/tokens/revoke", endpoint(revoke_tokens), methods=["POST"]),
    Route("/api/log", endpoint(game_log), methods=["GET", "POST"]),
    Route("/api/export", endpoint(export), methods=["GET", "POST"]),
]
