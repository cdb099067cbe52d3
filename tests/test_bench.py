"""The bench's own arithmetic (its figures are measured by running it: kokoro-reader bench)."""
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
