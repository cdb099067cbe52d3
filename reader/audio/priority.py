"""A higher priority for the threads that carry the sound, where the system permits it.

The model runs at normal priority (speech is this user's interface: at nice 10 any busy
program starved it). Then the audio threads compete with the model's for the cores: the
PortAudio callback, and the threads the ALSA-to-PulseAudio/PipeWire plugin runs in this
process to hand the sound to the server. One of those more than a device buffer (20 ms)
late is a hole in the sound, and the server reports no underrun to us. Threads inherit
their creator's nice value, so the output is opened from a thread raised for that moment:
everything it starts runs at NICE, as PipeWire gives its clients' threads, or in real time
(SCHED_FIFO at RT_PRIORITY, below the sound server's own threads) where that is permitted,
as PipeWire's own client threads get it: one CI run in ~20 heard a 21 ms hole at nice -11
with the model busy on both cores. An ordinary user without either right gets normal
priority, as before.
"""
from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator

NICE = -11  # what PipeWire's clients get without real-time rights
RT_PRIORITY = 20  # SCHED_FIFO; PipeWire's data threads run at 88, its clients' at 83


@contextlib.contextmanager
def raised(realtime: bool = False) -> Iterator[str]:
    """Run the block at NICE on this thread (threads it starts keep it), and with realtime
    in SCHED_FIFO where permitted; then restore this thread's own values. Yields what it
    got: "realtime 20", "nice -11" or "normal"."""
    if not sys.platform.startswith("linux"):
        yield "normal"
        return
    tid = threading.get_native_id()
    before = os.getpriority(os.PRIO_PROCESS, tid)
    policy, param = os.sched_getscheduler(0), os.sched_getparam(0)
    got = "normal"
    try:
        os.setpriority(os.PRIO_PROCESS, tid, NICE)
        got = f"nice {NICE}"
    except OSError:
        pass
    if realtime:
        try:
            os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(RT_PRIORITY))  # 0: this thread
            got = f"realtime {RT_PRIORITY}"
        except OSError:
            pass
    try:
        yield got
    finally:
        if got.startswith("realtime"):
            os.sched_setscheduler(0, policy, param)  # going back down is always permitted
        if got != "normal":
            os.setpriority(os.PRIO_PROCESS, tid, before)  # and so is raising a nice value


__all__ = ["raised", "NICE", "RT_PRIORITY"]
