"""The desktop daemon end to end: real X server with a tray host, real hotkeys, real selection,
real audio server; what it says is recorded from the null sink and transcribed with Whisper.
"""
from __future__ import annotations

import json
import os
import pwd
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from reader.bench import asr
from tests.desktop import poll
from tests.signals import REC_RATE, sound_indices, sound_ms, wait_heard

pytestmark = [pytest.mark.model, pytest.mark.audio]

SELECTED = "Please remember to water the plants before you leave for the weekend."
COPIED = "The library opens early on Saturday mornings during the summer."
LONG = " ".join(["The keeper climbed the narrow stairs and watched the beam sweep across the water."] * 5)
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
FIGURES: dict[str, str] = {}


@pytest.fixture
def daemon(daemon_factory):
    d = daemon_factory()
    d.wait_state("idle")
    return d


def first_sound_after(recorder, t: float, timeout: float = 30.0) -> int:
    """Recording index of the first sound after monotonic time t (polls: another process plays)."""
    start = recorder.index_at(t)

    def found():
        heard = sound_indices(recorder.samples()[start:])
        return start + int(heard[0]) if len(heard) else None

    return poll("sound", found, timeout=timeout)


def sounding_now(recorder, timeout: float = 30.0) -> None:
    """Return as soon as the last 20 ms recorded hold sound (polls: another process plays)."""
    def loud() -> bool:
        n = recorder.n_samples()
        return n > 960 and float(np.abs(recorder.samples()[n - 960:n]).max()) > 0.01

    poll("sound now", loud, timeout=timeout, every=0.005)


def heard_text(recorder, start: int) -> str:
    x = wait_heard(recorder, 0.3)
    return asr.transcribe(x[max(0, start - 2400):], REC_RATE)


def test_hotkey_reads_the_selection(daemon, x_server, recorder):
    x_server.set_primary(SELECTED)
    t_key = x_server.key("ctrl+alt+r")
    start = first_sound_after(recorder, t_key)
    FIGURES["hotkey_to_audible_ms"] = f"{(recorder.time_of(start) - t_key) * 1000:.0f}"
    daemon.wait_state("idle", timeout=60)
    text = heard_text(recorder, start)
    wer = asr.wer([SELECTED], [text])
    FIGURES["selection_wer"] = f"{wer:.3f}" + (f" (heard: {text!r})" if wer else "")  # test text, not a user's
    assert wer <= 0.15, text
    # Privacy: the selected text is in no log line (the daemon runs with --debug) and no file.
    assert "water the plants" not in daemon.output()
    for path in daemon.home.rglob("*"):
        if path.is_file() and path.name != "control.sock":
            assert b"water the plants" not in path.read_bytes(), path


# 12-word selections, each new to the daemon (a repeat would come from its cache).
SELECTIONS = [
    "The train to the coast leaves from platform four at half past nine.",
    "Our neighbours painted their fence bright yellow over the long holiday weekend.",
    "Fresh bread from the corner bakery always sells out before eight o'clock.",
    "My brother finally fixed the squeaky garden gate with a little oil.",
    "The museum will close early on Friday for a private evening event.",
    "Please send the signed forms back to the office by next Tuesday.",
]


def test_a_selection_that_rests_a_second_is_read_from_prepared_audio(daemon, x_server, recorder):
    """Issue 7's (a) and (b), in the recording of the real audio server: key press to first
    audible sound with the selection made 1 s before (prepared) and read at once (cold)."""
    cold, prepared = [], []
    for i, text in enumerate(SELECTIONS):
        x_server.set_primary(text)
        if i % 2:
            time.sleep(1.0)  # the user's pause between selecting and pressing the key
        t_key = x_server.key("ctrl+alt+r")
        start = first_sound_after(recorder, t_key)
        (prepared if i % 2 else cold).append(recorder.time_of(start) - t_key)
        assert daemon.cli("ctl", "stop").returncode == 0
        daemon.wait_state("idle", timeout=30)
    FIGURES["key_to_audible_prepared_ms"] = " ".join(f"{t * 1000:.0f}" for t in prepared)
    FIGURES["key_to_audible_cold_ms"] = " ".join(f"{t * 1000:.0f}" for t in cold)
    # Prepared audio skips the model run (~0.5 s here) between the key and the sound.
    assert max(prepared) < min(cold), (prepared, cold)


