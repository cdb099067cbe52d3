"""Synthesizer unit tests on a fake engine and G2P: chunk order, flags, spans, limits, cancel."""
import threading

import numpy as np
import pytest

from reader.synth.synthesizer import Synthesizer, SynthOptions
from reader.types import CancelToken, ReaderError, Utterance
from tests.fakes import FakeEngine, FakeG2P, FakeWindowedEngine, fake_voices, language_of
from tests.signals import joined


@pytest.fixture
def parts(tmp_path):
    return FakeEngine(), FakeG2P(), fake_voices(tmp_path)


def make(parts, **options):
    engine, g2p, voices = parts
    return Synthesizer(engine, voices, g2p, language_of, SynthOptions(**options))


TEXT = "Hello there, my dear old friend from school. How are you today? I hope all is well."


def test_chunks_stream_in_order_with_spans_and_last_flag(parts):
    chunks = list(make(parts).stream(Utterance(TEXT)))
    assert [c.is_last for c in chunks] == [False] * (len(chunks) - 1) + [True]
    assert [c.sentence_index for c in chunks] == sorted(c.sentence_index for c in chunks)
    assert {c.sentence_index for c in chunks} == {0, 1, 2}
    for c in chunks:
        assert c.samples.dtype == np.float32 and c.sample_rate == 24_000
        assert TEXT[c.span.start:c.span.end].strip()
    # the first chunk is short, so sound starts early; later ones grow
    engine = parts[0]
    assert len(engine.calls[0]) < max(len(call) for call in engine.calls[1:])


def test_first_chunk_is_synthesized_before_the_rest(parts):
    engine = parts[0]
    stream = make(parts).stream(Utterance(TEXT))
    next(stream)
    assert len(engine.calls) == 1  # the first chunk is yielded without waiting for the second


def test_silence_is_trimmed_and_gaps_added(parts):
    options = SynthOptions(sentence_pause_s=0.25)
    chunks = list(make(parts, sentence_pause_s=0.25).stream(Utterance("One two three four five six seven.")))
    audio = joined(iter(chunks))
    # the fake engine puts 0.3 s of silence on each side: trimmed to lead/tail + the configured gap
    lead = np.argmax(np.abs(audio) > 0.01) / 24_000
    assert lead < 0.03
    tail = (len(audio) - len(np.trim_zeros(audio, "b"))) / 24_000
    assert options.sentence_pause_s <= tail <= options.sentence_pause_s + 0.06


def test_voice_language_picks_g2p(parts):
    g2p = parts[1]
    list(make(parts).stream(Utterance("Good morning.", voice="bf_emma")))
    assert {lang for _, lang in g2p.calls} == {"en-gb"}
    list(make(parts).stream(Utterance("Good morning.", voice="af_heart:0.2,bf_emma:0.8")))
    assert g2p.calls[-1][1] == "en-gb"


def test_over_long_chunks_are_split_to_the_token_limit(parts):
    engine = parts[0]
    text = "a" * 2000  # one giant word: 2,000 phonemes in the fake G2P
    list(make(parts, max_chars=1000).stream(Utterance(text)))
    assert engine.calls and max(len(c) for c in engine.calls) <= 510
    assert sum(len(c) for c in engine.calls) == 2000


@pytest.mark.parametrize("text", ["", "   \n\t ", "\x00\x01\x02", "\ufffd\ufffd", "...", "!!! ???"])
def test_nothing_speakable_yields_nothing(parts, text):
    assert list(make(parts).stream(Utterance(text))) == []


def test_bad_speed_and_voice_fail_before_any_work(parts):
    engine = parts[0]
    with pytest.raises(ReaderError, match="speed"):
        list(make(parts).stream(Utterance(TEXT, speed=3.0)))
    with pytest.raises(ReaderError, match="af_heart"):
        list(make(parts).stream(Utterance(TEXT, voice="af_hart")))
    assert engine.calls == []


def test_cancel_between_chunks_stops_the_stream(parts):
    token = CancelToken()
    stream = make(parts).stream(Utterance(TEXT), token)
    next(stream)
    token.cancel()
    assert list(stream) == []


def test_cancel_during_a_model_run_ends_quietly(tmp_path):
    started = threading.Event()
    engine = FakeEngine(block=started)
    synth = Synthesizer(engine, fake_voices(tmp_path), FakeG2P(), language_of)
    token = CancelToken()
    result = []
    worker = threading.Thread(target=lambda: result.extend(synth.stream(Utterance(TEXT), token)))
    worker.start()
    assert started.wait(5)
    token.cancel()
    worker.join(5)
    assert not worker.is_alive() and result == []


