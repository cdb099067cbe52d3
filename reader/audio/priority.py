"""Real-time priority for the audio thread, where the system permits it.

The model runs at normal priority (speech is this user's interface: at nice 10 any busy
program starved it). The PortAudio callback then competes with the model's threads for
the cores; a callback more than one device buffer (20 ms) late is a hole in the sound. So
the callback's own thread asks for a negative nice value, as PipeWire gives its clients'
threads; as an ordinary user without that right it runs as before. (Not SCHED_FIFO: this
thread is PortAudio's ALSA polling thread, running Python; untried there.)
"""
from __future__ import annotations

import os
import sys
import threading

NICE = -11  # what PipeWire's clients get without real-time rights


def raise_this_thread() -> str:
    """Raise the calling thread's priority as far as permitted; says what it got. Linux
    only (elsewhere: "normal"). Call once, from the thread itself."""
    if not sys.platform.startswith("linux"):
        return "normal"
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, NICE)
        return f"nice {NICE}"
    except OSError:
        return "normal"


__all__ = ["raise_this_thread"]
