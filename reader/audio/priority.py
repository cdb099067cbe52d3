"""Real-time priority for the audio thread, where the system permits it.

The model runs at normal priority (speech is this user's interface: at nice 10 any busy
program starved it). The PortAudio callback then competes with the model's threads for
the cores; a callback more than one device buffer (20 ms) late is a hole in the sound. So
the callback's own thread asks for more: SCHED_FIFO (as sound servers give their data
threads), else a negative nice value; as an ordinary user without either right, neither
is granted and it runs as before.
"""
from __future__ import annotations

import os
import sys
import threading

FIFO_PRIORITY = 20  # below PipeWire's and PulseAudio's own data threads (88 and 5+)
NICE = -11  # what PipeWire's clients get without real-time rights


def raise_this_thread() -> str:
    """Raise the calling thread's priority as far as permitted; says what it got. Linux
    only (elsewhere: "normal"). Call once, from the thread itself."""
    if not sys.platform.startswith("linux"):
        return "normal"
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO | getattr(os, "SCHED_RESET_ON_FORK", 0),
                              os.sched_param(FIFO_PRIORITY))
        return f"SCHED_FIFO {FIFO_PRIORITY}"
    except (OSError, AttributeError):
        pass
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, NICE)
        return f"nice {NICE}"
    except OSError:
        return "normal"


__all__ = ["raise_this_thread"]
