"""Audio sink: ring buffer and fake sink (unit), and the real sink on a real PipeWire server.

The integration tests (marked `audio`) play through SoundDeviceSink into a private PipeWire
null sink and record its monitor with parec (tests/audio_server.py), then compare the
recording with what was written.
"""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from reader.audio.fake import FakeSink
from reader.audio.ring import SampleRing
from tests.signals import (
    FADE_48K,
    RATE,
    REC_RATE,
    chirp,
    edges,
    locate,
    max_step,
    played_runs,
    silent_runs,
    sound_indices,
    sound_ms,
    speechlike,
    step_beside_holes,
    to48k,
    tone,
    wait_heard,
    window,
)


class Events:
    """Collects a sink's events; each callback also sets an Event a test can wait on."""

    def __init__(self) -> None:
        self.marks: list = []
        self.errors: list[str] = []
        self.threads: set[str] = set()
        self.error = threading.Event()
        self.mark = threading.Event()
        self.mark_times: list[float] = []

    def on_mark(self, mark) -> None:
        self.threads.add(threading.current_thread().name)
        self.marks.append(mark)
        self.mark_times.append(time.monotonic())
        self.mark.set()

    def on_error(self, message: str) -> None:
        self.errors.append(message)
        self.error.set()

    def kwargs(self) -> dict:
        return {"on_mark": self.on_mark, "on_error": self.on_error}


# -- ring -------------------------------------------------------------------------------------
def test_ring_wraps_around_and_never_overfills():
    ring = SampleRing(10)
    assert ring.put(np.arange(7, dtype=np.float32)) == 7
    out = np.zeros(5, np.float32)
    assert ring.take(out) == 5 and list(out) == [0, 1, 2, 3, 4]
    assert ring.put(np.arange(7, 20, dtype=np.float32)) == 8  # only 8 free
    assert ring.free() == 0 and ring.available() == 10
    out = np.full(12, -1, np.float32)
    assert ring.take(out) == 10
    assert list(out[:10]) == [5, 6, *range(7, 15)] and list(out[10:]) == [-1, -1]
    assert ring.take(out) == 0 and ring.read == ring.written == 15


def test_ring_peek_does_not_consume_and_skip_to_clamps():
    ring = SampleRing(8)
    ring.put(np.arange(6, dtype=np.float32))
    out = np.zeros(4, np.float32)
    assert ring.peek(2, out) == 4 and list(out) == [2, 3, 4, 5]
    assert ring.read == 0
    assert ring.peek(5, out) == 1
    ring.skip_to(100)  # never past what was written
    assert ring.read == 6 and ring.available() == 0
    ring.skip_to(3)  # never backwards
    assert ring.read == 6


# -- fake sink: playback and fades ----------------------------------------------------------
def test_fake_plays_the_samples_with_a_fade_in_only_at_the_start():
    sink = FakeSink(block=240)
    src = tone(0.2)
    assert sink.write(src, 0)
    out = sink.advance(len(src) + 480)
    fade = round(0.005 * RATE)
    np.testing.assert_allclose(out[:fade], src[:fade] * window(fade)[1:], atol=1e-6)
    np.testing.assert_array_equal(out[fade:len(src)], src[fade:])
    assert not out[len(src):].any()
    assert sink.position == len(src)


