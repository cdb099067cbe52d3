"""The repeat cache and speculative preparation, on the fake engine: what runs the model,
what reaches the sink, and what cancels what."""
import threading

import numpy as np
import pytest

from reader.audio.fake import FakeSink
from reader.speaker import Speaker, State
from reader.synth.chunk_cache import ChunkCache
from reader.synth.synthesizer import Synthesizer
from reader.types import Utterance
from tests.fakes import FakeEngine, FakeG2P, fake_voices, language_of
from tests.listeners import SpeakerEvents
from tests.signals import joined

TEXT = "First sentence is here. Second one follows now. Third and last."
OTHER = "Something else entirely was selected. It has two sentences."


def test_cache_keeps_the_most_recent_within_its_sample_budget():
    cache = ChunkCache(max_samples=100)
    cache.put("a", np.zeros(40, np.float32))
    cache.put("b", np.zeros(40, np.float32))
    assert cache.get("a") is not None  # a is now the most recent
    cache.put("c", np.zeros(40, np.float32))  # over budget: b, the least recent, goes
    assert cache.get("b") is None and cache.get("a") is not None and cache.get("c") is not None
    assert cache.samples == 80
    cache.put("huge", np.zeros(101, np.float32))  # larger than the budget: not kept
    assert cache.get("huge") is None and len(cache) == 2


def test_cached_audio_is_read_only():
    cache = ChunkCache(max_samples=100)
    stored = cache.put("a", np.ones(10, np.float32))
    with pytest.raises(ValueError):
        stored[0] = 0.0


def _synth(tmp_path, engine, cache=True):
    return Synthesizer(engine, fake_voices(tmp_path), FakeG2P(), language_of,
                       cache=ChunkCache(24_000 * 60) if cache else None)


def test_a_repeat_plays_from_the_cache_without_g2p_or_model(tmp_path):
    engine = FakeEngine()
    synth = _synth(tmp_path, engine)
    first = joined(synth.stream(Utterance(TEXT)))
    calls, g2p_calls = len(engine.calls), len(synth.g2p.calls)
    again = joined(synth.stream(Utterance(TEXT)))
    assert np.array_equal(first, again)
    assert len(engine.calls) == calls and len(synth.g2p.calls) == g2p_calls
    joined(synth.stream(Utterance(TEXT, speed=1.5)))  # another speed is other audio
    joined(synth.stream(Utterance(TEXT, voice="af_bella")))  # and so is another voice
    assert len(engine.calls) == 3 * calls


@pytest.fixture
def rig(tmp_path):
    engine = FakeEngine()
    synth = _synth(tmp_path, engine)
    sink = FakeSink()
    events = SpeakerEvents()
    speaker = Speaker(synth, sink, listener=events)
    yield speaker, sink, events, engine, synth
    sink.stop_clock()
    speaker.close()


def _wait_for_cache(synth, entries: int) -> None:
    done = threading.Event()
    for _ in range(500):  # the worker fills the cache; each check waits a little
        if len(synth.cache) >= entries:
            return
        done.wait(0.01)
    raise AssertionError(f"cache has {len(synth.cache)} entries, expected {entries}")


def test_prepare_makes_the_first_chunks_and_never_plays_them(rig):
    speaker, sink, events, engine, synth = rig
    speaker.prepare(TEXT)
    _wait_for_cache(synth, 2)
    speaker.close()  # the worker has stopped: nothing more can happen
    assert len(engine.calls) == 2  # the first chunk and the one after it, no more
    assert sink.queued == 0 and sink.played().size == 0 and events.events == []
    assert speaker.state is State.IDLE


def test_on_a_slow_computer_prepare_goes_on_through_the_text(rig):
    speaker, sink, events, engine, synth = rig
    synth.pace.add(frames=40, seconds=2.0)  # 1 s of audio took 2 s: 0.5x, the rest would be late
    speaker.prepare(TEXT)
    _wait_for_cache(synth, 3)  # every sentence, not just the first two chunks
    speaker.close()
    assert len(engine.calls) == 3 and sink.played().size == 0 and events.events == []


def test_say_after_prepare_starts_from_ready_audio(rig):
    speaker, sink, events, engine, synth = rig
    speaker.prepare(TEXT)
    _wait_for_cache(synth, 2)
    runs_at_write = []
    write = sink.write
    sink.write = lambda samples, generation, mark=None, ends_word=False, wait_at=None: (
        runs_at_write.append(len(engine.calls)) or write(samples, generation, mark, ends_word=ends_word,
                                                         wait_at=wait_at))
    sink.start_clock(speed=40)
    speaker.say(TEXT)
    events.wait_for("finished")
    assert runs_at_write[0] == 2  # the first chunk went out before any new model run
    chunks = len(list(Synthesizer(FakeEngine(), synth.voices, FakeG2P(), language_of).stream(Utterance(TEXT))))
    assert len(engine.calls) == chunks  # every chunk synthesized once, prepared ones not again


def test_say_of_other_text_cancels_the_preparation_at_once(tmp_path):
    started = threading.Event()
    engine = FakeEngine(block=started)  # a model run that lasts until cancelled
    synth = _synth(tmp_path, engine)
    sink = FakeSink()
    events = SpeakerEvents()
    speaker = Speaker(synth, sink, listener=events)
    try:
        speaker.prepare(TEXT)
        assert started.wait(5)
        engine.block = None  # runs from now on finish at once
        sink.start_clock(speed=40)
        speaker.say(OTHER)
        events.wait_for("finished")
        # OTHER was synthesized; the cancelled run of TEXT left nothing in the cache
        assert len(synth.cache) >= 1
        assert all(key.text in OTHER for key in synth.cache._items)
    finally:
        sink.stop_clock()
        speaker.close()


def test_prepare_is_ignored_while_speaking(rig):
    speaker, sink, events, engine, synth = rig
    speaker.say(TEXT)
    events.wait_for("state", "speaking")
    calls = len(engine.calls)
    speaker.prepare(OTHER)
    sink.start_clock(speed=40)
    events.wait_for("finished")
    assert all(key.text not in OTHER for key in synth.cache._items)
    assert len(engine.calls) >= calls


def test_every_run_skips_the_silent_edges(tmp_path):
    engine = FakeEngine()
    synth = _synth(tmp_path, engine)
    joined(synth.stream(Utterance(TEXT)))
    assert len(engine.speech_only) > 1 and all(engine.speech_only)
