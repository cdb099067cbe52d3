"""Test signals and recording analysis shared by the audio integration tests.

Signals are float32 at RATE (the synthesizer's rate); recordings are at REC_RATE (the null
sink's). Nothing here asserts anything.
"""
from __future__ import annotations

import time

import numpy as np

RATE = 24_000
REC_RATE = 48_000
THRESHOLD = 1e-3  # |sample| above this is sound (the null sink records digital zeros)
FADE_48K = 240  # a 5 ms fade, in recording samples


def tone(seconds: float, freq: float = 440.0, amp: float = 0.5, rate: int = RATE) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def window(fade: int) -> np.ndarray:
    i = np.arange(fade + 1)
    return (0.5 - 0.5 * np.cos(np.pi * i / fade)).astype(np.float32)


def to48k(x: np.ndarray) -> np.ndarray:
    import soxr

    return soxr.resample(x, RATE, REC_RATE, quality="HQ").astype(np.float32)


def edges(x: np.ndarray, seconds: float = 0.01) -> np.ndarray:
    """Taper both ends so the signal itself starts and ends without a step."""
    n = int(seconds * RATE)
    w = window(n)[1:]
    y = x.copy()
    y[:n] *= w
    y[-n:] *= w[::-1]
    return y


def chirp(seconds: float, f0: float = 200.0, f1: float = 2000.0, amp: float = 0.5) -> np.ndarray:
    """A sweep: never repeats, so a piece of it aligns at exactly one place."""
    t = np.arange(int(seconds * RATE)) / RATE
    phase = 2 * np.pi * (f0 * t + (f1 - f0) * t * t / (2 * seconds))
    return edges((amp * np.sin(phase)).astype(np.float32))


def speechlike(seconds: float, seed: int = 0) -> np.ndarray:
    """Voiced harmonics on a wandering pitch, syllable-rate envelope, fricative noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    f0 = 130 + 35 * np.sin(2 * np.pi * 0.7 * t) + 15 * np.sin(2 * np.pi * 2.3 * t + 1)
    phase = 2 * np.pi * np.cumsum(f0) / RATE
    formant = np.array([1.0, 0.8, 0.9, 0.6, 0.5, 0.7, 0.4, 0.3, 0.25, 0.2, 0.15, 0.12])
    voiced = sum(a * np.sin((k + 1) * phase + rng.uniform(0, 6.3)) for k, a in enumerate(formant))
    syllables = 0.2 + 0.8 * (0.5 + 0.5 * np.sin(2 * np.pi * 4.1 * t + rng.uniform(0, 6.3))) ** 2
    noise = np.convolve(rng.normal(0, 1, len(t)), np.ones(3) / 3, "same")
    hiss = (np.sin(2 * np.pi * 1.3 * t) > 0.85) * noise * 0.6
    x = voiced * syllables + hiss
    return edges((0.45 * x / np.abs(x).max()).astype(np.float32))


def locate(segment: np.ndarray, ref: np.ndarray) -> tuple[int, float]:
    """Where segment sits in ref (segment ~ ref[k:k+len]) and the normalized correlation there."""
    n = 1 << int(np.ceil(np.log2(len(ref) + len(segment))))
    cc = np.fft.irfft(np.fft.rfft(ref, n) * np.conj(np.fft.rfft(segment, n)), n)[: len(ref) - len(segment) + 1]
    # Normalized by the level of ref under the segment: a raw product peaks wherever ref is
    # loudest, which in speech can be a pitch period (~15 ms) or a word away from the match.
    energy = np.concatenate(([0.0], np.cumsum(np.square(ref, dtype=np.float64))))
    level = np.sqrt(np.maximum(energy[len(segment):] - energy[:-len(segment)], 0.0))
    k = int(np.argmax(cc / (level + 0.05 * np.linalg.norm(segment) + 1e-12)))
    return k, _best_fraction(segment, ref[k:k + len(segment)])


def _best_fraction(segment: np.ndarray, part: np.ndarray, steps: int = 8) -> float:
    """The normalized correlation of segment with part, at the best delay within a sample.

    The sound server may resample what it plays by a fraction of a sample (PipeWire matches
    rates when its graph is late, as on a busy computer): a 0.4-sample delay drops speech's
    correlation to ~0.9 though every sample was played, in order, and nothing was lost."""
    n = len(segment)
    spectrum = np.fft.rfft(segment, 2 * n)  # zero-padded: the shift does not wrap around
    turns = np.fft.rfftfreq(2 * n)
    norm_part = np.linalg.norm(part) + 1e-12
    best = -1.0
    for d in np.linspace(-1.0, 1.0, 2 * steps + 1):
        shifted = np.fft.irfft(spectrum * np.exp(-2j * np.pi * turns * d), 2 * n)[:n]
        best = max(best, float(np.dot(shifted, part) / (np.linalg.norm(shifted) * norm_part + 1e-12)))
    return best


def sound_indices(x: np.ndarray) -> np.ndarray:
    return np.flatnonzero(np.abs(x) > THRESHOLD)


def sound_ms(x: np.ndarray) -> float:
    """Milliseconds from x's start to the end of its last sound (0 when x is silent)."""
    heard = sound_indices(x)
    return (heard[-1] + 1) / REC_RATE * 1000 if len(heard) else 0.0


