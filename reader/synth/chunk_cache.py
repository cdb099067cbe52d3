"""An in-memory LRU of synthesized chunks, so a repeat, "previous sentence" or a prepared
(speculated) selection plays without running the model again.

Held in memory only and never written or logged: keys contain the user's text.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Hashable, Protocol

import numpy as np

DEFAULT_MAX_SECONDS = 300.0  # 5 minutes of 24 kHz float32 audio: ~29 MB


class Sized(Protocol):
    """A cached value: an array of samples, or a record that counts its samples."""

    @property
    def size(self) -> int: ...


class ChunkCache:
    """Maps a chunk key (text, voice, speed, ...) to its finished audio, least recently used
    first out, bounded by the total number of samples held (value.size). Thread-safe.

    Stored arrays are made read-only: every reader shares them. Other values hold arrays
    they have made read-only themselves.

    Pinned entries (pin(), put_pinned()) stay until unpin_all(): the fixed phrases a screen
    reader says most (synth/phrases.py), outside the LRU and its bound, kept by clear().
    """

    def __init__(self, max_samples: int) -> None:
        self.max_samples = max_samples
        self._pinned: dict[Hashable, Sized] = {}
        self._items: OrderedDict[Hashable, Sized] = OrderedDict()
        self._samples = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable):
        with self._lock:
            audio = self._pinned.get(key)
            if audio is not None:
                self.hits += 1
                return audio
            audio = self._items.get(key)
            if audio is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return audio

    def put(self, key: Hashable, audio: Sized) -> Sized:
        """Store audio (an array: read-only from now on) and return it."""
        if isinstance(audio, np.ndarray):
            audio.setflags(write=False)
        if audio.size > self.max_samples:
            return audio
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._samples -= old.size
            self._items[key] = audio
            self._samples += audio.size
            while self._samples > self.max_samples:
                _, dropped = self._items.popitem(last=False)
                self._samples -= dropped.size
        return audio

    def clear(self) -> None:
        """Drop what the LRU holds (pinned entries stay)."""
        with self._lock:
            self._items.clear()
            self._samples = 0

    def pin(self, key: Hashable) -> bool:
        """Keep key's entry (in the LRU now) until unpin_all(); False if there is none."""
        with self._lock:
            audio = self._items.pop(key, None)
            if audio is None:
                return key in self._pinned
            self._samples -= audio.size
            self._pinned[key] = audio
            return True

    def put_pinned(self, key: Hashable, audio: Sized) -> None:
        with self._lock:
            self._pinned[key] = audio

    def pinned(self) -> list[tuple[Hashable, Sized]]:
        with self._lock:
            return list(self._pinned.items())

    def unpin_all(self) -> None:
        with self._lock:
            self._pinned.clear()

    def __len__(self) -> int:
        return len(self._items)

    @property
    def samples(self) -> int:
        return self._samples


__all__ = ["ChunkCache", "DEFAULT_MAX_SECONDS"]
