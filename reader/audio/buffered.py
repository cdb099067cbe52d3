"""The hardware-free part of an audio sink, shared by the sounddevice sink and the fake."""
from __future__ import annotations

import collections
import logging
import threading
import time
from typing import Callable

import numpy as np

from reader.audio.render import NEVER as _NEVER, Renderer
from reader.audio.resample import ChunkResampler
from reader.audio.ring import SampleRing
from reader.notify import notify
from reader.types import SAMPLE_RATE, ReaderError

_LOGGER = logging.getLogger(__name__)


class BufferedSink:
    """Producer-side logic of a sink: generations, marks, drain, resampling, event dispatch.

    write()/drain() are for ONE producer thread; flush()/pause()/resume()/set_volume() may be
    called from any thread. Samples are resampled here (never in the audio callback), clipped
    to [-1, 1] and queued in a ring that a Renderer plays on the audio thread. on_mark
    and on_error run where the subclass calls service(): on the sounddevice
    sink's notifier thread, or inside the fake's advance().

    Not responsible for devices or threads: subclasses implement _open_output() (make sure an
    output consumes the ring; return its rate), _close_output(), close() and _wake().
    """

    def __init__(self, *, on_mark: Callable[[object], None] | None = None,
                 on_error: Callable[[str], None] | None = None,
                 buffer_s: float = 15.0, fade_s: float = 0.005, input_rate: int = SAMPLE_RATE) -> None:
        self.input_rate = input_rate  # rate write() takes, Hz
        self.on_mark = on_mark
        self.on_error = on_error
        self.last_error: str | None = None
        self._buffer_s = buffer_s
        self._fade_s = fade_s
        self._lock = threading.Lock()  # all state below; never taken on the audio thread
        self._played = threading.Condition(self._lock)  # drain() waits on it
        self._space = threading.Event()  # set on the audio thread when a blocked producer may go on
        self._space_wanted = False
        self._silent = threading.Event()  # set on the audio thread once the output is silent
        self._silence_wanted = False
        self._flushed_gen = -_NEVER  # writes of an older generation are dropped
        self._epoch = 0  # bumped by flush and by output failure: writes and drains in flight give up
        self._flush_seq = 0
        self._marks: collections.deque = collections.deque()  # (ring position, mark), in order
        # The last marks played, (ring position, mark): heard() looks back past the device's latency.
        self._reached: collections.deque = collections.deque(maxlen=8)
        self._heard_to = 0  # heard() never goes back before this ring position (until a flush)
        self._errors: collections.deque[str] = collections.deque()
        self._drain_target: int | None = None  # drain(): the ring position to play up to
        self._drain_due: float | None = None  # when the drained ring will have been heard
        self._drained_to = 0  # everything before this ring position has been heard
        self._wake_at = _NEVER  # the audio thread wakes the notifier when ring.read reaches it
        self._resampler = ChunkResampler(input_rate)
        self._mark_position = 0
        self._rate = 0
        self._ring: SampleRing | None = None
        self._renderer: Renderer | None = None
        self._volume = 1.0
        self._paused = False
        self._writing = False  # the producer is inside write()/drain(): keep the output open
        self._closed = False

    # -- for subclasses ----------------------------------------------------------------------
    def _open_output(self) -> int:
        raise NotImplementedError

    def _close_output(self) -> None:
        raise NotImplementedError

    def _wake(self) -> None:
        """Ask for service() to run soon on the thread that delivers events."""

    def _block_rendered(self) -> None:
        """Audio thread, after each block: wake a blocked producer or a silence waiter.

        Only flags and Event.set(): nothing here blocks, allocates or logs.
        """
        if self._space_wanted:
            self._space_wanted = False
            self._space.set()
        if self._silence_wanted and not self._renderer.sounding:
            self._silence_wanted = False
            self._silent.set()

    def _producer_blocked(self) -> None:
        """Hook: the producer is about to wait for room (the fake tells its test)."""

    def _drain_delay(self) -> float:
        """Seconds from the audio thread taking the last sample to it being heard."""
        return 0.0

    def _prepare(self, rate: int, max_block: int) -> Renderer:
        """(Re)build ring and renderer for an output at `rate`. Call while no output runs."""
        if self._renderer is None or rate != self._rate:
            self._rate = rate
            self._ring = SampleRing(int(self._buffer_s * rate))
            self._renderer = Renderer(self._ring, rate, max_block, self._fade_s)
            self._resampler.reset()
            self._drained_to = 0  # positions restart with the new ring
        self._renderer.volume = self._volume
        self._renderer.paused = self._paused
        self._renderer.reset()
        return self._renderer

    # -- producer API ------------------------------------------------------------------------
    def open(self) -> int:
        """Open the output now rather than on the first write(); its rate. Raises ReaderError."""
        try:
            return self._open_output()
        except ReaderError:
            raise
        except Exception as exc:
            raise ReaderError(f"audio output failed: {exc}") from exc

    @property
    def latency(self) -> float:
        """Seconds from a sample leaving the sink to it being heard (0 here: heard = rendered)."""
        return 0.0

    def write(self, samples: np.ndarray, generation: int, mark: object | None = None, *,
              ends_word: bool = False, wait_at: int | None = None) -> bool:
        """Queue float32 mono samples at input_rate; blocks while the ring is full.

        Returns True once all are queued; False at once when `generation` is older than the
        last flush, and False when a flush or an output failure drops them meanwhile (the
        failure also goes to on_error). `mark` goes to on_mark when the first of these
        samples starts playing. ends_word: these samples end between words, so the queue
        may run dry after them (a pause, counted apart from underruns); they are then played
        to their last sample before it does. wait_at: for samples that end inside a word, an
        index between words (at least the resampler's ~32 ms before their end) where playback
        waits if nothing more has been written by the time it gets there: a late next write
        makes a pause between words instead of a stall inside one. Producer thread only.
        """
        x = np.asarray(samples, dtype=np.float32).reshape(-1)
        with self._lock:
            if generation < self._flushed_gen or self._closed:
                return False
            epoch = self._epoch
        self._writing = True
        try:
            try:
                rate = self._open_output()
            except Exception as exc:  # a missing device or server: an event, not a crash
                self._report(f"audio output failed: {exc}")
                return False
            with self._lock:
                if generation < self._flushed_gen or epoch != self._epoch:
                    return False
                # Ending between words, the resampler gives all it holds (else a pause there
                # would cut off the word's last few ms until the next part).
                convert = self._convert(x, generation, rate, last=ends_word and len(x) > 0)
                if mark is not None:
                    self._marks.append((self._mark_position, mark))
                    self._wake_at = min(self._wake_at, self._mark_position + 1)
                wait = _NEVER if wait_at is None else self._mark_position + round(wait_at * rate / self.input_rate)
                self._renderer.more_expected = True
                self._renderer.pause_ok = False  # until all of these are in the ring
            if not self._put(convert(), epoch):  # converted unlocked: flush() never waits for it
                return False
            # Only now: the wait point before these samples may hold playback until they are in.
            self._renderer.wait_at = wait
            self._renderer.pause_ok = ends_word
            return True
        finally:
            self._writing = False

    def _convert(self, x: np.ndarray, generation: int, rate: int, last: bool = False) -> Callable[[], np.ndarray]:
        """x's conversion to the output rate, to run after releasing the lock (lock held);
        sets _mark_position (where x's first sample lands)."""
        rs, ring = self._resampler, self._ring
        if rate == self.input_rate:
            self._mark_position = ring.written
            return lambda: np.clip(x, -1.0, 1.0)
        if not rs.matches(generation, rate):
            # An undrained previous generation: keep its tail (never block: the lock is held).
            tail = rs.finish()
            ring.put(tail[: ring.free()])
            rs.begin(generation, rate, ring.written)
        self._mark_position = rs.output_position()
        return rs.feed(x, last)

    def _put(self, y: np.ndarray, epoch: int) -> bool:
        ring = self._ring
        while len(y):
            with self._lock:  # with flush(): a flush either sees these samples or stops them
                if epoch != self._epoch:
                    return False
                n = ring.put(y)
            y = y[n:]
            if len(y):
                self._space.clear()  # clear first, then ask: a wake-up can't be lost
                self._space_wanted = True
                if ring.free() == 0:
                    self._producer_blocked()
                    self._space.wait(0.5)  # timed only as a safety net
        return True

    def drain(self, timeout: float | None = None) -> bool:
        """Declare the end of what is queued and wait until it has been heard.

        Returns True when it has, False on timeout, flush or output failure. timeout=0 only
        declares the end. Producer thread only; waits on a
        Condition that service() signals.
        """
        with self._lock:
            if self._ring is None or self._closed:
                return self._ring is None
            epoch = self._epoch
            tail = self._resampler.finish()
        self._writing = True
        try:
            if not self._put(tail, epoch):
                return False
        finally:
            self._writing = False
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            target = self._ring.written
            if epoch == self._epoch:
                # A mark's position comes from the input count; the resampler's real output
                # can end a sample or so earlier. No mark may wait past the last sample.
                self._marks = collections.deque((min(p, target), m) for p, m in self._marks)
                self._drain_target, self._drain_due = target, None
                self._renderer.more_expected = False
                self._renderer.wait_at = _NEVER  # the end: everything plays
                self._wake_at = min(self._wake_at, target)
        self._wake()
        with self._lock:
            while self._drained_to < target and epoch == self._epoch:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._played.wait(left)
            return self._drained_to >= target

    # -- control API (any thread) ------------------------------------------------------------
    def flush(self, generation: int) -> None:
        """Drop everything queued: what sounds fades out within one block. Clears pause.

        Later writes of a generation older than `generation` are dropped. Any thread.
        """
        with self._lock:
            self._flushed_gen = max(self._flushed_gen, generation)
            self._paused = False
            self._forget_queued()
            if self._renderer is not None:
                self._flush_seq += 1
                self._renderer.paused = False
                self._renderer.flush_request = (self._flush_seq, self._ring.written)
        self._space.set()  # a producer blocked on a full ring returns False now

    def _forget_queued(self) -> None:
        """Give up writes, drains and marks in flight. Lock held."""
        self._epoch += 1
        self._marks.clear()
        self._reached.clear()
        self._heard_to = 0
        self._resampler.reset()
        self._drain_target = self._drain_due = None
        self._wake_at = _NEVER
        if self._renderer is not None:
            self._renderer.more_expected = False
            self._renderer.wait_at = _NEVER
        self._played.notify_all()

    def pause(self) -> None:
        """Fade out within one block, holding the position where the fade began. Any thread."""
        self._set_paused(True)

    def resume(self) -> None:
        """Fade in from the held position. Any thread."""
        self._set_paused(False)

    def _set_paused(self, paused: bool) -> None:
        with self._lock:
            self._paused = paused
            if self._renderer is not None:
                self._renderer.paused = paused

    @property
    def paused(self) -> bool:
        return self._paused

    def set_volume(self, volume: float) -> None:
        """0.0-1.0, clamped: a boost would clip, louder is the system mixer's job.

        Ramped over the next block. Any thread.
        """
        self._volume = min(1.0, max(0.0, float(volume)))
        if self._renderer is not None:
            self._renderer.volume = self._volume

    @property
    def volume(self) -> float:
        return self._volume

    def watch_silence(self) -> None:
        """Start watching for the output to fall silent (call before stop/pause). Any thread."""
        self._silent.clear()
        self._silence_wanted = True

    def wait_silent(self, timeout: float) -> bool:
        """After watch_silence(): wait until a rendered block ended silent (a fade finished).

        Measures when silence leaves the sink; the device adds its output latency.
        """
        return self._silent.wait(timeout)

    @property
    def underruns(self) -> int:
        """Times the queue ran dry while playing, with more expected and not paused, where
        the producer did not allow a pause (inside a word: a stall)."""
        return self._renderer.underruns if self._renderer is not None else 0

    @property
    def pauses(self) -> int:
        """Times the queue ran dry between words, where the producer allowed it."""
        return self._renderer.pauses if self._renderer is not None else 0

    def take_longest_wait(self) -> float:
        """Seconds of the longest time the queue ran dry with more expected (a pause or a
        stall) since the last call; starts counting afresh. Any thread (for figures)."""
        renderer = self._renderer
        if renderer is None:
            return 0.0
        samples, renderer.longest_wait = renderer.longest_wait, 0
        return samples / renderer.rate

    # -- event side --------------------------------------------------------------------------
    def heard(self) -> tuple[object, int] | None:
        """What is being heard now: the last mark whose first sample has been heard, and how
        many of the samples written after it (at input_rate) have been heard since: the
        position played less the output's latency, never going back (a pause holds it). None
        before any mark, or after a flush. Any thread."""
        with self._lock:
            ring, rate = self._ring, self._rate
            if ring is None or not rate:
                return None
            at = max(self._heard_to, ring.read - round(self.latency * rate))
            self._heard_to = at
            found = None
            for position, mark in (*self._reached, *self._marks):
                if position >= at:  # its first sample not heard yet
                    break
                found = (position, mark)
            if found is None:
                return None
            return found[1], round((at - found[0]) * self.input_rate / rate)

    def _report(self, message: str) -> None:
        """Queue an error event for on_error (messages never hold user text)."""
        _LOGGER.warning("%s", message)
        with self._lock:
            self.last_error = message
            self._errors.append(message)
        self._wake()

    def _discard_queue(self) -> None:
        """Drop everything queued after the output died. Call while no audio thread runs."""
        with self._lock:
            self._forget_queued()
            if self._ring is not None:
                self._ring.skip_to(self._ring.written)
        self._space.set()

    def service(self, now: float | None = None) -> float | None:
        """Deliver due marks and error events, and mark a drain done, on the event thread.

        Returns the monotonic time it wants to run again (a drain waiting out the output
        latency), else None.
        """
        marks, errors, again = [], [], None
        with self._lock:
            errors.extend(self._errors)
            self._errors.clear()
            if self._ring is not None:
                read = self._ring.read
                while self._marks and self._marks[0][0] < read:
                    self._reached.append(self._marks[0])
                    marks.append(self._marks.popleft()[1])
                target = self._drain_target
                if target is not None and read >= target:
                    now = time.monotonic() if now is None else now
                    due = self._drain_due or now + self._drain_delay()
                    if now >= due:
                        while self._marks and self._marks[0][0] <= target:  # empty writes at the end
                            self._reached.append(self._marks[0])
                            marks.append(self._marks.popleft()[1])
                        self._drained_to, self._drain_target, due = target, None, None
                        self._played.notify_all()
                    self._drain_due = again = due
                # Wake on the next mark, or on the drain target unless only its delay is left.
                waiting = self._drain_target is not None and self._drain_due is None
                self._wake_at = min(self._marks[0][0] + 1 if self._marks else _NEVER,
                                    self._drain_target if waiting else _NEVER)
        for mark in marks:
            notify(self.on_mark, mark, who="audio sink listener")
        for message in errors:
            notify(self.on_error, message, who="audio sink listener")
        return again
