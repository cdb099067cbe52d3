"""The AudioSink interface: what the Speaker needs from an audio output.

Implemented by SoundDeviceSink (portaudio.py) and FakeSink (fake.py); BufferedSink
(buffered.py) holds what both share: the queue, marks, fades and events.
"""
from __future__ import annotations

from typing import Callable, Protocol

import numpy as np


class AudioSink(Protocol):
    """What the Speaker needs from an audio output (SoundDeviceSink; FakeSink in tests).

    Threads: write() and drain() from one producer thread; flush(), pause(), resume(),
    set_volume() and close() from any thread; on_mark(mark) and on_error(msg)
    are called on a thread the sink owns, never on the audio thread, and should only hand
    work over (e.g. emit a Qt signal).
    """

    input_rate: int  # rate of the samples write() takes, Hz
    on_mark: Callable[[object], None] | None
    on_error: Callable[[str], None] | None

    def write(self, samples: np.ndarray, generation: int, mark: object | None = None, *,
              ends_word: bool = False, wait_at: int | None = None) -> bool: ...

    def drain(self, timeout: float | None = None) -> bool: ...

    def open(self) -> int: ...  # ahead of the first write, off the producer thread; returns the rate

    @property
    def latency(self) -> float: ...  # seconds from a sample leaving the sink to it being heard

    @property
    def underruns(self) -> int: ...  # ran dry inside a word

    @property
    def pauses(self) -> int: ...  # ran dry between words, where allowed

    def take_longest_wait(self) -> float: ...

    def heard(self) -> tuple[object, int] | None: ...  # (mark, its samples heard since), or None

    def watch_silence(self) -> None: ...

    def wait_silent(self, timeout: float) -> bool: ...

    def flush(self, generation: int) -> None: ...

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def set_volume(self, volume: float) -> None: ...

    def close(self) -> None: ...


__all__ = ["AudioSink"]
