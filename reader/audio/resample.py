"""Rate conversion of streamed chunks, outside the audio callback."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

_EMPTY = np.zeros(0, np.float32)


class ChunkResampler:
    """Converts the chunks of one generation with one stateful soxr stream.

    A stateful stream makes chunk joins seamless (no filter restart at each chunk), and soxr
    aligns its output with its input, so the output position of any input sample is known:
    output_position() tells where the next input sample will land in the ring.
    Output is clipped to [-1, 1] (band-limiting can overshoot).

    Not responsible for choosing rates or for thread safety (its owner holds a lock, except
    around the conversion feed() returns).
    """

    def __init__(self, in_rate: int) -> None:
        self.in_rate = in_rate
        self.out_rate = in_rate
        self.generation: int | None = None
        self._stream = None
        self._consumed = 0  # input samples fed to this stream
        self._start = 0  # ring position of this stream's first output sample

    def matches(self, generation: int, out_rate: int) -> bool:
        return self._stream is not None and self.generation == generation and self.out_rate == out_rate

    def begin(self, generation: int, out_rate: int, start: int) -> None:
        """Start a fresh stream whose first output sample goes to ring position `start`."""
        import soxr

        self._stream = soxr.ResampleStream(self.in_rate, out_rate, 1, dtype="float32", quality="HQ")
        self.generation, self.out_rate, self._consumed, self._start = generation, out_rate, 0, start

    def output_position(self) -> int:
        """Ring position of the next input sample's output."""
        return self._start + round(self._consumed * self.out_rate / self.in_rate)

    def feed(self, x: np.ndarray, last: bool = False) -> Callable[[], np.ndarray]:
        """Count x as fed (under the owner's lock) and return its conversion, for the owner
        to run after releasing that lock: ~1 ms per second of audio, which a flush must not
        wait for. A reset() meanwhile leaves the stream it uses alone (the owner then drops
        what it made). last: x is all of this stream (the conversion includes what soxr
        holds back; the next feed needs a begin())."""
        stream = self._stream
        self._consumed += len(x)
        if last:
            self._stream = None
        return lambda: np.clip(stream.resample_chunk(x, last=last), -1.0, 1.0)

    def finish(self) -> np.ndarray:
        """The samples soxr still holds (its filter delay); ends the stream."""
        stream, self._stream = self._stream, None
        if stream is None:
            return _EMPTY
        return np.clip(stream.resample_chunk(_EMPTY, last=True), -1.0, 1.0)

    def reset(self) -> None:
        """Forget the stream and what it holds (a flush)."""
        self._stream = None
