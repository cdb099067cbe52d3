"""A higher priority for the threads that carry the sound, where the system permits it.

The model runs at normal priority (speech is this user's interface: at nice 10 any busy
program starved it). Then the audio threads compete with the model's for the cores: the
PortAudio callback, and the threads the ALSA-to-PulseAudio/PipeWire plugin runs in this
process to hand the sound to the server. One of those more than a device buffer (20 ms)
late is a hole in the sound, and the server reports no underrun to us. Threads inherit
their creator's nice value, so the output is opened from a thread raised for that moment:
everything it starts runs at NICE, as PipeWire gives its clients' threads. An ordinary user
without the right to lower a nice value gets normal priority, as before.
"""
from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator

NICE = -11  # what PipeWire's clients get without real-time rights


@contextlib.contextmanager
def raised() -> Iterator[str]:
    """Run the block at NICE on this thread (threads it starts keep it), then restore this
    thread's own value. Yields what it got: "nice -11" or "normal"."""
    if not sys.platform.startswith("linux"):
        yield "normal"
        return
    tid = threading.get_native_id()
    before = os.getpriority(os.PRIO_PROCESS, tid)
    try:
        os.setpriority(os.PRIO_PROCESS, tid, NICE)
    except OSError:
        yield "normal"
        return
    try:
        yield f"nice {NICE}"
    finally:
        os.setpriority(os.PRIO_PROCESS, tid, before)  # raising a nice value is always permitted


__all__ = ["raised", "NICE"]
