"""Speaker unit tests: a fake sink and a fake engine, exact event sequences, no sleeps."""

import numpy as np
import pytest

from reader.audio.fake import FakeSink
from reader.speaker import Speaker, State
from reader.synth.synthesizer import Synthesizer
from reader.types import PAUSE_RANGE, ReaderError
from tests.fakes import FakeEngine, FakeG2P, fake_voices, language_of
from tests.listeners import SpeakerEvents

TEXT = "First sentence is here. Second one follows now. Third and last."


@pytest.fixture
def rig(tmp_path):
    engine = FakeEngine()
    synth = Synthesizer(engine, fake_voices(tmp_path), FakeG2P(), language_of)
    sink = FakeSink()
    listener = SpeakerEvents()
    speaker = Speaker(synth, sink, listener=listener)
    yield speaker, sink, listener, engine
    sink.stop_clock()
    speaker.close()


def test_say_plays_every_sentence_then_finishes(rig):
    speaker, sink, events, _ = rig
    sink.start_clock(speed=40)
    speaker.say(TEXT)
    events.wait_for("finished")
    events.wait_for("state", "idle")
    assert events.events == [("state", "speaking"), ("sentence", 0), ("sentence", 1), ("sentence", 2),
                             ("finished",), ("state", "idle")]
    assert sink.underruns == 0
    assert speaker.state is State.IDLE


def test_stop_silences_within_a_block_and_drops_late_chunks(rig):
    speaker, sink, events, engine = rig
    speaker.say(TEXT)
    sink.start_clock(speed=40)
    events.wait_for("sentence", 0)
    sink.stop_clock()
    speaker.stop()
    tail = sink.advance(2 * sink.block)
    assert np.abs(tail[sink.block:]).max() == 0.0  # silent after one block
    events.wait_for("state", "idle")
    sink.advance(24_000)
    assert ("sentence", 1) not in events.events and ("finished",) not in events.events
    assert events.events == [("state", "speaking"), ("sentence", 0), ("state", "idle")]


def test_pause_and_resume_continue_where_they_paused(rig):
    speaker, sink, events, _ = rig
    speaker.say(TEXT)
    sink.start_clock(speed=40)
    events.wait_for("sentence", 0)
    sink.stop_clock()
    speaker.pause()
    position = sink.position
    after_fade = sink.advance(4 * sink.block)
    assert np.abs(after_fade[-sink.block:]).max() == 0.0
    silent = sink.advance(10 * sink.block)
    assert np.abs(silent).max() == 0.0 and sink.position <= position + sink.block
    events.wait_for("state", "paused")
    speaker.resume()
    events.wait_for("state", "speaking")
    sink.start_clock(speed=40)
    events.wait_for("finished")
    assert [e for e in events.events if e[0] == "state"] == [
        ("state", "speaking"), ("state", "paused"), ("state", "speaking"), ("state", "idle")]


def test_say_replaces_what_is_playing(rig):
    speaker, sink, events, _ = rig
    sink.start_clock(speed=40)
    speaker.say(TEXT)
    events.wait_for("sentence", 0)
    speaker.say("Only this. And this.")
    events.wait_for("finished")
    sentences = [e for e in events.events if e[0] == "sentence"]
    assert sentences[-2:] == [("sentence", 0), ("sentence", 1)]
    assert events.events.count(("finished",)) == 1


def test_next_and_previous_sentence(rig):
    speaker, sink, events, _ = rig
    now = [0.0]
    speaker._clock = lambda: now[0]
    sink.start_clock(speed=40)
    speaker.say(TEXT)
    events.wait_for("sentence", 0)
    speaker.next_sentence()
    events.wait_for("sentence", 1)
    now[0] += 5.0  # well into sentence 1: previous restarts it
    speaker.previous_sentence()
    events.wait_for("sentence", 1, count=2)
    speaker.previous_sentence()  # just restarted: previous goes back one
    events.wait_for("sentence", 0, count=2)
    events.wait_for("finished")
    order = [e[1] for e in events.events if e[0] == "sentence"]
    assert order[:4] == [0, 1, 1, 0] and order[-2:] == [1, 2]


