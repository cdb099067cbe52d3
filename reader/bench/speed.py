"""Speed and memory of the speech core: load time, first chunk of a sentence and of a
paragraph, real-time factor, the model's pace, memory over many utterances."""
from __future__ import annotations

import statistics
import time

from reader.bench.stats import IDLE_PACE, MIN_TRIALS, median, p95, rss_mb, scaled
from reader.bench.workload import PARAGRAPH, SENTENCE, VOICE

# The paragraph takes ~17 s: one run is at the mercy of this VM's neighbours (0.35-0.38 seen).
RTF_RUNS = 3


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


def _utterances(n: int, most_words: int = 60) -> list[str]:
    words = PARAGRAPH.split()
    # Varied lengths, 3 to ~most_words words, so the arena sees many shapes.
    return [" ".join(words[(7 * i) % 80:(7 * i) % 80 + 3 + (13 * i) % (most_words - 2)]) + "." for i in range(n)]


def measure_ours(threads: int | None, utterances: int, trials: int):
    """(figures, the loaded synthesizer)."""
    from reader.engine.onnx import EngineOptions
    from reader.synth.core import CoreOptions, load_core

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
    if pace < 1.0:  # slower than real time: the fewest trials (a simulated one took 613 s with 4)
        trials = MIN_TRIALS
    # A slow machine reads 12 utterances of up to 12 words: memory growth shows early (+4%
    # from 10 to 100 here), and 20 of up to 60 words took 200 s of a 15-minute bench there.
    most_words = 12 if slow else 60
    if slow:
        utterances = min(utterances, 12)
    sentence = [_first_chunk_s(synth, SENTENCE) for _ in range(trials)]
    paragraph = [_first_chunk_s(synth, PARAGRAPH) for _ in range(trials)]
    rtfs, audio_s = zip(*(_rtf(synth, PARAGRAPH) for _ in range(1 if slow else RTF_RUNS)))
    rss = {}
    for i, text in enumerate(_utterances(utterances, most_words), 1):
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
        "ttfa_sentence_s": median(sentence),
        "ttfa_sentence_p95_s": round(p95(sentence), 4),
        "ttfa_paragraph_s": median(paragraph),
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
                      f"{asked[0]}, {utterances} utterances (up to {most_words} words) instead of {asked[1]}"}
           if (trials, utterances) != asked else {}),
    }, synth


__all__ = ["measure_ours"]
