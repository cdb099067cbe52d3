"""The peer's figures: the kokoro-onnx 0.6.1 library as its users run it, measured in a
child process (this module run as one), so its memory and threads do not colour ours.

usage: python -m reader.bench.peer MODEL.onnx VOICE.bin TRIALS PARAGRAPH_TRIALS RTF_RUNS  -> one JSON line
"""
from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from reader.bench.stats import p95
from reader.bench.workload import PARAGRAPH, SENTENCE, VOICE


async def _first(kokoro, text: str) -> float:
    t0 = time.perf_counter()
    stream = kokoro.create_stream(text, voice=VOICE, speed=1.0, lang="en-us")
    async for _samples, _rate in stream:
        elapsed = time.perf_counter() - t0
        await stream.aclose()
        return elapsed
    raise RuntimeError("kokoro-onnx produced no audio")


async def _whole(kokoro, text: str) -> tuple[float, float, float]:
    """(compute seconds / audio seconds, audio seconds, seconds to the first chunk)."""
    t0 = time.perf_counter()
    n, first = 0, None
    async for samples, rate in kokoro.create_stream(text, voice=VOICE, speed=1.0, lang="en-us"):
        first = time.perf_counter() - t0 if first is None else first
        n += len(samples)
    elapsed = time.perf_counter() - t0
    return elapsed / (n / rate), n / rate, first


async def main(model: str, voice: str, trials: int, paragraph_trials: int, rtf_runs: int) -> dict:
    from importlib.metadata import version

    import kokoro_onnx

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
        paragraph = paragraph or [first for _, _, first in runs]  # none asked for: the whole runs' starts
    return {
        "name": f"kokoro-onnx {version('kokoro-onnx')}",
        "load_s": round(load_s, 3),
        "ttfa_sentence_s": round(statistics.median(sentence), 4),
        "ttfa_sentence_p95_s": round(p95(sentence), 4),
        "ttfa_paragraph_s": round(statistics.median(paragraph), 4),
        "ttfa_paragraph_p95_s": round(p95(paragraph), 4),
        "rtf": round(statistics.median(r for r, _, _ in runs), 4),
        "rtf_runs": [round(r, 4) for r, _, _ in runs],
        "paragraph_audio_s": round(runs[0][1], 2),
        "trials": trials,
        "paragraph_trials": paragraph_trials or f"{len(runs)} (the start of each whole run)",
    }



def measure_peer(trials: int, paragraph_trials: int, rtf_runs: int) -> dict:
    """kokoro-onnx in a child process on the same model file and voice pack. Its paragraph
    start takes the whole first part of the paragraph (~9-16 s here, 3.5x that on a slow
    machine): the caller asks for fewer of those where the model is slow."""
    from reader.assets.store import AssetStore

    store = AssetStore()
    model, voice = store.model_path(), store.voice_path(VOICE)
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(
            [sys.executable, "-m", "reader.bench.peer", str(model), str(voice), str(trials),
             str(paragraph_trials), str(rtf_runs)],
            capture_output=True, text=True, cwd=tmp, timeout=1800,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"peer failed: {tail}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])

if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])))))
