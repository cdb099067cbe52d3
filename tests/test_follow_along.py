"""Follow-along end to end: the real daemon reads a paragraph on the test audio server while
`ctl status` is asked every 20 ms which word is heard; the recording is then force-aligned
(tests/aligner.py, pocketsphinx: median 11-15 ms on speech with known word starts, where
Whisper tiny.en's word timestamps were off by a median 107 ms) to the words in the order
status named them. So the check is twofold: that order is what was said (else the alignment
fails or lands far off), and each word lit when its sound started.

Pause/resume, a speed change and a previous-sentence jump happen while it reads. The reading
view is open meanwhile: status also gives the word it lights ("view_word"), held to the same
limits.
"""
from __future__ import annotations

import difflib
import threading
import time
from pathlib import Path

import pytest

from reader.daemon import ipc
from tests import aligner
from tests import word_timing as wt
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
        self.lit: list[tuple[float, int, int]] = []  # (time, start, end): what the reading view lit
        self.states: list[str] = []
        self._on_sentence = on_sentence
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="status-watch", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        sentence = None
        last = None  # what the last answer named, None included: a word named again after
        # nothing was (a speed change or a jump restarts it) is heard again
        last_view = None
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
            view = status.get("view_word")
            if view is not None and (view != last_view):
                self.lit.append((at, *view))
            last_view = view
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

    assert ipc.send("view", path=path)["ok"]  # the reading view follows along too
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
    onsets: list[float | None] = []  # each named word's sound, by the aligner (None: not a dictionary word)
    spoken = iter(aligned)
    for _, word in named:
        if aligner._word(word):
            said, onset, _ = next(spoken)
            assert said == aligner._word(word)
            onsets.append(recorder.time_of(start + onset * REC_RATE))
        else:
            onsets.append(None)
    status = [(t, (a, b), onset) for (t, _, a, b), onset in zip(watch.words, onsets)]
    # The view keeps its highlight while a restart is being made, so a word replayed after a
    # speed change or a jump is one lighting there: compare runs of the same word.
    runs = [entry for k, entry in enumerate(status) if k == 0 or status[k - 1][1] != entry[1]]
    lit = [(t, (a, b)) for k, (t, a, b) in enumerate(watch.lit) if k == 0 or watch.lit[k - 1][1:] != (a, b)]
    # The same words in the same order; a word shorter than the view's 20 ms tick plus this
    # 20 ms sampling may be seen by one and not the other.
    matcher = difflib.SequenceMatcher(None, [span for _, span in lit], [span for _, span, _ in runs], autojunk=False)
    pairs = [(lit[m.a + k][0], runs[m.b + k][2]) for m in matcher.get_matching_blocks() for k in range(m.size)]
    assert len(pairs) >= 0.9 * len(runs) and len(pairs) >= 0.9 * len(lit), "the view lit other words"
    for source, pairs in (("status", [(t, onset) for t, _, onset in status]), ("view", pairs)):
        errors = [t - onset for t, onset in pairs if onset is not None]
        figures = {**wt.figures(errors), "earliest_ms": round(min(errors) * 1000, 1)}
        print(f"follow-along ({source}): {figures}; the view lit {len(lit)} words, status named {len(runs)}")
        assert figures["n"] >= 40  # every word of four sentences, one of them twice
        assert figures["median_abs_ms"] <= 60 and figures["p95_abs_ms"] <= 150, (source, figures)
        assert figures["earliest_ms"] >= -100, (source, figures)  # never lit well before it is heard
