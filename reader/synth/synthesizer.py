"""The streaming synthesizer: Utterance -> Iterator[AudioChunk], one model call per chunk.

No threads, no audio device, no Qt: the caller pulls chunks (the Speaker does so on its
worker thread, the CLI on its main thread) and may cancel between or during chunks.
"""
from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from reader.engine.onnx import MAX_TOKENS
from reader.engine.priors import PriorBank
from reader.engine.voices import VoiceBank, VoiceSpec, style_for
from reader.engine.windowed import FirstWindow, NormPrior, WindowedRun, first_window
from reader.synth.chunk_cache import ChunkCache
from reader.synth.pace import PaceMeter, Playout, in_time
from reader.synth import silence
from reader.synth.words import FRAME_SAMPLES, WordFrames, pause_point, to_samples, word_frames
from reader.text.g2p import Phonemes
from reader.text.split import chunk_map, split_chunk, utterance_chunks
from reader.text.language import LANGUAGES
from reader.text.spoken import Reading
from reader.types import (
    SAMPLE_RATE,
    SPEED_RANGE,
    AudioChunk,
    Cancelled,
    CancelToken,
    Decoded,
    ReaderError,
    TextChunk,
    Utterance,
    Word,
)

_LOGGER = logging.getLogger(__name__)
# A part's wait point lies this far before its end at least: the output's resampler holds
# its last ~32 ms (soxr HQ, 24 to 48 kHz) until more follows, so a point nearer the end
# would not be in the queue when the queue runs dry.
_WAIT_MARGIN = round(0.05 * SAMPLE_RATE)
# A chunk this short is decoded whole, never in windows: with the voice's norm prior a
# one-word sentence came out silent (RMS 0.0000 for "Yes.", 0.0026 for "Thanks."; whole: 0.09)
# and up to ~20 tokens near it (RMS 0.037 windowed, 0.074 whole); a whole decode of it is quick.
MIN_WINDOWED_TOKENS = 24

# Whole decodes whose norm statistics, averaged, are a voice's prior (windowed.py). Windowed
# first sentences, 26 x 2 voices: DNSMOS P.808 4.052 with these 3, 4.019 with the first only
# (one call per sentence: 4.076).
CALIBRATION_TEXTS = (
    "Reading aloud helps many people follow a long text without straining their eyes.",
    "On Tuesday, the committee met at nine o'clock to discuss the new budget.",
    "Would you like a cup of tea, or would you rather have coffee this morning?",
)


class Engine(Protocol):
    """What the synthesizer needs of a model (TwoStageKokoro, KokoroOnnx, or a fake in unit tests)."""

    threads: int  # the model's intra-op threads (given, or measured on the first run)

    def tokenize(self, phonemes: str) -> list[int]: ...

    def run(self, token_ids: list[int], style: np.ndarray, speed: float = 1.0,
            cancel: CancelToken | None = None, speech_only: bool = False) -> Decoded: ...


class WindowedEngine(Engine, Protocol):
    """An engine that can also decode a chunk in short windows (TwoStageKokoro)."""

    norm_names: tuple[str, ...]

    def statistics(self, token_ids: list[int], style: np.ndarray, speed: float = 1.0,
                   cancel: CancelToken | None = None) -> list[np.ndarray]: ...

    def run_windows(self, token_ids: list[int], style: np.ndarray, speed: float, prior: NormPrior,
                    cancel: CancelToken | None = None, resume: int = 0,
                    tail: np.ndarray | None = None, first_window: FirstWindow | None = None) -> WindowedRun: ...


class Phonemizer(Protocol):
    def phonemize(self, text: str, language: str) -> Phonemes: ...


