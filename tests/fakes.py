"""Fakes for unit tests of the synthesizer boundary (no model, no G2P)."""
from __future__ import annotations

import threading

import numpy as np

from reader.engine.voices import VoiceBank
from reader.text.g2p import Phonemes, spaced_words
from reader.types import CancelToken, Cancelled, Decoded

NAMES = ["af_heart", "af_bella", "bf_emma", "am_adam"]


class FakeEngine:
    """Pretends to be KokoroOnnx: one phoneme -> 50 ms of a tone between 0.3 s silences."""

    def __init__(self, block: threading.Event | None = None) -> None:
        self.calls: list[list[int]] = []
        self.speech_only: list[bool] = []  # per call: only the speech asked for
        self.block = block  # when set, run() waits for cancellation (to test cancel mid-run)
        self.threads = 1

    def tokenize(self, phonemes: str) -> list[int]:
        return [ord(c) % 100 + 1 for c in phonemes if not c.isspace()]

    def run(self, token_ids, style, speed=1.0, cancel: CancelToken | None = None,
            speech_only: bool = False) -> Decoded:
        self.calls.append(list(token_ids))
        self.speech_only.append(speech_only)
        if self.block is not None and cancel is not None:
            done = threading.Event()
            cancel.on_cancel(done.set)
            self.block.set()
            done.wait(5)
        if cancel is not None and cancel.cancelled:
            raise Cancelled()
        n = int(0.05 * 24_000 * len(token_ids) / speed)
        tone = 0.5 * np.sin(np.arange(n) * 2 * np.pi * 220 / 24_000)
        silence = np.zeros(int(0.3 * 24_000))
        return Decoded(np.concatenate([silence, tone, silence]).astype(np.float32))


class FakeWindowedEngine(FakeEngine):
    """Also decodes in windows: window k is 0.2 s (8 frames) of tone, the tokens evenly over them;
    decode_s[k] is what window k says its decode took (the pace the synthesizer sees)."""

    def __init__(self, decode_s: list[float]) -> None:
        super().__init__()
        self.decode_s = decode_s

    def run_windows(self, token_ids, style, speed, prior, cancel=None, resume=0, tail=None, first_window=None):
        from reader.engine.windowed import WindowedRun, WindowPiece

        n = len(self.decode_s)
        durations = np.full(len(token_ids) + 2, 8 * n / (len(token_ids) + 2), np.float32)

        def pieces():
            for k in range(resume, n):
                tone = (0.5 * np.sin(np.arange(4800) * 2 * np.pi * 220 / 24_000)).astype(np.float32)
                yield WindowPiece(k, tone, tone[:240] if k < n - 1 else tone[:0], k == n - 1, 8, self.decode_s[k],
                                  8 if k < n - 1 else 0)

        return WindowedRun(durations, 0, 8 * n, pieces())


class FakeG2P:
    """Phonemes = the text itself (lower case letters and spaces)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def phonemize(self, text: str, language: str) -> Phonemes:
        self.calls.append((text, language))
        phonemes = "".join(c if c.isalpha() else " " for c in text.lower())
        return Phonemes(phonemes, spaced_words(text, phonemes))


def fake_voices(tmp_path) -> VoiceBank:
    rng = np.random.default_rng(1)
    for name in NAMES:
        rng.standard_normal((510, 256)).astype("<f4").tofile(tmp_path / f"{name}.bin")
    return VoiceBank(NAMES, lambda name: tmp_path / f"{name}.bin")


def language_of(name: str) -> str:
    return "en-gb" if name.startswith("b") else "en-us"
