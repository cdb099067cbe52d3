"""CPU used by an idle daemon, for `kokoro-reader bench`.

With a display, a real `kokoro-reader daemon` (tray, hotkeys, clipboard and selection
watchers, control socket, model loaded) runs in a child process with its own socket and
settings; its CPU time is read over the window once it reports "idle". Without a display,
the speech core and an open audio output idle in this process instead (said in the result).
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _cpu_s(pid: int) -> float:
    import psutil

    times = psutil.Process(pid).cpu_times()
    return times.user + times.system + times.children_user + times.children_system


def _daemon_idle(seconds: float) -> dict:
    from reader.daemon import ipc

    with tempfile.TemporaryDirectory(prefix="kokoro-bench-") as tmp:
        env = {**os.environ, "KOKORO_READER_SOCKET": str(Path(tmp) / "control.sock"),
               "KOKORO_READER_CONFIG": str(Path(tmp) / "settings.json")}
        proc = subprocess.Popen([sys.executable, "-m", "reader.cli", "daemon"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        socket = Path(env["KOKORO_READER_SOCKET"])
        try:
            deadline = time.monotonic() + 120
            state = None
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    state = ipc.send("status", path=socket).get("state")
                except Exception:  # not listening yet
                    state = None
                if state in ("idle", "error"):
                    break
                time.sleep(0.2)  # polling a child's readiness: there is nothing to wait on
            if state != "idle":
                return {"error": f"the daemon did not become idle (state {state})"}
            start = _cpu_s(proc.pid)
            time.sleep(seconds)
            used = _cpu_s(proc.pid) - start
            ipc.send("quit", path=socket)
            proc.wait(timeout=15)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    return {"what": "kokoro-reader daemon (child process)", "seconds": seconds,
            "cpu_s": round(used, 3), "cpu_percent": round(100 * used / seconds, 3)}


def _core_idle(seconds: float) -> dict:
    from reader.audio.portaudio import SoundDeviceSink
    from reader.speaker import Speaker
    from reader.synth.core import load_core
    from reader.types import ReaderError

    synth, _ = load_core()
    sink = SoundDeviceSink()
    speaker = Speaker(synth, sink)
    try:
        try:
            sink.open()
        except ReaderError:
            pass  # no device: the core alone
        start = _cpu_s(os.getpid())
        time.sleep(seconds)
        used = _cpu_s(os.getpid()) - start
    finally:
        speaker.close()
        sink.close()
    return {"what": "speech core and audio output in the bench process (no display)", "seconds": seconds,
            "cpu_s": round(used, 3), "cpu_percent": round(100 * used / seconds, 3)}


def measure_idle(seconds: float = 60.0) -> dict:
    from reader.desktop.display import has_display

    if has_display():
        return _daemon_idle(seconds)
    return _core_idle(seconds)


__all__ = ["measure_idle"]
