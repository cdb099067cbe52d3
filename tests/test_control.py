"""Unit tests of the daemon's parts without a desktop: Controller, clipboard policy, control socket,
autostart entry. Fakes stand in for the Speaker and the desktop's selection."""
from __future__ import annotations

import os
import socket
import threading

import pytest

from reader import autostart, ipc
from reader.controller import Controller
from reader.sources.clipboard import ClipboardPolicy
from reader.sources.selection import Capture
from reader.types import ReaderError


class FakeDesktop:
    def __init__(self, selection: str = "", clipboard: str = "") -> None:
        self.selected, self.copied = selection, clipboard

    def selection(self) -> Capture:
        return Capture(self.selected, "x11-primary")

    def clipboard(self) -> str:
        return self.copied


class FakeSpeaker:
    """Records calls; every call also sets `called` so a test can wait for the commands thread."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []
        self.speed = 1.0
        self.called = threading.Semaphore(0)

    def _record(self, *call) -> None:
        self.calls.append(call)
        self.called.release()

    def say(self, text):
        self._record("say", text)

    def prepare(self, text):
        self._record("prepare", text)

    def faster(self):
        self.speed = round(self.speed + 0.1, 2)
        self._record("faster")

    def __getattr__(self, name):
        if name in ("pause", "resume", "toggle", "stop", "next_sentence", "previous_sentence", "slower"):
            return lambda: self._record(name)
        raise AttributeError(name)


def wait_calls(speaker: FakeSpeaker, n: int) -> None:
    for _ in range(n):
        assert speaker.called.acquire(timeout=5), f"only {speaker.calls}"


@pytest.fixture
def control():
    desktop = FakeDesktop("Selected words here.", "Copied words.")
    cues: list[str] = []
    controller = Controller(desktop, cue=cues.append)
    yield controller, desktop, cues
    controller.close()


def test_commands_wait_while_loading_and_run_when_ready(control):
    controller, _, _ = control
    assert controller.status.state == "loading"
    controller.command("read-selection")
    controller.command("faster")
    speaker = FakeSpeaker()
    controller.attach(speaker)
    wait_calls(speaker, 2)
    assert speaker.calls == [("say", "Selected words here."), ("faster",)]
    assert controller.status.state == "idle" and controller.status.speed == 1.1


def test_each_command_reaches_the_speaker_in_order(control):
    controller, _, _ = control
    speaker = FakeSpeaker()
    controller.attach(speaker)
    for name in ("read-clipboard", "pause", "resume", "toggle", "next", "previous", "slower", "stop"):
        controller.command(name)
    controller.command("say", text="Spoken.")
    wait_calls(speaker, 9)
    assert [c[0] for c in speaker.calls] == ["say", "pause", "resume", "toggle", "next_sentence",
                                            "previous_sentence", "slower", "stop", "say"]
    assert speaker.calls[0] == ("say", "Copied words.")


def test_empty_selection_is_a_cue_and_nothing_is_said(control):
    controller, desktop, cues = control
    desktop.selected = "  \n"
    speaker = FakeSpeaker()
    controller.attach(speaker)
    controller.command("read-selection")
    controller.command("stop")
    wait_calls(speaker, 1)
    assert speaker.calls == [("stop",)] and cues == ["empty"]


def test_status_and_bad_commands(control):
    controller, _, _ = control
    reply = controller.command("status")
    assert reply["ok"] and {"state", "voice", "speed", "sentence"} <= set(reply)
    with pytest.raises(ReaderError):
        controller.command("explode")
    with pytest.raises(ReaderError):
        controller.command("say", text="   ")


def test_clipboard_policy():
    policy = ClipboardPolicy()
    assert policy.decide("hello", ["text/plain"]).reason == "off"
    policy.enabled = True
    assert policy.decide("hello", ["text/plain"]).read
    assert policy.decide("hello", ["text/plain"]).reason == "duplicate"
    assert policy.decide("pw", ["text/plain", "x-kde-passwordManagerHint"]).reason == "secret"
    assert policy.decide(None, ["image/png"]).reason == "not text"
    assert policy.decide("   ", ["text/plain"]).reason == "empty"
    policy.mark_own("restored")
    assert policy.decide("restored", ["text/plain"]).reason == "own"
    assert policy.decide("x" * 10_000_000, ["text/plain"]).read  # read progressively by the Speaker


def test_control_socket_round_trip_stale_takeover_and_privacy(tmp_path):
    path = tmp_path / "run" / "control.sock"
    seen = []

    def handler(cmd, **args):
        seen.append((cmd, args))
        return {"ok": True, "state": "idle"}

    # A socket file left behind by a crashed instance: nobody answers on it.
    path.parent.mkdir()
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(str(path))
    stale.close()
    server = ipc.ControlServer(handler, path)
    server.start()
    try:
        assert oct(path.stat().st_mode & 0o777) == "0o600"
        assert ipc.send("status", path=path) == {"ok": True, "state": "idle"}
        assert ipc.send("say", path=path, text="Hi.")["ok"]
        assert seen == [("status", {}), ("say", {"text": "Hi."})]
        assert not ipc.send("explode", path=path)["ok"]
        with pytest.raises(ipc.AlreadyRunning):
            ipc.ControlServer(handler, path).start()
    finally:
        server.close()
    assert not path.exists()
    with pytest.raises(ReaderError, match="not running"):
        ipc.send("status", path=path)


def test_autostart_entry_is_written_and_removed(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert not autostart.is_enabled()
    autostart.set_enabled(True)
    text = autostart.entry_path().read_text()
    assert "Exec=" in text and "daemon" in text and autostart.is_enabled()
    autostart.set_enabled(False)
    assert not autostart.is_enabled() and not os.listdir(tmp_path / "autostart")


def test_a_settled_selection_and_an_unread_copy_are_prepared_but_secrets_are_not(control):
    controller, _desktop, _cues = control
    speaker = FakeSpeaker()
    controller.attach(speaker)
    controller.selection_changed("Selected words.")
    controller.clipboard_changed("Copied words.", ["text/plain"])  # auto-read off: may be asked for
    controller.clipboard_changed("hunter2", ["text/plain", "x-kde-passwordManagerHint"])
    controller.selection_changed("   ")
    assert speaker.calls == [("prepare", "Selected words."), ("prepare", "Copied words.")]


def test_preparing_can_be_switched_off(control):
    from reader.config import Settings

    controller, _desktop, _cues = control
    controller.apply_settings(Settings(speculate=False))
    speaker = FakeSpeaker()
    speaker.voice = "af_heart"
    speaker.set_volume = speaker.set_sentence_pause = lambda value: None
    controller.attach(speaker)
    controller.selection_changed("Selected words.")
    controller.clipboard_changed("Copied words.", ["text/plain"])
    assert not any(call[0] == "prepare" for call in speaker.calls)
