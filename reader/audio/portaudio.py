"""Audio output through PortAudio (sounddevice): the output devices and SoundDeviceSink.

The only module that imports sounddevice, lazily. One OutputStream stays open while speaking
and a while after; its callback renders from a preallocated ring buffer (see render.py) and
never blocks, allocates, logs or raises. Events go out on a notifier thread the sink owns.
"""
from __future__ import annotations

import collections
import logging
import sys
import threading
import time
from dataclasses import dataclass

from reader.audio.buffered import BufferedSink
from reader.audio.priority import raised
from reader.types import ReaderError

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutputDevice:
    """An output device as the settings window lists it."""

    index: int  # PortAudio's index: valid until the next rescan; prefer the name
    name: str
    host_api: str
    channels: int
    default_samplerate: float  # Hz
    is_default: bool


def _sounddevice():
    try:
        import sounddevice as sd
    except OSError as exc:  # the PortAudio library itself is missing
        raise ReaderError(f"audio output is unavailable ({exc}); install PortAudio "
                          "(Debian: apt install libportaudio2) or write to a file with -o out.wav") from exc
    return sd


def _rescan(sd) -> None:
    """Re-initialize PortAudio so it sees devices (and sound servers) that came back."""
    sd._terminate()
    sd._initialize()


def list_output_devices(rescan: bool = False) -> list[OutputDevice]:
    """Devices that can play; rescan=True re-queries PortAudio (no stream may be open)."""
    sd = _sounddevice()
    if rescan:
        _rescan(sd)
    apis = sd.query_hostapis()
    try:
        default = sd.query_devices(kind="output")["index"]
    except Exception:  # no default output at all
        default = -1
    return [OutputDevice(d["index"], d["name"], apis[d["hostapi"]]["name"], d["max_output_channels"],
                         float(d["default_samplerate"]), d["index"] == default)
            for d in sd.query_devices() if d["max_output_channels"] > 0]