def test_speed_change_resynthesizes_from_the_heard_chunk(rig):
    speaker, sink, events, engine = rig
    speaker.say(TEXT)
    sink.start_clock(speed=40)
    events.wait_for("sentence", 0)
    calls_before = len(engine.calls)
    speaker.set_speed(1.5)
    events.wait_for("finished")
    assert speaker.speed == 1.5 and len(engine.calls) > calls_before
    # the same sentence goes on: no second "sentence 0" event
    assert [e[1] for e in events.events if e[0] == "sentence"] == [0, 1, 2]


def test_bad_voice_and_speed_raise_at_once(rig):
    speaker, *_ = rig
    with pytest.raises(ReaderError):
        speaker.say("Hi.", voice="nobody")
    with pytest.raises(ReaderError):
        speaker.set_speed(5.0)
    assert speaker.state is State.IDLE


def test_device_failure_is_an_error_event_and_the_next_say_plays(rig):
    speaker, sink, events, _ = rig
    speaker.say(TEXT)
    sink.start_clock(speed=40)
    events.wait_for("sentence", 0)
    sink.stop_clock()
    sink.fail()
    events.wait_for("state", "error")
    assert any(e[0] == "error" for e in events.events)
    speaker.say("Back again.")
    sink.start_clock(speed=40)
    events.wait_for("finished")
    assert speaker.state is State.IDLE


def test_volume_reaches_the_sink(rig):
    speaker, sink, *_ = rig
    speaker.set_volume(0.25)
    assert sink.volume == 0.25


def test_prefetch_synthesizes_ahead_of_playback_and_plays_in_order(tmp_path):
    engine = FakeEngine()
    synth = Synthesizer(engine, fake_voices(tmp_path), FakeG2P(), language_of)
    sink = FakeSink(buffer_s=2.0)  # small: the worker must wait for room, as with a long text
    listener = SpeakerEvents()
    speaker = Speaker(synth, sink, listener=listener)
    try:
        speaker.say(TEXT)
        assert sink.producer_waiting.wait(10)  # the queue is full and nothing has played yet
        assert sink.position == 0 and len(engine.calls) >= 2
        sink.start_clock(speed=40)
        listener.wait_for("finished")
        assert [e[1] for e in listener.events if e[0] == "sentence"] == [0, 1, 2]
        assert sink.underruns == 0
    finally:
        sink.stop_clock()
        speaker.close()


def _gaps(x: np.ndarray) -> list[int]:
    """Lengths of the silent stretches between sounds, in samples, longest first."""
    loud = np.flatnonzero(np.abs(x) > 1e-4)
    gaps = np.diff(loud) - 1
    return sorted(gaps[gaps > 100].tolist(), reverse=True)


def test_sentence_pause_adds_silence_between_sentences_only(rig):
    speaker, sink, events, _ = rig
    text = "One two three four five six seven. Eight nine ten eleven twelve."
    sink.start_clock(speed=40)
    heard = []
    for pause in (0.0, 0.25):
        speaker.set_sentence_pause(pause)
        start = len(sink.played())
        speaker.say(text)
        events.wait_for("finished", count=len(heard) + 1)
        events.wait_for("state", "idle", count=len(heard) + 1)
        heard.append(_gaps(sink.played()[start:]))
    sink.stop_clock()
    assert sink.underruns == 0  # so every silence measured is one the Speaker or the engine made
    without, with_pause = heard
    assert len(without) == len(with_pause) >= 2
    assert with_pause[0] - without[0] == 0.25 * 24_000  # the one sentence boundary is longer
    assert with_pause[1:] == without[1:]  # pauses within a sentence are not
    assert [e[1] for e in events.events if e[0] == "sentence"] == [0, 1, 0, 1]


def test_sentence_pause_is_clamped(rig):
    speaker, *_ = rig
    speaker.set_sentence_pause(-1)
    assert speaker.sentence_pause == 0.0
    speaker.set_sentence_pause(60)
    assert speaker.sentence_pause == PAUSE_RANGE[1]  # the settings' limit, one home: reader.types


