"""Silence trimming, edge fades and a soft limiter for model output (24 kHz float32).

Kokoro puts ~0.3 s of silence before speech and a variable tail after it; the synthesizer
trims both to a short natural lead-in/tail and adds its own, predictable gaps.
"""
from __future__ import annotations

import numpy as np

FRAME_S = 0.005  # analysis frame for the voice-activity threshold
LEAD_S = 0.015  # kept before the first voiced frame: keeps soft onsets such as "h" and "f"
TAIL_S = 0.045  # kept after the last voiced frame: lets "s" and plosive releases decay
FADE_S = 0.004
ABS_FLOOR = 0.004  # below this RMS a frame is silence, whatever the chunk's peak
REL_FLOOR = 0.02  # ... and below 2% of the chunk's loudest frame


def _frame_rms(x: np.ndarray, frame: int) -> np.ndarray:
    n = len(x) // frame
    if n == 0:
        return np.zeros(0, np.float32)
    frames = x[: n * frame].reshape(n, frame)
    return np.sqrt(np.mean(frames * frames, axis=1))


def voiced_bounds(x: np.ndarray, sample_rate: int) -> tuple[int, int] | None:
    """[start, end) sample range from the first to the last voiced frame, or None."""
    frame = max(1, int(FRAME_S * sample_rate))
    rms = _frame_rms(x, frame)
    if rms.size == 0:
        return None
    voiced = np.flatnonzero(rms > max(ABS_FLOOR, REL_FLOOR * float(rms.max())))
    if voiced.size == 0:
        return None
    return int(voiced[0]) * frame, min(len(x), (int(voiced[-1]) + 1) * frame)


def fade_edges(x: np.ndarray, sample_rate: int, seconds: float = FADE_S, *, start: bool = True,
               end: bool = True) -> np.ndarray:
    """Raised-cosine fade in and/or out, so a chunk never starts or ends on a step."""
    n = min(len(x) // 2, int(seconds * sample_rate))
    if n > 0:
        ramp = (0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, n, dtype=np.float32))).astype(np.float32)
        if start:
            x[:n] *= ramp
        if end:
            x[-n:] *= ramp[::-1]
    return x


def soft_limit(x: np.ndarray, knee: float = 0.9) -> np.ndarray:
    """Leave samples below the knee alone; bend louder ones smoothly below 1.0 (no clipping)."""
    over = np.abs(x) > knee
    if over.any():
        room = 1.0 - knee - 1e-4
        y = x[over]
        x[over] = np.sign(y) * (knee + room * np.tanh((np.abs(y) - knee) / room))
    return x


def trim_part(x: np.ndarray, sample_rate: int, *, start: bool, end: bool) -> np.ndarray:
    """Part of a chunk decoded piece by piece: trimmed and faded only at the chunk's own
    start and/or end, limited everywhere. A first part without voice is kept (faded in):
    it is at most a few frames of margin before the speech. A last part without voice is
    dropped: it is the silent margin after the speech (kept, it lengthened the pause after
    the sentence to 0.6 s)."""
    return trim_part_at(x, sample_rate, start=start, end=end)[0]


def trim_part_at(x: np.ndarray, sample_rate: int, *, start: bool, end: bool) -> tuple[np.ndarray, int]:
    """trim_part, and how many samples it cut off the start (word timings shift by that)."""
    out = np.array(x, dtype=np.float32)  # a copy: the model's buffer is not ours
    bounds = voiced_bounds(out, sample_rate) if start or end else None
    if bounds is None and end:
        return np.zeros(0, np.float32), len(out)
    a = 0
    if bounds is not None:
        a = max(0, bounds[0] - int(LEAD_S * sample_rate)) if start else 0
        b = min(len(out), bounds[1] + int(TAIL_S * sample_rate)) if end else len(out)
        out = out[a:b]
    return soft_limit(fade_edges(out, sample_rate, start=start, end=end)), a
