"""A sweep's pool helper processes end when the sweep dies, even by SIGKILL.

A process pool (forkserver) is two levels of helpers: the fork server, a child of the
sweep, and the workers, children of the fork server. Each asks the kernel (Linux
`prctl(PR_SET_PDEATHSIG)`) for SIGKILL when its parent dies: the sweep's death takes
the fork server down, whose death takes the workers. Elsewhere this does nothing.

The fork server imports this module (as a preload) with `SWEEP_PID` naming its parent;
the workers run `worker_started` as the pool's initializer.
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


def worker_started(sweep_pid: int) -> None:
    """Pool initializer: die with the fork server, and at once if the sweep is already gone.
    Ctrl-C is the sweep's to handle: it shuts its workers down."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()
    try:
        os.kill(sweep_pid, 0)
    except ProcessLookupError:
        os._exit(1)
    except PermissionError:
        pass


def _in_fork_server() -> None:
    parent = os.environ.get(SWEEP_PID)
    # the fork server runs `python -c 'from multiprocessing.forkserver import main...'`
    if parent and parent == str(os.getppid()) and sys.argv[:1] == ["-c"]:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a terminal's Ctrl-C reaches the whole group
        die_with_parent()
        if str(os.getppid()) != parent:  # the sweep died before the request took effect
            os._exit(1)
        threading.Thread(target=_watch_parent, args=(int(parent),), daemon=True, name="blocsim-lifeline").start()


def _watch_parent(parent: int) -> None:
    """A backstop for the kernel's request, which a race can miss: the fork server ends once
    the sweep is gone (it is then re-parented), and its workers die with it."""
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(1)


_in_fork_server()
