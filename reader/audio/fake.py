"""A sink without hardware whose clock the test drives: for deterministic unit tests."""
from __future__ import annotations

import threading

import numpy as np

from reader.audio.buffered import BufferedSink
from reader.types import SAMPLE_RATE


class FakeSink(BufferedSink):
    """Behaves like SoundDeviceSink minus the device: time moves only in advance().

    It shares the queueing, generations, marks, drain, fades, pause and volume code with the
    real sink (BufferedSink + Renderer), so what a test sees is what a listener would hear:
    played() returns every output sample, fades included. advance(n) renders n samples in
    blocks, as the audio thread would, then delivers the events that caused (on_mark,
    on_error) on the calling thread: when advance() returns, they have arrived.
    start_clock() instead advances in real time on a thread of its own.

    Not responsible for device latency (heard = rendered) or for real-time behaviour.
    """

    def __init__(self, rate: int = SAMPLE_RATE, block: int = 240, **kwargs) -> None:
        super().__init__(**kwargs)
        self.rate = rate
        self.block = block
        self.opens = 0  # how often an output was opened (first write, after a failure)
        self.unplugged = False  # when True, opening the output fails like a missing device
        self.device: int | str | None = None  # what set_device() chose (nothing else uses it)
        self._is_open = False
        self._open_lock = threading.Lock()
        self._output: list[np.ndarray] = []
        self._advance_lock = threading.Lock()  # advance() from a test and from the clock thread
        self._clock: threading.Thread | None = None
        self._clock_stop = threading.Event()
        self.producer_waiting = threading.Event()  # set when write() blocks on a full queue

    # -- BufferedSink hooks ------------------------------------------------------------------
    def _open_output(self) -> int:
        with self._open_lock:  # open() ahead (a helper thread) and the first write() may race
            if not self._is_open:
                if self.unplugged:
                    raise OSError("fake output device is unplugged")
                self._prepare(self.rate, self.block)
                self._is_open = True
                self.opens += 1
            return self.rate

    def _close_output(self) -> None:
        self._is_open = False

    def set_device(self, device: int | str | None) -> None:
        """As SoundDeviceSink: the output closes and the next write opens "the new device"."""
        with self._advance_lock:
            self.device = device
            self._close_output()
            self._discard_queue()

    def _producer_blocked(self) -> None:
        self.producer_waiting.set()

    @property
    def queued(self) -> int:
        """Samples written and not yet played."""
        return self._ring.available() if self._ring is not None else 0

    # -- test controls -------------------------------------------------------------------------
    def advance(self, n_samples: int) -> np.ndarray:
        """Play n_samples of output (silence while no output is open); deliver due events."""
        out = np.zeros(n_samples, np.float32)
        with self._advance_lock:
            if self._is_open:
                for i in range(0, n_samples, self.block):
                    self._renderer.render(out[i:i + self.block])
                    self._block_rendered()
            self._output.append(out)
        self.service()
        return out

    def deliver(self) -> None:
        """Deliver pending events (e.g. the error of a failed write) without playing."""
        self.service()

    def fail(self, message: str = "fake output device lost") -> None:
        """Simulate the device disappearing mid-stream: as SoundDeviceSink handles it."""
        with self._advance_lock:
            self._close_output()
            self._discard_queue()
        self._report(message)
        self.service()

    def played(self) -> np.ndarray:
        """Every sample output so far, in order."""
        with self._advance_lock:
            return np.concatenate(self._output) if self._output else np.zeros(0, np.float32)

    @property
    def position(self) -> int:
        """Samples consumed from the queue so far (a pause's held samples don't count)."""
        return self._ring.read if self._ring is not None else 0

    def start_clock(self, speed: float = 1.0) -> None:
        """Advance one block every block/rate/speed seconds on a clock thread until stop_clock()."""
        if self._clock is not None:
            return
        self._clock_stop.clear()
        period = self.block / self.rate / speed

        def run() -> None:
            while not self._clock_stop.wait(period):
                self.advance(self.block)

        self._clock = threading.Thread(target=run, name="fake-audio-clock", daemon=True)
        self._clock.start()

    def stop_clock(self) -> None:
        if self._clock is not None:
            self._clock_stop.set()
            self._clock.join(timeout=5)
            self._clock = None

    def close(self) -> None:
        self.stop_clock()
        self._closed = True
        self._discard_queue()
        self._is_open = False
