"""Playback figures for `kokoro-reader bench`: the Speaker driving a real output in real time.

say() and read-selection (the hotkey's command, a 12-word selection) to the first sample
reaching the sink, stop() and pause() to silence leaving the sink
(plus the device's reported output latency), underruns while reading the paragraph. Uses
the default audio device; without one, a fake sink on a real-time clock (said in the result).
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np

from reader.bench.stats import ms, p95_ms
from reader.speaker import Listener as SpeakerListener

SILENCE_TIMEOUT_S = 2.0


class Listener(SpeakerListener):
    """Speaker events the bench waits for (speaker-events thread)."""

    def __init__(self) -> None:
        self.first_sentence = threading.Event()
        self.done = threading.Event()
        self.first_at = 0.0
        self.errors: list[str] = []

    def sentence_started(self, index, span) -> None:
        if not self.first_sentence.is_set():
            self.first_at = time.perf_counter()
            self.first_sentence.set()

    def finished(self) -> None:
        self.done.set()

    def error(self, message: str) -> None:
        self.errors.append(message)
        self.done.set()
        self.first_sentence.set()


def open_sink():
    """(sink, description): the default device, else a fake sink on a real-time clock."""
    from reader.types import ReaderError

    try:
        from reader.audio.portaudio import SoundDeviceSink

        sink = SoundDeviceSink()
        sink.open()
        return sink, "default audio device"
    except ReaderError as exc:
        from reader.audio.fake import FakeSink

        sink = FakeSink()
        sink.start_clock()
        return sink, f"simulated real-time clock ({exc})"


class Selection:
    """A 12-word selection: the real X11 PRIMARY (served by xclip) when there is a display."""

    def __init__(self, text: str) -> None:
        import os
        import shutil
        import subprocess

        from reader.desktop.selection import DesktopText

        self._server = None
        self.text = text
        if os.environ.get("DISPLAY") and shutil.which("xclip"):
            self._server = subprocess.Popen(["xclip", "-selection", "primary", "-loops", "0", "-quiet"],
                                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL)
            self._server.stdin.write(text.encode())
            self._server.stdin.close()
            self.desktop, self.source = DesktopText(), "X11 PRIMARY via xclip"
        else:
            self.desktop, self.source = self, "in memory (no X display)"

    def selection(self):
        from reader.desktop.selection import Capture

        return Capture(self.text, "bench")

    def close(self) -> None:
        if self._server is not None:
            self._server.terminate()
            self._server.wait()


def key_to_sound(controller, speaker, synth, listener, selection, latency: float, prepared: bool,
                  rest_s: float = 1.0) -> float:
    """Seconds from the read-selection hotkey's command to its first sample leaving the
    device. prepared: the selection rested for rest_s first and the daemon's selection
    watcher saw it (speculation had time); else it is read at once, from a cold cache."""
    synth.cache.clear()  # a text not heard before
    listener.first_sentence.clear()
    if prepared:
        controller.selection_changed(selection.text)
        time.sleep(rest_s)  # the user's pause between selecting and pressing the key
    t0 = time.perf_counter()
    controller.command("read-selection")
    listener.first_sentence.wait(30)
    elapsed = listener.first_at - t0 + latency
    speaker.stop()
    return elapsed


def to_silence(sink, action: Callable[[], None]) -> list[float]:
    """Seconds from action() to the sink's output going silent ([] if it never did)."""
    sink.watch_silence()
    t0 = time.perf_counter()
    action()
    return [time.perf_counter() - t0] if sink.wait_silent(SILENCE_TIMEOUT_S) else []


def measure_playback(synth, sentence: str, paragraph: str, trials: int = 20) -> dict:
    from reader.daemon.controller import Controller
    from reader.speaker import Speaker

    sink, output = open_sink()
    listener = Listener()
    speaker = Speaker(synth, sink, listener=listener)
    latency = sink.latency
    first, stops, pauses = [], [], []
    cold, warm = [], []
    selection = Selection(sentence)
    controller = Controller(selection.desktop)
    controller.attach(speaker)
    leads: list[float] = []
    try:
        for _ in range(trials):
            cold.append(key_to_sound(controller, speaker, synth, listener, selection, latency, prepared=False))
            warm.append(key_to_sound(controller, speaker, synth, listener, selection, latency, prepared=True))
        for _ in range(trials):
            synth.cache.clear()
            listener.first_sentence.clear()
            t0 = time.perf_counter()
            speaker.say(sentence)
            listener.first_sentence.wait(30)
            first.append(listener.first_at - t0)
            time.sleep(0.3)  # let it sound before pausing: silence must come from the fade
            pauses += to_silence(sink, speaker.pause)
            speaker.resume()
            time.sleep(0.2)
            stops += to_silence(sink, speaker.stop)
        synth.cache.clear()
        listener.done.clear()
        underruns = sink.underruns
        leads, highlight = _paragraph_leads(sink, speaker, listener, paragraph)
        underruns = sink.underruns - underruns
    finally:
        controller.close()
        selection.close()
        speaker.close()
        sink.close()
    return {
        "audio_output": output,
        "output_latency_ms": round(latency * 1000, 1),
        "key_to_audible_prepared_ms": ms(warm),
        "key_to_audible_prepared_p95_ms": p95_ms(warm),
        "key_to_audible_cold_ms": ms(cold),
        "key_to_audible_cold_p95_ms": p95_ms(cold),
        "selection_source": selection.source,
        "say_to_first_sample_ms": ms(first),
        "say_to_first_sample_p95_ms": p95_ms(first),
        "stop_to_silence_ms": ms(stops) if stops else None,
        "pause_to_silence_ms": ms(pauses) if pauses else None,
        "paragraph_underruns": underruns,
        # How early each part after the first was ready before it was due to play; a negative
        # value would be a gap in the speech.
        "paragraph_min_lead_ms": round(min(leads) * 1000, 1) if leads else None,
        "paragraph_parts": len(leads) + 1,
        # When the word heard() names (what the reading view lights and `ctl status` gives)
        # changed, against when that word's sound was heard (the forced aligner's onset in the
        # audio written, reached by the sink's position).
        "highlight": highlight,
        "trials": trials,
        "errors": listener.errors[:3],
    }