def _words_heard(speaker, sink, events, until) -> list[tuple[int, str]]:
    """Play block by block; the words heard() names, in order, each once."""
    seen: list[tuple[int, str]] = []
    for _ in range(10_000):
        sink.advance(sink.block)
        heard = speaker.heard()
        if heard is not None and heard.word is not None:
            assert heard.text == TEXT and heard.sentence.start <= heard.word.start < heard.word.end <= heard.sentence.end
            now = (heard.utterance, TEXT[heard.word.start:heard.word.end])
            if not seen or seen[-1] != now:
                seen.append(now)
        if until():
            return seen
        if not sink.queued:
            events.wait_for("state", "speaking")  # the worker has more to write: let it
            sink.producer_waiting.wait(0.005)
    raise AssertionError(f"did not finish; heard {seen}")


def test_the_word_heard_now_follows_the_audio_in_the_users_text(rig):
    """heard() names every word of the text in order while it plays, under one number
    per say(); a previous-sentence jump keeps the number, a new say() takes the next."""
    speaker, sink, events, _ = rig
    assert speaker.heard() is None
    idle = lambda: speaker.state is State.IDLE  # noqa: E731 (set when the end is played)
    speaker.say(TEXT)
    seen = _words_heard(speaker, sink, events, idle)
    words = TEXT.replace(".", "").split()
    assert seen == [(1, w) for w in words]
    speaker.say(TEXT)
    seen = _words_heard(speaker, sink, events, lambda: (speaker.sentence or (0,))[0] == 1)
    assert seen[:5] == [(2, w) for w in words[:5]]
    speaker.previous_sentence()  # within RESTART_WINDOW_S of its start: back to sentence 0
    seen = _words_heard(speaker, sink, events, idle)
    assert seen == [(2, w) for w in words]
    speaker.say(TEXT)
    _words_heard(speaker, sink, events, lambda: speaker.heard() is not None)
    speaker.stop()
    assert speaker.heard() is None


def test_next_and_previous_word_and_reading_from_a_word(rig):
    speaker, sink, events, _ = rig
    idle = lambda: speaker.state is State.IDLE  # noqa: E731
    speaker.say(TEXT)
    _words_heard(speaker, sink, events, lambda: speaker.heard() is not None and speaker.heard().word is not None
                 and TEXT[speaker.heard().word.start:].startswith("is"))
    speaker.next_word()  # from "is" to "here"
    assert _words_heard(speaker, sink, events, lambda: speaker.heard() is not None
                        and speaker.heard().word is not None)[0] == (1, "here")
    speaker.previous_word()  # back to "is"
    seen = _words_heard(speaker, sink, events, lambda: speaker.heard() is not None and speaker.heard().word is not None)
    assert seen[0] == (1, "is")
    speaker.pause()
    speaker.read_from(TEXT.index("Third"))  # a click in the reading view: plays, even paused
    seen = _words_heard(speaker, sink, events, idle)
    assert seen == [(1, "Third"), (1, "and"), (1, "last")]
    events.wait_for("finished")
    assert [e for e in events.events if e[0] == "sentence"][-1] == ("sentence", 2)  # its number in the text


def test_what_is_heard_lags_what_is_played_by_the_output_latency():
    class LateSink(FakeSink):
        late_s = 0.05  # 1200 samples on their way to the ear

        @property
        def latency(self) -> float:
            return self.late_s

    sink = LateSink()
    assert sink.heard() is None
    sink.write(np.full(4800, 0.1, np.float32), 0, "a")
    sink.write(np.full(4800, 0.1, np.float32), 0, "b")
    sink.advance(1200)
    assert sink.heard() is None  # played, not heard yet
    sink.advance(1200)
    assert sink.heard() == ("a", 1200)
    sink.advance(4800)  # 7200 played: 6000 heard, 1200 of them into b
    assert sink.heard() == ("b", 1200)
    sink.pause()
    sink.advance(480)
    paused = sink.heard()
    assert paused[0] == "b" and 1200 <= paused[1] <= 1200 + 240  # the fade-out, no more
    sink.late_s = 0.2  # a larger latency reported: what was heard stays heard
    assert sink.heard() == paused
    sink.flush(1)
    assert sink.heard() is None
