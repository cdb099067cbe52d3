import numpy as np

from reader.synth import silence

RATE = 24_000


def _speech(seconds: float, amp: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (amp * np.sin(2 * np.pi * 180 * t) * (1 + 0.3 * np.sin(2 * np.pi * 3 * t))).astype(np.float32)


def test_trim_keeps_a_short_lead_and_tail():
    x = np.concatenate([np.zeros(int(0.3 * RATE)), _speech(1.0), np.zeros(int(0.5 * RATE))]).astype(np.float32)
    y = silence.trim_part(x, RATE, start=True, end=True)
    # 1 s of speech plus at most lead (15 ms) + tail (45 ms) + one analysis frame each side
    assert 1.0 <= len(y) / RATE <= 1.0 + silence.LEAD_S + silence.TAIL_S + 2 * silence.FRAME_S


def test_trim_keeps_quiet_low_level_noise_out():
    rng = np.random.default_rng(0)
    noise = (rng.standard_normal(RATE) * 1e-4).astype(np.float32)
    assert silence.trim_part(noise, RATE, start=True, end=True).size == 0
    assert silence.trim_part(np.zeros(100, np.float32), RATE, start=True, end=True).size == 0
    assert silence.trim_part(np.zeros(0, np.float32), RATE, start=True, end=True).size == 0


def test_edges_are_faded_to_zero():
    y = silence.trim_part(_speech(0.5, amp=0.8), RATE, start=True, end=True)
    assert abs(y[0]) < 1e-6 and abs(y[-1]) < 1e-3
    # the largest step at the edges is no bigger than inside the speech
    inner = np.abs(np.diff(y[200:-200])).max()
    assert np.abs(np.diff(y[:100])).max() <= inner
    assert np.abs(np.diff(y[-100:])).max() <= inner


def test_soft_limit_never_reaches_full_scale():
    x = np.linspace(-3, 3, 10_001, dtype=np.float32)
    y = silence.soft_limit(x.copy())
    assert np.abs(y).max() < 1.0
    assert np.all(np.diff(y) >= 0)  # monotonic: no folding
    quiet = np.linspace(-0.9, 0.9, 101, dtype=np.float32)
    np.testing.assert_array_equal(silence.soft_limit(quiet.copy()), quiet)


def test_parts_of_a_windowed_chunk_are_trimmed_only_at_its_edges():
    quiet = np.zeros(int(0.25 * RATE), np.float32)
    speech = _speech(0.4)
    first = silence.trim_part(np.concatenate([quiet, speech]), RATE, start=True, end=False)
    assert len(first) < len(quiet) + len(speech) and len(first) >= len(speech)  # lead trimmed
    assert len(silence.trim_part(np.concatenate([quiet, speech, quiet]), RATE, start=False, end=False)) \
        == len(quiet) * 2 + len(speech)  # a middle part keeps its pauses
    assert len(silence.trim_part(quiet, RATE, start=True, end=False)) == len(quiet)  # margin before speech
    # A last part with no voice is the silent margin after the speech: nothing is kept of it.
    assert silence.trim_part(quiet, RATE, start=False, end=True).size == 0
