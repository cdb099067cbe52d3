"""Word timings: where each word of a chunk sounds, from the model's own phoneme durations.

Kokoro predicts how many 25 ms frames each phoneme token lasts (the encoder's durations,
already divided by the speed); the decoder turns frame f into samples [600 f, 600 (f + 1)).
A word's phonemes (from G2P) are a run of tokens, so its frames are the sum of theirs, plus
the space token before it, where the model already voices the word's start. Where
the durations are missing (the one-session engine) the frames are spread over the tokens
evenly instead; where G2P could not say which phonemes are which word, the words are spread
over the phoneme string by their length.

Responsible for that mapping only: the synthesizer turns frames into samples of the audio
it keeps (after trimming) and into the user's character offsets (split.chunk_map).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from reader.text.g2p import Phonemes, PhonemeWord, text_words
from reader.types import Span, Word

FRAME_SAMPLES = 600  # one decoder frame: 25 ms at 24 kHz


@dataclass(frozen=True)
class WordFrames:
    """A word of a chunk: its characters in the chunk's text and its frames [start, end),
    counted from the model's first frame (the leading pad included)."""

    span: Span
    start: int
    end: int


def spread_words(text: str, phonemes: str) -> tuple[PhonemeWord, ...]:
    """The text's words laid over the phoneme string in proportion to their length: the
    fallback when G2P did not say which phonemes belong to which word."""
    found = text_words(text)
    if not found or not phonemes:
        return ()
    total = sum(b - a for a, b in found)
    words, at = [], 0.0
    for a, b in found:
        size = len(phonemes) * (b - a) / total
        words.append(PhonemeWord(Span(a, b), round(at), max(round(at) + 1, round(at + size))))
        at += size
    return tuple(words)


def word_frames(phonemes: Phonemes, text: str, kept: Callable[[str], bool],
                durations: Sequence[float] | None, frames: int) -> tuple[WordFrames, ...]:
    """Each word's frames in a model call of `frames` frames on `phonemes` (the G2P output
    for `text`). kept(c): the model reads phoneme character c (others are dropped).
    durations: frames per token, both pads included; None spreads `frames` evenly."""
    words = phonemes.words or spread_words(text, phonemes.text)
    if not words:
        return ()
    before = np.concatenate([[0], np.cumsum([1 if kept(c) else 0 for c in phonemes.text])]).astype(int)
    tokens = int(before[-1])
    if durations is None or len(durations) != tokens + 2:
        durations = np.full(tokens + 2, frames / (tokens + 2))
    starts = np.concatenate([[0.0], np.cumsum(np.asarray(durations, np.float64))])
    out = []
    for w in words:
        a, b = int(before[min(w.start, len(phonemes.text))]), int(before[min(w.end, len(phonemes.text))])
        if b > a:  # token k (pads aside) is the model's token k + 1
            # Kokoro voices a word's start during the space token before it: after a pause
            # (scripts/eval_word_timings.py, 5 ms energy frames) the sound starts a median 20 ms
            # after that space starts but 40 ms before the word's first phoneme (af_heart;
            # bf_emma 22 / 35 ms, ff_siwis 12 / 75 ms; af_heart at speeds 0.7 and 1.5: 22 and
            # 20 ms after the space, 85 and -5 ms before the phoneme). So the word takes that space.
            lead = 1 if 0 < w.start <= len(phonemes.text) and phonemes.text[w.start - 1] == " " and kept(" ") else 0
            out.append(WordFrames(w.span, round(starts[a + 1 - lead]), round(starts[b + 1])))
    return tuple(out)


def to_samples(words: Sequence[WordFrames], first_frame: int, cut: int, length: int,
               origin: Callable[[Span], Span]) -> tuple[Word, ...]:
    """Words in samples of audio that begins at first_frame's first sample less `cut` samples
    trimmed off its start, and is `length` samples long; origin maps a chunk-text span to
    the user's text. Words wholly outside the audio are left out."""
    out = []
    for w in words:
        start = (w.start - first_frame) * FRAME_SAMPLES - cut
        end = (w.end - first_frame) * FRAME_SAMPLES - cut
        if end > 0 and start < length:
            out.append(Word(origin(w.span), max(0, start), min(length, end)))
    return tuple(out)


def pause_point(words: Sequence[Word], length: int, phrase_ends: Callable[[Word], bool],
                prefer_after: float = 0.4) -> int | None:
    """Where audio of `length` samples may stop between words: mid-way between the last word
    that ends inside it and the next word's start. A phrase end (comma, clause) in the later
    part (after prefer_after of it) is taken over a later plain word end. None: no word ends
    inside."""
    points = []
    for w, nxt in zip(words, [*words[1:], None]):
        after = nxt.start if nxt is not None else length
        if w.end <= length and after <= length:
            points.append(((w.end + max(w.end, after)) // 2, phrase_ends(w)))
        elif w.end <= length:
            points.append((w.end, phrase_ends(w)))
    if not points:
        return None
    phrase = [p for p, is_phrase in points if is_phrase and p >= prefer_after * length]
    return phrase[-1] if phrase else points[-1][0]


__all__ = ["WordFrames", "word_frames", "to_samples", "spread_words", "pause_point", "FRAME_SAMPLES"]
