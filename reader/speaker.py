"""The Speaker: turns text into sound a person can steer (say, pause, stop, skip, faster).

Threads: public methods run on any thread, return at once and only post work, except that
stop/pause/resume/volume also act on the sink directly (thread-safe) so they are heard
within one audio block. One worker thread ("speaker") owns the synthesizer and feeds the
sink. Events go to the listener on one event thread ("speaker-events"), in order; never
inside the audio callback.
"""
from __future__ import annotations

import enum
import logging
import queue
import re
import threading
import time
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from reader.audio.sink import AudioSink
from reader.notify import notify
from reader.synth.chunk_cache import ChunkCache
from reader.synth.languages import utterances
from reader.synth.pace import PaceMeter
from reader.text.lexicon import Lexicon
from reader.text.split import sentences
from reader.types import (
    PAUSE_RANGE,
    SPEED_RANGE,
    AudioChunk,
    Cancelled,
    CancelToken,
    ReaderError,
    Span,
    Utterance,
    Word,
)

_LOGGER = logging.getLogger(__name__)

RESTART_WINDOW_S = 1.5  # previous_sentence() this soon after a sentence began goes back one
SPEED_STEP = 0.1
PREPARE_CHUNKS = 2  # chunks synthesized ahead for prepare(): the first, and the one after it
# ... and on a computer slower than this pace (seconds of audio per second of work), where
# the rest would not keep ahead, as much more as this (seconds of audio, ~11 MB): a hotkey
# pressed seconds later then plays whole prepared sentences.
PREPARE_ALL_BELOW_PACE = 2.0
PREPARE_MAX_S = 120.0


class State(str, enum.Enum):
    IDLE = "idle"
    SPEAKING = "speaking"
    PAUSED = "paused"
    ERROR = "error"


class Listener:
    """Speaker events; every method runs on the speaker-events thread. Subclass it and
    override the events you need: the others do nothing."""

    def state_changed(self, state: State) -> None:
        pass

    def sentence_started(self, index: int, span: Span) -> None:
        pass

    def finished(self) -> None:
        pass

    def text_finished(self, utterance: int) -> None:
        """Text number `utterance` (what say() returned) has been heard to its end; comes
        right after finished()."""

    def error(self, message: str) -> None:
        pass


@dataclass(frozen=True)
class Heard:
    """What the listener hears now. utterance: the text's number, one per say() (jumps and
    speed changes keep it); text: the whole text being read (kept in memory only); sentence
    and word: their spans in it (word None before the first word of a part)."""

    utterance: int
    text: str
    sentence: Span
    word: Span | None


# A word for next_word()/previous_word(): letters and digits, joined by apostrophes or hyphens.
_WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")


def word_start(text: str, offset: int) -> int:
    """The start of the word at offset, or of the next word when offset is between words."""
    for m in _WORD.finditer(text, max(0, offset - 200)):
        if m.end() > offset:  # the word offset is in, or the first after it
            return m.start()
    return len(text)


class Synth(Protocol):
    pace: PaceMeter  # how fast the model makes speech now
    cache: ChunkCache | None  # where prepare() keeps audio; None: prepare() does nothing

    def check(self, utterance: Utterance) -> object: ...

    def calibrate(self, voice: str, cancel: CancelToken | None = None) -> bool: ...

    def stream(self, utterance: Utterance, cancel: CancelToken | None = None, *, realtime: bool = True,
               pin: bool = False): ...

    def language_of_voice(self, voice: str) -> str: ...

    def first_voice(self, language: str) -> str | None: ...


@dataclass(frozen=True)
class _Job:
    """One text to speak, from a sentence index or a character offset."""

    generation: int
    sequence: int  # increases per job: the End of the newest job means "finished"
    text: str
    voice: str
    speed: float
    start_sentence: int = 0  # resolved by the worker (cheap there, off the caller's thread)
    start_offset: int | None = None  # wins over start_sentence; sentence_base then applies
    sentence_base: int | None = 0  # None: the index of the sentence at start_offset
    utterance: int = 0  # the say() it comes from: kept when a jump or speed change restarts the text