def max_step(x: np.ndarray) -> float:
    return float(np.abs(np.diff(x)).max())


def silent_runs(x: np.ndarray, shortest: int = 16) -> list[tuple[int, int]]:
    """(start, end) of every run of at least `shortest` samples below the recording's 16-bit
    resolution: in a steady tone (which crosses zero in one sample) a hole the host made."""
    quiet = np.concatenate(([False], np.abs(x) < 2.0 / 32768, [False]))
    bounds = np.flatnonzero(np.diff(quiet.astype(np.int8)))
    return [(int(a), int(b)) for a, b in zip(bounds[::2], bounds[1::2]) if b - a >= shortest]


def step_beside_holes(x: np.ndarray, holes: list[tuple[int, int]]) -> float:
    """max_step(x) without the steps into and out of the given silent runs."""
    steps = np.abs(np.diff(x))
    for a, b in holes:
        steps[max(0, a - 1):b + 1] = 0
    return float(steps.max())


def squeezed(x: np.ndarray, keep_s: float = 0.25, frame: int = 240, floor: float = 0.004) -> np.ndarray:
    """x with every silence (5 ms frames under `floor` RMS) longer than keep_s cut to keep_s:
    what Whisper hears of a slow computer's waits between words (around long ones tiny.en
    has written a word twice) without changing a word."""
    frames = len(x) // frame
    rms = np.sqrt(np.mean(x[:frames * frame].reshape(frames, frame) ** 2, axis=1))
    keep, run, limit = [], 0, int(keep_s * REC_RATE / frame)
    for i, quiet in enumerate(rms < floor):
        run = run + 1 if quiet else 0
        if run <= limit:
            keep.append(x[i * frame:(i + 1) * frame])
    keep.append(x[frames * frame:])
    return np.concatenate(keep)


def wait_heard(recorder, seconds: float = 0.15) -> np.ndarray:
    """Wait until the recording covers `seconds` past now (audio takes wall-clock time)."""
    recorder.wait_for(recorder.index_at(time.monotonic()) + int(seconds * REC_RATE))
    return recorder.samples()


