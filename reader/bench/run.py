"""`kokoro-reader bench`: latency, speed and memory of the speech core, beside a peer.

The peer (kokoro-onnx 0.6.1, create_stream, same model file and voice) runs in a child
process, so its memory and threads do not colour our figures. All figures are measured
in this run; nothing is hard-coded. One module per figure family: speed.py (ours),
playback.py, conditions.py (idle, slow, busy), idle.py, peer.py, reading.py (Whisper-scored
reading of number- and symbol-heavy text, ours and the peer's pipeline), languages.py
(language identification).
"""
from __future__ import annotations

import os
import sys
import time

from reader.bench.peer import measure_peer
from reader.bench.speed import measure_ours
from reader.bench.stats import scaled
from reader.bench.workload import PARAGRAPH, SENTENCE


SLOW_IDLE_S = 10.0  # the idle daemon's CPU use is measured this long on a slow machine


def first_half(text: str) -> str:
    """The sentences of text that start in its first half."""
    from reader.text.split import sentences

    return " ".join(s.text for s in sentences(text) if s.span.start < len(text) // 2)


def run_bench(threads: int | None = None, peer: bool = True, utterances: int = 100, trials: int = 20,
              playback: bool = True, idle_s: float = 60.0, conditions: bool = True, reading: bool = True) -> dict:
    took: dict[str, float] = {}  # seconds per part: what a slow machine's run spends where
    began = time.perf_counter()

    def done(part: str) -> None:
        nonlocal began
        took[part] = round(time.perf_counter() - began, 1)
        began = time.perf_counter()

    ours, synth = measure_ours(threads, utterances, trials)
    trials, slow = ours["trials"], ours["slow_machine"]  # scaled to this machine's pace
    result: dict = {"ours": ours}
    done("ours")
    if playback:
        from reader.bench.playback import measure_playback

        # A slow machine reads the paragraph's first half (it plays in real time: ~25 s saved).
        result["playback"] = measure_playback(synth, SENTENCE, first_half(PARAGRAPH) if slow else PARAGRAPH,
                                              trials=trials)
        done("playback")
    if reading:
        from reader.bench.reading import SENTENCES, measure_reading

        # Each sentence is read twice (ours, the peer's) and transcribed: ~20 s on a slow machine.
        result["reading"] = measure_reading(synth, 2 if slow else scaled(SENTENCES, ours["pace"] or 1.0, least=6))
        done("reading")
    del synth
    from reader.bench.languages import measure_language_id

    result["language_id"] = measure_language_id()
    done("language_id")
    if conditions:
        from reader.bench.conditions import measure_conditions

        result["conditions"] = measure_conditions(min(trials, 2) if slow else trials, short=slow)
        done("conditions")
    if idle_s > 0:
        from reader.bench.idle import measure_idle

        result["idle"] = measure_idle(min(idle_s, SLOW_IDLE_S) if slow else idle_s)
        done("idle")
    if peer:
        # On a slow machine its paragraph start alone takes 30-55 s: there it comes from its
        # whole run (the same start, timed the same way).
        theirs = measure_peer(min(trials, 2) if slow else trials, 0 if slow else trials, len(ours["rtf_runs"]))
        result["peer"] = theirs
        if "error" not in theirs:
            result["ratio"] = {
                "ttfa_sentence": round(ours["ttfa_sentence_s"] / theirs["ttfa_sentence_s"], 4),
                "ttfa_paragraph": round(ours["ttfa_paragraph_s"] / theirs["ttfa_paragraph_s"], 4),
                "rtf": round(ours["rtf"] / theirs["rtf"], 4),
            }
        done("peer")
    result["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    result["seconds"] = {**took, "total": round(sum(took.values()), 1)}
    if slow:
        result["note"] = (f"slow machine (pace {ours['pace']:.2f}): fewer trials ({trials}; {min(trials, 2)} per "
                          "condition, each reading 2 sentences; 2 sentence starts for the peer, its paragraph start "
                          "from its whole run), 12 utterances of up to 12 words for the memory figure, the first "
                          f"half of the paragraph played, 2 reading sentences, {min(idle_s, SLOW_IDLE_S):g} s of "
                          "idle measurement")
    return result


__all__ = ["run_bench"]
