"""Follow-along end to end: the real daemon reads a paragraph on the test audio server while
`ctl status` is asked every 20 ms which word is heard; the recording is then force-aligned
(tests/aligner.py, pocketsphinx: median 11-15 ms on speech with known word starts, where
Whisper tiny.en's word timestamps were off by a median 107 ms) to the words in the order
status named them. So the check is twofold: that order is what was said (else the alignment
fails or lands far off), and each word lit when its sound started.

Pause/resume, a speed change and a previous-sentence jump happen while it reads. The reading
view shows exactly what status gives (Speaker.heard(); tests/test_reading_view.py).
"""
from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from reader.daemon import ipc
from tests import aligner
from tests.desktop import poll
from tests.signals import REC_RATE

pytestmark = [pytest.mark.model, pytest.mark.audio]

PARAGRAPH = ("The lighthouse keeper climbed the narrow stairs every evening. "
             "From the top he watched the ships come home across the bay. "
             "In winter the storms were loud and the nights were long. "
             "Still he never missed a single evening at the lamp.")


@pytest.fixture
def daemon(daemon_factory):
    d = daemon_factory()
    d.wait_state("idle")
    return d


class Watch:
    """Asks the daemon's status every 20 ms on a thread; keeps when each word was first named."""

    def __init__(self, path: Path, on_sentence) -> None:
        self.path = path
        self.words: list[tuple[float, int, int, int]] = []  # (time named, utterance, start, end)
        self.states: list[str] = []
        self._on_sentence = on_sentence
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="status-watch", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        sentence = None
        last = None  # what the last answer named, None included: a word named again after
        # nothing was (a speed change or a jump restarts it) is heard again
        while not self._stop.wait(0.02):
            before = time.monotonic()
            status = ipc.send("status", path=self.path)
            at = (before + time.monotonic()) / 2
            self.states.append(status["state"])
            word = status.get("word")
            now = None if word is None else (status["utterance"], *word)
            if now is not None and now != last:
                self.words.append((at, *now))
            last = now
            if status.get("sentence") is not None and status["sentence"] != sentence:
                sentence = status["sentence"]
                # On a thread of its own: the steering waits, the watching must not.
                threading.Thread(target=self._on_sentence, args=(sentence,), daemon=True).start()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)


def test_the_word_status_names_is_the_word_being_heard(daemon, recorder):
    """Median |error| <= 60 ms, p95 <= 150 ms, never lit more than 100 ms before its sound:
    through a pause and resume (sentence 1), a speed change (sentence 2) and a jump back
    (sentence 3, just begun: back to sentence 2)."""
    path = Path(daemon.env["KOKORO_READER_SOCKET"])
    steps: list[str] = []

    def on_sentence(index: int) -> None:  # the watcher's thread: steer as a user would
        if index == 1 and "pause" not in steps:
            time.sleep(1.0)  # into the sentence
            steps.append("pause")
            ipc.send("pause", path=path)
            time.sleep(0.8)
            ipc.send("resume", path=path)
        elif index == 2 and "faster" not in steps:
            time.sleep(0.6)
            steps.append("faster")
            ipc.send("faster", path=path)
        elif index == 3 and "previous" not in steps:
            steps.append("previous")
            ipc.send("previous", path=path)

    began = time.monotonic()
    watch = Watch(path, on_sentence)
    try:
        assert ipc.send("say", path=path, text=PARAGRAPH)["ok"]
        poll("speaking", lambda: "speaking" in watch.states, timeout=60)
        poll("finished", lambda: watch.states[-1] == "idle" and len(steps) == 3, timeout=180, every=0.1)
    finally:
        watch.close()
    assert steps == ["pause", "faster", "previous"]
    assert {u for _, u, _, _ in watch.words} == {watch.words[0][1]}  # one text, one number throughout

    # The words in the order they were lit, as one text to align to the whole recording.
    named = [(t, PARAGRAPH[a:b]) for t, _, a, b in watch.words]
    start = recorder.index_at(began)
    audio = recorder.samples()[start:]
    aligned = aligner.align(audio, REC_RATE, " ".join(w for _, w in named))
    assert len(aligned) == len([w for _, w in named if aligner._word(w)]), "the lit words are not what was said"
    spoken = iter(aligned)
    errors = []
    for lit_at, word in named:
        if not aligner._word(word):
            continue
        said, onset, _ = next(spoken)
        assert said == aligner._word(word)
        errors.append(lit_at - recorder.time_of(start + onset * REC_RATE))
    e = np.asarray(errors) * 1000
    figures = {"words": len(e), "median_abs_ms": round(float(np.median(np.abs(e))), 1),
               "p95_abs_ms": round(float(np.percentile(np.abs(e), 95)), 1),
               "earliest_ms": round(float(e.min()), 1), "signed_median_ms": round(float(np.median(e)), 1)}
    print(f"follow-along: {figures}")
    print("follow-along errors (ms):", [(w, round(x)) for (_, w), x in zip([n for n in named if aligner._word(n[1])], e)])
    assert len(e) >= 40  # every word of four sentences, one of them twice
    assert figures["median_abs_ms"] <= 60 and figures["p95_abs_ms"] <= 150, figures
    assert figures["earliest_ms"] >= -100, figures  # never lit well before it is heard
