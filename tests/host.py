"""What the host did to a real audio output while a test played: for telling a hole the
sound server or the hypervisor made from one of ours.

Not responsible for finding holes in a recording (tests/signals.py does that).
"""
from __future__ import annotations

import bisect
import gc
import os
import subprocess
import sys
import threading
from collections.abc import Callable

import numpy as np

from tests.signals import REC_RATE, inserted_silence, worst_window

# A child process reads the hypervisor's steal every 10 ms (the kernel's unit for it) and prints
# each change with the time (CLOCK_MONOTONIC, as time.monotonic() here): it needs no GIL of ours.
_SAMPLER = """
import time
last = None
while True:
    with open('/proc/stat') as f:
        stolen = int(f.readline().split()[8])
    if stolen != last:
        print(time.monotonic(), stolen, flush=True)
        last = stolen
    time.sleep(0.01)
"""


def like_the_daemon() -> None:
    """Leave this process's garbage collector as the daemon's: before a test plays in-process.

    The daemon freezes what it loads (load_core, G2PBank) and makes ~30 objects a paragraph,
    so a full collection there takes ~0.1 ms. This process also holds what hundreds of earlier
    tests made (220k objects after the language tests), which a full collection walked holding
    the GIL for 60-120 ms: a CI run's audio callback waited 118.6 ms for it mid-paragraph."""
    gc.collect()
    gc.freeze()


def steal_ms() -> int:
    """CPU time the hypervisor took from this virtual machine so far, all cores (/proc/stat)."""
    with open("/proc/stat") as f:
        return int(f.readline().split()[8]) * 1000 // os.sysconf("SC_CLK_TCK")


class StealLog:
    """When the hypervisor took CPU time from this machine, to within ~10 ms (the kernel counts
    steal per clock tick, when the stolen CPU runs again)."""

    def __init__(self) -> None:
        self._times: list[float] = []
        self._ms: list[int] = []  # steal so far at each time
        self._tick_ms = 1000 // os.sysconf("SC_CLK_TCK")
        self._proc = subprocess.Popen([sys.executable, "-c", _SAMPLER], stdout=subprocess.PIPE, text=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self._proc.stdout:
            t, jiffies = line.split()
            self._times.append(float(t))
            self._ms.append(int(jiffies) * self._tick_ms)

    def stolen_between(self, t0: float, t1: float) -> int:
        """Milliseconds stolen between monotonic times t0 and t1 (as far as sampled)."""
        i = bisect.bisect_left(self._times, t0)
        j = bisect.bisect_right(self._times, t1)
        return 0 if j == 0 or j <= i else self._ms[j - 1] - self._ms[max(0, i - 1)]

    def close(self) -> None:
        self._proc.kill()
        self._proc.wait()
        self._reader.join(timeout=2)
        self._proc.stdout.close()


class HostDelays:
    """Watches a SoundDeviceSink from its creation until stopped(): callbacks PortAudio's
    real-time thread made late (longer apart than the device buffer: the host's doing),
    callbacks made in time that our Python began too late, waiting for the GIL (ours), the
    longest gap and GIL wait, and the CPU time the hypervisor took from this machine."""

    def __init__(self, sink, steal: StealLog | None = None) -> None:
        self.sink = sink
        self.late = sink.late_callbacks
        self.gil_late = sink.gil_late_callbacks
        self.gil_frozen = 0  # of those, how many waited while the hypervisor froze a CPU
        self._gil_seen = len(sink.gil_waits)
        self.underruns = sink.underruns
        self.stolen = steal_ms()
        self.steal = steal if steal is not None else StealLog()
        self._own_steal = steal is None
        sink.take_callback_delays()
        self.gap = self.gil = None

    def stopped(self) -> str:
        """Stop watching (before the test's own number crunching holds the GIL); the figures."""
        if self.gap is None:
            self.gap, self.gil = self.sink.take_callback_delays()
            self.late = self.sink.late_callbacks - self.late
            self.gil_late = self.sink.gil_late_callbacks - self.gil_late
            self.underruns = self.sink.underruns - self.underruns
            self.stolen = steal_ms() - self.stolen
            # A wait for the GIL is the host's when the hypervisor took at least half of it
            # from this machine meanwhile: the thread holding the GIL stood still on a frozen
            # CPU. Anything else held it: ours.
            waits = list(self.sink.gil_waits)[self._gil_seen:]
            self.gil_frozen = sum(1 for t, w in waits
                                  if self.steal.stolen_between(t - w - 0.05, t + 0.05) >= 500 * w)
            if self._own_steal:
                self.steal.close()
        return (f"{self.late} late callbacks, {self.gil_late} late for the GIL ({self.gil_frozen} of them "
                f"while the hypervisor froze a CPU; longest gap {self.gap * 1000:.1f} ms, GIL wait "
                f"{self.gil * 1000:.1f} ms), {self.stolen} ms stolen by the hypervisor")

    def assert_played_as_made(self, x: np.ndarray, found: list[tuple[int, float, int]],
                              matched: list[np.ndarray], time_of: Callable[[int], float] | None = None) -> str:
        """Every run heard as made (played_runs' results), but where the host made a hole.

        A hole is ours when our queue ran dry (an underrun) or a block began past the device
        buffer because our Python waited for the GIL (GC once held it 260 ms) while no CPU
        stood still: never excused. Otherwise a run that differs is excused only when the
        stream's threads ran in real time and either that is all that differs, a few ms of
        silence inserted with nothing lost, repeated or changed (what the sound server does
        when a quantum finds too little: CI runs heard 256-1280 samples with our callbacks at
        most 19 ms apart against the 20 ms buffer), or PortAudio's real-time thread was held
        up past the device buffer for each such run while the hypervisor took CPU time (one
        run: a 110 ms gap), or, given time_of (x's index to monotonic time), the hypervisor
        took 10 ms or more within half a second of each such run's worst window (one CI run
        heard a 3328-sample hole with an 88 ms GIL wait and 90 ms stolen).
        Returns what was excused ("" when nothing was)."""
        figures = self.stopped()
        bad = [(begin, round(c, 3), d, run) for (begin, c, d), run in zip(found, matched) if c < 0.95 or d > 48]
        holes = [inserted_silence(x, run, begin) for begin, _, _, run in bad]
        frozen = [time_of is not None and self.steal.stolen_between(t - 0.5, t + 0.5) >= 10
                  for t in (time_of(worst_window(x, run, begin)) if time_of else 0.0 for begin, _, _, run in bad)]
        bad = [b[:3] for b in bad]
        held_up = self.late >= len(bad) and self.stolen > 0
        ours = self.underruns + self.gil_late - self.gil_frozen
        excused = (ours == 0 and self.sink.audio_priority.startswith("realtime")
                   and (held_up or all(h is not None or f for h, f in zip(holes, frozen))))
        assert not bad or excused, f"a run of audio did not play as made ({bad}): a stall or dropout; {figures}"
        if not bad:
            return ""
        return (f"{holes} samples inserted at {[round(b / REC_RATE, 2) for b, _, _ in bad]} s, the hypervisor "
                f"taking CPU time then: {frozen}; {figures}")
