"""The streaming synthesizer: Utterance -> Iterator[AudioChunk], one model call per chunk.

No threads, no audio device, no Qt: the caller pulls chunks (the Speaker does so on its
worker thread, the CLI on its main thread) and may cancel between or during chunks.
"""
from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from reader.chunk_cache import ChunkCache
from reader.engine import silence
from reader.engine.priors import PriorBank
from reader.engine.voices import VoiceBank, VoiceSpec, style_for
from reader.engine.windowed import TAIL_SAMPLES, NormPrior, WindowPiece
from reader.text.split import split_chunk, utterance_chunks
from reader.engine.onnx import MAX_TOKENS, SPEED_RANGE
from reader.types import SAMPLE_RATE, AudioChunk, CancelToken, Cancelled, ReaderError, TextChunk, Utterance

_LOGGER = logging.getLogger(__name__)

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

    def tokenize(self, phonemes: str) -> list[int]: ...

    def run(self, token_ids: list[int], style: np.ndarray, speed: float = 1.0,
            cancel: CancelToken | None = None, speech_only: bool = False) -> np.ndarray: ...


class WindowedEngine(Engine, Protocol):
    """An engine that can also decode a chunk in short windows (TwoStageKokoro)."""

    norm_names: tuple[str, ...]

    def statistics(self, token_ids: list[int], style: np.ndarray, speed: float = 1.0,
                   cancel: CancelToken | None = None) -> list[np.ndarray]: ...

    def run_windows(self, token_ids: list[int], style: np.ndarray, speed: float, prior: NormPrior,
                    cancel: CancelToken | None = None, resume: int = 0,
                    tail: np.ndarray | None = None) -> Iterator[WindowPiece]: ...


class Phonemizer(Protocol):
    def phonemize(self, text: str, language: str) -> str: ...


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


