"""Number-, symbol- and abbreviation-heavy English read aloud by the real model and heard by
Whisper tiny.en (issue 15): what text/spoken does is understood, where kokoro-onnx's own
pipeline on the same model and voice is not. scripts/eval_spoken.py runs all 60 sentences, `bench` as many as the pace allows.
"""
from __future__ import annotations

import numpy as np
import pytest

from reader.types import SAMPLE_RATE, Utterance
from reader.bench import asr
from reader.bench.reading import peer_reader, score, spoken_sentences

pytestmark = pytest.mark.model

EVERY = 4  # every 4th sentence of resources/spoken_sentences.tsv: 15 of 60
FIGURES: dict[str, str] = {}


def test_numbers_dates_and_addresses_are_heard_as_a_reader_says_them(core):
    rows = spoken_sentences()[::EVERY]
    peer = peer_reader("af_heart")
    said, ours, theirs = [], [], []
    for written, spoken in rows:
        audio = np.concatenate([c.samples for c in core.stream(Utterance(written, "af_heart"), realtime=False)])
        ours.append(asr.transcribe(audio, SAMPLE_RATE))
        samples, rate = peer(written)
        theirs.append(asr.transcribe(samples, rate))
        said.append(spoken)
    wer_ours, wer_theirs = score(said, ours), score(said, theirs)
    FIGURES["sentences"] = str(len(rows))
    FIGURES["wer_ours"] = f"{wer_ours:.3f}"
    FIGURES["wer_kokoro_onnx"] = f"{wer_theirs:.3f}"
    assert wer_ours <= 0.6 * wer_theirs, (ours, theirs)
    assert wer_ours <= 0.1, list(zip(said, ours))


def test_a_one_word_sentence_is_heard(core):
    """A selection of one word: it was silent when its decode went in windows (issue 15, item 5)."""
    silence = np.zeros(SAMPLE_RATE, np.float32)  # Whisper needs some room around a short clip
    for word in ("Yes.", "Thanks.", "Wait."):
        core.cache.clear()
        audio = np.concatenate([c.samples for c in core.stream(Utterance(word, "af_heart"), realtime=False)])
        assert float(np.sqrt(np.mean(audio * audio))) > 0.03, word
        heard = asr.transcribe(np.concatenate([silence, audio, silence]), SAMPLE_RATE)
        assert asr.normalize(heard) == asr.normalize(word), (word, heard)
