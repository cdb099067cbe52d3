"""The audio-thread half of a sink: turns queued samples into output blocks."""
from __future__ import annotations

import numpy as np

from reader.audio.ring import SampleRing

NEVER = 1 << 62  # a ring position no stream reaches (no wait point, no wake-up)


class Renderer:
    """Fills one output block at a time from a SampleRing; runs on the audio thread.

    Responsible for everything that happens per sample: raised-cosine fades whenever sound
    starts, stops (flush), pauses or resumes, the volume ramp, and counting underruns.
    Other threads steer it only through plain attributes (flush_request, paused, volume,
    more_expected, pause_ok, wait_at); one attribute assignment is atomic under the GIL, so render() takes no
    lock. It reads them once per block, which is why a request takes effect within one block.

    Not responsible for threads, devices, waking anybody or what a position means to the
    producer: its owner looks at ring.read after each block.
    """

    def __init__(self, ring: SampleRing, rate: int, max_block: int, fade_s: float = 0.005) -> None:
        self.ring = ring
        self.rate = rate
        self.fade = max(1, round(fade_s * rate))  # samples in one fade
        steps = np.arange(self.fade + 1, dtype=np.float64)
        # window[i] = gain after i samples of a fade-in: 0 .. 1, raised cosine
        self._window = (0.5 - 0.5 * np.cos(np.pi * steps / self.fade)).astype(np.float32)
        self._scratch = np.zeros(max_block, np.float32)
        self._steps = np.arange(1, max_block + 1, dtype=np.float32)
        # -- requests, written by other threads ------------------------------------------
        self.flush_request: tuple[int, int] = (0, 0)  # (sequence number, drop up to position)
        self.paused = False
        self.volume = 1.0
        self.more_expected = False  # the producer has more to write: running dry is an underrun
        # ... unless what was written last ends between words: then running dry there is a
        # pause the producer chose (a slow computer), not a stall inside a word.
        self.pause_ok = False
        # A ring position between words inside what was written last, which ends inside a
        # word: playback waits there (a pause) unless more has been written by then, so a
        # late next part never stops the listener inside a word. Beyond `written`: none.
        self.wait_at = NEVER
        # -- audio-thread state ----------------------------------------------------------
        self.underruns = 0
        self.last_underrun_at = -1  # ring position of the latest underrun (for diagnosis)
        self.pauses = 0  # times it ran dry where the producer allowed it (pause_ok)
        self.longest_wait = 0  # samples of the longest run dry with more expected (a pause or stall)
        self._dry = 0  # samples of the current run dry
        self.blocks = 0
        self._flush_seen = 0
        self._drop_to: int | None = None  # a flush waiting for its fade-out to finish
        self._env = 0  # fade position 0..fade: 0 silent, fade fully open
        self._fading_out = False
        self._cursor = 0  # where a fade-out reads from; ring.read stays put meanwhile
        self._gain = 1.0

    def reset(self) -> None:
        """Forget the sound in progress (the stream was reopened). Call with no render() running."""
        seq, drop_to = self.flush_request
        if seq != self._flush_seen:  # a flush while no stream ran: nothing sounds, just drop
            self._flush_seen = seq
            self.ring.skip_to(drop_to)
        if self._drop_to is not None:  # the stream closed in the middle of a flush's fade
            self.ring.skip_to(self._drop_to)
        self._drop_to = None
        self._env = 0
        self._fading_out = False
        self._gain = self.volume

    @property
    def sounding(self) -> bool:
        return self._env > 0

    def render(self, out: np.ndarray) -> None:
        """Fill out (float32, one channel) completely. Never blocks; allocates nothing big."""
        self.blocks += 1
        ring = self.ring
        seq, drop_to = self.flush_request
        if seq != self._flush_seen:
            self._flush_seen = seq
            if self._env > 0:
                self._drop_to = drop_to  # drop after fading out what is sounding now
                self._start_fade_out()
            else:
                ring.skip_to(drop_to)
        if self.paused and self._env > 0:
            self._start_fade_out()
        # Read once: the producer moves it when it writes more; with no more expected, none.
        wait_at = self.wait_at if self.more_expected else NEVER
        n, o = len(out), 0
        while o < n:
            if self._fading_out:
                o = self._fade_out_into(out, o)
                continue
            if self.paused:
                out[o:] = 0.0
                break
            upto = n if wait_at < ring.read else min(n, o + wait_at - ring.read)
            got = ring.take(out[o:upto])
            waiting = ring.read == wait_at  # at the wait point, nothing more written yet
            if got and self._dry:
                self.longest_wait = max(self.longest_wait, self._dry)
                self._dry = 0
            if got and self.more_expected and self._env > 0 and (
                    waiting or (self.pause_ok and ring.available() == 0)):
                # Dry at a point between words (a slow computer's wait): fade out what was
                # just taken, as at a pause; the next sound fades in. Had more come within
                # this block, the fade is a 5 ms dip between two words.
                self._fade_tail(out, o, got)
                o += got
                continue
            if got == 0:
                out[o:] = 0.0
                if self.more_expected:
                    self._dry += n - o
                if self._env > 0 and self.more_expected:  # one per episode: _env is 0 until data returns
                    if self.pause_ok or waiting:
                        self.pauses += 1
                    else:
                        self.underruns += 1
                        self.last_underrun_at = ring.read
                self._env = 0  # whatever comes next starts with a fade-in
                break
            if self._env < self.fade:
                k = min(got, self.fade - self._env)
                out[o:o + k] *= self._window[self._env + 1:self._env + 1 + k]
                self._env += k
            o += got
        self._apply_volume(out)

    def _fade_tail(self, out: np.ndarray, o: int, got: int) -> None:
        """Fade out[o:o + got] (just taken, ending where the ring ran dry) to silence."""
        if self._env < self.fade:  # still fading in: open it first, as the main path does
            k = min(got, self.fade - self._env)
            out[o:o + k] *= self._window[self._env + 1:self._env + 1 + k]
        k = min(got, self.fade)
        out[o + got - k:o + got] *= self._window[:k][::-1]
        self._env = 0  # the sound has stopped: what comes next fades in
        self.pauses += 1

    def _start_fade_out(self) -> None:
        if not self._fading_out:
            self._fading_out = True
            self._cursor = self.ring.read

    def _fade_out_into(self, out: np.ndarray, o: int) -> int:
        """Continue a fade-out from _cursor; when done, apply a pending flush."""
        k = min(len(out) - o, self._env)
        seg = out[o:o + k]
        got = self.ring.peek(self._cursor, seg)
        seg[got:] = 0.0
        seg *= self._window[self._env - k:self._env][::-1]
        self._cursor += k
        self._env -= k
        if self._env == 0:
            self._fading_out = False
            if self._drop_to is not None:
                self.ring.skip_to(self._drop_to)
                self._drop_to = None
        return o + k

    def _apply_volume(self, out: np.ndarray) -> None:
        target, gain, n = self.volume, self._gain, len(out)
        if target == gain:
            if gain != 1.0:
                out *= gain
            return
        if n > len(self._scratch):  # PortAudio promised fixed blocks; survive if it did not
            self._scratch = np.zeros(n, np.float32)
            self._steps = np.arange(1, n + 1, dtype=np.float32)
        ramp = self._scratch[:n]  # a linear ramp over the block: no zipper noise
        np.multiply(self._steps[:n], (target - gain) / n, out=ramp)
        ramp += gain
        out *= ramp
        self._gain = target