class Synthesizer:
    """Turns text into trimmed audio chunks: text pipeline, G2P, model, silence trimming.

    Responsible for chunking against the model's token limit and for the gaps between
    chunks. Not responsible for playback, threads or loading assets.
    """

    def __init__(self, engine: Engine, voices: VoiceBank, g2p: Phonemizer,
                 language_of: Callable[[str], str], options: SynthOptions = SynthOptions(),
                 cache: ChunkCache | None = None, priors: PriorBank | None = None) -> None:
        self.engine = engine
        # Norm priors by voice: with one, the first sentence is decoded in short windows
        # (first sound after ~18 frames) instead of being cut into a short first chunk.
        self.priors = priors
        self.cache = cache  # finished chunks by (text, voice, speed): repeats skip the model
        self.voices = voices
        self.g2p = g2p
        self.language_of = language_of
        self.options = options

    def check(self, utterance: Utterance) -> VoiceSpec:
        """Validate voice and speed up front so bad input fails before any work."""
        if not SPEED_RANGE[0] <= utterance.speed <= SPEED_RANGE[1]:
            raise ReaderError(f"speed {utterance.speed:g} is out of range {SPEED_RANGE[0]:g}-{SPEED_RANGE[1]:g}")
        return self.voices.spec(utterance.voice)

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
                ids = self.engine.tokenize(self.g2p.phonemize(text, language))[:MAX_TOKENS]
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

    def stream(self, utterance: Utterance, cancel: CancelToken | None = None) -> Iterator[AudioChunk]:
        """Yield AudioChunks as they are synthesized; the last one has is_last=True.

        Yields nothing for text with nothing speakable. Stops quietly when cancelled.
        """
        spec = self.check(utterance)
        pack = self.voices.pack(spec)
        language = self.language_of(spec.primary)
        cancel = cancel or CancelToken()
        prior = self.priors.get(str(spec)) if self.priors is not None else None
        # With a prior the first sentence is one chunk, decoded in windows (its own prosody,
        # first sound as soon as a short cut would give it); without, a short first chunk.
        chunks = utterance_chunks(utterance.text, max_chars=self.options.max_chars,
                                  first_chunk_words=0 if prior is not None else self.options.first_chunk_words,
                                  ramp=self.options.ramp)
        pieces = _Pieces(chunks, lambda text: self.engine.tokenize(self.g2p.phonemize(text, language)),
                         utterance.text, cancel)
        last_yielded: AudioChunk | None = None
        while (audio_chunk := self._next_audio(pieces, spec, pack, utterance.speed, cancel, prior)) is not None:
            chunk, parts = audio_chunk
            prior = None  # only the first chunk is windowed: the later ones have time
            try:
                for audio, final in parts:
                    # Whether more follows is known from the text alone: the next chunk's G2P
                    # waits until this one's audio is on its way (30-80 ms off the first sound).
                    last = final and not pieces.more()
                    if audio.size or (last and last_yielded is not None):
                        last_yielded = AudioChunk(audio, chunk.sentence_index, chunk.span, is_last=last)
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

    def _next_audio(self, pieces: _Pieces, spec: VoiceSpec, pack: np.ndarray, speed: float,
                    cancel: CancelToken, prior: NormPrior | None = None
                    ) -> tuple[TextChunk, Iterator[tuple[np.ndarray, bool]]] | None:
        """The next chunk with speech and its shaped audio as (part, is the chunk's last)
        pairs, from the cache when it is there (no G2P, no model); None at the end or when
        cancelled. With a prior the chunk comes in windows (see windowed.py).

        The model decodes only the speech: the silence it puts around it is trimmed anyway,
        and decoding it delays the first sound and costs ~4% more time on every later chunk."""
        while not cancel.cancelled and (chunk := pieces.next()) is not None:
            key = (chunk.text, chunk.ends_sentence, str(spec), round(speed, 3))
            audio = self.cache.get(key) if self.cache is not None else None
            if audio is not None:
                return chunk, iter([(audio, True)])
            kept = self._kept_windows(key)
            if kept and kept[-1][1]:  # every window of it is kept: no encoding needed
                return chunk, self._replay(kept, chunk, speed)
            token_ids = pieces.tokens(chunk)
            if not token_ids:  # nothing speakable, or cut again into smaller pieces
                continue
            if prior is not None:
                return chunk, self._windows(chunk, key, token_ids, pack, speed, prior, kept, cancel)
            try:
                raw = self.engine.run(token_ids, style_for(pack, len(token_ids)), speed, cancel,
                                      speech_only=True)
            except Cancelled:
                return None
            if cancel.cancelled:
                return None
            audio = self._shape_window(raw, 0, True, chunk, speed)  # one window: the whole chunk
            if self.cache is not None:
                audio = self.cache.put(key, audio)
            return chunk, iter([(audio, True)])
        return None

    def _kept_windows(self, key: tuple) -> list[tuple[np.ndarray, bool, np.ndarray]]:
        """The windows of a chunk kept in the cache, in order from the first: (audio, final,
        tail for the next window's crossfade)."""
        kept: list[tuple[np.ndarray, bool, np.ndarray]] = []
        while self.cache is not None:
            k = len(kept)
            if (stored := self.cache.get((*key, k))) is not None:
                kept.append((stored[:-TAIL_SAMPLES], False, stored[-TAIL_SAMPLES:]))
            elif (stored := self.cache.get((*key, k, "final"))) is not None:
                kept.append((stored, True, stored[:0]))
                break
            else:
                break
        return kept

    def _windows(self, chunk: TextChunk, key: tuple, token_ids: list[int], pack: np.ndarray, speed: float,
                 prior: NormPrior, kept: list[tuple[np.ndarray, bool, np.ndarray]],
                 cancel: CancelToken) -> Iterator[tuple[np.ndarray, bool]]:
        """The chunk window by window: the kept ones first (a prepare() made them), then
        the model from there. Each window is kept with its tail, so a later run resumes.

        The first sound waits while the model is too slow for the windows to stay ahead of
        it (WindowPiece.can_start): then the held windows come out as one part."""
        yield from self._replay(kept, chunk, speed)
        engine: WindowedEngine = self.engine  # type: ignore[assignment]
        tail = kept[-1][2] if kept else None
        held: list[np.ndarray] = []
        started = bool(kept)  # kept windows play at once: no pace is known before the model runs
        for piece in engine.run_windows(token_ids, style_for(pack, len(token_ids)), speed, prior, cancel,
                                        resume=len(kept), tail=tail):
            if self.cache is not None:
                if piece.final:
                    self.cache.put((*key, piece.index, "final"), piece.audio.copy())
                else:
                    self.cache.put((*key, piece.index), np.concatenate([piece.audio, piece.tail]))
            held.append(self._shape_window(piece.audio, piece.index, piece.final, chunk, speed))
            if started or piece.can_start or piece.final:
                started = True  # from here each window plays as it comes
                yield np.concatenate(held) if len(held) > 1 else held[0], piece.final
                held = []

    def _replay(self, kept: list[tuple[np.ndarray, bool, np.ndarray]], chunk: TextChunk,
                speed: float) -> Iterator[tuple[np.ndarray, bool]]:
        """Kept windows as (part, is the chunk's last) pairs, shaped like fresh ones."""
        for k, (audio, final, _) in enumerate(kept):
            yield self._shape_window(audio, k, final, chunk, speed), final

    def _shape_window(self, audio: np.ndarray, index: int, final: bool, chunk: TextChunk,
                      speed: float) -> np.ndarray:
        speech = silence.trim_part(audio, SAMPLE_RATE, start=index == 0, end=final)
        # The pause after the chunk follows its last window even when that one was all silence.
        return np.concatenate([speech, self._gap(chunk, speed)]) if final and (speech.size or index) else speech

    def _gap(self, chunk: TextChunk, speed: float) -> np.ndarray:
        if chunk.ends_sentence:
            gap = self.options.sentence_pause_s
        elif chunk.text.rstrip()[-1:] in ",;:-—)":
            gap = self.options.clause_pause_s
        else:
            gap = self.options.join_pause_s
        return np.zeros(int(gap / speed * SAMPLE_RATE), np.float32)


class _Pieces:
    """Text chunks -> (chunk, token ids) on demand; a chunk whose phonemes exceed the model's
    limit is cut again. more() answers from the text alone, without G2P."""

    def __init__(self, chunks: Iterator[TextChunk], tokenize: Callable[[str], list[int]], source: str,
                 cancel: CancelToken) -> None:
        self._chunks = chunks
        self._tokenize = tokenize
        self._source = source
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

    def tokens(self, piece: TextChunk) -> list[int]:
        """Token ids for piece; [] if it has none, or if it was too long for the model and has
        been put back as smaller pieces (next() returns those)."""
        ids = self._tokenize(piece.text)
        if len(ids) > MAX_TOKENS and len(piece.text) >= 2:
            self._todo.extendleft(reversed(split_chunk(piece, source=self._source)))
            return []
        return ids[:MAX_TOKENS]


def render(chunks: Iterator[AudioChunk]) -> np.ndarray:
    """All samples of a stream, concatenated (for WAV output and tests)."""
    parts = [c.samples for c in chunks]
    return np.concatenate(parts) if parts else np.zeros(0, np.float32)


__all__ = ["Synthesizer", "SynthOptions", "Engine", "Phonemizer", "render"]
