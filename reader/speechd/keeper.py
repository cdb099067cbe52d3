"""The module's phrase cache: a screen reader's letters, keys and roles ready for the voice
and speed in use (synth/phrases.py), loaded from disk or made while nothing is said.

One thread owns the store: want() only queues, so the protocol's threads never wait for
a file or the model.
"""
from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from reader.synth.phrases import PhraseStore, fingerprint
from reader.synth.synthesizer import Synthesizer

_LOGGER = logging.getLogger(__name__)


class Keeping(Protocol):
    """What the keeper needs of the Speaker."""

    def keep(self, phrases: Sequence[str], voice: str, speed: float,
             done: Callable[[], None] | None = None) -> None: ...


class PhraseKeeper:
    """want(voice, speed) after each message: that set is loaded from disk (once) or its
    missing phrases are made in the background (Speaker.keep(): only while idle, stopped by
    any request, asked again after the next message) and saved when complete. One set is
    pinned at a time (~10 MB): another voice or speed replaces it. complete: the set last
    asked for is pinned."""

    def __init__(self, speaker: Keeping, synth: Synthesizer, store: PhraseStore,
                 files: Callable[[str], tuple[Path, Path]], phrases: Sequence[str]) -> None:
        self._speaker = speaker
        self._synth = synth
        self._store = store
        self._files = files  # voice -> (model file, voice file): the set's fingerprint
        self._phrases = phrases
        self._names: dict[tuple[str, float], str] = {}  # (voice, speed): the set's name, looked up once
        self._current: str | None = None  # the set pinned now
        self._done: set[str] = set()  # its phrases pinned (loaded or made)
        self._wants: queue.Queue[tuple[str, float, bool] | None] = queue.Queue()
        self.complete = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sd-phrases", daemon=True)
        self._thread.start()

    def want(self, voice: str, speed: float) -> None:
        self._wants.put((voice, round(speed, 3), False))

    def close(self) -> None:
        self._wants.put(None)
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while (item := self._wants.get()) is not None:
            voice, speed, made = item
            if not made and not self._wants.empty():
                continue  # a newer wish (or a finished set) follows
            try:
                self._serve(voice, speed, made)
            except Exception:  # noqa: BLE001 - the phrases are then said the slow way
                _LOGGER.exception("the phrase cache failed")

    def _serve(self, voice: str, speed: float, made: bool) -> None:
        if (voice, speed) not in self._names:
            self._names[(voice, speed)] = fingerprint(*self._files(voice), voice, speed)
        name = self._names[(voice, speed)]
        if name != self._current:
            if made:
                return  # made for a set no longer wanted: it is made again when wanted
            self._synth.unpin_all()
            phrases, chunks = self._store.load(name)
            self._synth.pin_all(chunks)
            self._current, self._done = name, set(phrases)
            self.complete.clear()
        if made:  # keep() made every phrase asked for (done() is called only then)
            self._done.update(self._phrases)
            self._store.save(name, sorted(self._done),
                             [c for c in self._synth.pinned() if c.voice == voice and c.speed == speed])
            _LOGGER.info("phrase cache ready: %d phrases for %s at %.2fx, made", len(self._done), voice, speed)
        todo = [p for p in self._phrases if p not in self._done]
        if todo:
            # done() comes on the speaker's thread once all are made: saved here, in order.
            self._speaker.keep(todo, voice, speed, done=lambda: self._wants.put((voice, speed, True)))
        elif not self.complete.is_set():
            if not made:
                _LOGGER.info("phrase cache ready: %d phrases for %s at %.2fx, read from disk", len(self._done),
                             voice, speed)
            self.complete.set()


__all__ = ["Keeping", "PhraseKeeper"]
