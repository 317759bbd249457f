"""Processes that end with the process that started them: the render workers of a server,
and the workers of `rise serve --workers N`.

Killed outright (`kill -9`, the OOM killer), a parent stops nothing, and its children run
on under PID 1 for good: a server's workers would go on serving its port, each render worker
holding some 150 MB. So such a child asks, as it starts, to be killed when its parent ends.
On Linux the kernel sees to it (prctl PR_SET_PDEATHSIG, SIGKILL); elsewhere a thread
watches for the parent's pid to change.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WATCH_SECONDS = 0.5


def end_with_parent(parent_pid: int) -> None:
    """From now on this process ends when `parent_pid`, its parent, does; at once if the
    parent is gone already (it died while this process started).

    The kernel's parent is the thread that started this process, and the signal comes when
    that thread ends: both pools start their processes from a thread that lasts as long as
    the parent (the event loop's, the supervisor's main thread)."""
    if not kernel_kills_with_parent():
        threading.Thread(
            target=_watch, args=(parent_pid,), name="parent-watch", daemon=True
        ).start()
    if os.getppid() != parent_pid:
        os._exit(1)


def kernel_kills_with_parent() -> bool:
    """Asks Linux for SIGKILL when the parent ends; False where that cannot be had."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(WATCH_SECONDS)
    os._exit(1)
