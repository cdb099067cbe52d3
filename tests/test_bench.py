"""The bench's own arithmetic (its figures are measured by running it: kokoro-reader bench)."""
import pytest

from reader.bench.stats import IDLE_PACE, MIN_TRIALS, scaled


def test_trials_scale_down_with_the_pace_never_up_and_never_below_the_least():
    assert scaled(20, IDLE_PACE) == 20 and scaled(20, 2 * IDLE_PACE) == 20
    assert scaled(20, IDLE_PACE / 2) == 10
    assert scaled(20, IDLE_PACE / 10) == MIN_TRIALS
    assert scaled(2, IDLE_PACE / 10) == 2  # fewer were asked for than the least
    assert scaled(100, IDLE_PACE / 10, least=10) == 10


def test_reading_says_what_to_install_without_whisper(monkeypatch):
    from reader.bench import asr, reading

    def missing():
        raise ImportError("No module named 'faster_whisper'", name="faster_whisper")

    monkeypatch.setattr(asr, "check", missing)
    assert reading.measure_reading(None, 3) == {
        "skipped": "needs Whisper for scoring (faster_whisper): pip install 'kokoro-reader[eval]'"}
    assert len(reading.spoken_sentences()) >= 60  # shipped with the package (resources/)


@pytest.mark.model
def test_the_highlight_lights_each_word_when_its_sound_starts(core):
    """The bench's highlight figure on a short paragraph: heard() (what the reading view and
    `ctl status` show) sampled every 10 ms while a sink on a real-time clock plays it, against
    when the sink reached the forced aligner's word onsets in the audio written. Targets of
    the follow-along issue: median |error| <= 60 ms, p95 <= 150 ms, never more than 100 ms
    early. (The real daemon, its device latency and a recording: tests/test_follow_along.py.)"""
    from reader.audio.fake import FakeSink
    from reader.bench.playback import Listener, _paragraph_leads
    from reader.speaker import Speaker

    sink = FakeSink()
    sink.start_clock()
    listener = Listener()
    speaker = Speaker(core, sink, listener=listener)
    try:
        _, figure = _paragraph_leads(sink, speaker, listener, "The keeper climbed the narrow stairs at dusk. "
                                     "Far below, the waves broke slowly on the rocks.")
    finally:
        speaker.close()
        sink.close()
    print(f"highlight: {figure}")
    assert figure.get("words", 0) + figure.get("words_begun_before_their_part", 0) == figure.get("of"), figure
    assert figure["of"] >= 15 and figure["words"] >= 0.6 * figure["of"], figure
    assert figure["median_abs_ms"] <= 60 and figure["p95_abs_ms"] <= 150 and figure["earliest_ms"] >= -100, figure