def test_clipboard_auto_read_reads_new_text_but_not_secrets(daemon, x_server, recorder):
    assert daemon.cli("ctl", "auto-read").returncode == 0
    poll("auto-read on", lambda: daemon.status()["auto_read"])
    t_secret = time.monotonic()
    x_server.set_clipboard("hunter2 is my password", target="x-kde-passwordManagerHint")
    x = wait_heard(recorder, 1.5)
    assert not len(sound_indices(x[recorder.index_at(t_secret):])), "a secret was read aloud"
    t_copy = time.monotonic()
    x_server.set_clipboard(COPIED)
    start = first_sound_after(recorder, t_copy)
    daemon.wait_state("idle", timeout=60)
    text = heard_text(recorder, start)
    wer = asr.wer([COPIED], [text])
    FIGURES["clipboard_wer"] = f"{wer:.3f}" + (f" (heard: {text!r})" if wer else "")
    assert wer <= 0.15, text


def test_clipboard_auto_read_ignores_images_and_reads_10mb_progressively(daemon_factory, x_server, recorder):
    daemon = daemon_factory(env={"KOKORO_READER_AUTO_READ_MAX_CHARS": "0"})  # no length limit for this run
    daemon.wait_state("idle")
    assert daemon.cli("ctl", "auto-read").returncode == 0
    poll("auto-read on", lambda: daemon.status()["auto_read"])
    t_image = time.monotonic()
    x_server.set_clipboard(b"\x89PNG\r\n\x1a\n" + os.urandom(4096), target="image/png")
    x = wait_heard(recorder, 1.5)
    assert not len(sound_indices(x[recorder.index_at(t_image):])), "an image was read aloud"
    huge = (LONG + "\n\n") * (10 * 2**20 // (len(LONG) + 2))
    t_copy = time.monotonic()
    x_server.set_clipboard(huge)
    start = first_sound_after(recorder, t_copy, timeout=60)
    FIGURES["copy_10mb_to_audible_ms"] = f"{(recorder.time_of(start) - t_copy) * 1000:.0f}"
    assert daemon.cli("ctl", "stop").returncode == 0
    assert daemon.wait_state("idle", timeout=10)["state"] == "idle"


def test_no_audio_device_at_start_is_an_error_and_recovers(x_server):
    from tests.audio_server import AudioServer, Recorder
    from tests.desktop import Daemon

    later = AudioServer()  # its address is known, but nothing serves it yet
    d = Daemon({**x_server.env, **later.env})
    rec = None
    try:
        status = d.wait_state("error")
        assert "audio" in status["message"], status
        later.start()
        rec = Recorder(later)
        rec.wait_ready()
        t_say = time.monotonic()
        assert d.cli("ctl", "say", "The sound is back again.").returncode == 0
        first_sound_after(rec, t_say)
        assert d.wait_state("idle", timeout=30)["message"] == ""
    finally:
        if rec is not None:
            rec.stop()
        d.close()
        later.close()


@pytest.mark.parametrize("combo", ["ctrl+alt+s", "ctrl+alt+p"])
def test_stop_and_pause_hotkeys_are_silent_within_100ms(daemon, x_server, recorder, combo):
    x_server.set_primary(LONG)
    start = first_sound_after(recorder, x_server.key("ctrl+alt+r"))
    recorder.wait_for(start + REC_RATE)  # a second of speech
    sounding_now(recorder)  # not in a pause between words (a slow computer makes some)
    t_key = x_server.key(combo)
    x = wait_heard(recorder, 0.6)
    i = recorder.index_at(t_key)
    assert np.abs(x[i - 4800:i]).max() > 0.01, "it was not speaking when the key was pressed"
    ms = sound_ms(x[i:])
    FIGURES[f"{combo}_to_silence_ms"] = f"{ms:.1f}"
    assert ms <= 100
    expected = "idle" if combo.endswith("s") else "paused"
    assert daemon.wait_state(expected, timeout=5)["state"] == expected
    if expected == "paused":
        t_resume = x_server.key(combo)
        first_sound_after(recorder, t_resume, timeout=5)
        daemon.cli("ctl", "stop")


def test_ctl_commands(daemon, recorder):
    status = daemon.status()
    assert set(status) >= {"state", "voice", "speed", "sentence"}
    assert status["state"] == "idle" and status["voice"] == "af_heart" and status["speed"] == 1.0
    t_say = time.monotonic()
    assert daemon.cli("ctl", "say", LONG).returncode == 0
    first_sound_after(recorder, t_say)
    speaking = daemon.wait_state("speaking")
    assert speaking["sentence"] is not None
    assert daemon.cli("ctl", "faster").returncode == 0
    poll("speed up", lambda: daemon.status()["speed"] == 1.1)
    assert daemon.cli("ctl", "pause").returncode == 0
    daemon.wait_state("paused", timeout=5)
    assert daemon.cli("ctl", "resume").returncode == 0
    daemon.wait_state("speaking", timeout=5)
    assert daemon.cli("ctl", "stop").returncode == 0
    daemon.wait_state("idle", timeout=5)
    bad = daemon.cli("ctl", "say")
    assert bad.returncode == 2 and b"TEXT" in bad.stderr


def test_settings_survive_a_restart(daemon_factory, tmp_path):
    env = {"KOKORO_READER_CONFIG": str(tmp_path / "settings.json")}
    first = daemon_factory(env=env)
    assert first.wait_state("idle")["speed"] == 1.0
    assert first.cli("ctl", "faster").returncode == 0
    saved = poll("speed saved", lambda: (tmp_path / "settings.json").exists()
                 and json.loads((tmp_path / "settings.json").read_text()))
    assert saved["speed"] == 1.1 and saved["schema"] == 1
    assert first.close() == 0
    second = daemon_factory(env=env)
    assert second.wait_state("idle")["speed"] == 1.1


def test_mpris_controls_playback(daemon, audio_server, recorder):
    def mpris(method: str) -> subprocess.CompletedProcess:
        return subprocess.run(["dbus-send", "--session", "--print-reply", "--dest=org.mpris.MediaPlayer2.kokoro_reader",
                               "/org/mpris/MediaPlayer2", f"org.mpris.MediaPlayer2.Player.{method}"],
                              env={**os.environ, **audio_server.env}, capture_output=True, timeout=10)

    def player(name: str) -> str:
        done = subprocess.run(["dbus-send", "--session", "--print-reply", "--dest=org.mpris.MediaPlayer2.kokoro_reader",
                               "/org/mpris/MediaPlayer2", "org.freedesktop.DBus.Properties.Get",
                               "string:org.mpris.MediaPlayer2.Player", f"string:{name}"],
                              env={**os.environ, **audio_server.env}, capture_output=True, timeout=10)
        return done.stdout.decode()

    def playback_status() -> str:
        return player("PlaybackStatus")

    assert "Stopped" in playback_status()
    t_say = time.monotonic()
    assert daemon.cli("ctl", "say", LONG).returncode == 0
    first_sound_after(recorder, t_say)
    assert "Playing" in playback_status()
    metadata = player("Metadata")  # the sentence being heard is the title
    assert "xesam:title" in metadata and LONG.split(". ")[0] in metadata, metadata
    assert mpris("PlayPause").returncode == 0
    daemon.wait_state("paused", timeout=5)
    assert "Paused" in playback_status()
    assert mpris("PlayPause").returncode == 0
    daemon.wait_state("speaking", timeout=5)
    assert mpris("Stop").returncode == 0
    daemon.wait_state("idle", timeout=5)


def test_second_instance_leaves_the_first_running(daemon):
    second = daemon.cli("daemon", timeout=30)
    assert second.returncode == 0 and b"already running" in second.stderr
    assert daemon.proc.poll() is None and daemon.status()["state"] == "idle"


def test_socket_left_by_a_crashed_instance_is_taken_over(daemon_factory):
    first = daemon_factory()
    first.wait_state("idle", "loading")
    first.proc.kill()
    first.proc.wait()
    sock = Path(first.env["KOKORO_READER_SOCKET"])
    assert sock.exists()  # left behind
    again = daemon_factory(env={"KOKORO_READER_SOCKET": str(sock)})
    assert again.wait_state("idle")["state"] == "idle"


def test_another_user_cannot_connect(daemon):
    path = daemon.env["KOKORO_READER_SOCKET"]
    if os.getuid() != 0:
        pytest.skip("needs root to act as another user")
    nobody = pwd.getpwnam("nobody")
    pid = os.fork()
    if pid == 0:  # the child becomes "nobody" and tries the socket; only its exit code matters
        code = 1
        try:
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            with socket.socket(socket.AF_UNIX) as s:
                s.connect(path)
            code = 0
        except PermissionError:
            code = 3
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 3, "another user could connect"
    assert oct(Path(path).stat().st_mode & 0o777) == "0o600"
    assert daemon.status()["state"] == "idle"


def test_tray_icon_is_embedded_and_its_menu_opens(daemon, x_server):
    panel = x_server.run("xdotool", "search", "--classname", "panel").stdout.split()[0].decode()
    tree = x_server.run("xwininfo", "-tree", "-id", panel).stdout.decode()
    assert '"kokoro-reader": ("kokoro-reader"' in tree, f"the icon is not inside the tray host:\n{tree}"
    geometry = x_server.run("xdotool", "getwindowgeometry", "--shell", panel).stdout.decode()
    values = dict(line.split("=") for line in geometry.split())
    x, y = int(values["X"]) + int(values["WIDTH"]) - 12, int(values["Y"]) + 12

    def visible() -> int:
        return len(x_server.run("xdotool", "search", "--onlyvisible", "--class", "kokoro-reader").stdout.split())

    before = visible()
    x_server.run("xdotool", "mousemove", str(x), str(y), "click", "3")  # right-click the icon
    poll("the tray menu", lambda: visible() > before, timeout=5)
    ARTIFACTS.mkdir(exist_ok=True)
    x_server.screenshot(ARTIFACTS / "tray-menu.png")
    x_server.run("xdotool", "key", "Escape")


def test_empty_selection_is_only_a_cue(daemon, x_server, recorder):
    x_server.set_primary("   ")
    t_key = x_server.key("ctrl+alt+r")
    x = wait_heard(recorder, 1.0)
    assert not len(sound_indices(x[recorder.index_at(t_key):]))
    assert daemon.status()["state"] == "idle"


def test_hotkey_pressed_50_times_in_a_second_ends_sane(daemon, x_server):
    x_server.set_primary(SELECTED)
    x_server.run("xdotool", "key", "--delay", "20", *(["ctrl+alt+r", "ctrl+alt+p", "ctrl+alt+s"] * 16),
                 "ctrl+alt+r", "ctrl+alt+s")
    assert daemon.wait_state("idle", timeout=30)["state"] == "idle"
    assert daemon.proc.poll() is None
    assert daemon.cli("ctl", "say", "Still here.").returncode == 0
    daemon.wait_state("speaking", "idle")


def test_no_display_is_a_clear_error_and_the_cli_still_works(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    done = subprocess.run([sys.executable, "-m", "reader.cli", "daemon"], env=env, capture_output=True,
                          timeout=60)
    assert done.returncode == 1 and b"no display" in done.stderr and b"Traceback" not in done.stderr
    out = tmp_path / "x.wav"
    done = subprocess.run([sys.executable, "-m", "reader.cli", "say", "Still works.", "-o", str(out)], env=env,
                          capture_output=True, timeout=300)
    assert done.returncode == 0 and out.stat().st_size > 1000


def test_without_a_tray_host_a_window_is_shown(audio_server, tmp_path):
    from tests.desktop import Daemon, XServer

    bare = XServer(tray=False)
    d = Daemon({**bare.env, **audio_server.env})
    try:
        d.wait_state("idle", "loading")
        poll("window", lambda: bare.run("xdotool", "search", "--onlyvisible", "--name", "kokoro-reader").returncode == 0)
    finally:
        d.close()
        bare.close()


def test_a_hotkey_that_cannot_be_registered_is_a_message_not_a_crash(x_server, monkeypatch):
    from reader.desktop.hotkeys import Hotkeys

    monkeypatch.setenv("DISPLAY", x_server.env["DISPLAY"])  # pynput picks its backend on import
    keys = Hotkeys({"read-selection": "<ctrl>+<alt>+r", "stop": "<ctrl>+<nosuchkey>",
                    "toggle": "<ctrl>+<alt>+r"}, lambda action: None)
    assert keys.check() == ["stop: cannot register '<ctrl>+<nosuchkey>'",
                            "toggle: <ctrl>+<alt>+r is already used"]


def test_the_reading_view_opens_when_asked_and_leaves_the_focus_when_it_opens_itself(daemon_factory, x_server):
    """view_on_read: reading shows the view without moving the keyboard focus; `ctl view` and
    Ctrl+Alt+V open it focused (the user asked for it)."""
    daemon = daemon_factory("--set", "view_on_read=true")
    daemon.wait_state("idle")

    def views() -> list[str]:
        return x_server.run("xdotool", "search", "--onlyvisible", "--name", "reading view").stdout.decode().split()

    def focus() -> str:
        return x_server.run("xdotool", "getwindowfocus").stdout.decode().strip()

    assert views() == []
    before = focus()
    assert daemon.cli("ctl", "say", LONG).returncode == 0
    shown = poll("the reading view", lambda: views() or None, timeout=60)
    assert focus() == before and focus() not in shown  # the window being read keeps the keyboard
    ARTIFACTS.mkdir(exist_ok=True)
    x_server.screenshot(ARTIFACTS / "reading-view.png")
    assert daemon.cli("ctl", "stop").returncode == 0
    assert daemon.cli("ctl", "view").returncode == 0
    poll("the view, focused", lambda: views() and focus() in views(), timeout=10)
    x_server.run("xdotool", "key", "Escape")  # Escape hides it
    poll("hidden by Escape", lambda: views() == [], timeout=5)
    x_server.key("ctrl+alt+v")
    poll("the view, by its hotkey", lambda: views() and focus() in views(), timeout=10)
