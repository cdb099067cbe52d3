"""Audio output: the AudioSink interface and its sounddevice implementation.

The only module that imports sounddevice. One OutputStream is kept open while speaking;
its callback copies from a preallocated ring buffer and never blocks, allocates or logs.
"""
from __future__ import annotations

import logging
import threading
from typing import Protocol

import numpy as np

from reader.types import ReaderError

_LOGGER = logging.getLogger(__name__)


class AudioSink(Protocol):
    """Plays float32 mono samples. write() blocks the producer (never the audio thread)."""

    sample_rate: int

    def write(self, samples: np.ndarray) -> None: ...

    def drain(self) -> None: ...

    def stop(self) -> None: ...

    def close(self) -> None: ...


class Ring:
    """Single-producer single-consumer float32 ring buffer.

    The producer (any one thread) calls put(); the audio callback calls take(). Indices are
    plain ints updated by one side each, so neither side takes a lock.
    """

    def __init__(self, capacity: int) -> None:
        self.buf = np.zeros(capacity, np.float32)
        self.capacity = capacity
        self.read = 0  # total samples taken (owned by the consumer)
        self.write = 0  # total samples put (owned by the producer)

    def free(self) -> int:
        return self.capacity - (self.write - self.read)

    def available(self) -> int:
        return self.write - self.read

    def put(self, x: np.ndarray) -> int:
        n = min(len(x), self.free())
        start = self.write % self.capacity
        first = min(n, self.capacity - start)
        self.buf[start:start + first] = x[:first]
        self.buf[: n - first] = x[first:n]
        self.write += n
        return n

    def take(self, out: np.ndarray) -> int:
        n = min(len(out), self.available())
        start = self.read % self.capacity
        first = min(n, self.capacity - start)
        out[:first] = self.buf[start:start + first]
        out[first:n] = self.buf[: n - first]
        self.read += n
        return n


class SoundDeviceSink:
    """Plays through PortAudio via sounddevice: owns one OutputStream and its ring buffer.

    Not responsible for synthesis, resampling policy or playback state beyond draining.
    """

    def __init__(self, device: int | str | None = None, sample_rate: int = 24_000,
                 buffer_s: float = 4.0, block: int = 480) -> None:
        try:
            import sounddevice as sd
        except OSError as exc:  # the PortAudio library itself is missing
            raise ReaderError(f"audio output is unavailable ({exc}); install PortAudio "
                              "(Debian: apt install libportaudio2) or write to a file with -o out.wav") from exc
        self._sd = sd
        self.sample_rate = sample_rate
        self._ring = Ring(int(buffer_s * sample_rate))
        self._space = threading.Event()  # set by the callback when it frees room
        self._stopping = False
        self.underruns = 0
        self._playing = False  # the callback has data to play (for underrun counting)
        try:
            self._stream = sd.OutputStream(
                samplerate=sample_rate, channels=1, dtype="float32", blocksize=block,
                device=device, callback=self._callback, latency="low",
            )
            self._stream.start()
        except Exception as exc:  # PortAudioError, ValueError for bad devices
            raise ReaderError(f"no usable audio output device ({exc}); write to a file with -o out.wav") from exc

    def _callback(self, out, frames, _time, _status) -> None:
        """Runs on the PortAudio thread: copy or zero-fill, never block."""
        dest = out[:, 0]
        got = 0 if self._stopping else self._ring.take(dest)
        if got < frames:
            dest[got:] = 0.0
            if self._playing and got == 0 and not self._stopping:
                self.underruns += 1
        self._space.set()

    def write(self, samples: np.ndarray) -> None:
        """Queue samples, waiting for room; the ring holds a few seconds at most."""
        x = np.asarray(samples, np.float32)
        self._playing = True
        while len(x) and not self._stopping:
            n = self._ring.put(x)
            x = x[n:]
            if len(x):
                self._space.clear()
                self._space.wait(0.1)

    def drain(self) -> None:
        """Wait until everything queued has been handed to the device (close() plays it out)."""
        while self._ring.available() > 0 and not self._stopping:
            self._space.clear()
            self._space.wait(0.1)
        self._playing = False

    def stop(self) -> None:
        self._stopping = True

    def close(self) -> None:
        """Stop the stream; PortAudio's stop plays out what the device already holds."""
        try:
            self._stream.stop()
            self._stream.close()
        except Exception:  # closing a stream whose device vanished must not raise
            _LOGGER.debug("closing the stream failed", exc_info=True)
