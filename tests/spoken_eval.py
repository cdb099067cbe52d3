"""Scoring text read aloud against what a careful reader says (issue 15), shared by
tests/test_spoken_audio.py and scripts/eval_spoken.py.

score() is WER after Whisper's English normalizer (tests/asr.py) and two more steps applied
to reference and transcript alike, because Whisper writes what it hears in its own format:
digit groups are joined ("6.10" or "6 10" for "six ten", normalized "610"; "555 123 4567")
and ordinal suffixes are dropped ("March 4" for "March fourth", normalized "march 4th"),
roman numerals become numbers ("Louis XIV" for "Louis the fourteenth"), "." and "@" inside
an address are words ("kokoro.org" for "kokoro dot org").
"""
from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from tests import asr

SENTENCES = Path(__file__).parent / "data" / "spoken_sentences.tsv"


def spoken_sentences() -> list[tuple[str, str]]:
    """(as written, as a careful reader says it), in file order."""
    rows = []
    for line in SENTENCES.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            written, said = line.split("\t")
            rows.append((written, said))
    return rows


def _comparable(text: str) -> str:
    text = re.sub(r"(?<=[A-Za-z]{2})\.(?=[A-Za-z]{2})", " dot ", text)  # "kokoro.org", not "p.m."
    text = re.sub(r"\bvs\b\.?", "versus", text)
    text = re.sub(r"(?<=\w)@(?=\w)", " at ", text)
    text = asr.normalize(text)
    text = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b", "", text)
    text = re.sub(r"\b[ivxl]{2,}\b|\b(?<=war )i\b", lambda m: str(_roman(m.group())), text)  # "Louis XIV"
    text = re.sub(r"(?<=\d)[.: ](?=\d)", "", text)  # "6.10", "6 10" and "610" alike
    return re.sub(r"\b([ap]) m\b", r"\1m", text)


def _roman(numeral: str) -> int | str:
    from reader.text.spoken.roman import value

    return value(numeral.upper()) or numeral


def score(references: list[str], heard: list[str]) -> float:
    import jiwer

    return jiwer.wer([_comparable(r) for r in references], [_comparable(h) for h in heard])


def peer_reader(voice: str) -> Callable[[str], tuple[np.ndarray, int]]:
    """kokoro-onnx 0.6.1's own pipeline (its create(): its phonemizer, its chunking) on our
    model file and voice pack: text -> (samples, rate)."""
    import kokoro_onnx

    from reader.assets.store import AssetStore

    store = AssetStore()
    voices = Path(tempfile.mkdtemp(prefix="kr-peer-")) / "voices.npz"  # it reads voices as one archive
    np.savez(voices, **{voice: np.fromfile(store.voice_path(voice), "<f4").reshape(510, 1, 256)})
    kokoro = kokoro_onnx.Kokoro(str(store.model_path()), str(voices))
    return lambda text: kokoro.create(text, voice=voice, speed=1.0, lang="en-us")