@dataclass(frozen=True)
class ChunkMark:
    """Marks the first sample of a chunk in the sink: a sentence may start there. Public for
    the bench, which times the highlight against the audio after each."""

    generation: int
    job: _Job
    sentence_index: int
    span: Span  # of the chunk: set_speed() restarts here
    sentence_span: Span  # of the whole sentence: what the events report
    words: tuple[Word, ...] = ()  # the chunk's words, spans in the job's text, samples from its start


@dataclass(frozen=True)
class _End:
    """Marks the end of a job's audio."""

    generation: int
    sequence: int
    utterance: int = 0


@dataclass(frozen=True)
class _Prepare:
    """Synthesize the start of a text into the synthesizer's cache; never played. With no
    text, only calibrate the voice (Synthesizer.calibrate)."""

    text: str
    voice: str
    speed: float
    token: CancelToken
    pin: tuple[str, ...] = ()  # instead: fixed phrases to make and pin (keep())
    done: Callable[[], None] | None = None  # keep(): called when every phrase is pinned


def _shift(span: Span, offset: int) -> Span:
    return Span(span.start + offset, span.end + offset)


class Speaker:
    """Owns playback state and the synthesis worker; feeds the sink one chunk ahead.

    Responsible for generations (late chunks of a replaced utterance are dropped), sentence
    navigation and events. Not responsible for synthesis (Synthesizer) or the device (sink).
    """

    def __init__(self, synth: Synth, sink: AudioSink, *, voice: str = "af_heart", speed: float = 1.0,
                 listener: Listener | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self._synth = synth
        self._sink = sink
        self._listener = listener
        self._clock = clock
        self.voice = voice
        self.speed = speed
        self.sentence_pause = 0.0  # extra silence between sentences, seconds
        self.as_written: frozenset[str] = frozenset()  # families of text/spoken read as written (settings)
        self.lexicon: Lexicon | None = None  # pronunciations (text/lexicon.py; settings and the shipped ones)
        # "voice" (read in the voice's language), "auto" (per sentence: text/language.py), or a
        # language code to read everything in (settings); and the voice for each language in
        # automatic mode (none given: the first voice of that language).
        self.language_mode = "voice"
        self.language_voices: Mapping[str, str] = {}
        self._lock = threading.Lock()
        self._generation = 0
        self._sequence = 0
        self._token = CancelToken()
        self._state = State.IDLE
        self._job: _Job | None = None  # the newest job of the current generation
        self._preparing: _Prepare | None = None  # the prepare() job queued or running
        self._prepared = 0  # chunks it has made so far
        self._heard: ChunkMark | None = None  # the chunk sounding now
        self._heard_since = 0.0
        self._sentence: tuple[int, Span] | None = None
        self._jobs: queue.Queue[_Job | _Prepare | None] = queue.Queue()
        self._events: queue.Queue[Callable[[Listener], None] | None] = queue.Queue()
        sink.on_mark = self._on_mark
        sink.on_error = self._on_sink_error
        self._worker = threading.Thread(target=self._work, name="speaker", daemon=True)
        self._dispatcher = threading.Thread(target=self._dispatch, name="speaker-events", daemon=True)
        self._worker.start()
        self._dispatcher.start()

    # -- public API: any thread, never blocks -------------------------------------------------
    @property
    def state(self) -> State:
        return self._state

    @property
    def pace(self) -> float | None:
        """Seconds of audio the model makes per second of work now (None before any)."""
        return self._synth.pace.pace

    @property
    def sentence(self) -> tuple[int, Span] | None:
        """(index, span) of the sentence heard last, or None."""
        return self._sentence

    def heard(self) -> Heard | None:
        """What is being heard now, from what the sink has played (its latency taken off):
        the text, its sentence and word; None when nothing of a text is heard."""
        heard = self._sink.heard()
        if heard is None:
            return None
        mark, at = heard
        with self._lock:
            if not isinstance(mark, ChunkMark) or mark.generation != self._generation:
                return None
        word = None
        for w in mark.words:  # between two words: the one before
            if w.start > at:
                break
            word = w
        return Heard(mark.job.utterance, mark.job.text, mark.sentence_span, word.span if word else None)

    def say(self, text: str, voice: str | None = None, speed: float | None = None) -> int:
        """Replace whatever is playing with text. Bad voice/speed raise ReaderError here.
        Returns the text's number (Heard.utterance while it is heard)."""
        voice, speed = voice or self.voice, self.speed if speed is None else speed
        self._synth.check(Utterance("", voice, speed))
        with self._lock:
            self._cancel_prepare_locked(keep=(text, voice, speed))
            generation = self._restart_locked()
            sequence = self._next_sequence()
            self._post_locked(_Job(generation, sequence, text, voice, speed, utterance=sequence))
            self._set_state_locked(State.SPEAKING)
        return sequence

    def prepare(self, text: str) -> None:
        """Synthesize the start of `text` in the background, so that a say(text) soon after
        starts from ready audio. Only while idle; never played; a newer prepare() or any
        request to speak other text cancels it. Any thread, never blocks."""
        with self._lock:
            if (self._state not in (State.IDLE, State.ERROR) or not text.strip()
                    or self._synth.cache is None):  # nowhere to keep the audio
                return
            self._cancel_prepare_locked()
            self._preparing = _Prepare(text, self.voice, self.speed, CancelToken())
            self._prepared = 0
            self._jobs.put(self._preparing)

    def stop(self) -> None:
        """Silence within one audio block; cancels synthesis in flight."""
        with self._lock:
            self._cancel_prepare_locked()
            self._restart_locked()
            self._job = None
            self._set_state_locked(State.IDLE)

    def pause(self) -> None:
        with self._lock:
            if self._state is State.SPEAKING:
                self._sink.pause()
                self._set_state_locked(State.PAUSED)

    def resume(self) -> None:
        with self._lock:
            if self._state is State.PAUSED:
                self._sink.resume()
                self._set_state_locked(State.SPEAKING)

    def toggle(self) -> None:
        """Pause when speaking, resume when paused."""
        with self._lock:
            paused = self._state is State.PAUSED
        self.resume() if paused else self.pause()

    def next_sentence(self) -> None:
        with self._lock:
            if self._heard is None:
                return
            self._jump_locked(start_sentence=self._heard.sentence_index + 1)

    def previous_sentence(self) -> None:
        """Back to the sentence before when the current one has just begun, else restart it."""
        with self._lock:
            if self._heard is None:
                return
            index = self._heard.sentence_index
            if self._sentence is not None and self._clock() - self._heard_since < RESTART_WINDOW_S:
                index -= 1
            self._jump_locked(start_sentence=max(0, index))

    def read_from(self, offset: int) -> None:
        """Read the current text on from the word at character offset: the reading view's
        click and Enter, next and previous word. Plays even when paused."""
        with self._lock:
            if self._job is not None:
                self._jump_locked(start_offset=max(0, min(offset, len(self._job.text))), sentence_base=None)

    def next_word(self) -> None:
        self._step_word(1)

    def previous_word(self) -> None:
        self._step_word(-1)

    def _step_word(self, step: int) -> None:
        heard = self.heard()
        if heard is None or heard.word is None:
            return
        starts = [m.start() for m in _WORD.finditer(heard.text)]
        # The word heard may start before its letters ("euros" spans "€20"): the last word
        # that starts inside it is the one to step from.
        here = bisect_left(starts, heard.word.end) - 1
        to = here + step
        if 0 <= to < len(starts):
            self.read_from(starts[to])

    def set_speed(self, speed: float) -> None:
        """Takes effect from the chunk being heard, re-synthesized at the new speed."""
        self._synth.check(Utterance("", self.voice, speed))
        with self._lock:
            self.speed = speed
            heard = self._heard
            if heard is None or self._state not in (State.SPEAKING, State.PAUSED):
                return
            paused = self._state is State.PAUSED
            generation = self._restart_locked(keep_sentence=True)
            job = replace(heard.job, generation=generation, sequence=self._next_sequence(), speed=speed,
                          start_offset=heard.span.start, sentence_base=heard.sentence_index)
            self._post_locked(job)
            if paused:
                self._sink.pause()  # flush() cleared the pause; the new audio waits paused

    def faster(self) -> None:
        self.set_speed(min(SPEED_RANGE[1], round(self.speed + SPEED_STEP, 2)))

    def slower(self) -> None:
        self.set_speed(max(SPEED_RANGE[0], round(self.speed - SPEED_STEP, 2)))

    def set_voice(self, voice: str) -> None:
        """For the next say(). Raises ReaderError for an unknown voice."""
        self._synth.check(Utterance("", voice, self.speed))
        self.voice = voice
        with self._lock:
            # A new voice's prior (first sound sooner, see windowed.py) is made in the
            # background, like a prepare(), after the text in hand: a new request cancels it.
            self._cancel_prepare_locked()
            self._preparing = _Prepare("", voice, self.speed, CancelToken())
            self._prepared = 0
            self._jobs.put(self._preparing)

    def keep(self, phrases: Sequence[str], voice: str, speed: float, done: Callable[[], None] | None = None) -> None:
        """Make fixed phrases (a screen reader's letters, key and role names: synth/phrases.py)
        in the background and pin them in the synthesizer's cache: they then play without the
        model. After the text in hand; any request to speak, prepare() or set_voice() stops it
        between phrases (call again for the rest). done() runs on the worker thread once all
        are pinned. Never for the user's text."""
        with self._lock:
            if (self._state not in (State.IDLE, State.ERROR) or not phrases or self._synth.cache is None
                    or self._preparing is not None):
                return
            self._preparing = _Prepare("", voice, speed, CancelToken(), tuple(phrases), done)
            self._prepared = 0
            self._jobs.put(self._preparing)

    def set_volume(self, volume: float) -> None:
        self._sink.set_volume(volume)

    def set_sentence_pause(self, seconds: float) -> None:
        """Extra silence between sentences (0-5 s), from the next sentence synthesized."""
        self.sentence_pause = min(PAUSE_RANGE[1], max(PAUSE_RANGE[0], float(seconds)))

    def close(self) -> None:
        self.stop()
        self._jobs.put(None)
        self._worker.join(timeout=5)
        self._events.put(None)
        self._dispatcher.join(timeout=5)

    # -- helpers (lock held) ------------------------------------------------------------------
    def _cancel_prepare_locked(self, keep: tuple[str, str, float] | None = None) -> None:
        """Cancel the preparation in flight unless its first chunk is still being made for
        `keep` (text, voice, speed): the request about to be queued needs exactly that audio
        first. Once the first chunk is ready, a later chunk's run would only delay it."""
        preparing = self._preparing
        if preparing is not None and (self._prepared > 0 or (preparing.text, preparing.voice,
                                                               preparing.speed) != keep):
            preparing.token.cancel()
            self._preparing = None

    def _next_sequence(self) -> int:
        self._sequence += 1
        return self._sequence

    def _restart_locked(self, keep_sentence: bool = False) -> int:
        """New generation: cancel synthesis, drop queued audio (fades out). Returns it.

        keep_sentence: the same sentence goes on (a speed change), so no new sentence event.
        """
        self._generation += 1
        self._token.cancel()
        self._token = CancelToken()
        self._sink.flush(self._generation)
        self._heard = None
        if not keep_sentence:
            self._sentence = None
        return self._generation

    def _post_locked(self, job: _Job) -> None:
        self._job = job
        self._jobs.put(job)

    def _jump_locked(self, start_sentence: int = 0, start_offset: int | None = None,
                     sentence_base: int | None = 0) -> None:
        """Read the current text again from a sentence, or from a character offset (see _Job)."""
        job = self._job
        if job is None:
            return
        paused = self._state is State.PAUSED
        generation = self._restart_locked()
        self._post_locked(replace(job, generation=generation, sequence=self._next_sequence(),
                                  start_sentence=start_sentence, start_offset=start_offset,
                                  sentence_base=sentence_base))
        self._set_state_locked(State.SPEAKING)
        if paused:
            self._sink.resume()

    def _set_state_locked(self, state: State) -> None:
        if state is not self._state:
            self._state = state
            self._events.put(lambda listener: listener.state_changed(state))

    # -- worker thread ------------------------------------------------------------------------
    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            if isinstance(job, _Prepare):
                self._prepare(job)
                continue
            with self._lock:
                if job.generation != self._generation:
                    continue  # replaced before it started
                token = self._token
            try:
                self._speak(job, token)
            except ReaderError as exc:
                self._fail(job, str(exc))
            except Exception as exc:  # a bug must not kill the worker: report and go on
                _LOGGER.exception("synthesis failed")
                self._fail(job, f"speech synthesis failed: {type(exc).__name__}")

    def _speak(self, job: _Job, token: CancelToken) -> None:
        self._open_output_meanwhile()
        offset, base = self._start_of(job)
        if offset is not None:
            text = job.text[offset:]
            spans = ((s.index, s.span) for s in sentences(text))  # walked in step with the chunks
            index, sentence_span = -1, Span(0, 0)
            previous = None  # sentence index of the chunk before
            for at, first, chunk in self._chunks(text, job.voice, job.speed, token):
                if at or first:  # a later language run: its spans and sentence numbers in the whole text
                    chunk = replace(chunk, sentence_index=chunk.sentence_index + first, span=_shift(chunk.span, at),
                                    words=tuple(replace(w, span=_shift(w.span, at)) for w in chunk.words))
                pause = self.sentence_pause
                if pause > 0 and previous is not None and chunk.sentence_index != previous:
                    # Written before the next chunk's mark, so its sentence event comes after the pause.
                    silence = np.zeros(round(pause * self._sink.input_rate), np.float32)
                    if not self._sink.write(silence, job.generation, ends_word=True):
                        return
                previous = chunk.sentence_index
                while index < chunk.sentence_index:
                    index, sentence_span = next(spans, (chunk.sentence_index, chunk.span))
                mark = ChunkMark(job.generation, job, chunk.sentence_index + base, _shift(chunk.span, offset),
                              _shift(sentence_span, offset),
                              tuple(replace(w, span=_shift(w.span, offset)) for w in chunk.words))
                if not self._sink.write(chunk.samples, job.generation, mark, ends_word=chunk.ends_word,
                                        wait_at=chunk.wait_at):
                    return  # flushed: a newer generation took over
        if not token.cancelled:
            self._sink.write(np.zeros(0, np.float32), job.generation, _End(job.generation, job.sequence, job.utterance))
            if not self._speech_queued():
                self._sink.drain(timeout=0)  # no more is coming: silence now is not an underrun

    def _speech_queued(self) -> bool:
        """A text to speak waits in the queue (a prepare or keep job plays nothing)."""
        with self._jobs.mutex:
            return any(isinstance(job, _Job) for job in self._jobs.queue)

    def _chunks(self, text: str, voice: str, speed: float, token: CancelToken,
                realtime: bool = True) -> Iterator[tuple[int, int, AudioChunk]]:
        """(offset in text, first sentence number, chunk) of every utterance text is read as."""
        for at, first, utterance in utterances(self._synth, text, voice, speed, as_written=self.as_written,
                                               lexicon=self.lexicon, mode=self.language_mode,
                                               language_voices=self.language_voices):
            for chunk in self._synth.stream(utterance, token, realtime=realtime):
                yield at, first, chunk
            if token.cancelled:
                return

    def _open_output_meanwhile(self) -> None:
        """Open the output (if closed) on a helper thread while the first audio is made.

        Opened by the first write() instead, on this thread, it delayed the second window
        of a windowed first sentence: after the sound server restarted, PortAudio's rescan
        and open took longer than the first window's 0.3 s of audio, and the audio test
        heard a gap. The sink's own lock orders this open with write()'s."""

        def run() -> None:
            try:
                self._sink.open()
            except Exception as exc:  # no device now: the first write() reports it
                _LOGGER.debug("cannot open the output ahead: %s", exc)

        threading.Thread(target=run, name="audio-open", daemon=True).start()

    def _prepare(self, job: _Prepare) -> None:
        """Fill the synthesizer's cache with the first chunks of job.text (worker thread).

        Stops after the chunk in flight as soon as real work is queued: that work is either
        this text (then it finds the chunk ready) or has cancelled the token already.
        """
        if job.pin:
            self._pin(job)
            return
        if not job.text:
            self._calibrate(job)
            return
        try:
            self._sink.open()  # the output too: reopening it would add ~20 ms to the answer
        except ReaderError as exc:  # no device now: the real request will report it
            _LOGGER.debug("cannot open the output ahead: %s", exc)
        try:
            stream = (c for _, _, c in self._chunks(job.text, job.voice, job.speed, job.token, realtime=False))
            made_s = 0.0
            for count, chunk in enumerate(stream, 1):
                made_s += chunk.duration_s
                with self._lock:
                    self._prepared = count
                if job.token.cancelled or not self._jobs.empty():
                    break
                if count >= PREPARE_CHUNKS and not self._keep_preparing(made_s):
                    break
            stream.close()
        except ReaderError as exc:  # e.g. the voice went away: the real request will say so
            _LOGGER.debug("preparing failed: %s", exc)
        except Exception:
            _LOGGER.exception("preparing failed")
        finally:
            with self._lock:
                if self._preparing is job:
                    self._preparing = None

    def _keep_preparing(self, made_s: float) -> bool:
        """Past the first chunks: only where the model is too slow for the rest to keep ahead
        of playback, and within PREPARE_MAX_S of audio (the cache holds more)."""
        pace = self._synth.pace.pace
        return pace is not None and pace < PREPARE_ALL_BELOW_PACE and made_s < PREPARE_MAX_S

    def _pin(self, job: _Prepare) -> None:
        """Make and pin job.pin's phrases one model call at a time (worker thread), until
        real work is queued or the token is cancelled."""
        try:
            for phrase in job.pin:
                if job.token.cancelled or not self._jobs.empty():
                    return
                utterance = Utterance(phrase, job.voice, job.speed, self.as_written, self.lexicon)
                for _ in self._synth.stream(utterance, job.token, realtime=False, pin=True):
                    pass
            if job.done is not None and not job.token.cancelled:
                job.done()
        except Cancelled:
            pass
        except Exception:  # a phrase that cannot be made is said the slow way
            _LOGGER.exception("making the phrase cache failed")
        finally:
            with self._lock:
                if self._preparing is job:
                    self._preparing = None

    def _calibrate(self, job: _Prepare) -> None:
        """Make job.voice's prior (worker thread); a request queued meanwhile cancels it."""
        try:
            self._synth.calibrate(job.voice, job.token)
        except Cancelled:
            pass
        except Exception:  # the voice still speaks without a prior, only starts later
            _LOGGER.exception("calibrating the voice failed")
        finally:
            with self._lock:
                if self._preparing is job:
                    self._preparing = None

    def _start_of(self, job: _Job) -> tuple[int | None, int]:
        """(character offset, index of the sentence there); None when past the end."""
        if job.start_offset is not None:
            if job.sentence_base is not None:
                return job.start_offset, job.sentence_base
            offset = word_start(job.text, job.start_offset)  # read_from(): here, off the caller's thread
            index = 0
            for sentence in sentences(job.text):
                if sentence.span.start > offset:
                    break
                index = sentence.index
            return offset, index
        if job.start_sentence == 0:
            return 0, 0
        for sentence in sentences(job.text):
            if sentence.index == job.start_sentence:
                return sentence.span.start, sentence.index
        return None, 0

    def _fail(self, job: _Job, message: str) -> None:
        with self._lock:
            if job.generation != self._generation:
                return
            self._restart_locked()
            self._set_state_locked(State.ERROR)
        self._events.put(lambda listener: listener.error(message))

    # -- sink events (sink's event thread) ----------------------------------------------------
    def _on_mark(self, mark: object) -> None:
        with self._lock:
            if not isinstance(mark, (ChunkMark, _End)) or mark.generation != self._generation:
                return
            if isinstance(mark, ChunkMark):
                self._heard = mark
                if self._sentence is None or self._sentence[0] != mark.sentence_index:
                    self._heard_since = self._clock()
                    self._sentence = (mark.sentence_index, mark.sentence_span)
                    index, span = mark.sentence_index, mark.sentence_span
                    self._events.put(lambda listener: listener.sentence_started(index, span))
            elif isinstance(mark, _End) and mark.sequence == self._sequence:
                self._heard = None
                self._job = None
                self._sentence = None
                utterance = mark.utterance
                self._events.put(lambda listener: listener.finished())
                self._events.put(lambda listener: listener.text_finished(utterance))
                self._set_state_locked(State.IDLE)

    def _on_sink_error(self, message: str) -> None:
        with self._lock:
            self._restart_locked()
            self._set_state_locked(State.ERROR)
        self._events.put(lambda listener: listener.error(message))

    # -- event thread -------------------------------------------------------------------------
    def _dispatch(self) -> None:
        listener = self._listener or Listener()
        while (event := self._events.get()) is not None:
            notify(event, listener, who="speaker listener")