def test_speed_shortens_audio(parts):
    slow = joined(make(parts).stream(Utterance(TEXT, speed=0.5)))
    fast = joined(make(parts).stream(Utterance(TEXT, speed=2.0)))
    assert len(fast) < len(slow) / 2


def _windowed(tmp_path, decode_s: list[float]):
    from reader.engine.windowed import NormPrior

    class Priors:
        def get(self, key):
            return NormPrior((), ())

    return Synthesizer(FakeWindowedEngine(decode_s), fake_voices(tmp_path), FakeG2P(), language_of,
                       SynthOptions(sentence_pause_s=0.0), priors=Priors())


WINDOWED = "Hello there, my dear old friend from the school by the river."


def _cuts(chunks) -> list[int]:
    """Sample positions (in the joined audio) where one part ends and the next begins."""
    return list(np.cumsum([len(c.samples) for c in chunks])[:-1])


def test_a_model_that_keeps_pace_plays_each_window_as_it_comes(tmp_path):
    # 0.01 s per 0.2 s window: every next window is ready long before the audio ahead ends.
    chunks = [c for c in _windowed(tmp_path, [0.01] * 6).stream(Utterance(WINDOWED)) if c.sentence_index == 0]
    assert len(chunks) == 6 and all(len(c.samples) == 4800 for c in chunks[:-1])
    assert [c.ends_word for c in chunks] == [False] * 5 + [True]  # joins mid-word: nothing waits there
    assert chunks[-1].is_last
    # ... unless a window comes late after all: each part names a point between words, before
    # the output's resampler holds back its last ~32 ms, where playback waits for the next.
    at, words = 0, []
    for c in chunks:
        words += [(at + w.start, at + w.end) for w in c.words]
        at += len(c.samples)
    at = 0
    for c in chunks[:-1]:
        assert c.wait_at is not None and 0 < c.wait_at <= len(c.samples) - 1200
        assert not any(a < at + c.wait_at < b for a, b in words), f"a wait point inside a word at {at + c.wait_at}"
        at += len(c.samples)
    assert chunks[-1].wait_at is None


def test_a_slow_model_pauses_only_between_words(tmp_path):
    # 1 s per 0.2 s window (5x slower than it plays): the audio in hand always runs out first.
    fast = [c for c in _windowed(tmp_path, [0.01] * 6).stream(Utterance(WINDOWED))]
    slow = [c for c in _windowed(tmp_path, [1.0] * 6).stream(Utterance(WINDOWED))]
    assert all(c.ends_word for c in slow)  # every part may be followed by a wait
    # The same audio, only cut elsewhere: at points between words, never inside one.
    assert sum(len(c.samples) for c in slow) == sum(len(c.samples) for c in fast)
    at, words = 0, []
    for c in slow:
        words += [(at + w.start, at + w.end) for w in c.words]
        at += len(c.samples)
    assert len(words) == 12 and [w for w in words if w[0] >= w[1]] == []
    for cut in _cuts(slow):
        assert not any(a < cut < b for a, b in words), f"a part ends inside a word at {cut}"
    # Each word's span is the user's text of that word.
    spans = [w.span for c in slow for w in c.words]
    assert [WINDOWED[s.start:s.end] for s in spans][:3] == ["Hello", "there", "my"]


def test_a_prepared_start_plays_before_the_rest_is_phonemized_or_encoded(tmp_path):
    from reader.synth.chunk_cache import ChunkCache

    synth = _windowed(tmp_path, [0.01] * 6)
    synth.cache = ChunkCache(24_000 * 60)
    fresh = joined(synth.stream(Utterance(WINDOWED)))
    synth.cache.clear()
    prepared = synth.stream(Utterance(WINDOWED), realtime=False)
    next(prepared), next(prepared)
    prepared.close()  # a prepare() that stopped after two windows
    g2p_calls, resumed = len(synth.g2p.calls), []
    run_windows = synth.engine.run_windows
    synth.engine.run_windows = lambda *a, **k: resumed.append(k["resume"]) or run_windows(*a, **k)
    stream = synth.stream(Utterance(WINDOWED))
    first = next(stream)
    # On a slow computer the G2P and the encoder took ~0.2 s before this sound.
    assert len(synth.g2p.calls) == g2p_calls and resumed == []
    rest = list(stream)
    assert resumed == [2] and len(synth.g2p.calls) == g2p_calls + 1
    np.testing.assert_array_equal(joined(iter([first, *rest])), fresh)


def test_not_in_real_time_nothing_is_cut_at_words(tmp_path):
    chunks = list(_windowed(tmp_path, [1.0] * 6).stream(Utterance(WINDOWED), realtime=False))
    assert len(chunks) == 6 and [c.ends_word for c in chunks] == [False] * 5 + [True]


