"""`kokoro-reader bench` on an idle, a slow and a busy computer, simulated on this one.

slow: the measuring process and one busy loop (nice 0) share one core, as on a machine
~3.5x slower; busy: one busy loop per core, as with a build or a heavy web page running.
Each condition runs in a child process (python -m reader.bench.conditions NAME TRIALS)
whose figures come back as one JSON line: the model's pace, read-selection to the first
sample leaving the device with a cold cache and with the selection made 3 s before,
stop to silence (Ctrl+C in `say` takes the same path: Speaker.stop), and reading a few
sentences: waits inside words (0 expected), waits between words, the longest wait, and
reading time over the larger of the audio's length and the model's work for it (its
decodes' time, measured while reading). Trials are scaled down with the measured pace so that
the slowest condition still ends in minutes (said in the result).
"""
from __future__ import annotations

import contextlib
import itertools
import json
import os
import subprocess
import sys
import time

CONDITIONS = ("idle", "slow", "busy")
PREPARED_REST_S = 3.0  # the selection made this long before the key
READING = ("Scientists have long wondered why some birds travel thousands of kilometres every year. "
           "New tracking devices, small enough to fit on a songbird, now follow them day and night. "
           "The data show that many birds rest for weeks at the same places along the way.")
_BUSY = "import sys\nsys.stdout.write('spinning\\n')\nsys.stdout.flush()\nwhile 1: pass"


@contextlib.contextmanager
def busy_loops(cores: list[int | None]):
    """One busy loop at this process's priority per entry (pinned to that core; None:
    anywhere), each spinning before the block starts; stopped after it. Tests use it too."""
    loops = [subprocess.Popen([sys.executable, "-c", _BUSY], stdout=subprocess.PIPE, preexec_fn=_pin(core))
             for core in cores]
    try:
        for loop in loops:
            if loop.stdout.readline() != b"spinning\n":
                raise RuntimeError("a busy loop did not start")
        yield
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()
            loop.stdout.close()


def _pin(core: int | None):
    return None if core is None else (lambda: os.sched_setaffinity(0, {core}))


def measure_conditions(trials: int, conditions: tuple[str, ...] = CONDITIONS, short: bool = False) -> dict:
    """Each condition's figures, measured in a child process (see the module docstring);
    short: each reads the first two sentences of READING (a slow machine)."""
    cores = sorted(os.sched_getaffinity(0))
    results = {}
    for name in conditions:
        loops = {"idle": [], "slow": cores[:1], "busy": cores}[name]
        with busy_loops(loops):
            proc = subprocess.run([sys.executable, "-m", "reader.bench.conditions", name, str(trials),
                                   *(["short"] if short else [])],
                                  capture_output=True, text=True, timeout=1800,
                                  preexec_fn=_pin(cores[0] if name == "slow" else None))
        if proc.returncode != 0:
            tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            results[name] = {"error": tail}
            continue
        results[name] = json.loads(proc.stdout.strip().splitlines()[-1])
    return results


def run_condition(name: str, trials: int, short: bool = False) -> dict:
    """The figures of one condition, measured in this process (the parent set the load)."""
    from reader.bench.playback import Listener, Selection, key_to_sound, open_sink, to_silence
    from reader.bench.stats import ms, p95_ms, scaled
    from reader.bench.workload import SENTENCE, VOICE
    from reader.daemon.controller import Controller
    from reader.speaker import Speaker
    from reader.synth.core import load_core
    from reader.text.split import sentences
    from reader.types import Utterance

    synth, _ = load_core(voice=VOICE)
    synth.cache.clear()
    t0 = time.perf_counter()
    audio_s = sum(c.duration_s for c in synth.stream(Utterance(SENTENCE, VOICE), realtime=False))
    pace = audio_s / (time.perf_counter() - t0)  # this sentence, whole; synth.pace follows every decode
    n = scaled(trials, pace)
    sink, output = open_sink()
    listener = Listener()
    speaker = Speaker(synth, sink, listener=listener)
    selection = Selection(SENTENCE)
    controller = Controller(selection.desktop)
    controller.attach(speaker)
    latency = sink.latency
    cold, prepared, stops = [], [], []
    try:
        for _ in range(n):
            cold.append(key_to_sound(controller, speaker, synth, listener, selection, latency, prepared=False))
            prepared.append(key_to_sound(controller, speaker, synth, listener, selection, latency, prepared=True,
                                          rest_s=PREPARED_REST_S))
            listener.first_sentence.clear()
            speaker.say(SENTENCE)
            listener.first_sentence.wait(60)
            time.sleep(0.3)  # sounding: the silence must come from the fade
            stops += to_silence(sink, speaker.stop)
        synth.cache.clear()
        underruns, pauses, work_s = sink.underruns, sink.pauses, synth.pace.work_s
        sink.take_longest_wait()
        listener.first_sentence.clear()
        listener.done.clear()
        reading = " ".join(s.text for s in itertools.islice(sentences(READING), 2)) if short else READING
        t3 = time.perf_counter()
        speaker.say(reading)
        listener.first_sentence.wait(600)
        listener.done.wait(600)
        reading_s = time.perf_counter() - listener.first_at
        first_s = listener.first_at - t3
        compute_s = synth.pace.work_s - work_s  # the model's work for it
        # Its length, from the chunks it left in the cache (no model call).
        audio_s = sum(c.duration_s for c in synth.stream(Utterance(reading, VOICE), realtime=False))
        result = {
            "pace": round(synth.pace.pace or pace, 3),
            "threads": synth.engine.threads,
            "key_to_audible_cold_ms": ms(cold),
            "key_to_audible_cold_p95_ms": p95_ms(cold),
            "key_to_audible_prepared_3s_ms": ms(prepared),
            "key_to_audible_prepared_3s_p95_ms": p95_ms(prepared),
            "stop_to_silence_ms": ms(stops),
            "stop_to_silence_p95_ms": p95_ms(stops),
            "reading_first_sound_s": round(first_s, 3),
            "reading_waits_inside_words": sink.underruns - underruns,
            "reading_waits_between_words": sink.pauses - pauses,
            "reading_longest_wait_s": round(sink.take_longest_wait(), 3),
            # From the first sound to the last: at best the audio's length or, when the model
            # is slower than that, the work (the speech cannot come sooner); the rest is waste.
            "reading_s": round(reading_s, 2),
            "reading_audio_s": round(audio_s, 2),
            "reading_compute_s": round(compute_s, 2),
            "reading_time_over_bound": round(reading_s / max(audio_s, compute_s), 3),
            "audio_output": output,
            "trials": n,
            "errors": listener.errors[:3],
        }
        if n < trials:
            result["note"] = f"{n} trials instead of {trials}: pace {pace:.2f} here"
        return result
    finally:
        controller.close()
        selection.close()
        speaker.close()
        sink.close()


if __name__ == "__main__":
    import logging

    logging.basicConfig(level=logging.WARNING)
    print(json.dumps(run_condition(sys.argv[1], int(sys.argv[2]), short=sys.argv[3:4] == ["short"])))
