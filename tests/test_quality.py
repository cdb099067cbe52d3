"""Speech quality on the real model: intelligibility (Whisper WER), gaps and clipping."""
from pathlib import Path

import numpy as np
import pytest

from reader.types import Utterance
from reader.bench import asr
from tests.signals import joined

pytestmark = pytest.mark.model

SENTENCES = [line.strip() for line in (Path(__file__).parent / "data" / "sentences.txt").read_text().splitlines()
             if line.strip() and not line.startswith("#")]


def _gaps(audio: np.ndarray, rate: int = 24_000, floor: float = 0.004) -> list[float]:
    """Lengths (s) of silent runs (5 ms RMS frames below floor) between voiced audio."""
    frame = rate // 200
    n = len(audio) // frame
    rms = np.sqrt(np.mean(audio[: n * frame].reshape(n, frame) ** 2, axis=1))
    voiced = np.flatnonzero(rms > floor)
    if voiced.size < 2:
        return []
    return [(b - a - 1) * frame / rate for a, b in zip(voiced[:-1], voiced[1:]) if b - a > 1]


@pytest.mark.parametrize("voice", ["af_heart", "bf_emma"])
def test_word_error_rate(core, voice, record_property):
    assert len(SENTENCES) >= 20
    hypotheses = []
    for sentence in SENTENCES:
        audio = joined(core.stream(Utterance(sentence, voice)))
        assert audio.size > 0
        assert np.abs(audio).max() < 1.0, "clipped sample"
        hypotheses.append(asr.transcribe(audio, 24_000))
    wer = asr.wer(SENTENCES, hypotheses)
    record_property("wer", wer)
    print(f"{voice}: WER {wer:.3f} over {len(SENTENCES)} sentences")
    assert wer <= 0.06


def test_chunk_joins_leave_no_long_gap_and_no_clipping(core):
    text = " ".join(SENTENCES[:8])
    chunks = list(core.stream(Utterance(text)))
    assert len(chunks) >= 9  # a short first chunk plus one per sentence at least
    audio = joined(iter(chunks))
    assert np.abs(audio).max() < 1.0
    gaps = _gaps(audio)
    print(f"largest gap {max(gaps):.3f} s over {len(chunks)} chunks")
    assert max(gaps) <= 0.6
    # No step at any join: between chunks both edges are faded to near zero; between the
    # windows of one chunk the audio runs on (crossfaded), no steeper than the speech itself.
    steps = np.abs(np.diff(audio))
    speech_step = np.percentile(steps, 99.9)
    for a, b in zip(chunks, chunks[1:]):
        if a.span == b.span:  # windows of one chunk
            assert abs(float(b.samples[0]) - float(a.samples[-1])) <= speech_step
        else:
            assert abs(a.samples[-1]) < 0.01 and abs(b.samples[0]) < 0.01


def test_long_input_streams(core):
    """1 MB of text starts as soon as one sentence would: one model call before the first chunk."""
    text = ("This is a long document. " + "It keeps going with more words, and more. " * 40 + "\n\n") * 600
    assert len(text) > 1_000_000
    calls = []
    original = core.engine.encode  # every chunk is encoded once, whether decoded whole or in windows
    core.engine.encode = lambda *a, **k: calls.append(1) or original(*a, **k)
    try:
        stream = core.stream(Utterance(text))
        first = next(stream)
        assert len(calls) == 1 and first.samples.size > 0
        second = next(stream)
        assert second.samples.size > 0 and len(calls) <= 2
        stream.close()
    finally:
        core.engine.encode = original


@pytest.mark.parametrize("text", [
    "😀👍",  # emoji only: read by name, like a screen reader
    "x" * 2000,  # a 2,000-character word with no spaces
    "caf\u00e9 na\u0131\u0308ve \u200bzero\u200bwidth \x00nul\x07bell \ufffd",
])
def test_odd_input_still_speaks(core, text):
    audio = joined(core.stream(Utterance(text)))
    assert audio.size > 0.2 * 24_000
    assert np.isfinite(audio).all() and np.abs(audio).max() < 1.0
