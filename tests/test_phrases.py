"""The phrase cache (synth/phrases.py, speechd/keeper.py): a screen reader's letters, keys
and roles made once, pinned, kept on disk per model, voice and speed, and played without
the model. Unit tests on the fake engine; the module's timing is in test_speechd_audio."""
from __future__ import annotations

import os

import numpy as np
import pytest

from reader.audio.fake import FakeSink
from reader.speaker import Speaker
from reader.speechd.keeper import PhraseKeeper
from reader.speechd.names import SCREEN_READER_PHRASES, char_name, key_name
from reader.synth.chunk_cache import ChunkCache
from reader.synth.phrases import MAX_SETS, PhraseStore, fingerprint
from reader.synth.synthesizer import PinnedChunk, Synthesizer
from reader.types import Span, Word
from tests.fakes import FakeEngine, FakeG2P, fake_voices, language_of
from tests.listeners import SpeakerEvents

PHRASES = ("a", "capital B", "shift")


def test_pinned_entries_outlive_the_lru_and_clear():
    cache = ChunkCache(max_samples=10)
    cache.put("x", np.zeros(6, np.float32))
    assert cache.pin("x") and not cache.pin("missing")
    for key in "abc":
        cache.put(key, np.zeros(6, np.float32))  # each evicts the one before: the LRU holds 10
    cache.clear()
    assert cache.get("x") is not None and cache.get("c") is None
    cache.unpin_all()
    assert cache.get("x") is None


def _chunk(text: str, n: int = 2400) -> PinnedChunk:
    audio = (0.5 * np.sin(np.arange(n) / 10)).astype(np.float32)
    return PinnedChunk(text, True, "af_heart", 1.0, "en-us", audio, (Word(Span(0, len(text)), 10, n - 10),))


def test_the_store_keeps_sets_whole_and_bounded(tmp_path):
    store = PhraseStore(tmp_path / "phrases")
    store.save("one", ["a", "b"], [_chunk("a"), _chunk("b", 4800)])
    phrases, chunks = store.load("one")
    assert phrases == ["a", "b"] and [c.text for c in chunks] == ["a", "b"]
    assert np.abs(chunks[1].audio - _chunk("b", 4800).audio).max() < 1e-4  # 16-bit on disk
    assert chunks[0].words == _chunk("a").words
    assert store.load("none") == ([], [])
    (tmp_path / "phrases" / "one.npz").write_bytes(b"not a zip")
    assert store.load("one") == ([], [])  # damaged: made again
    for i in range(MAX_SETS + 2):
        store.save(f"set{i}", ["a"], [_chunk("a")])
        os.utime(tmp_path / "phrases" / f"set{i}.npz", (i + 1e9, i + 1e9))  # in order, whatever the clock
    kept = sorted(p.stem for p in (tmp_path / "phrases").glob("*.npz"))
    assert len(kept) == MAX_SETS and "set0" not in kept and f"set{MAX_SETS + 1}" in kept


def test_a_set_is_named_by_the_model_the_voice_file_and_the_speed(tmp_path):
    model, voice = tmp_path / "model.onnx", tmp_path / "af_heart.bin"
    model.write_bytes(b"m")
    voice.write_bytes(b"v")
    name = fingerprint(model, voice, "af_heart", 1.0)
    assert fingerprint(model, voice, "af_heart", 1.0) == name
    assert fingerprint(model, voice, "af_heart", 1.25) != name
    os.utime(voice, ns=(1, 1))
    assert fingerprint(model, voice, "af_heart", 1.0) != name  # a new voice file: made again


def test_every_character_and_common_key_a_screen_reader_sends_is_a_phrase():
    assert {char_name(c) for c in "abcxyzABZ0123456789.,;:!?'\"-_()[]{}<>=+*/\\|&@#$%^~ "} <= set(SCREEN_READER_PHRASES)
    keys = ("Shift_L", "Control_R", "Alt_L", "Tab", "Return", "Escape", "BackSpace", "Delete", "Home", "End",
            "Prior", "Next", "Up", "Down", "Left", "Right", "F1", "F12", "space", "Caps_Lock")
    assert {key_name(k) for k in keys} <= set(SCREEN_READER_PHRASES)


@pytest.fixture
def rig(tmp_path):
    engine = FakeEngine()
    synth = Synthesizer(engine, fake_voices(tmp_path), FakeG2P(), language_of, cache=ChunkCache(10 ** 7))
    sink = FakeSink()
    events = SpeakerEvents()
    speaker = Speaker(synth, sink, listener=events)
    files = tmp_path / "model.onnx", tmp_path / "af_heart.bin"
    files[0].write_bytes(b"m")
    yield engine, synth, speaker, sink, events, PhraseStore(tmp_path / "phrases"), (lambda voice: files)
    speaker.close()


def test_phrases_are_made_once_kept_on_disk_and_then_played_without_the_model(rig):
    engine, synth, speaker, sink, events, store, files = rig
    keeper = PhraseKeeper(speaker, synth, store, files, PHRASES)
    keeper.want("af_heart", 1.0)
    assert keeper.complete.wait(10)
    made = len(engine.calls)
    assert made == len(PHRASES)  # one model call each
    keeper.close()
    assert len(list(store.folder.glob("*.npz"))) == 1

    # A new process: a cold cache, the set read from disk, the model not run again.
    synth.cache.unpin_all()
    synth.cache.clear()
    again = PhraseKeeper(speaker, synth, store, files, PHRASES)
    again.want("af_heart", 1.0)
    assert again.complete.wait(10)
    again.close()
    assert len(engine.calls) == made
    sink.start_clock()
    speaker.say("capital B")
    events.wait_for("finished", timeout=10)
    assert len(engine.calls) == made  # played from the pinned audio


def test_a_request_stops_the_making_between_phrases_and_it_goes_on_after(rig):
    engine, synth, speaker, sink, events, store, files = rig
    sink.start_clock()
    phrases = SCREEN_READER_PHRASES[:40]
    speaker.keep(phrases, "af_heart", 1.0)
    speaker.say("stop making phrases")  # at once: the keeping stops after the phrase in hand
    events.wait_for("finished", timeout=10)
    assert len(synth.pinned()) < len(phrases) / 2
    keeper = PhraseKeeper(speaker, synth, store, files, phrases)
    keeper.want("af_heart", 1.0)  # as after a message: what is missing is made
    assert keeper.complete.wait(20)
    keeper.close()
    assert {c.text for c in synth.pinned()} == set(phrases)
    assert len(list(store.folder.glob("*.npz"))) == 1


def test_keeping_waits_for_idle_plays_nothing_and_leaves_the_pace_alone(rig):
    """keep() while a text is spoken is refused (asked again after it: an earlier version
    queued it behind the text, whose end was then never drained and never reported); what
    it makes is never heard and does not count as the pace of reading."""
    engine, synth, speaker, sink, events, store, files = rig
    sink.start_clock()
    speaker.say("hello there")
    speaker.keep(PHRASES, "af_heart", 1.0)
    events.wait_for("finished", timeout=10)
    assert not synth.pinned()
    pace = (synth.pace.pace, len(engine.calls))
    played = len(sink.played())
    keeper = PhraseKeeper(speaker, synth, store, files, PHRASES)
    keeper.want("af_heart", 1.0)
    assert keeper.complete.wait(10)
    keeper.close()
    assert len(engine.calls) == pace[1] + len(PHRASES) and synth.pace.pace == pace[0]
    out = sink.played()[played:]
    assert not np.abs(out).max(initial=0.0) > 0, "a pinned phrase was heard"