def played_runs(x: np.ndarray, runs: list[np.ndarray], start: int, max_pause_s: float = 20.0,
                window_s: float = 0.5, search: int = REC_RATE // 10,
                matched: list[np.ndarray] | None = None) -> list[tuple[int, float, int]]:
    """Find each run of the reference (48 kHz audio that plays without a break; a pause may
    follow it) in the recording x, in order, from index `start`.

    Returns per run with sound: (where it starts in x, the lowest correlation of its
    window_s windows with the recording, the largest drift of a window from where the run
    start puts it, in samples). A stall inside a run shows as a drift or a low correlation.
    matched, if given, gets the run of each result, in the same order."""
    found, pos, win = [], start, int(window_s * REC_RATE)
    for run in runs:
        loud = np.flatnonzero(np.abs(run) > 0.05)
        if len(loud) == 0 or len(run) < win // 2:
            pos += len(run)  # too short or silent to find: a pause may follow it all the same
            continue
        at = max(0, min(int(loud[0]), len(run) - win))
        head = run[at:at + win]
        region = x[pos:pos + len(run) + int(max_pause_s * REC_RATE)]
        k, _ = locate(head, region)
        begin = pos + k - at
        corrs, drifts = [], []
        for s in range(0, len(run) - win // 2, win):
            seg = run[s:s + win]
            if np.sqrt(np.mean(seg * seg)) < 0.02:
                continue  # mostly silence: nothing to align
            lo = max(0, begin + s - search)
            j, c = locate(seg, x[lo:begin + s + len(seg) + search])
            corrs.append(c)
            drifts.append(lo + j - (begin + s))
        if corrs:
            found.append((begin, min(corrs), max(abs(d) for d in drifts)))
            if matched is not None:
                matched.append(run)
        pos = begin + len(run)
    return found


def log_spectrogram(x: np.ndarray, n_fft: int = 1024, hop: int = 240) -> np.ndarray:
    """Power in dB per frame and bin, over an 80 dB range (noise floors are not compared)."""
    frames = 1 + (len(x) - n_fft) // hop
    index = np.arange(n_fft)[None, :] + hop * np.arange(frames)[:, None]
    power = np.abs(np.fft.rfft(x[index] * np.hanning(n_fft), axis=1)) ** 2
    db = 10 * np.log10(power + 1e-12)
    return np.maximum(db, db.max() - 80)


def spectral_correlation(x: np.ndarray, ref: np.ndarray) -> float:
    """Correlation of the log spectrograms of two equally long signals: what a listener
    compares (a decode in windows is not the whole decode sample for sample)."""
    return float(np.corrcoef(log_spectrogram(x).ravel(), log_spectrogram(ref).ravel())[0, 1])


def joined(chunks) -> np.ndarray:
    """All samples of a synthesizer's stream of AudioChunks, concatenated."""
    parts = [c.samples for c in chunks]
    return np.concatenate(parts) if parts else np.zeros(0, np.float32)


def window_matches(x: np.ndarray, run: np.ndarray, begin: int, window_s: float = 0.5,
                   search: int = REC_RATE // 10) -> list[tuple[int, int, float]]:
    """(window start in run, its drift in x from where `begin` puts it, correlation) for each
    window of run with sound, run heard from `begin`."""
    win, rows = int(window_s * REC_RATE), []
    for s in range(0, len(run) - win // 2, win):
        seg = run[s:s + win]
        if np.sqrt(np.mean(seg * seg)) < 0.02:
            continue
        lo = max(0, begin + s - search)
        j, c = locate(seg, x[lo:begin + s + len(seg) + search])
        rows.append((s, lo + j - (begin + s), c))
    return rows


def worst_window(x: np.ndarray, run: np.ndarray, begin: int) -> int:
    """Index in x where the window of run that played least as made (played_runs' measure:
    lowest correlation, then largest drift) begins, for run heard from `begin`."""
    rows = window_matches(x, run, begin)
    worst = min(((c if abs(d) <= 48 else -1.0, -abs(d), s) for s, d, c in rows), default=(0, 0, 0))
    return begin + worst[2]


def inserted_silence(x: np.ndarray, run: np.ndarray, begin: int, window_s: float = 0.5,
                     search: int = REC_RATE // 10, most: int = 1280) -> int | None:
    """How many samples of silence were inserted into run where it plays in x from `begin`,
    when that is all that differs: its windows before one point match at drift 0, those after
    at one drift d (0 < d <= most), and x between them holds d more silent samples than the
    run there. What a sound server does when a player's data comes a little late. None when
    the run differs in any other way (samples lost, repeated, changed)."""
    win = int(window_s * REC_RATE)
    rows = window_matches(x, run, begin, window_s, search)  # (window start in run, drift, correlation)
    good = [(s, d) for s, d, c in rows if c >= 0.95]
    bad = [s for s, d, c in rows if c < 0.95]
    after = [d for _, d in good if abs(d) > 1]
    if len(bad) > 1 or not after or len(set(after)) != 1 or not 0 < after[0] <= most:
        return None
    d = after[0]
    drifts = [0 if abs(dd) <= 1 else dd for _, dd in good]
    if drifts != sorted(drifts):
        return None
    a = max([s + win for s, dd in good if abs(dd) <= 1], default=0)  # end of the last window at drift 0
    b = min(s for s, dd in good if dd == d)  # start of the first window at drift d
    quiet = 2.0 / 32768  # below the recording's 16-bit resolution
    extra = int(np.sum(np.abs(x[begin + a:begin + b + d]) < quiet)) - int(np.sum(np.abs(run[a:b]) < quiet))
    return d if abs(extra - d) <= 64 else None
