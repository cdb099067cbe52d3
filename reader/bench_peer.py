"""Child process of `kokoro-reader bench`: the kokoro-onnx 0.6.1 library as its users run it.

usage: python -m reader.bench_peer MODEL.onnx VOICE.bin TRIALS PARAGRAPH_TRIALS RTF_RUNS  -> one JSON line
"""
from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from reader.bench import PARAGRAPH, SENTENCE, VOICE, p95


async def _first(kokoro, text: str) -> float:
    t0 = time.perf_counter()
    stream = kokoro.create_stream(text, voice=VOICE, speed=1.0, lang="en-us")
    async for _samples, _rate in stream:
        elapsed = time.perf_counter() - t0
        await stream.aclose()
        return elapsed
    raise RuntimeError("kokoro-onnx produced no audio")


async def _whole(kokoro, text: str) -> tuple[float, float]:
    t0 = time.perf_counter()
    n = 0
    async for samples, rate in kokoro.create_stream(text, voice=VOICE, speed=1.0, lang="en-us"):
        n += len(samples)
    elapsed = time.perf_counter() - t0
    return elapsed / (n / rate), n / rate


async def main(model: str, voice: str, trials: int, paragraph_trials: int, rtf_runs: int) -> dict:
    import kokoro_onnx
    from importlib.metadata import version

    with tempfile.TemporaryDirectory() as tmp:
        voices = Path(tmp) / "voices.npz"  # kokoro-onnx reads voices as one .npz archive
        np.savez(voices, **{VOICE: np.fromfile(voice, "<f4").reshape(510, 1, 256)})
        t0 = time.perf_counter()
        kokoro = kokoro_onnx.Kokoro(model, str(voices))
        load_s = time.perf_counter() - t0
        await _first(kokoro, SENTENCE)  # warm-up, as for ours
        sentence = [await _first(kokoro, SENTENCE) for _ in range(trials)]
        paragraph = [await _first(kokoro, PARAGRAPH) for _ in range(paragraph_trials)]
        runs = [await _whole(kokoro, PARAGRAPH) for _ in range(rtf_runs)]
    return {
        "name": f"kokoro-onnx {version('kokoro-onnx')}",
        "load_s": round(load_s, 3),
        "ttfa_sentence_s": round(statistics.median(sentence), 4),
        "ttfa_sentence_p95_s": round(p95(sentence), 4),
        "ttfa_paragraph_s": round(statistics.median(paragraph), 4),
        "ttfa_paragraph_p95_s": round(p95(paragraph), 4),
        "rtf": round(statistics.median(r for r, _ in runs), 4),
        "rtf_runs": [round(r, 4) for r, _ in runs],
        "paragraph_audio_s": round(runs[0][1], 2),
        "trials": trials,
        "paragraph_trials": paragraph_trials,
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])))))
