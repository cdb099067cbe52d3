"""A real, private PipeWire audio server with a null sink, and a recorder of what it plays.

Pytest fixtures for integration tests of the audio output (import them in conftest.py):
``audio_server`` starts dbus-daemon, pipewire, wireplumber and pipewire-pulse in a private
XDG_RUNTIME_DIR with a 48 kHz mono null sink "nullsink" as the default sink, and points this
test process at it. ``Recorder`` records ``nullsink.monitor`` with parec.

Not responsible for the X half of the desktop (see tests/harness/desktop.sh) or for any
assertion about the audio itself.

This machine's PID 1 does not reap orphans, so every process started here is wait()ed for,
and everything is stopped by PID, never by name.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pytest

RATE = 48_000  # the null sink's rate and the recorder's, Hz
SINK = "nullsink"
_BINARIES = ("dbus-daemon", "pipewire", "wireplumber", "pipewire-pulse", "pactl", "parec")
_READY_TIMEOUT_S = 10.0


def wait_until(what: str, check, timeout: float = _READY_TIMEOUT_S) -> None:
    """Poll an external process's readiness (no event to wait on across processes)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"audio server: {what} not ready after {timeout:g} s")
        time.sleep(0.02)


class AudioServer:
    """Owns the audio server processes and their private runtime directory.

    start() brings everything up; stop_audio()/start_audio() take down and bring back the
    audio half (not dbus), which is what a crashing or restarting sound server looks like to
    a client; close() stops everything. env holds the variables a client needs.
    Not thread-safe: call it from the test's thread.
    """

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="kr-audio-"))
        self.dir.chmod(0o700)
        self.env = {
            "XDG_RUNTIME_DIR": str(self.dir),
            "DBUS_SESSION_BUS_ADDRESS": f"unix:path={self.dir}/bus",
            "PULSE_SERVER": f"unix:{self.dir}/pulse/native",
        }
        # State and config of the servers stay private: wireplumber would otherwise restore a
        # default sink or stream volumes that an earlier run stored in ~/.local/state.
        self._child_env = {**os.environ, **self.env,
                           "XDG_STATE_HOME": str(self.dir / "state"),
                           "XDG_CONFIG_HOME": str(self.dir / "config")}
        self._dbus: subprocess.Popen | None = None
        self._audio: list[subprocess.Popen] = []
        self.restarts = 0

    # -- processes -------------------------------------------------------------------------
    def _spawn(self, *argv: str) -> subprocess.Popen:
        from reader.audio.priority import raised

        log = open(self.dir / f"{argv[0]}.log", "ab")  # noqa: SIM115 - closed after Popen
        # Above the model's priority where permitted, as rtkit raises PipeWire on a desktop:
        # at nice 0 beside the model, one run of the paragraph test in ~20 heard a 256-sample
        # (5 ms) hole where the player had not run dry.
        try:
            with raised():
                return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                        env=self._child_env, close_fds=True)
        finally:
            log.close()

    def pactl(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(["pactl", *args], env=self._child_env, capture_output=True,
                              text=True, timeout=10)
        if check and done.returncode:
            raise RuntimeError(f"pactl {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def _pactl_ok(self, *args: str) -> bool:
        try:
            return subprocess.run(["pactl", *args], env=self._child_env, capture_output=True,
                                  timeout=5).returncode == 0
        except subprocess.TimeoutExpired:
            return False

    def start(self) -> None:
        self._dbus = self._spawn("dbus-daemon", "--session", "--nofork", "--nopidfile",
                                 f"--address={self.env['DBUS_SESSION_BUS_ADDRESS']}")
        wait_until("dbus-daemon", lambda: (self.dir / "bus").is_socket())
        self.start_audio()

    def start_audio(self) -> None:
        """Start pipewire, wireplumber (without it streams never link) and pipewire-pulse."""
        socket = self.dir / "pipewire-0"
        socket.unlink(missing_ok=True)
        self._audio.append(self._spawn("pipewire"))
        wait_until("pipewire", socket.is_socket)
        self._audio.append(self._spawn("wireplumber"))
        self._audio.append(self._spawn("pipewire-pulse"))
        wait_until("pipewire-pulse", lambda: self._pactl_ok("info"))
        self.pactl("load-module", "module-null-sink", f"sink_name={SINK}", f"rate={RATE}", "channels=1")

        def default_is_ours() -> bool:
            return (self._pactl_ok("set-default-sink", SINK)
                    and f"Default Sink: {SINK}" in self.pactl("info", check=False))

        wait_until("default sink", default_is_ours)

    def stop_audio(self) -> None:
        """Kill pipewire-pulse, wireplumber and pipewire (as a crash would) and reap them."""
        for proc in reversed(self._audio):
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
        for proc in self._audio:
            proc.wait(timeout=10)
        self._audio.clear()

    def restart(self) -> None:
        self.stop_audio()
        self.start_audio()
        self.restarts += 1

    def close(self) -> None:
        for proc in reversed(self._audio):
            if proc.poll() is None:
                proc.terminate()
        for proc in self._audio:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._audio.clear()
        if self._dbus is not None:
            self._dbus.terminate()
            self._dbus.wait(timeout=5)
            self._dbus = None
        shutil.rmtree(self.dir, ignore_errors=True)

    def log_tail(self, name: str, lines: int = 20) -> str:
        path = self.dir / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


class Recorder:
    """Records the null sink's monitor (48 kHz s16le mono) into memory on a reader thread.

    Each read is timestamped (time.monotonic) so a wall-clock time can be mapped to a sample
    index: see time_of(). Not responsible for judging what was recorded.
    """

    def __init__(self, server: AudioServer, latency_ms: int = 5) -> None:
        from reader.audio.priority import raised

        # The recorder, like the player, runs above the model's normal priority where that is
        # permitted: starved, it lost whole blocks of what was played on a busy machine.
        with raised():
            self._proc = subprocess.Popen(
                ["parec", "-d", f"{SINK}.monitor", "--raw", "--format=s16le", f"--rate={RATE}",
                 "--channels=1", f"--latency-msec={latency_ms}", "--client-name=test-recorder"],
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                env=server._child_env, bufsize=0)
        self._chunks: list[bytes] = []
        self._stamps: list[tuple[float, int]] = []  # (monotonic time of a read, samples so far)
        self._lock = threading.Lock()
        self._nbytes = 0
        self._data = threading.Event()
        self._min_samples = RATE // 50
        self._thread = threading.Thread(target=self._read, name="recorder", daemon=True)
        with raised():
            self._thread.start()

    def _read(self) -> None:
        fd = self._proc.stdout.fileno()
        while True:
            block = os.read(fd, 4096)
            if not block:
                break
            now = time.monotonic()
            with self._lock:
                self._chunks.append(block)
                self._nbytes += len(block)
                self._stamps.append((now, self._nbytes // 2))
                if self._nbytes // 2 >= self._min_samples:
                    self._data.set()

    def wait_ready(self, timeout: float = 5.0) -> None:
        """Wait until the monitor delivers data: only then is anything played recorded."""
        if not self._data.wait(timeout):
            raise RuntimeError("the recorder delivered no data")
        # Samples keep flowing at RATE: wait for one more read so the clock mapping has two.
        start = self.n_samples()
        wait_until("recorder", lambda: self.n_samples() > start, timeout)

    def n_samples(self) -> int:
        with self._lock:
            return self._nbytes // 2

    def samples(self) -> np.ndarray:
        """Everything recorded so far as float32 in [-1, 1)."""
        with self._lock:
            raw = b"".join(self._chunks)
        raw = raw[: len(raw) // 2 * 2]
        return np.frombuffer(raw, "<i2").astype(np.float32) / 32768.0

    def time_of(self, index: float) -> float:
        """Latest wall-clock (monotonic) time at which sample `index` can have been captured.

        A read at time t that brings the total to n samples means sample n-1 was captured
        at t or before. The read with the least delay gives the tightest bound, so
        capture(i) <= min_k(t_k - n_k / RATE) + i / RATE. A latency computed against it is an
        upper bound (it includes up to one recorder block of delivery delay).
        """
        with self._lock:
            stamps = list(self._stamps)
        offset = min(t - n / RATE for t, n in stamps)
        return offset + index / RATE

    def index_at(self, t: float) -> int:
        """The sample index captured at wall-clock time t (the inverse of time_of)."""
        return int(round((t - self.time_of(0)) * RATE))

    def wait_for(self, n: int, timeout: float = 10.0) -> None:
        """Wait until at least n samples have been recorded."""
        wait_until("recording", lambda: self.n_samples() >= n, timeout)

    def stop(self) -> np.ndarray:
        if self._proc.poll() is None:
            self._proc.terminate()
        self._proc.wait(timeout=5)
        self._thread.join(timeout=5)
        self._proc.stdout.close()
        return self.samples()

    def __enter__(self) -> Recorder:
        self.wait_ready()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _point_process_at(server: AudioServer) -> dict[str, str | None]:
    """Set the client env of this process; rescan PortAudio if sounddevice is loaded already.

    PortAudio probes its ALSA devices (and the ALSA pulse plugin connects to PULSE_SERVER)
    when it initializes, i.e. when sounddevice is first imported: the env must be in place
    before that, or PortAudio must be re-initialized.
    """
    saved = {k: os.environ.get(k) for k in server.env}
    os.environ.update(server.env)
    sd = sys.modules.get("sounddevice")
    if sd is not None:
        sd._terminate()
        sd._initialize()
    return saved


@pytest.fixture(scope="session")
def audio_server():
    """A private PipeWire server with a default 48 kHz null sink, for the whole session."""
    missing = [b for b in _BINARIES if shutil.which(b) is None]
    if missing:
        if os.environ.get("CI"):  # CI installs them (scripts/test): missing there is a failure
            pytest.fail(f"audio server binaries missing: {', '.join(missing)}")
        pytest.skip(f"audio server binaries missing: {', '.join(missing)} "
                    "(apt install pipewire pipewire-pulse wireplumber dbus-daemon pulseaudio-utils)")
    server = AudioServer()
    try:
        server.start()
    except Exception as exc:
        logs = "\n".join(f"--- {n}\n{server.log_tail(n)}" for n in ("pipewire", "wireplumber", "pipewire-pulse"))
        server.close()
        pytest.fail(f"could not start the audio server: {exc}\n{logs}")
    saved = _point_process_at(server)
    try:
        yield server
    finally:
        server.close()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        sd = sys.modules.get("sounddevice")
        if sd is not None:  # forget the devices of the server that is gone
            sd._terminate()
            sd._initialize()


@pytest.fixture
def recorder(audio_server):
    """A Recorder already delivering data; stopped after the test."""
    rec = Recorder(audio_server)
    try:
        rec.wait_ready()
        yield rec
    finally:
        rec.stop()