def test_the_pace_to_plan_with_follows_how_much_decodes_vary():
    from reader.synth.pace import PaceMeter

    steady = PaceMeter()
    for _ in range(30):
        steady.add(frames=20, seconds=0.2)
    assert steady.cautious_seconds_per_frame == pytest.approx(0.01, rel=0.05)  # little slack when idle
    busy = PaceMeter()
    for seconds in [0.2, 0.5, 0.2, 0.6, 0.2, 0.5, 0.2]:  # another program takes the cores at times
        busy.add(frames=20, seconds=seconds)
    assert busy.seconds_per_frame < 0.025 < busy.cautious_seconds_per_frame  # the slow decodes are planned for
    assert busy.pace == pytest.approx(0.025 / busy.seconds_per_frame)  # what is shown stays the average


def test_no_word_ends_past_its_chunk(tmp_path):
    # The model's durations go on 6 frames past the speech it decodes (its last phoneme holds
    # the silence after it): the last word ends with the chunk's audio, as in a whole decode.
    synth = _windowed(tmp_path, [0.01] * 3)
    engine = synth.engine
    run_windows = engine.run_windows

    def longer(*args, **kwargs):
        run = run_windows(*args, **kwargs)
        durations = run.durations.copy()
        durations[-2] += 6
        return type(run)(durations, run.first_frame, run.frames + 6, run.pieces)

    engine.run_windows = longer
    chunks = list(synth.stream(Utterance("Hello there my friend."), realtime=False))
    assert chunks[-1].words and chunks[-1].words[-1].end == len(chunks[-1].samples)
    assert all(w.end <= len(c.samples) for c in chunks[-1:] for w in c.words)


def test_text_is_read_as_spoken_with_word_spans_on_the_users_text(tmp_path):
    """The G2P gets the spoken form (text/spoken) for the voice's language; words keep spans
    of what the user wrote; families the user chose are read as written."""
    g2p = FakeG2P()
    synth = Synthesizer(FakeEngine(), fake_voices(tmp_path), g2p, language_of)
    text = "We met on 2027-03-04 at 8am."
    chunks = list(synth.stream(Utterance(text, "af_heart"), realtime=False))
    assert " ".join(t for t, _ in g2p.calls) == "We met on March 4th, 2027 at 8 AM."
    spans = {text[w.span.start:w.span.end] for c in chunks for w in c.words}
    assert {"2027-03-04", "met"} <= spans  # "March", "4th" and "2027" all point at the date
    g2p.calls.clear()
    list(synth.stream(Utterance(text, "bf_emma"), realtime=False))
    assert " ".join(t for t, _ in g2p.calls) == "We met on 4th March 2027 at 8 AM."
    g2p.calls.clear()
    list(synth.stream(Utterance(text, "af_heart", as_written=frozenset({"dates"})), realtime=False))
    assert " ".join(t for t, _ in g2p.calls) == "We met on 2027-03-04 at 8 AM."


def test_a_repeat_from_the_cache_has_word_spans_in_the_new_text(tmp_path):
    """The same chunk text in another text (another place, other characters: "8am" and
    "8 a.m." both read "8 AM") comes from the cache with spans into that text."""
    from reader.synth.chunk_cache import ChunkCache

    synth = Synthesizer(FakeEngine(), fake_voices(tmp_path), FakeG2P(), language_of, cache=ChunkCache(10**7))
    for text in ("Call me at 8am. Hello there friend.", "Well. Hello there friend. Call me at 8 a.m."):
        chunks = list(synth.stream(Utterance(text, "af_heart"), realtime=False))
        spans = [text[w.span.start:w.span.end] for c in chunks for w in c.words]
        assert spans.count("Hello") == spans.count("there") == 1, spans
        assert any(s.startswith("8") for s in spans), spans
    assert synth.cache.hits >= 1


def test_a_short_first_sentence_is_decoded_whole_never_in_windows(tmp_path):
    # With the voice's norm prior a windowed "Yes." came out silent (RMS 0.0000; whole: 0.09).
    from reader.synth.synthesizer import MIN_WINDOWED_TOKENS

    synth = _windowed(tmp_path, [0.01] * 6)
    windowed = []
    run_windows = synth.engine.run_windows
    synth.engine.run_windows = lambda *a, **k: windowed.append(len(a[0])) or run_windows(*a, **k)
    short = "Yes, thanks."  # the fake G2P: one token per letter and space
    assert len(short) < MIN_WINDOWED_TOKENS
    chunks = list(synth.stream(Utterance(short)))
    assert windowed == [] and sum(len(c.samples) for c in chunks) > 0
    list(synth.stream(Utterance(WINDOWED)))
    assert windowed and windowed[0] >= MIN_WINDOWED_TOKENS  # a longer one still starts in windows