@pytest.mark.parametrize("ends_word", [True, False])
def test_running_dry_between_words_fades_out_and_counts_a_pause_inside_a_word_an_underrun(ends_word):
    sink = FakeSink(block=240)
    src = np.full(RATE // 10, 0.5, np.float32)  # loud to its last sample
    sink.write(src, 0, ends_word=ends_word)  # more is expected: no drain was asked
    out = sink.advance(len(src) + 480)
    fade = round(0.005 * RATE)
    if ends_word:  # a slow computer's wait: it sounds like a reader pausing, without a click
        np.testing.assert_allclose(out[len(src) - fade:len(src)], src[-fade:] * window(fade)[::-1][1:], atol=1e-6)
        assert (sink.pauses, sink.underruns) == (1, 0)
    else:  # a stall inside a word: counted, and nothing hides it
        assert out[len(src) - 1] == pytest.approx(0.5)
        assert (sink.pauses, sink.underruns) == (0, 1)
    sink.write(src, 0)
    again = sink.advance(fade)
    np.testing.assert_allclose(again, src[:fade] * window(fade)[1:], atol=1e-6)  # and comes back with a fade-in


def test_a_part_ending_inside_a_word_waits_at_its_word_end_only_if_the_next_is_late():
    sink = FakeSink(block=240)
    src = np.full(RATE // 10, 0.5, np.float32)
    at, fade = len(src) // 2, round(0.005 * RATE)
    sink.write(src, 0, wait_at=at)  # ends inside a word; `at` lies between two words
    out = sink.advance(len(src) + 480)  # nothing more came: it waits at the word end, faded
    np.testing.assert_allclose(out[at - fade:at], src[at - fade:at] * window(fade)[::-1][1:], atol=1e-6)
    assert not out[at:].any() and (sink.pauses, sink.underruns) == (1, 0)
    sink.write(src, 0)  # the late part: the rest of the word, faded in, then the new samples
    again = sink.advance(len(src) - at + len(src))
    np.testing.assert_allclose(again[:fade], src[at:at + fade] * window(fade)[1:], atol=1e-6)
    np.testing.assert_array_equal(again[fade:], np.concatenate([src[at + fade:], src]))
    # In time, the same writes play straight through: the wait point costs nothing.
    sink = FakeSink(block=240)
    sink.write(src, 0, wait_at=at)
    first = sink.advance(at - 240)
    sink.write(src, 0)
    rest = sink.advance(2 * len(src) - len(first))
    np.testing.assert_array_equal(np.concatenate([first, rest])[fade:], np.concatenate([src, src])[fade:])
    assert (sink.pauses, sink.underruns) == (0, 0)


def test_samples_are_clipped_and_reshaped():
    sink = FakeSink()
    sink.write(np.full((1000, 1), 3.0), 0)  # a column and out of range
    out = sink.advance(1000)
    assert out.max() == pytest.approx(1.0) and out.dtype == np.float32


def test_flush_fades_out_within_one_block_and_drops_old_generations():
    sink = FakeSink(block=240)
    src = tone(1.0)
    sink.write(src, 1)
    sink.advance(2400)
    sink.flush(2)
    out = sink.advance(480)
    fade = round(0.005 * RATE)
    np.testing.assert_allclose(out[:fade], src[2400:2400 + fade] * window(fade)[::-1][1:], atol=1e-6)
    assert not out[fade:].any()  # silent before the first block ends
    assert sink.write(src, 1) is False  # an older generation is dropped at once
    assert sink.write(tone(0.1, 880), 2)
    assert sink.advance(2400)[:2400].any()


def test_flush_releases_a_producer_blocked_on_a_full_ring():
    sink = FakeSink(buffer_s=0.1)
    result = []
    producer = threading.Thread(target=lambda: result.append(sink.write(tone(1.0), 5)))
    producer.start()
    assert sink.producer_waiting.wait(5)
    sink.flush(6)
    producer.join(timeout=2)
    assert result == [False]


def test_flush_does_not_wait_for_a_chunk_being_resampled(monkeypatch):
    """Resampling a long chunk takes ~1 ms per second of audio (more on a busy machine): a
    stop must not wait for it, so it runs outside the lock flush() takes."""
    import soxr

    converting, release = threading.Event(), threading.Event()

    class SlowStream(soxr.ResampleStream):
        def resample_chunk(self, x, last=False):
            if len(x):
                converting.set()
                release.wait(10)
            return super().resample_chunk(x, last=last)

    monkeypatch.setattr(soxr, "ResampleStream", SlowStream)
    sink = FakeSink(rate=48_000)
    result = []
    producer = threading.Thread(target=lambda: result.append(sink.write(tone(1.0), 5, mark="late")))
    producer.start()
    try:
        assert converting.wait(5)
        flusher = threading.Thread(target=sink.flush, args=(6,))
        flusher.start()
        flusher.join(timeout=2)
        assert not flusher.is_alive(), "flush() waited for the resampling"
    finally:
        release.set()
        producer.join(timeout=5)
    assert result == [False] and sink.queued == 0  # what it made after the flush is dropped
    assert sink.write(tone(0.1), 6) and sink.queued > 0  # and the next generation plays


def test_producer_blocks_until_the_clock_frees_room():
    sink = FakeSink(buffer_s=0.1, block=240)
    src = tone(0.5)
    done = threading.Event()

    def produce():
        sink.write(src, 0)
        done.set()
        sink.producer_waiting.set()

    producer = threading.Thread(target=produce)
    producer.start()
    played = []
    while True:
        assert sink.producer_waiting.wait(5)  # blocked on a full ring, or finished
        if done.is_set():
            break
        sink.producer_waiting.clear()
        played.append(sink.advance(240))
    producer.join()
    played.append(sink.advance(len(src)))
    out = np.concatenate(played)
    fade = round(0.005 * RATE)
    np.testing.assert_array_equal(out[fade:len(src)], src[fade:])  # nothing lost or doubled


def test_pause_holds_the_position_where_the_fade_began_and_resume_replays_it():
    sink = FakeSink(block=240)
    src = np.random.default_rng(1).uniform(-0.5, 0.5, 12_000).astype(np.float32)
    sink.write(src, 0)
    before = sink.advance(2400)
    sink.pause()
    held = sink.position
    paused = sink.advance(2400)
    assert sink.position == held == 2400
    sink.resume()
    after = sink.advance(len(src))
    fade = round(0.005 * RATE)
    w = window(fade)
    np.testing.assert_array_equal(before[fade:], src[fade:2400])
    np.testing.assert_allclose(paused[:fade], src[2400:2400 + fade] * w[::-1][1:], atol=1e-6)
    assert not paused[fade:].any()
    np.testing.assert_allclose(after[:fade], src[2400:2400 + fade] * w[1:], atol=1e-6)  # replayed
    np.testing.assert_array_equal(after[fade:len(src) - 2400], src[2400 + fade:])  # nothing skipped


def test_pause_then_flush_then_new_audio_plays_without_resume():
    sink = FakeSink(block=240)
    sink.write(tone(1.0), 0)
    sink.advance(240)
    sink.pause()
    sink.advance(240)
    sink.flush(1)
    assert not sink.paused
    sink.write(tone(0.1), 1)
    assert sink.advance(2400).any()


def test_volume_ramps_over_one_block_and_is_clamped():
    sink = FakeSink(block=240)
    src = np.full(24_000, 0.5, np.float32)
    sink.write(src, 0)
    sink.advance(480)
    sink.set_volume(0.5)
    ramp = sink.advance(240)
    steady = sink.advance(240)
    np.testing.assert_allclose(ramp, 0.5 * (1 - 0.5 * np.arange(1, 241) / 240), rtol=1e-5)
    np.testing.assert_allclose(steady, 0.25, rtol=1e-6)
    assert np.abs(np.diff(ramp)).max() < 0.002  # no zipper step
    sink.set_volume(7)
    assert sink.volume == 1.0
    sink.set_volume(-1)
    assert sink.volume == 0.0


# -- fake sink: events ------------------------------------------------------------------------
def test_mark_arrives_when_the_first_sample_of_its_write_plays():
    ev = Events()
    sink = FakeSink(block=240, **ev.kwargs())
    sink.write(tone(0.1), 0, mark="first")  # 2400 samples
    sink.write(tone(0.1), 0, mark="second")
    sink.write(tone(0.1), 0)  # no mark
    sink.advance(240)
    assert ev.marks == ["first"]
    sink.advance(2400 - 240)
    assert ev.marks == ["first"]  # the second write has not started yet
    sink.advance(240)
    assert ev.marks == ["first", "second"]
    sink.advance(4800)
    assert ev.marks == ["first", "second"]


def test_flush_drops_pending_marks():
    ev = Events()
    sink = FakeSink(**ev.kwargs())
    sink.write(tone(0.1), 0, mark="a")
    sink.write(tone(0.1), 0, mark="b")
    sink.advance(240)
    sink.flush(1)
    sink.advance(9600)
    assert ev.marks == ["a"]


def test_drain_waits_for_the_clock():
    ev = Events()
    sink = FakeSink(**ev.kwargs())
    sink.write(tone(0.1), 0)
    result = []
    producer = threading.Thread(target=lambda: result.append(sink.drain(timeout=5)))
    producer.start()
    sink.advance(1200)
    assert producer.is_alive()
    while producer.is_alive():  # drain() may not have declared its target yet
        sink.advance(1200)
        producer.join(timeout=0.01)
    assert result == [True]
    assert sink.drain(timeout=0) is True  # nothing new queued


def test_drain_times_out_and_is_cancelled_by_flush():
    sink = FakeSink()
    sink.write(tone(0.1), 0)
    assert sink.drain(timeout=0.01) is False
    result = []
    producer = threading.Thread(target=lambda: result.append(sink.drain(timeout=5)))
    producer.start()
    sink.flush(1)
    producer.join(timeout=5)
    assert result == [False]


def test_underruns_count_only_unexpected_gaps():
    sink = FakeSink(block=240)
    sink.write(tone(0.05), 0)  # 1200 samples, more expected
    sink.advance(2400)
    assert sink.underruns == 1
    sink.advance(2400)
    assert sink.underruns == 1  # one per gap, not per block
    sink.write(tone(0.05), 0)
    sink.drain(timeout=0)
    sink.advance(4800)
    assert sink.underruns == 1  # the end after drain() is no underrun
    sink.write(tone(0.05), 0)
    sink.pause()
    sink.advance(4800)
    assert sink.underruns == 1  # nor is a pause


def test_resampling_is_seamless_across_chunks_and_marks_map_to_the_output_rate():
    import soxr

    ev = Events()
    sink = FakeSink(rate=48_000, block=480, **ev.kwargs())
    src = np.random.default_rng(2).uniform(-0.4, 0.4, 24_000).astype(np.float32)
    for i, start in enumerate(range(0, len(src), 2400)):
        sink.write(src[start:start + 2400], 0, mark=i)
    sink.drain(timeout=0)
    out = sink.advance(48_000 + 960)
    whole = np.clip(soxr.resample(src, 24_000, 48_000, quality="HQ"), -1, 1)
    fade = 240
    assert len(np.flatnonzero(out)) <= len(whole)
    np.testing.assert_allclose(out[fade:len(whole)], whole[fade:], atol=1e-4)
    assert ev.marks == list(range(10)) and sink.drain(timeout=0)
    sink2 = FakeSink(rate=48_000, block=480, **(ev2 := Events()).kwargs())
    sink2.write(src[:2400], 0)
    sink2.write(src[2400:4800], 0, mark="x")
    sink2.advance(4800)  # the mark's first output sample is 4800 (2400 * 2)
    assert ev2.marks == []
    sink2.advance(480)
    assert ev2.marks == ["x"]


@pytest.mark.parametrize("rate", [44_100, 48_000])
def test_a_mark_after_the_last_sample_arrives_when_resampled_audio_drains(rate):
    # 24_040 input samples are 44_173.5 at 44.1 kHz: the mark's rounded position (44_174)
    # lies one past the last sample soxr puts out (44_173).
    # The Speaker ends each utterance with an empty write carrying its End mark: that mark's
    # position comes from the input count and must not wait past the resampler's last sample.
    ev = Events()
    sink = FakeSink(rate=rate, block=480, **ev.kwargs())
    rng = np.random.default_rng(5)
    for n in (12_000, 12_040):
        sink.write(rng.uniform(-0.3, 0.3, n).astype(np.float32), 0)
    sink.write(np.zeros(0, np.float32), 0, mark="end")
    sink.drain(timeout=0)
    sink.advance(2 * rate + 4_800)
    assert ev.marks == ["end"] and sink.drain(timeout=0)


def test_a_lost_device_is_reported_and_the_next_write_reopens():
    ev = Events()
    sink = FakeSink(**ev.kwargs())
    sink.write(tone(1.0), 0, mark="lost")
    sink.fail("gone")
    assert ev.errors == ["gone"] and sink.last_error == "gone"
    assert not sink.advance(2400).any()  # the queue was dropped
    sink.unplugged = True
    assert sink.write(tone(0.1), 0) is False
    sink.deliver()
    assert len(ev.errors) == 2 and "unplugged" in ev.errors[1]
    sink.unplugged = False
    assert sink.write(tone(0.1), 0)
    assert sink.advance(2400).any() and sink.opens == 2
    assert ev.marks == []


def test_a_failing_listener_does_not_stop_events(caplog):
    got = []

    def bad_once(mark):
        if mark == 1:
            raise RuntimeError("listener bug")
        got.append(mark)

    sink = FakeSink(on_mark=bad_once)
    sink.write(tone(0.1), 0, mark=1)
    sink.write(tone(0.1), 0, mark=2)
    sink.drain(timeout=0)
    sink.advance(9600)
    assert got == [2]
    assert "listener failed" in caplog.text


def test_the_clock_thread_plays_in_real_time():
    ev = Events()
    sink = FakeSink(block=240, **ev.kwargs())
    sink.start_clock(speed=4.0)
    try:
        sink.write(tone(0.2), 0, mark="m")
        assert sink.drain(timeout=5)
        assert ev.marks == ["m"] and ev.threads == {"fake-audio-clock"}
    finally:
        sink.close()


# -- real sink on a real PipeWire server ---------------------------------------------------
# Time mapping: the recorder timestamps each read of parec's output, so it knows, to within
# one read (~10 ms, always late), when each recorded sample was captured; Recorder.index_at(t)
# turns the monotonic time of a flush()/pause() call into a recording index. Being late, it
# maps the call to an EARLIER index, so a latency measured against it is an upper bound.
# filled in by the tests and printed at the end of the session (pytest -s shows them)
FIGURES: dict[str, str] = {}


@pytest.fixture
def real_sink(audio_server):
    from reader.audio.portaudio import SoundDeviceSink
    from tests.host import like_the_daemon

    like_the_daemon()
    ev = Events()
    sink = SoundDeviceSink(**ev.kwargs())
    sink.events = ev
    yield sink
    sink.close()


@pytest.mark.audio
@pytest.mark.parametrize("kind", ["tone", "chirp", "speech"])
def test_recording_matches_what_was_written(real_sink, recorder, kind):
    from tests.host import HostDelays

    src = {"tone": lambda: edges(tone(1.0)), "chirp": lambda: chirp(1.0), "speech": lambda: speechlike(1.5)}[kind]()
    host = HostDelays(real_sink)
    t0 = time.monotonic()
    assert real_sink.write(src, 0, mark="start")
    assert real_sink.drain(timeout=5)
    assert real_sink.events.marks == ["start"]
    x = wait_heard(recorder)
    host.stopped()
    ref = to48k(src)
    i0 = recorder.index_at(t0)
    heard = sound_indices(x[i0:]) + i0
    assert len(heard), "nothing was recorded"
    assert real_sink.underruns == 0
    # Where the whole of it is in the recording (not where the first sound is: a stray sound
    # before it would then fail as a mismatch, with nothing said about it).
    k, corr = locate(ref, x[i0:])
    FIGURES[f"correlation_{kind}"] = f"{corr:.4f}"
    if corr < 0.9:  # a hole: the sound server's (excused, then nothing more to measure) or ours
        matched: list[np.ndarray] = []
        found = played_runs(x, [ref], i0, max_pause_s=1.0, matched=matched)
        FIGURES[f"server_hole_{kind}"] = host.assert_played_as_made(x, found, matched, recorder.time_of)
        assert FIGURES[f"server_hole_{kind}"], f"correlation {corr:.3f} but every window played as made"
        return
    at = i0 + k
    stray = heard[(heard < at - 2 * FADE_48K) | (heard >= at + len(ref) + 2 * FADE_48K)]
    assert len(stray) == 0, (f"sound outside what was written: {len(stray)} samples, the first "
                             f"{(stray[0] - at) / REC_RATE * 1000:+.0f} ms from it, peak {np.abs(x[stray]).max():.3f}")
    duration = (heard[-1] - heard[0]) / REC_RATE
    assert duration == pytest.approx(len(src) / RATE, abs=0.01)
    if kind == "speech":  # the mark arrives when its first sample is handed to the device
        onset = recorder.time_of(heard[0])
        FIGURES["mark_before_sound_ms"] = f"{(onset - real_sink.events.mark_times[0]) * 1000:.1f}"
        assert -0.02 <= onset - real_sink.events.mark_times[0] <= 0.1


@pytest.mark.audio
def test_flush_reaches_silence_within_50ms(real_sink, recorder):
    real_sink.write(edges(tone(2.5)), 0, mark="start")
    assert real_sink.events.mark.wait(5)
    wait_heard(recorder, 0.3)
    t_flush = time.monotonic()
    real_sink.flush(1)
    x = wait_heard(recorder, 0.4)
    i = recorder.index_at(t_flush)
    assert np.abs(x[i - 960:i]).max() > 0.3, "the tone was not playing at the flush"
    window_after = x[i:i + int(0.4 * REC_RATE)]
    latency_ms = sound_ms(window_after)
    FIGURES["flush_to_silence_ms"] = f"{latency_ms:.1f}"
    assert latency_ms <= 50
    assert real_sink.write(tone(0.1), 0) is False  # the flushed generation stays dropped


@pytest.mark.audio
def test_pause_is_silent_within_50ms_and_resume_continues_where_it_paused(real_sink, recorder):
    src = chirp(3.0)
    ref = to48k(src)
    real_sink.write(src, 0, mark="start")
    assert real_sink.events.mark.wait(5)
    wait_heard(recorder, 0.8)
    t_pause = time.monotonic()
    real_sink.pause()
    wait_heard(recorder, 0.4)
    t_resume = time.monotonic()
    real_sink.resume()
    assert real_sink.drain(timeout=5)
    x = wait_heard(recorder)
    ip, ir = recorder.index_at(t_pause), recorder.index_at(t_resume)
    before = sound_indices(x[ip:ir])
    e = ip + (before[-1] + 1 if len(before) else 0)  # end of the pause fade-out
    FIGURES["pause_to_silence_ms"] = f"{(e - ip) / REC_RATE * 1000:.1f}"
    assert (e - ip) / REC_RATE <= 0.05
    b = ir + sound_indices(x[ir:])[0]  # resume: first sound after the call
    assert (b - e) / REC_RATE > 0.3  # silent while paused
    # Where in the source did sound stop and start again? Align a stretch before the pause
    # and one after the resume, then fit the exact fade positions against the source.
    k1, c1 = locate(x[e - 24_000:e - 2 * FADE_48K], ref)
    k2, c2 = locate(x[b + 2 * FADE_48K:b + 24_000], ref)
    lag1, lag2 = (e - 24_000) - k1, (b + 2 * FADE_48K) - k2  # recording index - source index
    stop_at = fit_fade(x, ref, lag1, e - lag1 - FADE_48K, falling=True)
    start_at = fit_fade(x, ref, lag2, b - lag2, falling=False)
    FIGURES["pause_correlation"] = f"{min(c1, c2):.4f}"
    FIGURES["resume_offset_samples_48k"] = f"{start_at - stop_at:+d}"
    assert min(c1, c2) >= 0.9
    assert abs(start_at - stop_at) <= 48  # within 1 ms: nothing skipped or repeated


def fit_fade(x, ref, lag, guess, falling):
    """Source index where a raised-cosine fade (FADE_48K) begins, by least squares near guess."""
    best, best_err = guess, np.inf
    w = window(FADE_48K)[1:]
    shape = w[::-1] if falling else w
    for p in range(guess - 200, guess + 200):
        lo, hi = p - 300, p + FADE_48K + 300
        model = ref[lo:hi].copy()
        gain = np.ones(hi - lo, np.float32)
        if falling:
            gain[300:300 + FADE_48K], gain[300 + FADE_48K:] = shape, 0
        else:
            gain[:300], gain[300:300 + FADE_48K] = 0, shape
        err = float(np.sum((x[lo + lag:hi + lag] - model * gain) ** 2))
        if err < best_err:
            best, best_err = p, err
    return best


@pytest.mark.audio
def test_no_click_at_start_stop_pause_resume_and_volume_change(real_sink, recorder):
    from tests.host import HostDelays

    host = HostDelays(real_sink)
    src = tone(3.0, 440)  # starts at phase 0 but ends mid-cycle: the sink's fades must do it
    real_sink.write(src, 0, mark="start")
    times = {}
    assert real_sink.events.mark.wait(5)
    wait_heard(recorder, 0.4)
    times["pause"] = time.monotonic()
    real_sink.pause()
    wait_heard(recorder, 0.2)
    times["resume"] = time.monotonic()
    real_sink.resume()
    wait_heard(recorder, 0.3)
    times["volume"] = time.monotonic()
    real_sink.set_volume(0.3)
    wait_heard(recorder, 0.3)
    real_sink.set_volume(1.0)
    wait_heard(recorder, 0.3)
    times["stop"] = time.monotonic()
    real_sink.flush(1)
    x = wait_heard(recorder, 0.2)
    steady = max_step(x[recorder.index_at(times["resume"]) + 9600:recorder.index_at(times["volume"])])
    # Each edge, found in the recording: the fade and 2 ms of the silence beside it.
    margin = 2 * REC_RATE // 1000
    heard = sound_indices(x)
    start, pause, resume, stop = (recorder.index_at(times[k]) for k in ("pause", "pause", "resume", "stop"))
    start = heard[0]
    pause = pause + sound_indices(x[pause:resume])[-1]  # last sound before the pause took hold
    resume = resume + sound_indices(x[resume:])[0]
    stop = stop + sound_indices(x[stop:])[-1]
    volume = recorder.index_at(times["volume"])
    worst = {
        "start": max_step(x[start - margin:start + FADE_48K]),
        "pause": max_step(x[pause - FADE_48K:pause + margin]),
        "resume": max_step(x[resume - margin:resume + FADE_48K]),
        "stop": max_step(x[stop - FADE_48K:stop + margin]),
    }
    # The ramp lies within 100 ms. The tone never rests there, so silence in it is a hole.
    # The host's only when it is short (what the sound server inserts: up to 1280 samples),
    # nothing of ours was late (queue, GIL), the stream's threads ran in real time, and the
    # host shows it: a late callback, or the hypervisor taking CPU time then (one CI run heard
    # a hole at volume 0.3 while the hypervisor took 530 ms in the test). Else a click of ours.
    ramp = x[volume:volume + REC_RATE // 10]
    holes = silent_runs(ramp)
    figures = host.stopped()
    FIGURES["volume_holes"] = f"{holes}; {figures}"
    if holes:
        at = recorder.time_of(volume + holes[0][0])
        assert (sum(b - a for a, b in holes) <= 1280 and host.underruns + host.gil_late - host.gil_frozen == 0
                and real_sink.audio_priority.startswith("realtime")
                and (host.late > 0 or host.steal.stolen_between(at - 0.5, at + 0.5) >= 10)), \
            f"silence inside the volume ramp ({holes}), not the host's: {figures}"
    worst["volume"] = step_beside_holes(ramp, holes)
    FIGURES["max_step_signal"] = f"{steady:.4f}"
    FIGURES["max_step_edges"] = ",".join(f"{k}:{v:.4f}" for k, v in worst.items())
    for name, step in worst.items():
        assert step <= steady * 1.02, f"click at {name}: step {step:.4f} > signal's {steady:.4f}"


@pytest.mark.audio
def test_long_continuous_write_has_no_underruns_or_dropouts(real_sink, recorder):
    from tests.host import HostDelays

    src = speechlike(12.0, seed=3)
    host = HostDelays(real_sink)
    t0 = time.monotonic()
    for start in range(0, len(src), RATE // 4):  # like the Speaker: chunk by chunk, blocking when full
        assert real_sink.write(src[start:start + RATE // 4], 0)
    assert real_sink.drain(timeout=20)
    x = wait_heard(recorder)
    FIGURES["long_host"] = host.stopped()
    FIGURES["underruns"] = str(real_sink.underruns)
    FIGURES["xruns"] = str(real_sink.xruns)
    assert real_sink.underruns == 0
    matched: list[np.ndarray] = []
    found = played_runs(x, [to48k(src)], recorder.index_at(t0), max_pause_s=1.0, matched=matched)
    assert len(found) == 1
    FIGURES["long_min_correlation"] = f"{found[0][1]:.4f}"
    FIGURES["long_max_drift_samples"] = str(found[0][2])
    excused = host.assert_played_as_made(x, found, matched, recorder.time_of)  # a dropout or repeat shifts a window
    if excused:
        FIGURES["long_server_hole"] = excused


@pytest.mark.audio
def test_idle_stream_closes_and_the_next_write_reopens(audio_server, recorder):
    from reader.audio.portaudio import SoundDeviceSink

    sink = SoundDeviceSink(idle_close_s=0.2)
    try:
        assert sink.write(edges(tone(0.2)), 0) and sink.drain(timeout=5)
        wait_heard(recorder, 0.6)  # wall-clock: the idle timer runs out
        assert sink.latency == 0.0  # closed
        t0 = time.monotonic()
        assert sink.write(edges(tone(0.2, 660)), 1) and sink.drain(timeout=5)
        x = wait_heard(recorder)
        assert sink.stream_opens == 2
        assert len(sound_indices(x[recorder.index_at(t0):]))
    finally:
        sink.close()


@pytest.mark.audio
def test_list_output_devices_finds_the_server(audio_server):
    from reader.audio.portaudio import list_output_devices

    devices = list_output_devices()
    assert any(d.is_default for d in devices)
    assert all(d.channels > 0 for d in devices)


@pytest.mark.audio
def test_server_restart_is_reported_and_the_next_write_plays(audio_server):
    from tests.audio_server import Recorder

    ev = Events()
    from reader.audio.portaudio import SoundDeviceSink

    sink = SoundDeviceSink(**ev.kwargs())
    rec = Recorder(audio_server)
    try:
        rec.wait_ready()
        sink.write(edges(tone(2.0)), 0, mark="start")
        assert ev.mark.wait(5)
        wait_heard(rec, 0.3)
        t_kill = time.monotonic()
        audio_server.stop_audio()
        rec.stop()
        assert ev.error.wait(5), "no on_error after the server died"
        FIGURES["error_after_kill_ms"] = f"{(time.monotonic() - t_kill) * 1000:.0f}"
        assert "audio output lost" in ev.errors[0]
        ev.error.clear()
        assert sink.write(tone(0.1), 1) is False  # no server: fails at once, as an event
        assert ev.error.wait(5)
        t_up = time.monotonic()
        audio_server.start_audio()
        audio_server.restarts += 1
        rec = Recorder(audio_server)
        rec.wait_ready()
        t_write = time.monotonic()
        src = chirp(0.5)
        assert sink.write(src, 2, mark="again"), sink.last_error
        assert sink.drain(timeout=5)
        x = wait_heard(rec)
        heard = sound_indices(x[rec.index_at(t_write):]) + rec.index_at(t_write)
        assert len(heard), "nothing recorded after the restart"
        FIGURES["server_up_to_sound_ms"] = f"{(rec.time_of(heard[0]) - t_up) * 1000:.0f}"
        FIGURES["write_to_sound_after_restart_ms"] = f"{(rec.time_of(heard[0]) - t_write) * 1000:.0f}"
        _, corr = locate(x[heard[0] - 480:heard[0] + len(src) * 2 + 480],
                         np.concatenate([np.zeros(960, np.float32), to48k(src), np.zeros(960, np.float32)]))
        FIGURES["restart_correlation"] = f"{corr:.4f}"
        assert corr >= 0.9
        assert ev.marks == ["start", "again"]
    finally:
        rec.stop()
        sink.close()


@pytest.mark.audio
def test_the_streams_threads_run_above_the_models_priority_where_permitted(real_sink):
    """The model runs at nice 0; the callback's and the ALSA plugin's threads must not wait
    behind it. They inherit what the opening thread had while it opened the stream: real
    time where permitted (root here), else nice -11 where permitted."""
    import os

    from reader.audio.priority import NICE, RT_PRIORITY

    def threads() -> dict[int, tuple[int, int, int]]:
        """(nice, real-time priority, policy) by thread id ("stat" fields 19, 40 and 41)."""
        values = {}
        for task in os.listdir("/proc/self/task"):
            try:
                with open(f"/proc/self/task/{task}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except FileNotFoundError:  # the thread ended meanwhile (a CI run met one)
                continue
            values[int(task)] = (int(fields[16]), int(fields[37]), int(fields[38]))
        return values

    before = threads()
    real_sink.write(edges(tone(0.2)), 0)
    assert real_sink.drain(timeout=5)
    new = {tid: v for tid, v in threads().items() if tid not in before}
    mine = os.getpriority(os.PRIO_PROCESS, __import__("threading").get_native_id())
    assert mine == 0 and os.sched_getscheduler(0) == os.SCHED_OTHER, "the opening thread's own priority is restored"
    if os.geteuid() == 0:  # permitted here: the stream's threads got it
        assert real_sink.audio_priority == f"realtime {RT_PRIORITY}", real_sink.audio_priority
        assert (RT_PRIORITY, os.SCHED_FIFO) in {(rt, policy) for _, rt, policy in new.values()}, new
    else:
        assert real_sink.audio_priority in ("normal", f"nice {NICE}", f"realtime {RT_PRIORITY}")


def test_the_recording_check_tells_inserted_silence_from_any_other_change():
    """tests/signals.inserted_silence, which the paragraph tests use to excuse a sound server's
    hole: only a stretch of inserted silence, with nothing lost, repeated or changed."""
    from tests.signals import REC_RATE, inserted_silence

    rng = np.random.default_rng(0)
    run = (0.3 * rng.standard_normal(3 * REC_RATE)).astype(np.float32)

    def heard(*parts) -> np.ndarray:  # 16-bit, as recorded, after 1000 samples of silence
        x = np.concatenate([np.zeros(1000, np.float32), *parts, np.zeros(5000, np.float32)])
        return np.round(x * 32768) / 32768

    silence = np.zeros(256, np.float32)
    assert inserted_silence(heard(run[:70000], silence, run[70000:]), run, 1000) == 256
    assert inserted_silence(heard(run[:70000], run[70256:]), run, 1000) is None  # lost
    assert inserted_silence(heard(run[:70000], run[69744:]), run, 1000) is None  # repeated
    noise = (0.3 * rng.standard_normal(256)).astype(np.float32)
    assert inserted_silence(heard(run[:70000], noise, run[70000:]), run, 1000) is None  # not silence
    assert inserted_silence(heard(run[:30000], silence, run[30000:90000], silence, run[90000:]), run, 1000) is None
    assert inserted_silence(heard(run[:70000], np.zeros(4800, np.float32), run[70000:]), run, 1000) is None  # 100 ms


def test_a_hole_is_excused_only_when_the_host_made_it():
    """tests/host.HostDelays: a run heard with silence inserted is the sound server's only
    when our side was in time (no underrun, no block late for the GIL) in real time."""
    from tests.host import HostDelays
    from tests.signals import REC_RATE

    class Sink:  # the counters HostDelays reads from a SoundDeviceSink
        late_callbacks = gil_late_callbacks = underruns = 0
        audio_priority = "realtime 20"
        gil_waits: list = []

        def take_callback_delays(self):
            return 0.015, 0.002

    rng = np.random.default_rng(1)
    run = (0.3 * rng.standard_normal(3 * REC_RATE)).astype(np.float32)
    x = np.concatenate([np.zeros(1000, np.float32), run[:70000], np.zeros(256, np.float32), run[70000:],
                        np.zeros(5000, np.float32)])
    x = np.round(x * 32768) / 32768
    lost = np.concatenate([np.zeros(1000, np.float32), run[:70000], run[70256:], np.zeros(5000, np.float32)])

    class Steal:  # what the hypervisor took: `ms` in every window asked about
        def __init__(self, ms: int = 0) -> None:
            self.ms = ms

        def stolen_between(self, t0, t1):
            return self.ms

    def check(sink, heard, ours: str = "", stolen: int = 0, time_of=None):
        host = HostDelays(sink, Steal(stolen))
        if ours:  # it went up while the test played
            setattr(sink, ours, getattr(sink, ours) + 1)
            if ours == "gil_late_callbacks":
                sink.gil_waits = [(100.0, 0.088)]
        matched: list[np.ndarray] = []
        found = played_runs(heard, [run], 0, max_pause_s=1.0, matched=matched)
        return host.assert_played_as_made(heard, found, matched, time_of)

    sink = Sink()
    assert check(sink, x).startswith("[256] samples inserted")
    assert check(sink, np.concatenate([np.zeros(1000, np.float32), run, np.zeros(5000, np.float32)])) == ""
    with pytest.raises(AssertionError):
        check(sink, lost)  # samples lost, nothing stolen
    for counter in ("underruns", "gil_late_callbacks"):
        with pytest.raises(AssertionError):
            check(Sink(), x, ours=counter)
    # A wait for the GIL while the hypervisor froze a CPU for half of it or more: the host's.
    assert check(Sink(), x, ours="gil_late_callbacks", stolen=44)
    with pytest.raises(AssertionError):
        check(Sink(), x, ours="gil_late_callbacks", stolen=40)
    # Samples lost: the host's only if the hypervisor took CPU time around that moment.
    with pytest.raises(AssertionError):
        check(sink, lost, stolen=10)  # no time_of: when it was is unknown
    with pytest.raises(AssertionError):
        check(sink, lost, stolen=0, time_of=lambda i: i / REC_RATE)
    assert check(sink, lost, stolen=10, time_of=lambda i: i / REC_RATE)
    sink.audio_priority = "nice -11"
    with pytest.raises(AssertionError):
        check(sink, x)
