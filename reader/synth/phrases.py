"""Fixed phrases kept finished on disk, per voice and speed, so they play without the model.

A screen reader says the same few hundred short things all day: letters, digits, key and
punctuation names, "button", "checked". Made once in the background (Speaker.keep(): while
nothing else is made, stopped by any request), pinned in the synthesizer's cache (they play like a
prepared sentence: ~20 ms, on any CPU) and kept in a PhraseStore: one file per model, voice
and speed, invalidated when either file changes, at most MAX_SETS files (oldest out).

Only fixed phrases go here, never the user's text.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from reader.files import replacing
from reader.synth.synthesizer import PinnedChunk
from reader.types import Span, Word

_LOGGER = logging.getLogger(__name__)
FORMAT = 1  # bump when what a chunk holds or how it is shaped changes
MAX_SETS = 4  # voice and speed pairs kept on disk (~5 MB each)


def fingerprint(model: Path, voice_file: Path, voice: str, speed: float) -> str:
    """Names the set: the model's and the voice's files (size, mtime), the voice, the speed,
    and this package's version (its text rules and trimming shape the audio too)."""
    from reader import __version__

    parts = [str(FORMAT), __version__, voice, f"{speed:.3f}"]
    for path in (model, voice_file):
        st = path.stat()
        parts += [str(path.resolve()), str(st.st_size), str(st.st_mtime_ns)]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]


class PhraseStore:
    """Sets of pinned chunks on disk, one .npz per fingerprint (atomic writes)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def load(self, name: str) -> tuple[list[str], list[PinnedChunk]]:
        """(the phrases, their chunks) of the set named name; nothing when there is none or
        it cannot be read."""
        path = self.folder / f"{name}.npz"
        try:
            with np.load(path, allow_pickle=False) as data:
                phrases = json.loads(str(data["phrases"]))
                index = json.loads(str(data["index"]))
                chunks = [PinnedChunk(e["text"], e["ends_sentence"], e["voice"], e["speed"], e["language"],
                                      _samples(data[f"a{i}"]),
                                      tuple(Word(Span(*w[:2]), w[2], w[3]) for w in e["words"]))
                          for i, e in enumerate(index)]
        except FileNotFoundError:
            return [], []
        except Exception as exc:  # noqa: BLE001 - a damaged file is made again
            _LOGGER.warning("phrase cache %s unreadable (%s): made again", path.name, exc)
            return [], []
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: kept longest
        return phrases, chunks

    def save(self, name: str, phrases: Iterable[str], chunks: Iterable[PinnedChunk]) -> None:
        chunks = list(chunks)
        index = [{"text": c.text, "ends_sentence": c.ends_sentence, "voice": c.voice, "speed": c.speed,
                  "language": c.language, "words": [[w.span.start, w.span.end, w.start, w.end] for w in c.words]}
                 for c in chunks]
        arrays = {f"a{i}": np.round(np.clip(c.audio, -1, 1) * 32767).astype(np.int16) for i, c in enumerate(chunks)}
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{name}.npz"
        with replacing(path) as tmp:
            with open(tmp, "wb") as f:
                np.savez_compressed(f, phrases=np.array(json.dumps(list(phrases))), index=np.array(json.dumps(index)), **arrays)
        sets = sorted(((_mtime(p), p) for p in self.folder.glob("*.npz")), reverse=True)
        for _, old in sets[MAX_SETS:]:
            old.unlink(missing_ok=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # pruned by another process meanwhile
        return 0.0


def _samples(stored: np.ndarray) -> np.ndarray:
    if stored.dtype != np.int16 or stored.ndim != 1:
        raise ValueError(f"not 16-bit mono samples: {stored.dtype} {stored.shape}")
    return stored.astype(np.float32) / 32767.0


__all__ = ["FORMAT", "MAX_SETS", "PhraseStore", "fingerprint"]
