"""What the host did to a real audio output while a test played: for telling a hole the
sound server or the hypervisor made from one of ours.

Not responsible for finding holes in a recording (tests/signals.py does that).
"""
from __future__ import annotations

import os

import numpy as np

from tests.signals import REC_RATE, inserted_silence


def steal_ms() -> int:
    """CPU time the hypervisor took from this virtual machine so far, all cores (/proc/stat)."""
    with open("/proc/stat") as f:
        return int(f.readline().split()[8]) * 1000 // os.sysconf("SC_CLK_TCK")


class HostDelays:
    """Watches a SoundDeviceSink from its creation until stopped(): callbacks PortAudio's
    real-time thread made late (longer apart than the device buffer: the host's doing),
    callbacks made in time that our Python began too late, waiting for the GIL (ours), the
    longest gap and GIL wait, and the CPU time the hypervisor took from this machine."""

    def __init__(self, sink) -> None:
        self.sink = sink
        self.late = sink.late_callbacks
        self.gil_late = sink.gil_late_callbacks
        self.underruns = sink.underruns
        self.stolen = steal_ms()
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
        return (f"{self.late} late callbacks, {self.gil_late} late for the GIL (longest gap "
                f"{self.gap * 1000:.1f} ms, GIL wait {self.gil * 1000:.1f} ms), "
                f"{self.stolen} ms stolen by the hypervisor")

    def assert_played_as_made(self, x: np.ndarray, found: list[tuple[int, float, int]],
                              matched: list[np.ndarray]) -> str:
        """Every run heard as made (played_runs' results), but where the host made a hole.

        A hole is ours when our queue ran dry (an underrun) or a block began past the device
        buffer because our Python waited for the GIL (GC once held it 260 ms): never excused.
        Otherwise a run that differs is excused only when the stream's threads ran in real
        time and either that is all that differs, a few ms of silence inserted with nothing
        lost, repeated or changed (what the sound server does when a quantum finds too little:
        CI runs heard 256-1280 samples with our callbacks at most 19 ms apart against the
        20 ms buffer), or PortAudio's real-time thread was held up past the device buffer for
        each such run while the hypervisor took CPU time (one run: a 110 ms gap).
        Returns what was excused ("" when nothing was)."""
        figures = self.stopped()
        bad = [(begin, round(c, 3), d, run) for (begin, c, d), run in zip(found, matched) if c < 0.95 or d > 48]
        holes = [inserted_silence(x, run, begin) for begin, _, _, run in bad]
        bad = [b[:3] for b in bad]
        held_up = self.late >= len(bad) and self.stolen > 0
        ours = self.underruns + self.gil_late
        excused = (ours == 0 and self.sink.audio_priority.startswith("realtime")
                   and (held_up or all(h is not None for h in holes)))
        assert not bad or excused, f"a run of audio did not play as made ({bad}): a stall or dropout; {figures}"
        if not bad:
            return ""
        return f"{holes} samples inserted at {[round(b / REC_RATE, 2) for b, _, _ in bad]} s; {figures}"
