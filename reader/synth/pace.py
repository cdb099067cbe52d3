"""How fast this computer makes speech now, and when the audio already handed out runs out.

Machines of the same kind differ 3.5x in speed, and another busy program slows any of them:
the synthesizer plans from what it measures, not from a figure for one machine.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

FRAME_S = 0.025  # one decoder frame of audio
# Work expected to take w seconds (at the cautious cost, below) is counted on only if the
# audio ahead lasts FACTOR * w + MARGIN_S: of the audio handed out, the output's resampler
# holds ~32 ms (soxr HQ, 24 to 44.1 or 48 kHz) until more follows, and the hand-over to the
# device takes a few ms (with 50 ms, `say` at pace 2 ran dry once inside a word).
FACTOR = 1.1
MARGIN_S = 0.1
# The cautious cost is the smoothed cost plus DEVIATIONS smoothed deviations (as TCP times
# out from round-trip times): idle, decodes vary ~10%; next to another busy program a decode
# can take 2-3x the last, and a part that counts on it ends inside a word.
DEVIATIONS = 3.0


def in_time(work_s: float, ahead_s: float) -> bool:
    """Whether work expected to take work_s seconds will be done before ahead_s seconds of
    audio have played."""
    return ahead_s >= FACTOR * work_s + MARGIN_S


class PaceMeter:
    """A smoothed estimate of the model's cost per frame of audio, from every decode.

    pace is seconds of audio made per second of compute at speed 1 (above 1: faster than it
    plays). Thread-safe: decodes report from the speaker's worker, status reads from others.
    Not responsible for deciding anything (the synthesizer does).
    """

    SMOOTHING = 0.3  # weight of the newest decode: follows a busy spell within ~3 decodes
    DEVIATION_RISE, DEVIATION_DECAY = 0.5, 0.1

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seconds_per_frame: float | None = None
        self._deviation = 0.0  # smoothed |cost - smoothed cost|, seconds per frame
        self._frames_per_token = 3.0  # at speed 1; measured from every encoded chunk
        self._work_s = 0.0  # all decodes' time so far

    def add(self, frames: int, seconds: float) -> None:
        """One decode: `frames` frames (context included) took `seconds`."""
        if frames <= 0 or seconds <= 0:
            return
        cost = seconds / frames
        with self._lock:
            self._work_s += seconds
            old = self._seconds_per_frame
            if old is None:
                self._seconds_per_frame, self._deviation = cost, cost / 4  # one decode: unsure
                return
            # A busy spell is planned for at once, and forgotten slowly (pauses between words
            # cost little; a stutter inside one is what the listener must not hear).
            diff = abs(cost - old) - self._deviation
            self._deviation += (self.DEVIATION_RISE if diff > 0 else self.DEVIATION_DECAY) * diff
            self._seconds_per_frame = old + self.SMOOTHING * (cost - old)

    def add_tokens(self, tokens: int, frames: int, speed: float) -> None:
        if tokens > 0 and frames > 0:
            with self._lock:
                self._frames_per_token += 0.2 * (frames * speed / tokens - self._frames_per_token)

    @property
    def seconds_per_frame(self) -> float | None:
        return self._seconds_per_frame

    @property
    def work_s(self) -> float:
        """Seconds spent decoding since this meter was made."""
        return self._work_s

    @property
    def cautious_seconds_per_frame(self) -> float | None:
        """The cost to plan with: what a decode may take when the load changes."""
        with self._lock:
            spf = self._seconds_per_frame
            return None if spf is None else spf + DEVIATIONS * self._deviation

    @property
    def pace(self) -> float | None:
        """Seconds of audio per second of compute, or None before the first decode."""
        spf = self._seconds_per_frame
        return None if spf is None else FRAME_S / spf

    def frames_for(self, tokens: int, speed: float) -> float:
        """Expected frames of a chunk of `tokens` tokens at `speed`."""
        return self._frames_per_token * tokens / speed


class Playout:
    """When the audio handed to the player so far will have played, if it plays at once and
    without a break: the synthesizer's view of the listener's clock. One per stream."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._runs_out = 0.0

    def ahead(self) -> float:
        """Seconds of handed-out audio still to play."""
        return max(0.0, self._runs_out - self._clock())

    def handed(self, seconds: float) -> None:
        now = self._clock()
        self._runs_out = max(now, self._runs_out) + seconds


SLOW_PACE = 1.0  # below this the model makes speech slower than it plays: waits between words


def slow_message(pace: float) -> str:
    """What the tray says when speech cannot keep up (no user text)."""
    return (f"This computer makes speech at {pace:.2f}x reading speed; expect short pauses between "
            "words. Closing busy programs helps; so does a higher speed setting (less work).")


__all__ = ["PaceMeter", "Playout", "in_time", "slow_message", "SLOW_PACE", "FRAME_S", "DEVIATIONS"]