def _paragraph_leads(sink, speaker, listener, paragraph: str) -> tuple[list[float], dict]:
    """Read the paragraph: for each part after the first, seconds between its audio reaching
    the sink and its first sample being played; and the highlight's timing (highlight())."""
    written: dict[int, float] = {}
    played: dict[int, float] = {}
    parts: list = []  # (mark, [its samples...]) in the order written
    write, on_mark = sink.write, sink.on_mark

    def timed_write(samples, generation, mark=None, *, ends_word=False, wait_at=None):
        if mark is not None:
            written[id(mark)] = time.perf_counter()
            parts.append((mark, []))
        if parts:
            parts[-1][1].append(np.asarray(samples, np.float32))
        return write(samples, generation, mark, ends_word=ends_word, wait_at=wait_at)

    def timed_mark(mark):
        played[id(mark)] = time.perf_counter()
        on_mark(mark)

    named: dict[tuple[int, int], float] = {}  # word span -> when heard() first named it
    heard_at: list[tuple[float, int, int]] = []  # (time, id of the mark heard, samples past it)
    done = threading.Event()

    def watch() -> None:  # as the reading view does, a little more often
        while not done.wait(0.01):
            now = time.perf_counter()
            position = sink.heard()
            if position is not None:
                heard_at.append((now, id(position[0]), position[1]))
            heard = speaker.heard()
            if heard is not None and heard.word is not None:
                named.setdefault((heard.word.start, heard.word.end), now)

    watcher = threading.Thread(target=watch, name="bench-highlight", daemon=True)
    waits = sink.pauses
    sink.write, sink.on_mark = timed_write, timed_mark
    watcher.start()
    try:
        speaker.say(paragraph)
        listener.done.wait(600)
    finally:
        done.set()
        watcher.join(5)
        sink.write, sink.on_mark = write, on_mark
    order = sorted(written, key=written.get)
    leads = [played[k] - written[k] for k in order[1:] if k in played]
    return leads, highlight(paragraph, parts, heard_at, named, sink.input_rate, sink.pauses - waits)


def highlight(text: str, parts: list, heard_at: list[tuple[float, int, int]],
              named: dict[tuple[int, int], float], rate: int, waits: int) -> dict:
    """Each word's highlight time minus when its sound began to be heard (ms: median and p95
    of |error|, and the earliest, negative when lit before its sound). Where a word's sound
    begins in the audio written is the forced aligner's; when the sink got there, its own
    heard() position (output latency taken off) sampled beside the highlight, so waits and
    pauses are in it. A word the aligner starts in the part before ours (its first 40-60 ms,
    or the aligner early) is counted apart: a wait at that boundary would be timed as error."""
    import importlib.util

    from reader.bench.align import align, word_key
    from reader.speaker import ChunkMark

    if importlib.util.find_spec("pocketsphinx") is None:
        return {"skipped": "needs the forced aligner: pip install 'kokoro-reader[eval]'"}
    index = {id(mark): k for k, (mark, _) in enumerate(parts)}
    starts, words, audio, at = [], [], [], 0
    for mark, pieces in parts:
        samples = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
        starts.append(at)
        if isinstance(mark, ChunkMark):
            words.extend(w for w in mark.words if word_key(text[w.span.start:w.span.end]))
        audio.append(samples)
        at += len(samples)
    spans = [(w.span.start, w.span.end) for w in words]
    aligned = align(np.concatenate(audio), rate, " ".join(text[a:b] for a, b in spans)) if audio else []
    if len(aligned) != len(spans):
        return {"skipped": f"the aligner placed {len(aligned)} of {len(spans)} words"}
    heard = [(t, (index[key], offset)) for t, key, offset in heard_at if key in index]
    part_of = {(w.span.start, w.span.end): index[id(mark)] for mark, _ in parts if isinstance(mark, ChunkMark)
               for w in mark.words}
    errors, across = [], 0
    for span, (_, onset_s, _) in zip(spans, aligned):
        onset = round(onset_s * rate)
        part = max(k for k, s in enumerate(starts) if s <= onset)
        if part < part_of[span]:
            # The aligner hears the word begin before the part boundary ours puts it after:
            # when playback waited there, the two disagree by the wait. Counted, not timed.
            across += 1
            continue
        reached = next((t for t, position in heard if position >= (part, onset - starts[part])), None)
        if reached is not None and span in named:
            errors.append(named[span] - reached)
    if not errors:
        return {"skipped": "no word was named"}
    e = np.asarray(errors) * 1000
    return {"words": int(e.size), "of": len(spans), "median_abs_ms": round(float(np.median(np.abs(e))), 1),
            "p95_abs_ms": round(float(np.percentile(np.abs(e), 95)), 1), "earliest_ms": round(float(e.min()), 1),
            "waits_between_words": waits, "words_begun_before_their_part": across}


__all__ = ["measure_playback"]