class SoundDeviceSink(BufferedSink):
    """Plays through PortAudio via sounddevice: owns the OutputStream and the notifier thread.

    Responsible for the stream's life: opened by the first write() (or open()), kept warm
    for idle_close_s after the last sound, closed and reported through on_error when it dies
    (its finished callback fires, or its callback stops being called for watchdog_s), and
    reopened, after a PortAudio rescan, by the next write(). Plays at the device's default
    rate unless samplerate is given (BufferedSink resamples with soxr).

    Not responsible for what is played or when (the Speaker), nor for queueing, fades and
    events (BufferedSink, Renderer). One instance per process: a rescan re-initializes
    PortAudio for everybody.
    """

    def __init__(self, device: int | str | None = None, *, samplerate: int | None = None,
                 block_s: float = 0.005, latency: float | str = 0.02, idle_close_s: float = 5.0,
                 watchdog_s: float = 2.0, **kwargs) -> None:
        super().__init__(**kwargs)
        self.device = device  # PortAudio index or (part of a) name; None = the system default
        self.samplerate = samplerate
        self.stream_opens = 0
        self.xruns = 0  # output underflows PortAudio reported (the device starved)
        # Callbacks that came more than the device buffer after the one before: this process
        # was late (a hole the sound server may fill without telling us). For tests and --debug.
        self.late_callbacks = 0
        # Callbacks PortAudio made in time that our Python then began past the device buffer,
        # waiting for the GIL: a hole of ours, where late_callbacks is the host's.
        self.gil_late_callbacks = 0
        # (monotonic time, seconds waited) of the latest of those: when, to tell whom it was.
        self.gil_waits: collections.deque[tuple[float, float]] = collections.deque(maxlen=64)
        self._last_callback = 0.0  # 0: none yet since the stream opened
        self._late_s = float("inf")
        # Why late: PortAudio's thread itself (its clock between calls), or our Python waiting
        # for the GIL after PortAudio called (its clock, CLOCK_REALTIME here, to ours).
        self._longest_gap = 0.0
        self._longest_gil_wait = 0.0
        self.audio_priority = "normal"  # what the stream's threads got (priority.py)
        self._block_s = block_s
        # 20 ms of device buffer: with PortAudio's "low" (10 ms here) the sound server filled
        # a 5 ms hole about once a minute while the model ran; stop/pause pay the extra 10 ms.
        self._latency = latency
        self._idle_close_s = idle_close_s
        self._watchdog_s = watchdog_s
        self._stream = None
        self._stream_lock = threading.Lock()  # open/close; never taken on the audio thread
        self._stopping = False  # we are stopping the stream: its finished callback is expected
        self._dead: str | None = None  # set on the audio thread when the stream died
        self._need_rescan = False
        self._notify = threading.Event()
        self._notifier: threading.Thread | None = None
        self._block_done = threading.Event()
        self._want_block = False
        self._beat = (0, 0.0)  # (callback count, when it last changed)
        self._last_active = 0.0

    # -- stream life -------------------------------------------------------------------------
    def open(self) -> None:
        """Open the output now rather than on the first write(); raises ReaderError."""
        try:
            self._open_output()
        except ReaderError:
            raise
        except Exception as exc:  # PortAudioError, ValueError for a bad device
            raise ReaderError(f"no usable audio output device ({exc}); write to a file with -o out.wav") from exc

    def _open_output(self) -> int:
        with self._stream_lock:
            if self._closed:
                raise RuntimeError("the audio sink is closed")
            if self._stream is not None:
                self._last_active = time.monotonic()  # asked for again: keep it a while longer
                return self._rate
            sd = _sounddevice()
            # The callback is Python: it needs the GIL, which a busy thread (G2P) may hold for a
            # whole switch interval, 5 ms by default, as long as one audio block. Measured: with
            # that and a 10 ms device buffer the sound server now and then filled a 5 ms hole.
            sys.setswitchinterval(min(sys.getswitchinterval(), 0.001))
            if self._need_rescan:
                _rescan(sd)
            self._need_rescan = True  # until a stream runs: the next try looks for new devices
            rate = self.samplerate or int(sd.query_devices(self.device, "output")["default_samplerate"])
            block = max(64, round(rate * self._block_s))
            self._prepare(rate, block)
            self._dead, self._stopping = None, False
            # The stream's threads (the callback's, the ALSA plugin's) start here and keep the
            # raised priority (priority.py).
            with raised(realtime=True) as self.audio_priority:
                stream = sd.OutputStream(samplerate=rate, blocksize=block, device=self.device, channels=1,
                                         dtype="float32", latency=self._latency, callback=self._callback,
                                         finished_callback=self._finished)
                self._late_s, self._last_callback = float(stream.latency) + self._block_s, 0.0
                try:
                    stream.start()
                except Exception:
                    self._stopping = True
                    stream.close()
                    raise
            self._stream, self._need_rescan = stream, False
            self.stream_opens += 1
            self._beat = (self._renderer.blocks, time.monotonic())
            self._last_active = time.monotonic()
            _LOGGER.debug("opened %s at %d Hz, block %d, latency %.3f s",
                          self.device or "the default device", rate, block, stream.latency)
            if self._notifier is None:
                self._notifier = threading.Thread(target=self._run_notifier, name="audio-sink-events",
                                                  daemon=True)
                self._notifier.start()
            return rate

    def _close_output(self, abort: bool = False) -> None:
        """Stop and close the stream (stream lock held)."""
        stream, self._stream = self._stream, None
        if stream is None:
            return
        self._stopping = True
        try:
            if abort:
                stream.abort()
            else:
                stream.stop()  # plays out what the device already holds
            stream.close()
        except Exception:  # a dead device may refuse even this; the stream is gone either way
            _LOGGER.debug("closing the stream failed", exc_info=True)

    def set_device(self, device: int | str | None) -> None:
        """Play through `device` from the next write on (None = the system default). Any thread.

        Closes the open stream at once and drops what it had queued, so stop the Speaker
        first; the next write() opens the new device.
        """
        with self._stream_lock:
            if device == self.device:
                return
            self.device = device
            self._need_rescan = True  # a device just plugged in is found on the next open
            if self._stream is not None:
                if self._renderer.sounding:  # fade out first, as close() does: no click
                    self.flush(self._flushed_gen)
                    self._block_done.clear()
                    self._want_block = True
                    self._block_done.wait(0.2)
                self._close_output()
                self._discard_queue()

    def output_devices(self) -> list[OutputDevice]:
        """The output devices; re-scanned first only while no stream is open (a rescan ends it)."""
        with self._stream_lock:
            return list_output_devices(rescan=self._stream is None and not self._closed)

    @property
    def latency(self) -> float:
        """Output latency of the open stream, seconds (0 when closed)."""
        stream = self._stream
        return float(stream.latency) if stream is not None else 0.0

    def take_callback_delays(self) -> tuple[float, float]:
        """(longest time between two callbacks, longest wait for the GIL in one), seconds,
        since the last call: where a hole came from (tests and --debug)."""
        delays = self._longest_gap, self._longest_gil_wait
        self._longest_gap = self._longest_gil_wait = 0.0
        return delays

    def _drain_delay(self) -> float:
        return self.latency + self._block_s

    # -- audio thread ------------------------------------------------------------------------
    def _callback(self, outdata, _frames, _time, status) -> None:
        """PortAudio's thread: render one block; only sets flags and Events."""
        if status.output_underflow:
            self.xruns += 1
        called = _time.currentTime
        if self._last_callback:  # not the first of a stream: its times may predate the start
            gap = called - self._last_callback
            waited = time.time() - called
            if gap > self._late_s:
                self.late_callbacks += 1
            elif gap + waited > self._late_s:
                self.gil_late_callbacks += 1
                self.gil_waits.append((time.monotonic(), waited))
            if gap > self._longest_gap:
                self._longest_gap = gap
            if waited > self._longest_gil_wait:
                self._longest_gil_wait = waited
        self._last_callback = called
        renderer = self._renderer
        renderer.render(outdata[:, 0])
        self._block_rendered()
        if renderer.ring.read >= self._wake_at:
            self._notify.set()
        if self._want_block:
            self._want_block = False
            self._block_done.set()

    def _finished(self) -> None:
        """PortAudio's thread, when the stream ends: unexpected unless we stopped it."""
        if not self._stopping:
            self._dead = "the audio stream stopped (device or sound server gone?)"
            self._notify.set()

    # -- notifier thread ---------------------------------------------------------------------
    def _wake(self) -> None:
        self._notify.set()

    def _run_notifier(self) -> None:
        again = None
        while not self._closed:
            self._notify.wait(self._next_timeout(again))
            self._notify.clear()
            if self._closed:
                break
            self._check_stream(time.monotonic())
            again = self.service()
        self.service()  # what is left, e.g. an error raised while closing

    def _next_timeout(self, again: float | None) -> float | None:
        now, waits = time.monotonic(), []
        if again is not None:
            waits.append(again - now)
        if self._stream is not None:
            waits.append(self._watchdog_s / 2)
            waits.append(self._last_active + self._idle_close_s - now)
        return max(0.0, min(waits)) if waits else None

    def _check_stream(self, now: float) -> None:
        """Notice a dead stream (report, close, drop the queue) or an idle one (close)."""
        with self._stream_lock:
            if self._stream is None:
                return
            blocks = self._renderer.blocks
            if blocks != self._beat[0]:
                self._beat = (blocks, now)
            dead = self._dead
            if dead is None and now - self._beat[1] > self._watchdog_s:
                dead = f"the audio device stopped asking for samples for {self._watchdog_s:g} s"
            if dead is not None:
                self._close_output(abort=True)
                self._need_rescan = True
                self._discard_queue()
                self._report(f"audio output lost: {dead}")
                return
            ring = self._ring
            if self._writing or ring.available() or self._drain_target is not None or self._renderer.sounding:
                self._last_active = now
            elif now - self._last_active >= self._idle_close_s:
                _LOGGER.debug("closing the idle audio stream")
                self._close_output()

    def close(self) -> None:
        """Fade out what sounds, close the stream and stop the notifier. Any thread."""
        with self._lock:
            self._closed = True
            self._forget_queued()
        self._space.set()
        with self._stream_lock:
            if self._stream is not None and self._renderer.sounding:
                self.flush(self._flushed_gen)
                self._block_done.clear()
                self._want_block = True
                self._block_done.wait(0.2)  # the fade-out block has been rendered
            self._close_output()
        self._notify.set()
        notifier = self._notifier
        if notifier is not None and notifier is not threading.current_thread():
            notifier.join(timeout=5)
