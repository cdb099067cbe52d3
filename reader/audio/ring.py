"""A preallocated single-producer single-consumer ring of float32 samples."""
from __future__ import annotations

import numpy as np


class SampleRing:
    """Fixed-size FIFO of float32 samples shared by one producer and one consumer thread.

    Positions are absolute sample counts that only grow: ``written`` is advanced by the
    producer (put), ``read`` by the consumer (take, skip_to). Each side writes only its own
    counter and Python int assignment is atomic, so neither side takes a lock; the consumer
    (the audio callback) never blocks or allocates buffers here.

    Not responsible for waking the producer when room frees up, or for what the samples mean.
    """

    def __init__(self, capacity: int) -> None:
        if capacity <= 0:
            raise ValueError("capacity must be positive")
        self.capacity = capacity
        self._buf = np.zeros(capacity, np.float32)
        self.read = 0  # samples consumed so far (consumer-owned)
        self.written = 0  # samples produced so far (producer-owned)

    def available(self) -> int:
        """Samples queued and not yet consumed."""
        return self.written - self.read

    def free(self) -> int:
        return self.capacity - (self.written - self.read)

    # -- producer side -------------------------------------------------------------------
    def put(self, samples: np.ndarray) -> int:
        """Copy as many samples as fit; returns how many were queued."""
        n = min(len(samples), self.free())
        if n <= 0:
            return 0
        start = self.written % self.capacity
        first = min(n, self.capacity - start)
        self._buf[start:start + first] = samples[:first]
        self._buf[: n - first] = samples[first:n]
        self.written += n  # publish only after the copy
        return n

    # -- consumer side -------------------------------------------------------------------
    def peek(self, position: int, out: np.ndarray) -> int:
        """Copy samples from absolute `position` into out without consuming them.

        Returns how many were copied (fewer than len(out) when the ring runs out; the rest
        of out is left untouched). position must lie in [read, written].
        """
        n = max(0, min(len(out), self.written - position))
        if n == 0:
            return 0
        start = position % self.capacity
        first = min(n, self.capacity - start)
        out[:first] = self._buf[start:start + first]
        out[first:n] = self._buf[: n - first]
        return n

    def take(self, out: np.ndarray) -> int:
        """Copy and consume up to len(out) samples; returns how many."""
        n = self.peek(self.read, out)
        self.read += n
        return n

    def skip_to(self, position: int) -> None:
        """Consume (drop) everything before `position` (clamped to what was written)."""
        self.read = max(self.read, min(position, self.written))
