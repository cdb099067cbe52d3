"""Playback figures for `kokoro-reader bench`: the Speaker driving a real output in real time.

say() and read-selection (the hotkey's command, a 12-word selection) to the first sample
reaching the sink, stop() and pause() to silence leaving the sink
(plus the device's reported output latency), underruns while reading the paragraph. Uses
the default audio device; without one, a fake sink on a real-time clock (said in the result).
"""
from __future__ import annotations

import statistics
import threading
import time

SILENCE_TIMEOUT_S = 2.0


class _Listener:
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


def _open_sink():
    """(sink, description): the default device, else a fake sink on a real-time clock."""
    from reader.types import ReaderError

    try:
        from reader.audio.sink import SoundDeviceSink

        sink = SoundDeviceSink()
        sink.open()
        return sink, "default audio device"
    except ReaderError as exc:
        from reader.audio.fake import FakeSink

        sink = FakeSink()
        sink.start_clock()
        return sink, f"simulated real-time clock ({exc})"


class _Selection:
    """A 12-word selection: the real X11 PRIMARY (served by xclip) when there is a display."""

    def __init__(self, text: str) -> None:
        import os
        import shutil
        import subprocess

        from reader.sources.selection import DesktopText

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
        from reader.sources.selection import Capture

        return Capture(self.text, "bench")

    def close(self) -> None:
        if self._server is not None:
            self._server.terminate()
            self._server.wait()


def _ms(values: list[float]) -> float:
    return round(statistics.median(values) * 1000, 1)


def measure_playback(synth, sentence: str, paragraph: str, trials: int = 5) -> dict:
    from reader.speaker import Speaker

    sink, output = _open_sink()
    listener = _Listener()
    speaker = Speaker(synth, sink, listener=listener)
    first, stops, pauses, selected = [], [], [], []
    from reader.controller import Controller

    selection = _Selection(sentence)
    controller = Controller(selection.desktop)
    controller.attach(speaker)
    try:
        for _ in range(trials):  # the read-selection hotkey's path, from the key's command on
            listener.first_sentence.clear()
            t0 = time.perf_counter()
            controller.command("read-selection")
            listener.first_sentence.wait(30)
            selected.append(listener.first_at - t0)
            speaker.stop()
        for _ in range(trials):
            listener.first_sentence.clear()
            t0 = time.perf_counter()
            speaker.say(sentence)
            listener.first_sentence.wait(30)
            first.append(listener.first_at - t0)
            time.sleep(0.3)  # let it sound before pausing: silence must come from the fade
            sink.watch_silence()
            t1 = time.perf_counter()
            speaker.pause()
            if sink.wait_silent(SILENCE_TIMEOUT_S):
                pauses.append(time.perf_counter() - t1)
            speaker.resume()
            time.sleep(0.2)
            sink.watch_silence()
            t2 = time.perf_counter()
            speaker.stop()
            if sink.wait_silent(SILENCE_TIMEOUT_S):
                stops.append(time.perf_counter() - t2)
        listener.done.clear()
        underruns = sink.underruns
        t3 = time.perf_counter()
        speaker.say(paragraph)
        listener.done.wait(600)
        paragraph_s = time.perf_counter() - t3
        underruns = sink.underruns - underruns
        latency = getattr(sink, "latency", 0.0)
    finally:
        controller.close()
        selection.close()
        speaker.close()
        sink.close()
    return {
        "audio_output": output,
        "output_latency_ms": round(latency * 1000, 1),
        "say_to_first_sample_ms": _ms(first),
        "read_selection_to_first_sample_ms": _ms(selected),
        "selection_source": selection.source,
        "stop_to_silence_ms": _ms(stops) if stops else None,
        "pause_to_silence_ms": _ms(pauses) if pauses else None,
        "paragraph_underruns": underruns,
        "paragraph_play_s": round(paragraph_s, 2),
        "errors": listener.errors[:3],
    }


__all__ = ["measure_playback"]
