"""Word timings measured against the audio: Whisper's word timestamps (English) and the pauses
heard in the audio (any language). Used by tests/test_word_timings.py and
scripts/eval_word_timings.py.

The synthesizer's words (reader.types.Word) are laid end to end over the stream's audio;
Whisper's words are matched to them by their normalized text (difflib: only words in equal
runs count), and each matched word's start (and end) is compared.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from reader.types import SAMPLE_RATE, AudioChunk

DATA = Path(__file__).parent / "data"
PER_UTTERANCE = 3  # sentences read as one utterance: the first is decoded in windows, the rest whole


def sentence_file(name: str) -> list[str]:
    return [line.strip() for line in (DATA / name).read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def utterances(sentences: Sequence[str], per: int = PER_UTTERANCE) -> list[str]:
    return [" ".join(sentences[k:k + per]) for k in range(0, len(sentences), per)]


@dataclass(frozen=True)
class Timed:
    """A word in seconds from the start of an utterance's audio. first: it is in the
    utterance's first chunk (decoded in windows when the voice has a norm prior)."""

    text: str
    start: float
    end: float
    first: bool = False


def _merged(chunks: Sequence[AudioChunk]) -> list[tuple[int, int, int, int, bool]]:
    """(span start, span end, start sample, end sample, in the first chunk) of each word of
    the stream, laid end to end. Words that share characters in the source (a number read
    as several words, each mapped to the whole number) are one."""
    out: list[tuple[int, int, int, int, bool]] = []
    at = 0
    for chunk in chunks:
        for w in chunk.words:
            if out and out[-1][1] > w.span.start:
                a, b, start, _, first = out[-1]
                out[-1] = (a, max(b, w.span.end), start, at + w.end, first)
            else:
                out.append((w.span.start, w.span.end, at + w.start, at + w.end, chunk.span == chunks[0].span))
        at += len(chunk.samples)
    return out


def our_words(chunks: Sequence[AudioChunk], source: str) -> tuple[np.ndarray, list[Timed], list[str]]:
    """The stream's audio, its words in seconds, and the source text between each word and
    the next."""
    merged = _merged(chunks)
    words = [Timed(source[a:b], s / SAMPLE_RATE, e / SAMPLE_RATE, first) for a, b, s, e, first in merged]
    gaps = [source[x[1]:y[0]] for x, y in zip(merged, merged[1:])]
    audio = np.concatenate([c.samples for c in chunks]) if chunks else np.zeros(0, np.float32)
    return audio, words, gaps


def match(ours: Sequence[Timed], heard: Sequence[tuple[str, float, float]],
          normalize) -> list[tuple[Timed, tuple[str, float, float]]]:
    """Pairs of (our word, Whisper's word) whose normalized texts are in runs that both
    sequences share (difflib.SequenceMatcher); the rest are left out."""
    def key(text: str) -> str:
        return re.sub(r"\s+", "", normalize(text))

    a = [key(w.text) for w in ours]
    b = [key(w[0]) for w in heard]
    pairs = []
    for block in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        for i in range(block.size):
            if a[block.a + i]:
                pairs.append((ours[block.a + i], heard[block.b + i]))
    return pairs


def figures(errors_s: Sequence[float]) -> dict:
    """Median, 95th percentile and max of |error|, and the signed median, in ms."""
    e = np.asarray(errors_s, np.float64) * 1000
    if e.size == 0:
        return {"n": 0}
    return {"n": int(e.size), "median_abs_ms": round(float(np.median(np.abs(e))), 1),
            "p95_abs_ms": round(float(np.percentile(np.abs(e), 95)), 1),
            "max_abs_ms": round(float(np.abs(e).max()), 1), "signed_median_ms": round(float(np.median(e)), 1)}


# ----------------------------------------------------------------- pauses in the audio

FRAME_S = 0.005
# A silent run at least this long is a pause. Shorter ones are mostly a stop's closure inside
# a word where the voice did not pause at the mark: the "b" of "maybe" (40 ms), the "t" of
# "Wait," (65 ms) and of "cat," (85 ms), taken for pauses, each put ~100-200 ms of error on
# words whose timing was right.
PAUSE_S = 0.1
PAUSE_MARKS = ",;:.!?\u2014\u2013"


def silent_runs(audio: np.ndarray, rate: int = SAMPLE_RATE, floor: float = 0.004,
                relative: float = 0.02) -> list[tuple[float, float]]:
    """[start, end) in seconds of each run of 5 ms frames below the floor (absolute, and
    relative to the loudest frame; the synthesizer's silence thresholds) lasting >= PAUSE_S."""
    frame = int(FRAME_S * rate)
    n = len(audio) // frame
    rms = np.sqrt(np.mean(audio[:n * frame].reshape(n, frame).astype(np.float64) ** 2, axis=1))
    quiet = rms <= max(floor, relative * float(rms.max(initial=0.0)))
    runs, k = [], 0
    while k < n:
        if quiet[k]:
            j = k
            while j < n and quiet[j]:
                j += 1
            if (j - k) * FRAME_S >= PAUSE_S:
                runs.append((k * FRAME_S, j * FRAME_S))
            k = j
        else:
            k += 1
    return runs


@dataclass(frozen=True)
class PauseCheck:
    """At each boundary between words where the text has a pause mark: whether the audio
    has a pause there, and how far our word edges are from that pause's edges (s)."""

    boundaries: int
    found: int
    start_errors: list[float]  # next word's start minus the pause's end (the acoustic onset)
    end_errors: list[float]  # previous word's end minus the pause's start
    onsets: dict[int, float]  # index of the word after a pause heard -> that pause's end (s)


def pause_check(audio: np.ndarray, words: Sequence[Timed], source_between: Sequence[str],
                reach: float = 0.3) -> PauseCheck:
    """For each pair of neighbouring words whose text between has a pause mark
    (source_between[i]: the text between words i and i + 1), the longest silent run
    between the middle of the one and the middle of the other, at most `reach` s either
    side of our boundary. The pause's edges are what the audio says; independent of any
    ASR, so this works for every language."""
    runs = silent_runs(audio)
    starts, ends, onsets, boundaries = [], [], {}, 0
    for i, (a, b) in enumerate(zip(words, words[1:])):
        if not any(c in PAUSE_MARKS for c in source_between[i]):
            continue
        boundaries += 1
        lo = max((a.start + a.end) / 2, a.end - reach)
        hi = min((b.start + b.end) / 2, b.start + reach)
        inside = [(s, e) for s, e in runs if s < hi and e > lo]
        if not inside:
            continue
        s, e = max(inside, key=lambda r: min(r[1], hi) - max(r[0], lo))
        starts.append(b.start - e)
        ends.append(a.end - s)
        onsets[i + 1] = e
    return PauseCheck(boundaries, len(starts), starts, ends, onsets)
