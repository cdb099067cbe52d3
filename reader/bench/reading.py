"""How well number-, symbol- and abbreviation-heavy English is understood when read aloud
(text/spoken): Whisper tiny.en WER of our reading and of kokoro-onnx 0.6.1's own pipeline on
the same model file and voice, against what a careful reader says, on the sentences of
resources/spoken_sentences.tsv (as written, as said).

Needs the eval extra (faster-whisper, Whisper tiny.en from PyPI, the normalizer, jiwer):
without it the bench says so and goes on. score() applies Whisper's English normalizer and
a few more steps to reference and transcript alike, because Whisper writes what it hears in
its own format: digit groups are joined ("6.10" or "6 10" for "six ten", normalized "610";
"555 123 4567"), ordinal suffixes dropped ("March 4" for "March fourth"), roman numerals made
numbers ("Louis XIV" for "Louis the fourteenth"), "." and "@" inside an address made words
("kokoro.org" for "kokoro dot org"), "vs" made "versus".
"""
from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import numpy as np

VOICE = "af_heart"
SENTENCES = 30  # read on a machine at the bench's idle pace; fewer (at least 6) on a slower one


def spoken_sentences() -> list[tuple[str, str]]:
    """(as written, as a careful reader says it), in file order."""
    rows = []
    for line in resources.files("reader.resources").joinpath("spoken_sentences.tsv").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            written, said = line.split("\t")
            rows.append((written, said))
    return rows


def _comparable(text: str) -> str:
    from reader.bench import asr

    text = re.sub(r"(?<=[A-Za-z]{2})\.(?=[A-Za-z]{2})", " dot ", text)  # "kokoro.org", not "p.m."
    text = re.sub(r"\bvs\b\.?", "versus", text)
    text = re.sub(r"(?<=\w)@(?=\w)", " at ", text)
    text = asr.normalize(text)
    text = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b", "", text)
    text = re.sub(r"\b[ivxl]{2,}\b|\b(?<=war )i\b", lambda m: str(_roman(m.group())), text)
    text = re.sub(r"(?<=\d)[.: ](?=\d)", "", text)
    return re.sub(r"\b([ap]) m\b", r"\1m", text)


def _roman(numeral: str) -> int | str:
    from reader.text.spoken.roman import value

    return value(numeral.upper()) or numeral


def score(references: list[str], heard: list[str]) -> float:
    import jiwer

    return jiwer.wer([_comparable(r) for r in references], [_comparable(h) for h in heard])


def peer_reader(voice: str = VOICE) -> Callable[[str], tuple[np.ndarray, int]]:
    """kokoro-onnx 0.6.1's own pipeline (create(): its phonemizer, its chunking) on our model
    file and voice pack: text -> (samples, rate)."""
    import kokoro_onnx

    from reader.assets.store import AssetStore

    store = AssetStore()
    with tempfile.TemporaryDirectory(prefix="kr-peer-") as tmp:
        voices = Path(tmp) / "voices.npz"  # it reads voices as one archive, once, here
        np.savez(voices, **{voice: np.fromfile(store.voice_path(voice), "<f4").reshape(510, 1, 256)})
        kokoro = kokoro_onnx.Kokoro(str(store.model_path()), str(voices))
    return lambda text: kokoro.create(text, voice=voice, speed=1.0, lang="en-us")


def measure_reading(synth, sentences: int, each: Callable[[dict], None] | None = None) -> dict:
    """WER of ours and the peer's on the first `sentences` sentences (scaled to the pace by
    the caller); {"skipped": why} without the eval extra. each(row) gets every sentence's
    transcripts (scripts/eval_spoken.py --verbose)."""
    from reader.types import SAMPLE_RATE, Utterance

    try:
        from reader.bench import asr

        asr.check()
    except ImportError as exc:
        return {"skipped": f"needs Whisper for scoring ({exc.name}): pip install 'kokoro-reader[eval]'"}
    every = spoken_sentences()
    rows = every[:sentences]
    try:
        theirs = peer_reader()
    except ImportError:
        theirs = None
    began = time.perf_counter()
    said, ours_heard, theirs_heard = [], [], []
    for written, spoken in rows:
        audio = np.concatenate([c.samples for c in synth.stream(Utterance(written, VOICE), realtime=False)])
        ours_heard.append(asr.transcribe(audio, SAMPLE_RATE))
        if theirs is not None:
            samples, rate = theirs(written)
            theirs_heard.append(asr.transcribe(samples, rate))
        said.append(spoken)
        if each is not None:
            each({"said": spoken, "ours": ours_heard[-1], "peer": theirs_heard[-1] if theirs else None})
    out = {"sentences": len(rows), "of": len(every), "voice": VOICE, "wer": round(score(said, ours_heard), 4)}
    if theirs is not None:
        out["peer_wer"] = round(score(said, theirs_heard), 4)
        out["ratio"] = round(out["wer"] / out["peer_wer"], 3) if out["peer_wer"] else None
    else:
        out["peer"] = "kokoro-onnx is not installed"
    out["seconds"] = round(time.perf_counter() - began, 1)
    return out
