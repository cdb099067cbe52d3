"""A forced aligner: where each word of a known text starts and ends in speech.

pocketsphinx 5 (its en-us acoustic model and dictionary ship in the PyPI wheel; the `eval`
extra) aligns the text to the audio in 10 ms frames. Checked on espeak-ng speech whose word
starts are known exactly (tests/aligner.py): median 11-15 ms, p95 57-61 ms, where Whisper
tiny.en's word timestamps were off by a median 107 ms inside phrases. The bench's highlight
figure and the word-timing tests use it.
"""
from __future__ import annotations

import functools
import re

import numpy as np


@functools.lru_cache(maxsize=1)
def _decoder():
    from pocketsphinx import Decoder

    # Wide beams: with the defaults a three-sentence utterance failed to align now and then.
    return Decoder(samprate=16000, bestpath=False, loglevel="FATAL", beam=1e-80, wbeam=1e-60, pbeam=1e-80)


def word_key(text: str) -> str:
    """A word as the aligner's dictionary spells it."""
    return re.sub(r"[^a-z']", "", text.lower())


def align(audio: np.ndarray, rate: int, text: str) -> list[tuple[str, float, float]]:
    """(word, start s, end s) for each word of text; [] when a word is not in the dictionary
    (numbers: their audio would be forced onto the words around them) or the audio cannot
    be aligned to the text."""
    import soxr

    decoder = _decoder()
    x = soxr.resample(np.asarray(audio, np.float32), rate, 16_000)
    words = [w for w in map(word_key, text.split()) if w]
    if not all(decoder.lookup_word(w) for w in words):
        return []
    decoder.set_align_text(" ".join(words))
    decoder.start_utt()
    decoder.process_raw((np.clip(x, -1, 1) * 32767).astype("<i2").tobytes(), full_utt=True)
    decoder.end_utt()
    segments = decoder.seg()
    if segments is None:
        return []
    return [(re.sub(r"\(\d+\)$", "", s.word), s.start_frame / 100, (s.end_frame + 1) / 100) for s in segments
            if s.word not in ("<s>", "</s>", "<sil>", "(NULL)")]


def alignable(sentences: list[str]) -> list[str]:
    """The sentences align() can take: without digits, every word in the dictionary."""
    decoder = _decoder()
    return [s for s in sentences if all(decoder.lookup_word(w) for w in map(word_key, s.split()) if w)
            and not re.search(r"\d", s)]


__all__ = ["align", "alignable", "word_key"]
