"""`kokoro-reader bench`: latency, speed and memory of the speech core, beside a peer.

The peer (kokoro-onnx 0.6.1, create_stream, same model file and voice) runs in a child
process, so its memory and threads do not colour our figures. All figures are measured
in this run; nothing is hard-coded.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

SENTENCE = "Please remember to water the plants before you leave for the weekend."  # 12 words
PARAGRAPH = (
    "The old lighthouse stood at the edge of the cliff for more than a hundred years. "
    "Every night, its keeper climbed the narrow stairs, trimmed the wick, and watched the "
    "beam sweep across the dark water. Ships passing the rocky coast relied on that light "
    "to find their way home, and many sailors owed their lives to it. When the lamp was "
    "finally replaced by an automatic beacon, the town held a small ceremony to thank the "
    "last keeper, a quiet woman who had spent forty years in the tower. She told the crowd "
    "that she had never felt lonely, because the sea was always talking. Today the building "
    "is a museum, and visitors can climb the same stairs, look through the great lens, and "
    "imagine the storms that once battered the walls. On clear evenings, volunteers still "
    "light a lantern in the window, a small reminder of the people who kept the coast safe "
    "for so long."
)
VOICE = "af_heart"
# The paragraph takes ~17 s: one run is at the mercy of this VM's neighbours (0.35-0.38 seen).
RTF_RUNS = 3
# The pace (seconds of audio per second of work) of the machine the trial counts were set
# for. Slower machines (3.5x slower ones exist) run proportionally fewer trials, at least
# MIN_TRIALS, and one RTF run, so the bench ends in minutes there too; the result says so.
IDLE_PACE = 3.0
MIN_TRIALS = 3


def scaled(count: int, pace: float, least: int = MIN_TRIALS) -> int:
    """count for a machine at IDLE_PACE, scaled down to this pace (never up, never below least)."""
    return max(min(count, least), min(count, round(count * min(1.0, pace / IDLE_PACE))))


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 4)


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank): with 20 trials, the second slowest."""
    ordered = sorted(values)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


def _first_chunk_s(synth, text: str) -> float:
    """Seconds to the first chunk of a text not heard before (the repeat cache is emptied)."""
    from reader.types import CancelToken, Utterance

    if synth.cache is not None:
        synth.cache.clear()
    token = CancelToken()
    t0 = time.perf_counter()
    stream = synth.stream(Utterance(text, VOICE), token)
    next(stream)
    elapsed = time.perf_counter() - t0
    token.cancel()
    stream.close()
    return elapsed


def _rtf(synth, text: str) -> tuple[float, float]:
    """(compute seconds / audio seconds, audio seconds) for a whole text."""
    from reader.types import Utterance

    if synth.cache is not None:
        synth.cache.clear()  # every chunk synthesized, none replayed
    t0 = time.perf_counter()
    samples = sum(len(c.samples) for c in synth.stream(Utterance(text, VOICE), realtime=False))
    elapsed = time.perf_counter() - t0
    audio_s = samples / 24_000
    return elapsed / audio_s, audio_s


def _utterances(n: int) -> list[str]:
    words = PARAGRAPH.split()
    # Varied lengths, 3 to ~60 words, so the arena sees many shapes.
    return [" ".join(words[(7 * i) % 80:(7 * i) % 80 + 3 + (13 * i) % 58]) + "." for i in range(n)]


