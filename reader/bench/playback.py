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
        leads = _paragraph_leads(sink, speaker, listener, paragraph)
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
        "trials": trials,
        "errors": listener.errors[:3],
    }


def _paragraph_leads(sink, speaker, listener, paragraph: str) -> list[float]:
    """Read the paragraph; for each part after the first, seconds between its audio reaching
    the sink and its first sample being played."""
    written: dict[int, float] = {}
    played: dict[int, float] = {}
    write, on_mark = sink.write, sink.on_mark

    def timed_write(samples, generation, mark=None, *, ends_word=False, wait_at=None):
        if mark is not None:
            written[id(mark)] = time.perf_counter()
        return write(samples, generation, mark, ends_word=ends_word, wait_at=wait_at)

    def timed_mark(mark):
        played[id(mark)] = time.perf_counter()
        on_mark(mark)

    sink.write, sink.on_mark = timed_write, timed_mark
    try:
        speaker.say(paragraph)
        listener.done.wait(600)
    finally:
        sink.write, sink.on_mark = write, on_mark
    order = sorted(written, key=written.get)
    return [played[k] - written[k] for k in order[1:] if k in played]


__all__ = ["measure_playback"]