@dataclass(frozen=True)
class SynthOptions:
    """Per-synthesizer options; gaps are in seconds of silence appended after a chunk."""

    sentence_pause_s: float = 0.25
    clause_pause_s: float = 0.12  # chunk cut after , ; : inside a sentence
    join_pause_s: float = 0.02  # chunk cut between words: keep the flow
    # Without a voice prior (windowed.py) the first chunk is cut short: 4 words (~2 s of
    # audio) took 0.70 s, 2-3 words ~0.45 s. With one, the first sentence is one chunk.
    first_chunk_words: int = 3
    max_chars: int = 300
    # Each chunk at most as long as all before it: a call costs ~0.29 s per second of audio
    # plus ~0.13 s (G2P, encoder, the frames decoded around the speech), so the next chunk is
    # ready >= 0.55 s before the earlier ones have played (bench paragraph, 10 parts).
    ramp: float = 1.0
    # A pause forced by a slow computer is put between words, at a phrase end (after , ; :)
    # when one lies in the later part of the audio in hand, so it sounds like a reader
    # pausing. Fades over 4 ms either side of it (silence.FADE_S).
    phrase_marks: str = ",;:\u2014\u2013-)"


@dataclass(frozen=True)
class _ChunkKey:
    """A chunk's audio in the cache: the same text, voice, speed and G2P language sound the same."""

    text: str
    ends_sentence: bool
    voice: str
    speed: float
    language: str = ""


@dataclass(frozen=True, eq=False)
class PinnedChunk:
    """A pinned chunk's key and audio as played (its words' spans in its own text)."""

    text: str
    ends_sentence: bool
    voice: str
    speed: float
    language: str
    audio: np.ndarray
    words: tuple[Word, ...]


@dataclass(frozen=True)
class _WindowKey:
    chunk: _ChunkKey
    index: int


@dataclass(frozen=True)
class _Timing:
    """A chunk's words in model frames, and the first frame its decoded audio starts at."""

    words: tuple[WordFrames, ...]
    first_frame: int


@dataclass(frozen=True, eq=False)
class _Shaped:
    """A whole chunk as played (trimmed, gap added) and its words, for the cache. The words'
    spans are in the chunk's text: the same text may come again from other characters of
    another text ("8am" and "8 a.m." both read "8 AM")."""

    audio: np.ndarray
    words: tuple[Word, ...]

    def __post_init__(self) -> None:
        self.audio.setflags(write=False)

    @property
    def size(self) -> int:
        return self.audio.size


@dataclass(frozen=True, eq=False)
class _KeptWindow:
    """One decoded window as the model gave it (shaped again when replayed), its tail for
    the next window's crossfade, and (window 0 only) the chunk's timing."""

    audio: np.ndarray
    tail: np.ndarray
    final: bool
    timing: _Timing | None = None

    def __post_init__(self) -> None:
        self.audio.setflags(write=False)
        self.tail.setflags(write=False)

    @property
    def size(self) -> int:
        return self.audio.size + self.tail.size


@dataclass(frozen=True, eq=False)
class _Part:
    """Audio ready to hand out: words in its own samples; ends_word: it stops between words;
    wait_at: where playback may wait between words if the next part is late."""

    audio: np.ndarray
    final: bool
    words: tuple[Word, ...] = ()
    ends_word: bool = True
    wait_at: int | None = None


