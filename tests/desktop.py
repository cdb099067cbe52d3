"""A real X server with a tray host, and the daemon running on it: pytest fixtures.

``x_server`` starts Xvfb (RECORD on, for pynput's hotkeys; -noreset) with trayer as the
system tray, ``daemon_factory`` starts `kokoro-reader daemon` on it, speaking into the
audio_server fixture's null sink, with a private socket and config dir. Everything started
here is stopped by PID and waited for (PID 1 here does not reap orphans).

Not responsible for any assertion about what the daemon does.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

_BINARIES = ("Xvfb", "trayer", "xdotool", "xclip", "xwininfo", "xwd", "/usr/bin/convert")


def poll(what: str, check, timeout: float = 10.0, every: float = 0.02):
    """Poll another process's state (there is no event to wait on across processes)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:g} s")
        time.sleep(every)


class XServer:
    """Owns Xvfb and (optionally) trayer; env holds DISPLAY for clients."""

    def __init__(self, tray: bool = True) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="kr-x-"))
        self._procs: list[subprocess.Popen] = []
        read_fd, write_fd = os.pipe()
        with open(self.dir / "Xvfb.log", "wb") as log:  # the child keeps its own copy
            self._procs.append(subprocess.Popen(
                ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp",
                 "-noreset", "+extension", "RECORD"],
                pass_fds=(write_fd,), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log))
        os.close(write_fd)
        with os.fdopen(read_fd) as f:
            number = f.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start: " + (self.dir / "Xvfb.log").read_text())
        self.env = {"DISPLAY": f":{number}"}
        self.tray = None
        if tray:
            self.tray = self.spawn("trayer", "--edge", "top", "--align", "right", "--widthtype", "request",
                                   "--height", "24", "--SetDockType", "true", "--transparent", "false")
            poll("trayer", lambda: self.run("xdotool", "search", "--classname", "trayer").returncode == 0)

    def spawn(self, *argv: str) -> subprocess.Popen:
        proc = subprocess.Popen(argv, env={**os.environ, **self.env}, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._procs.append(proc)
        return proc

    def run(self, *argv: str, input: bytes | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(argv, env={**os.environ, **self.env}, input=input, capture_output=True,
                              timeout=10)

    def set_primary(self, text: str) -> None:
        """Own PRIMARY with text, as selecting it in an application does (xclip stays to serve it)."""
        proc = subprocess.Popen(["xclip", "-selection", "primary", "-loops", "0", "-quiet"],
                                env={**os.environ, **self.env}, stdin=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        proc.stdin.write(text.encode())
        proc.stdin.close()
        self._procs.append(proc)
        poll("PRIMARY", lambda: self.run("xclip", "-o", "-selection", "primary").stdout.decode() == text)

    def set_clipboard(self, text: str | bytes, target: str | None = None) -> None:
        argv = ["xclip", "-selection", "clipboard", "-loops", "0", "-quiet"]
        if target:
            argv += ["-t", target]
        proc = subprocess.Popen(argv, env={**os.environ, **self.env}, stdin=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        proc.stdin.write(text.encode() if isinstance(text, str) else text)
        proc.stdin.close()
        self._procs.append(proc)

    def key(self, combo: str) -> float:
        """Press a key combination; returns the monotonic time just before it was sent."""
        t = time.monotonic()
        self.run("xdotool", "key", combo)
        return t

    def screenshot(self, path: Path) -> None:
        """The whole screen as PNG (via xwd and ImageMagick's convert)."""
        xwd = self.run("xwd", "-root", "-silent").stdout
        # /usr/bin: ImageMagick's own (a /usr/local/bin/convert elsewhere on PATH may be another tool)
        subprocess.run(["/usr/bin/convert", "xwd:-", str(path)], input=xwd, check=True, timeout=30)

    def close(self) -> None:
        for proc in reversed(self._procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in self._procs:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


class Daemon:
    """One `kokoro-reader daemon` process and a way to talk to it."""

    def __init__(self, env: dict[str, str], args: tuple[str, ...] = ()) -> None:
        self.home = Path(tempfile.mkdtemp(prefix="kr-daemon-"))
        self.env = {**os.environ, **env, "XDG_CONFIG_HOME": str(self.home / "config"),
                    "KOKORO_READER_SOCKET": str(self.home / "run" / "control.sock")}
        self.log = self.home / "daemon.log"
        with open(self.log, "wb") as log:  # the child keeps its own copy
            self.proc = subprocess.Popen([sys.executable, "-m", "reader.cli", "--debug", "daemon", *args],
                                         env=self.env, stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT)

    def cli(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "reader.cli", *args], env=self.env, capture_output=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)

    def status(self) -> dict | None:
        done = self.cli("ctl", "status")
        return json.loads(done.stdout) if done.returncode == 0 else None

    def wait_state(self, *states: str, timeout: float = 120.0) -> dict:
        return poll(f"daemon state in {states}", lambda: (s := self.status()) and s["state"] in states and s,
                    timeout=timeout, every=0.05)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def close(self) -> int:
        if self.proc.poll() is None:
            self.cli("ctl", "quit")
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.send_signal(signal.SIGUSR1)  # the daemon prints its threads' stacks
                try:
                    poll("stacks", lambda: "most recent call first" in self.log.read_text(errors="replace"), 3)
                except AssertionError:
                    pass
                self.proc.kill()
                self.proc.wait()
        if self.proc.returncode != 0 and self.log.exists():
            print(f"daemon exit {self.proc.returncode}; its log ends:\n" + self.log.read_text(errors="replace")[-6000:])
        shutil.rmtree(self.home, ignore_errors=True)
        return self.proc.returncode


@pytest.fixture(scope="session")
def x_server():
    missing = [b for b in _BINARIES if shutil.which(b) is None]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"X test binaries missing: {', '.join(missing)}")
        pytest.skip(f"X test binaries missing: {', '.join(missing)} (apt install xvfb trayer xdotool xclip x11-utils)")
    server = XServer()
    yield server
    server.close()


@pytest.fixture
def daemon_factory(x_server, audio_server):
    started: list[Daemon] = []

    def start(*args: str, env: dict[str, str] | None = None) -> Daemon:
        d = Daemon({**x_server.env, **audio_server.env, **(env or {})}, args)
        started.append(d)
        return d

    yield start
    for d in started:
        d.close()
