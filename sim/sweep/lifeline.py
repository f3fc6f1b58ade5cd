"""A sweep's pool helper processes end when the sweep dies, even by SIGKILL.

A process pool (forkserver) is two levels of helpers: the fork server, a child of the
sweep, and the workers, children of the fork server. Each asks the kernel (Linux
`prctl(PR_SET_PDEATHSIG)`) for SIGKILL when its parent dies: the sweep's death takes
the fork server down, whose death takes the workers. Elsewhere this does nothing.

The fork server imports this module (as a preload) with `SWEEP_PID` naming its parent;
the workers run `worker_started` as the pool's initializer. Each helper also watches its
parent from a thread, a backstop for a request made too late.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

SWEEP_PID = "BLOCSIM_SWEEP_PID"
_PR_SET_PDEATHSIG = 1


def die_with_parent() -> bool:
    """Have the kernel kill this process when its parent dies; False where it cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):  # not Linux
        return False


_fork_server_pid: int | None = None   # set in the fork server; its workers inherit it


def worker_started(sweep_pid: int) -> None:
    """Pool initializer: die with the fork server, and at once if it or the sweep is already gone.
    Ctrl-C is the sweep's to handle: it shuts its workers down.

    Whether the fork server is gone is read from this process's parent, which changes the moment
    the server exits: a sweep killed but not yet reaped (a zombie) still answers `kill(pid, 0)`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _fork_server_pid is not None:
        _tie_to(_fork_server_pid)
    else:
        die_with_parent()
    try:
        os.kill(sweep_pid, 0)
    except ProcessLookupError:
        os._exit(1)
    except PermissionError:
        pass


def _in_fork_server() -> None:
    global _fork_server_pid
    parent = os.environ.get(SWEEP_PID)
    # the fork server runs `python -c 'from multiprocessing.forkserver import main...'`
    if parent and parent == str(os.getppid()) and sys.argv[:1] == ["-c"]:
        _fork_server_pid = os.getpid()
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a terminal's Ctrl-C reaches the whole group
        _tie_to(int(parent))


def _tie_to(parent: int) -> None:
    """End this helper when `parent` (the process that should be its parent) dies: the kernel's request,
    an exit now if `parent` is already gone, and a watching thread as a backstop."""
    die_with_parent()
    if os.getppid() != parent:  # it died before the request took effect
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="blocsim-lifeline").start()


def _watch_parent(parent: int) -> None:
    """A backstop for the kernel's request, which a race can miss: a helper (the fork server, or
    a worker) ends once its parent is gone and it has been re-parented."""
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(1)


_in_fork_server()