class Synthesizer:
    """Turns text into trimmed audio chunks: text pipeline, G2P, model, silence trimming, word
    timings, and pacing for a listener on a computer of any speed.

    Responsible for chunking against the model's token limit, for the gaps between chunks,
    and, in real time (stream(realtime=True)), for putting any wait a slow model forces
    between words. Not responsible for playback, threads or loading assets.
    """

    def __init__(self, engine: Engine, voices: VoiceBank, g2p: Phonemizer,
                 language_of: Callable[[str], str], options: SynthOptions = SynthOptions(),
                 cache: ChunkCache | None = None, priors: PriorBank | None = None,
                 pace: PaceMeter | None = None) -> None:
        self.engine = engine
        # Norm priors by voice: with one, the first sentence is decoded in short windows
        # (first sound after ~18 frames) instead of being cut into a short first chunk.
        self.priors = priors
        self.cache = cache  # finished chunks by _ChunkKey: repeats skip the model
        self.voices = voices
        self.g2p = g2p
        self.language_of = language_of
        self.options = options
        self.pace = pace or PaceMeter()  # measured from every decode

    def check(self, utterance: Utterance) -> VoiceSpec:
        """Validate voice and speed up front so bad input fails before any work."""
        if not SPEED_RANGE[0] <= utterance.speed <= SPEED_RANGE[1]:
            raise ReaderError(f"speed {utterance.speed:g} is out of range {SPEED_RANGE[0]:g}-{SPEED_RANGE[1]:g}")
        if utterance.language is not None and utterance.language not in LANGUAGES:
            raise ReaderError(f"unknown language {utterance.language!r}; languages: {', '.join(LANGUAGES)}")
        return self.voices.spec(utterance.voice)

    def language_of_voice(self, voice: str) -> str:
        """The language a voice (or a blend: its first voice) reads in."""
        return self.language_of(self.voices.spec(voice).primary)

    def first_voice(self, language: str) -> str | None:
        """The first voice (by name) that reads in language; None if there is none."""
        return next((n for n in sorted(self.voices.names) if self.language_of(n) == language), None)

    def calibrate(self, voice: str, cancel: CancelToken | None = None) -> bool:
        """Make voice's norm prior if there is none yet: ~3 whole decodes, once per voice
        (kept on disk). False if this engine cannot window or calibration failed; speech
        then starts with a short first chunk instead. Raises Cancelled."""
        if self.priors is None:
            return False
        spec = self.voices.spec(voice)
        if self.priors.get(str(spec)) is not None:
            return True
        engine: WindowedEngine = self.engine  # type: ignore[assignment]
        pack = self.voices.pack(spec)
        language = self.language_of(spec.primary)

        def statistics() -> list[list[np.ndarray]]:
            runs = []
            for text in CALIBRATION_TEXTS:
                ids = self.engine.tokenize(self.g2p.phonemize(text, language).text)[:MAX_TOKENS]
                if len(ids) < 20:  # the language's G2P made little of English text
                    raise ReaderError(f"too few phonemes ({len(ids)}) to calibrate")
                runs.append(engine.statistics(ids, style_for(pack, len(ids)), 1.0, cancel))
            return runs

        try:
            self.priors.make(str(spec), statistics)
        except Cancelled:
            raise
        except Exception as exc:  # a voice without a prior still speaks, just starts later
            _LOGGER.warning("cannot calibrate voice %s: %s", spec, exc)
            return False
        return True

    def pinned(self) -> list[PinnedChunk]:
        """The whole chunks pinned so far (stream(pin=True)), to keep on disk."""
        if self.cache is None:
            return []
        return [PinnedChunk(k.text, k.ends_sentence, k.voice, k.speed, k.language, v.audio, v.words)
                for k, v in self.cache.pinned() if isinstance(k, _ChunkKey) and isinstance(v, _Shaped)]

    def unpin_all(self) -> None:
        if self.cache is not None:
            self.cache.unpin_all()

    def pin_all(self, chunks: Iterable[PinnedChunk]) -> None:
        """Pin chunks made before (pinned(), kept on disk): they play without the model."""
        if self.cache is None:
            return
        for c in chunks:
            key = _ChunkKey(c.text, c.ends_sentence, c.voice, c.speed, c.language)
            self.cache.put_pinned(key, _Shaped(c.audio, c.words))

    def stream(self, utterance: Utterance, cancel: CancelToken | None = None, *,
               realtime: bool = True, pin: bool = False) -> Iterator[AudioChunk]:
        """Yield AudioChunks as they are synthesized; the last one has is_last=True.

        realtime: the chunks are played as they come, so when the model falls behind, a part
        ends between words (ends_word) and the rest follows once it can (off for files and
        for preparing ahead, where nothing waits). pin: keep the audio of its whole chunks in
        the cache until unpinned (synth/phrases.py; a fixed phrase, never the user's text).
        Yields nothing for text with nothing speakable. Stops quietly when cancelled.
        """
        spec = self.check(utterance)
        pack = self.voices.pack(spec)
        language = utterance.language or self.language_of(spec.primary)
        cancel = cancel or CancelToken()
        prior = self.priors.get(str(spec)) if self.priors is not None else None
        playout = Playout() if realtime else None
        # With a prior the first sentence is one chunk, decoded in windows (its own prosody,
        # first sound as soon as a short cut would give it); without, a short first chunk.
        reading = Reading(language, utterance.as_written, utterance.lexicon)
        chunks = utterance_chunks(utterance.text, max_chars=self.options.max_chars,
                                  first_chunk_words=0 if prior is not None else self.options.first_chunk_words,
                                  ramp=self.options.ramp, reading=reading)
        pieces = _Pieces(chunks, lambda text: self._phonemes(text, language), utterance.text, reading, cancel)
        run = _Run(spec, pack, utterance.speed, cancel, prior, playout, utterance.text, reading, pin)
        first = True
        last_yielded: AudioChunk | None = None
        while (audio_chunk := self._next_audio(pieces, run, first)) is not None:
            chunk, parts = audio_chunk
            first = False
            try:
                for part in parts:
                    # Whether more follows is known from the text alone: the next chunk's G2P
                    # waits until this one's audio is on its way (30-80 ms off the first sound).
                    last = part.final and not pieces.more()
                    if part.audio.size or (last and last_yielded is not None):
                        last_yielded = AudioChunk(part.audio, chunk.sentence_index, chunk.span, is_last=last,
                                                  words=part.words, ends_word=part.ends_word or last,
                                                  wait_at=None if part.ends_word or last else part.wait_at)
                        if playout is not None:
                            playout.handed(last_yielded.duration_s)
                        yield last_yielded
            except Cancelled:
                return
            if cancel.cancelled:
                return
            if not pieces.more():
                break
        if last_yielded is not None and not last_yielded.is_last and not cancel.cancelled:
            # What followed had nothing to say (e.g. only symbols): close the stream.
            yield AudioChunk(np.zeros(0, np.float32), last_yielded.sentence_index, last_yielded.span, is_last=True)

    def _phonemes(self, text: str, language: str) -> tuple[Phonemes, list[int]]:
        phonemes = self.g2p.phonemize(text, language)
        return phonemes, self.engine.tokenize(phonemes.text)

    def _next_audio(self, pieces: _Pieces, run: _Run, first: bool) -> tuple[TextChunk, Iterator[_Part]] | None:
        """The next chunk with speech and its parts, from the cache when it is there (no G2P,
        no model); None at the end or when cancelled. The first chunk comes in windows when
        the voice has a prior (see windowed.py); a later one too when a whole decode would
        not be ready before the audio ahead of it has played (a slow or busy computer).

        The model decodes only the speech: the silence it puts around it is trimmed anyway,
        and decoding it delays the first sound and costs ~4% more time on every later chunk."""
        cancel, speed = run.cancel, run.speed
        while not cancel.cancelled and (chunk := pieces.next()) is not None:
            key = _ChunkKey(chunk.text, chunk.ends_sentence, str(run.spec), round(speed, 3), run.reading.language)
            shaped = self.cache.get(key) if self.cache is not None else None
            if shaped is not None:
                if run.pin:
                    self.cache.pin(key)
                return chunk, iter([_Part(shaped.audio, True, self._in_source(shaped.words, chunk, run))])
            kept = [] if run.pin else self._kept_windows(key)  # a pinned phrase is one whole decode
            if kept and (kept[-1].final or run.prior is not None):
                # A prepare() made its first windows: they play at once, and the G2P and the
                # encoder for the rest run while they do (on a slow computer ~0.2 s before).
                rest = None if kept[-1].final else (lambda c=chunk: pieces.tokens(c))
                return chunk, self._windows(chunk, key, rest, run, kept)
            phonemes, token_ids = pieces.tokens(chunk)
            if not token_ids:  # nothing speakable, or cut again into smaller pieces
                continue
            if (run.prior is not None and not run.pin and len(token_ids) >= MIN_WINDOWED_TOKENS
                    and (first or self._late(len(token_ids), run))):
                return chunk, self._windows(chunk, key, lambda t=(phonemes, token_ids): t, run, kept)
            try:
                began = time.monotonic()
                decoded = self.engine.run(token_ids, style_for(run.pack, len(token_ids)), speed, cancel,
                                          speech_only=True)
                took = time.monotonic() - began
            except Cancelled:
                return None
            if cancel.cancelled:
                return None
            frames = decoded.frames or len(decoded.audio) // FRAME_SAMPLES
            if not run.pin:  # many tiny decodes in the background: not the pace of reading
                self.pace.add(len(decoded.audio) // FRAME_SAMPLES, took)
                self.pace.add_tokens(len(token_ids), frames, speed)
            timing = _Timing(word_frames(phonemes, chunk.text, self._kept_char, decoded.durations, frames),
                             decoded.first_frame)
            audio, cut = self._shape_window(decoded.audio, 0, True, chunk, speed)  # one window: the whole chunk
            shaped = _Shaped(audio, to_samples(timing.words, timing.first_frame, cut, len(audio), lambda s: s))
            if self.cache is not None:
                if run.pin:
                    self.cache.put_pinned(key, shaped)
                else:
                    self.cache.put(key, shaped)
            return chunk, iter([_Part(shaped.audio, True, self._in_source(shaped.words, chunk, run))])
        return None

    def _late(self, tokens: int, run: _Run) -> bool:
        """Whether a whole decode of `tokens` tokens would end after the audio handed out so
        far has played, at the pace measured so far."""
        spf = self.pace.cautious_seconds_per_frame
        if run.playout is None or spf is None:
            return False
        return not in_time(spf * self.pace.frames_for(tokens, run.speed), run.playout.ahead())

    def _kept_char(self, c: str) -> bool:
        return bool(self.engine.tokenize(c))

    def _words(self, timing: _Timing, cut: int, length: int, chunk: TextChunk, run: _Run) -> tuple[Word, ...]:
        """The chunk's words in samples of its shaped audio, with the user's character spans."""
        return self._in_source(to_samples(timing.words, timing.first_frame, cut, length, lambda s: s), chunk, run)

    def _in_source(self, words: tuple[Word, ...], chunk: TextChunk, run: _Run) -> tuple[Word, ...]:
        """Words with spans in the chunk's text, with the user's character spans instead."""
        if not words:
            return ()
        origin = chunk_map(chunk, run.source, run.reading)
        return tuple(Word(origin.span(w.span.start, w.span.end), w.start, w.end) for w in words)

    def _kept_windows(self, key: _ChunkKey) -> list[_KeptWindow]:
        """The windows of a chunk kept in the cache, in order from the first."""
        kept: list[_KeptWindow] = []
        while self.cache is not None and (window := self.cache.get(_WindowKey(key, len(kept)))) is not None:
            kept.append(window)
            if window.final:
                break
        return kept

    def _windows(self, chunk: TextChunk, key: _ChunkKey, tokens: Callable[[], tuple[Phonemes, list[int]]] | None,
                 run: _Run, kept: list[_KeptWindow]) -> Iterator[_Part]:
        """The chunk window by window: the kept ones first (a prepare() made them), then the
        model from there (tokens: its phonemes and ids, asked for only after the kept windows
        are out; None: every window is kept). Each window is kept, so a later run resumes.
        Paced (see _paced)."""
        if not kept:
            assert tokens is not None
            phonemes, ids = tokens()
            started = self._start_windows(chunk, phonemes, ids, run, kept)
            if started is None:
                return
            timing = _Timing(word_frames(phonemes, chunk.text, self._kept_char, started.durations, started.frames),
                             started.first_frame)
            yield from self._paced(chunk, self._decoded(started, key, timing), timing, run)
            return
        timing = kept[0].timing or _Timing((), 0)
        # A kept window's successor is kept too (costs nothing), or about 1.25 times its size
        # plus context to decode (windowed.plan), after the G2P and the encoder.
        windows: Iterator[tuple[_KeptWindow, int]] = (
            (w, 0 if k + 1 < len(kept) or w.final else round(1.25 * w.audio.size / FRAME_SAMPLES) + 8)
            for k, w in enumerate(kept))
        if tokens is not None:
            windows = _chain(windows, self._resumed(chunk, key, tokens, run, kept, timing))
        yield from self._paced(chunk, windows, timing, run)

    def _resumed(self, chunk: TextChunk, key: _ChunkKey, tokens: Callable[[], tuple[Phonemes, list[int]]],
                 run: _Run, kept: list[_KeptWindow], timing: _Timing) -> Iterator[tuple[_KeptWindow, int]]:
        """The windows after the kept ones, encoded only when they are wanted."""
        phonemes, ids = tokens()
        started = self._start_windows(chunk, phonemes, ids, run, kept) if ids else None
        if started is not None:
            yield from self._decoded(started, key, timing)

    def _start_windows(self, chunk: TextChunk, phonemes: Phonemes, ids: list[int], run: _Run,
                       kept: list[_KeptWindow]) -> WindowedRun | None:
        """The chunk encoded, its windows from len(kept) on ready to decode; None if cancelled."""
        engine: WindowedEngine = self.engine  # type: ignore[assignment]

        def first(durations: np.ndarray, start: int, frames: int) -> int:
            # Ends after a word: a slow computer plays the first window whole, then waits.
            return first_window([w.end for w in word_frames(phonemes, chunk.text, self._kept_char,
                                                            durations, frames)], start)

        try:
            started = engine.run_windows(ids, style_for(run.pack, len(ids)), run.speed, run.prior, run.cancel,
                                         resume=len(kept), tail=kept[-1].tail if kept else None, first_window=first)
        except Cancelled:
            return None
        self.pace.add_tokens(len(ids), started.frames, run.speed)
        return started

    def _decoded(self, started: WindowedRun, key: _ChunkKey, timing: _Timing) -> Iterator[tuple[_KeptWindow, int]]:
        """Fresh windows, kept in the cache as they come, with the frames the next one costs."""
        for piece in started.pieces:
            self.pace.add(piece.decoded_frames, piece.decode_s)
            window = _KeptWindow(piece.audio.copy(), piece.tail.copy(), piece.final, timing if piece.index == 0 else None)
            if self.cache is not None:
                self.cache.put(_WindowKey(key, piece.index), window)
            yield window, piece.next_frames

    def _paced(self, chunk: TextChunk, windows: Iterator[tuple[_KeptWindow, int]], timing: _Timing,
               run: _Run) -> Iterator[_Part]:
        """Shaped windows as parts. In real time, a window goes out whole only if the next
        one (next_frames to decode at the measured pace; 0: it is kept) will be ready before
        the audio ahead has played; else only up to a pause point between words, and the
        rest waits for the next window. With no word end in hand, all of it waits, unless the
        last part ended inside a word: then it goes out whole (waiting would stop in a word)."""
        held = np.zeros(0, np.float32)
        held_at = 0  # sample of the chunk's audio where `held` begins
        in_word = False  # the last part went out ending inside a word (the listener is there)
        words: tuple[Word, ...] = ()
        for index, (window, next_frames) in enumerate(windows):
            shaped, cut = self._shape_window(window.audio, index, window.final, chunk, run.speed)
            if index == 0:
                words = self._words(timing, cut, 1 << 40, chunk, run)
            pending = np.concatenate([held, shaped]) if held.size else shaped
            if window.final:
                yield _Part(pending, True, _words_in(words, held_at, len(pending), last=True))
                return
            spf = self.pace.cautious_seconds_per_frame or 0.0
            ahead = run.playout.ahead() + len(pending) / SAMPLE_RATE if run.playout is not None else 0.0
            _LOGGER.debug("pacing: window %d, %.2f s ahead, the next (%d frames) ~%.2f s", index, ahead,
                          next_frames, spf * next_frames)
            at = pause_point(_words_ending_in(words, held_at, len(pending)), len(pending),
                             lambda w: self._phrase_end(w, run.source))
            # After a part that ended inside a word, holding a window with no word end in it
            # would leave the listener inside that word: it goes out whole.
            if run.playout is None or in_time(spf * next_frames, ahead) or (in_word and (at is None or at <= 0)):
                # Should the next window be late after all (a busy spell), playback waits at
                # the last word end that the output's resampler has already passed.
                safe = len(pending) - _WAIT_MARGIN
                wait = pause_point(_words_ending_in(words, held_at, safe), safe, lambda w: False)
                wait = wait if run.playout is not None and wait is not None and wait > 0 else None
                yield _Part(pending, False, _words_in(words, held_at, len(pending)), ends_word=False, wait_at=wait)
                held, held_at, in_word = np.zeros(0, np.float32), held_at + len(pending), wait is None
                continue
            if at is None or at <= 0:
                held = pending  # no word ends in hand yet: it all waits for the next window
                continue
            out = silence.fade_edges(pending[:at].copy(), SAMPLE_RATE, start=False)
            yield _Part(out, False, _words_in(words, held_at, at), ends_word=True)
            held, held_at, in_word = silence.fade_edges(pending[at:].copy(), SAMPLE_RATE, end=False), held_at + at, False

    def _phrase_end(self, word: Word, source: str) -> bool:
        rest = source[word.span.end:word.span.end + 3].lstrip()
        return bool(rest) and rest[0] in self.options.phrase_marks

    def _shape_window(self, audio: np.ndarray, index: int, final: bool, chunk: TextChunk,
                      speed: float) -> tuple[np.ndarray, int]:
        """A window trimmed (the chunk's first and last only) with the gap after the chunk;
        and how many samples were trimmed off its start."""
        speech, cut = silence.trim_part_at(audio, SAMPLE_RATE, start=index == 0, end=final)
        # The pause after the chunk follows its last window even when that one was all silence.
        if final and (speech.size or index):
            speech = np.concatenate([speech, self._gap(chunk, speed)])
        return speech, cut

    def _gap(self, chunk: TextChunk, speed: float) -> np.ndarray:
        if chunk.ends_sentence:
            gap = self.options.sentence_pause_s
        elif chunk.text.rstrip()[-1:] in ",;:-—)":
            gap = self.options.clause_pause_s
        else:
            gap = self.options.join_pause_s
        return np.zeros(int(gap / speed * SAMPLE_RATE), np.float32)


@dataclass(frozen=True, eq=False)
class _Run:
    """What every chunk of one stream shares."""

    spec: VoiceSpec
    pack: np.ndarray
    speed: float
    cancel: CancelToken
    prior: NormPrior | None  # the voice's prior: windows possible
    playout: Playout | None  # None: not played in real time
    source: str  # the user's text: word spans point into it
    reading: Reading  # how its sentences were rewritten for speech
    pin: bool = False  # keep its chunks' audio until unpinned (fixed phrases only, never user text)


def _chain(first: Iterator, then: Iterator) -> Iterator:
    yield from first
    yield from then


def _words_in(words: tuple[Word, ...], at: int, length: int, last: bool = False) -> tuple[Word, ...]:
    """The words that start in chunk samples [at, at + length), in that part's samples; in
    the chunk's last part none ends past it (as in a whole decode: the model's last phoneme
    often lasts well past the trimmed speech)."""
    return tuple(Word(w.span, w.start - at, min(w.end - at, length) if last else w.end - at)
                 for w in words if at <= w.start < at + length)


def _words_ending_in(words: tuple[Word, ...], at: int, length: int) -> tuple[Word, ...]:
    """The words that start or end in chunk samples [at, at + length), in those samples: a
    word begun in an earlier part may end in this one, and its end is a place to pause."""
    return tuple(Word(w.span, w.start - at, w.end - at) for w in words
                 if at <= w.start < at + length or at < w.end <= at + length)


class _Pieces:
    """Text chunks -> (chunk, phonemes, token ids) on demand; a chunk whose phonemes exceed
    the model's limit is cut again. more() answers from the text alone, without G2P."""

    def __init__(self, chunks: Iterator[TextChunk], tokenize: Callable[[str], tuple[Phonemes, list[int]]],
                 source: str, reading: Reading, cancel: CancelToken) -> None:
        self._chunks = chunks
        self._tokenize = tokenize
        self._source = source
        self._reading = reading
        self._cancel = cancel
        self._todo: deque[TextChunk] = deque()

    def more(self) -> bool:
        if not self._todo:
            chunk = next(self._chunks, None)
            if chunk is None:
                return False
            self._todo.append(chunk)
        return True

    def next(self) -> TextChunk | None:
        if self._cancel.cancelled or not self.more():
            return None
        return self._todo.popleft()

    def tokens(self, piece: TextChunk) -> tuple[Phonemes, list[int]]:
        """Phonemes and token ids for piece; no ids if it has none, or if it was too long for
        the model and has been put back as smaller pieces (next() returns those)."""
        phonemes, ids = self._tokenize(piece.text)
        if len(ids) > MAX_TOKENS and len(piece.text) >= 2:
            self._todo.extendleft(reversed(split_chunk(piece, source=self._source, reading=self._reading)))
            return phonemes, []
        return phonemes, ids[:MAX_TOKENS]


__all__ = ["Synthesizer", "SynthOptions", "Engine", "Phonemizer"]
