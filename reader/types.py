"""Typed values passed between the stages text -> synth -> speaker -> audio sink.

A leaf module: it imports nothing from the rest of the package, so every stage can
depend on it without cycles. Values are frozen; units are in the field names or docs.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

SAMPLE_RATE = 24_000  # Kokoro's output rate, Hz
SPEED_RANGE = (0.5, 2.0)  # the speeds Kokoro speaks well: settings, CLI, model and speaker keep to it
PAUSE_RANGE = (0.0, 2.0)  # seconds of extra silence a user may put between sentences


@dataclass(frozen=True)
class Span:
    """Half-open range [start, end) of character offsets into the text the user gave."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span {self.start}..{self.end}")


@dataclass(frozen=True)
class Sentence:
    """One sentence of cleaned text and where it came from in the original."""

    index: int  # 0-based position in the utterance
    text: str  # cleaned, ready for G2P
    span: Span


@dataclass(frozen=True)
class TextChunk:
    """A piece of one sentence small enough for one model call."""

    sentence_index: int
    text: str  # cleaned, ready for G2P
    span: Span
    ends_sentence: bool  # True for the last chunk of its sentence: a sentence pause follows


@dataclass(frozen=True)
class Word:
    """One spoken word: its characters in the user's text and where it sounds, in samples
    from the start of the AudioChunk that carries it (end may lie past that chunk's end when
    the word goes on in the next part)."""

    span: Span
    start: int
    end: int


@dataclass(frozen=True, eq=False)
class AudioChunk:
    """Synthesized speech for one chunk (or one part of it), silence trimmed to a natural gap.

    words: the words that start in this part, in order. ends_word: the audio ends between
    words (always at a chunk's end; a part cut mid-word says False), so playback may pause
    there without cutting a word. wait_at: in a part cut mid-word, the sample of the last
    point between words well before its end, where playback waits if the next part is late
    (None: no such point)."""

    samples: np.ndarray  # float32, mono, in [-1, 1], at sample_rate
    sentence_index: int
    span: Span
    is_last: bool  # the last chunk of the utterance
    sample_rate: int = SAMPLE_RATE
    words: tuple[Word, ...] = ()
    ends_word: bool = True
    wait_at: int | None = None

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate


@dataclass(frozen=True, eq=False)
class Decoded:
    """A model call's audio and what it knows of its timing.

    durations: frames (25 ms at speed 1, already divided by the speed) per token, both pads
    included, or None when the engine cannot tell; first_frame: the model frame that
    audio[0] starts (the silent frames before the speech are not decoded)."""

    audio: np.ndarray  # float32, 24 kHz
    durations: np.ndarray | None = None
    first_frame: int = 0
    frames: int = 0  # frames the model made in all (decoded or not); 0: len(audio) / 600


class Pronunciations(Protocol):
    """What an Utterance's lexicon does (text/lexicon.Lexicon): rewrites one sentence's
    CleanText (text/normalize.py) for a language. Typed loosely: this module stays a leaf."""

    def apply(self, ct: Any, language: str) -> Any: ...


@dataclass(frozen=True)
class Utterance:
    """What to say and how. voice is a voice spec ("af_heart" or "af_heart:0.7,bf_emma:0.3")."""

    text: str
    voice: str = "af_heart"
    speed: float = 1.0  # 0.5 .. 2.0, 1.0 = the voice's natural rate
    # Families of text/spoken read as written ("dates", "units"...): the user's choice.
    as_written: frozenset[str] = frozenset()
    # Pronunciations to apply (text/lexicon.Lexicon; the user's and the shipped ones), or none.
    lexicon: Pronunciations | None = None
    # The G2P's language ("fr", "ja"...; text/language.LANGUAGES); None: the voice's own.
    language: str | None = None


@dataclass(eq=False)
class CancelToken:
    """Set once to cancel a stream; checked between stages and passed to the engine.

    Thread-safe: cancel() may be called from any thread.
    """

    _event: threading.Event = field(default_factory=threading.Event)
    _callbacks: list = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        with self._lock:
            if self._event.is_set():
                return
            self._event.set()
            callbacks, self._callbacks = self._callbacks, []
        for cb in callbacks:
            cb()

    def on_cancel(self, callback) -> None:
        """Run callback (on the cancelling thread) when cancelled; at once if already."""
        with self._lock:
            if not self._event.is_set():
                self._callbacks.append(callback)
                return
        callback()

    def remove_callback(self, callback) -> None:
        with self._lock:
            if callback in self._callbacks:
                self._callbacks.remove(callback)


class ReaderError(Exception):
    """An error with a message meant for the user (one line, no traceback needed)."""


class Cancelled(Exception):
    """A synthesis run was cancelled through its CancelToken."""