def measure_ours(threads: int | None, utterances: int, trials: int):
    """(figures, the loaded synthesizer)."""
    from reader.engine.onnx import EngineOptions
    from reader.kokoro import CoreOptions, load_core

    rss_start = rss_mb()
    t0 = time.perf_counter()
    synth, times = load_core(options=CoreOptions(engine=EngineOptions(threads=threads)), voice=VOICE,
                             warm_up=False)  # load_s is the load alone; warmed below
    load_s = time.perf_counter() - t0
    rss_load = rss_mb()
    _first_chunk_s(synth, SENTENCE)  # warm-up: first runs allocate
    rtf_sentence, _ = _rtf(synth, SENTENCE)
    pace = 1.0 / rtf_sentence
    asked = (trials, utterances)
    trials, utterances = scaled(trials, pace), scaled(utterances, pace, least=10)
    slow = pace < 0.8 * IDLE_PACE  # fewer of the long measurements (the peer's too, run_bench)
    if slow:  # memory growth shows by 20 (+4% from 10 to 100 here)
        utterances = min(utterances, 20)
    sentence = [_first_chunk_s(synth, SENTENCE) for _ in range(trials)]
    paragraph = [_first_chunk_s(synth, PARAGRAPH) for _ in range(trials)]
    rtfs, audio_s = zip(*(_rtf(synth, PARAGRAPH) for _ in range(1 if slow else RTF_RUNS)))
    rss = {}
    for i, text in enumerate(_utterances(utterances), 1):
        for _ in synth.stream(__import__("reader.types").types.Utterance(text, VOICE), realtime=False):
            pass
        if i in (10, utterances):
            rss[i] = rss_mb()
    return {
        "threads": synth.engine.threads,  # given, or measured on the first run (engine/threads.py)
        "load_s": round(load_s, 3),
        "model_load_s": round(times.model_s, 3),
        "g2p_load_s": round(times.g2p_s, 3),
        "rss_start_mb": round(rss_start, 1),
        "rss_after_load_mb": round(rss_load, 1),
        "ttfa_sentence_s": _median(sentence),
        "ttfa_sentence_p95_s": round(p95(sentence), 4),
        "ttfa_paragraph_s": _median(paragraph),
        "ttfa_paragraph_p95_s": round(p95(paragraph), 4),
        "rtf": round(statistics.median(rtfs), 4),
        # seconds of audio per second of compute, smoothed over the last decodes (pace.py)
        "pace": round(synth.pace.pace or 0.0, 3),
        "rtf_runs": [round(r, 4) for r in rtfs],
        "paragraph_audio_s": round(audio_s[0], 2),
        "rss_after_10_mb": round(rss.get(10, float("nan")), 1),
        f"rss_after_{utterances}_mb": round(rss[utterances], 1),
        "rss_growth_10_to_end": round(rss[utterances] / rss[10] - 1, 4) if 10 in rss else None,
        "trials": trials,
        "slow_machine": slow,
        **({"scaled": f"pace {pace:.2f} (the trial counts are for {IDLE_PACE:g}): {trials} trials instead of "
                      f"{asked[0]}, {utterances} utterances instead of {asked[1]}"}
           if (trials, utterances) != asked else {}),
    }, synth


def measure_peer(trials: int, paragraph_trials: int, rtf_runs: int) -> dict:
    """kokoro-onnx in a child process on the same model file and voice pack. Its paragraph
    start takes the whole first part of the paragraph (~9-16 s here, 3.5x that on a slow
    machine): the caller asks for fewer of those where the model is slow."""
    from reader.engine.assets import AssetStore

    store = AssetStore()
    model, voice = store.model_path(), store.voice_path(VOICE)
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(
            [sys.executable, "-m", "reader.bench_peer", str(model), str(voice), str(trials),
             str(paragraph_trials), str(rtf_runs)],
            capture_output=True, text=True, cwd=tmp, timeout=1800,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"peer failed: {tail}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_bench(threads: int | None = None, peer: bool = True, utterances: int = 100, trials: int = 20,
              playback: bool = True, idle_s: float = 60.0, conditions: bool = True) -> dict:
    ours, synth = measure_ours(threads, utterances, trials)
    trials = ours["trials"]  # scaled to this machine's pace
    result: dict = {"ours": ours}
    if playback:
        from reader.bench_playback import measure_playback

        result["playback"] = measure_playback(synth, SENTENCE, PARAGRAPH, trials=trials)
    del synth
    if conditions:
        from reader.bench_conditions import measure_conditions

        result["conditions"] = measure_conditions(trials)
    if idle_s > 0:
        from reader.bench_idle import measure_idle

        result["idle"] = measure_idle(idle_s)
    if peer:
        theirs = measure_peer(trials, max(1, trials // 3) if ours["slow_machine"] else trials, len(ours["rtf_runs"]))
        result["peer"] = theirs
        if "error" not in theirs:
            result["ratio"] = {
                "ttfa_sentence": round(ours["ttfa_sentence_s"] / theirs["ttfa_sentence_s"], 4),
                "ttfa_paragraph": round(ours["ttfa_paragraph_s"] / theirs["ttfa_paragraph_s"], 4),
                "rtf": round(ours["rtf"] / theirs["rtf"], 4),
            }
    result["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    return result


__all__ = ["run_bench", "SENTENCE", "PARAGRAPH", "rss_mb", "p95"]
