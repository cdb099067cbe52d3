"""Preferences: the settings file (round trip, migration, unknown keys, damage, newer versions,
read-only folder, full disk), overrides for one run, and the daemon's live settings."""
from __future__ import annotations

import dataclasses
import errno
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import ClassVar

import pytest

from reader.audio.fake import FakeSink
from reader.daemon.controller import Controller
from reader.desktop.clipboard import ClipboardPolicy
from reader.desktop.hotkeys import DEFAULT_HOTKEYS
from reader.settings.file import SettingsFile, config_path
from reader.settings.live import LiveSettings
from reader.settings.model import (
    SCHEMA,
    Settings,
    apply_overrides,
    env_overrides,
    from_dict,
    parse_override,
    to_dict,
)
from reader.settings.preferences import Preferences
from reader.speaker import Speaker
from reader.synth.synthesizer import Synthesizer
from reader.types import ReaderError
from tests.fakes import FakeEngine, FakeG2P, fake_voices, language_of
from tests.test_control import FakeDesktop

CUSTOM = Settings(voice="af_heart:0.7,bf_emma:0.3", speed=1.35, volume=0.6, sentence_pause=0.4,
                  device="USB Headset", hotkeys={**DEFAULT_HOTKEYS, "stop": "<ctrl>+<alt>+x", "next": ""},
                  auto_read=True, auto_read_max_chars=500, autostart=True, speculate=False)


def write(path, data) -> bytes:
    raw = (json.dumps(data) if not isinstance(data, (str, bytes)) else data)
    raw = raw.encode() if isinstance(raw, str) else raw
    path.write_bytes(raw)
    return raw


def test_defaults_live_in_one_place_and_a_missing_file_gives_them(tmp_path):
    loaded = SettingsFile(tmp_path / "settings.json").load()
    assert loaded.settings == Settings() and loaded.notice == ""
    s = Settings()
    assert (s.schema, s.voice, s.speed, s.volume, s.sentence_pause, s.device) == (SCHEMA, "af_heart", 1.0, 1.0,
                                                                                 0.0, None)
    assert dict(s.hotkeys) == DEFAULT_HOTKEYS and not s.auto_read and s.speculate and s.auto_read_max_chars > 0


def test_round_trip_is_exact_and_human_editable(tmp_path):
    path = tmp_path / "sub" / "settings.json"
    SettingsFile(path).save(CUSTOM)
    assert SettingsFile(path).load().settings == CUSTOM
    text = path.read_text()
    assert text.startswith('{\n  "schema": 1,') and '"speed": 1.35' in text  # indented JSON, schema first
    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]  # no temp file left


def test_unknown_keys_are_kept_and_written_back(tmp_path):
    path = tmp_path / "settings.json"
    write(path, {"schema": 1, "speed": 1.3, "theme": {"contrast": "high"}, "hotkeys": {"stop": "<ctrl>+<alt>+q"}})
    settings = SettingsFile(path).load().settings
    assert settings.speed == 1.3 and dict(settings.extra) == {"theme": {"contrast": "high"}}
    assert settings.hotkeys["stop"] == "<ctrl>+<alt>+q" and settings.hotkeys["toggle"] == DEFAULT_HOTKEYS["toggle"]
    SettingsFile(path).save(dataclasses.replace(settings, volume=0.5))
    data = json.loads(path.read_text())
    assert data["theme"] == {"contrast": "high"} and data["volume"] == 0.5 and data["speed"] == 1.3


def test_a_file_without_schema_is_migrated(tmp_path):
    path = tmp_path / "settings.json"
    write(path, {"speed": 1.2, "clipboard_auto_read": True, "device": 3})
    settings = SettingsFile(path).load().settings
    assert settings.speed == 1.2 and settings.auto_read is True and settings.device is None
    assert "clipboard_auto_read" not in settings.extra and "device" not in settings.extra
    assert to_dict(settings)["schema"] == SCHEMA


def test_bad_values_fall_back_to_their_default_only(tmp_path):
    path = tmp_path / "settings.json"
    write(path, {"schema": 1, "speed": 9, "volume": "loud", "voice": "bf_emma", "auto_read": "yes",
                 "hotkeys": {"stop": 5}})
    settings = SettingsFile(path).load().settings
    assert (settings.speed, settings.volume, settings.voice, settings.auto_read) == (1.0, 1.0, "bf_emma", False)
    assert dict(settings.hotkeys) == DEFAULT_HOTKEYS


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b"\xff\xfe\x00garbage", b'{"schema": "one"}'])
def test_a_damaged_file_is_moved_aside_and_the_defaults_used(tmp_path, content):
    path = tmp_path / "settings.json"
    write(path, content)
    file = SettingsFile(path)
    loaded = file.load()
    assert loaded.settings == Settings()
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("settings.json.bad-")]
    assert len(aside) == 1 and aside[0].read_bytes() == content  # nothing lost
    assert str(aside[0]) in loaded.notice and "defaults" in loaded.notice
    assert not path.exists()
    file.save(CUSTOM)  # and the next save starts a good file
    assert SettingsFile(path).load().settings == CUSTOM


def test_an_unreadable_file_that_cannot_be_moved_is_never_overwritten(tmp_path, monkeypatch):
    path = tmp_path / "settings.json"
    raw = write(path, "{broken")
    monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(PermissionError(errno.EACCES, "denied")))
    file = SettingsFile(path)
    loaded = file.load()
    assert loaded.settings == Settings() and "not saved" in loaded.notice
    monkeypatch.undo()
    with pytest.raises(ReaderError, match="not saved"):
        file.save(CUSTOM)
    assert path.read_bytes() == raw


def test_a_file_from_a_newer_version_is_read_but_never_overwritten(tmp_path):
    path = tmp_path / "settings.json"
    raw = write(path, {"schema": SCHEMA + 1, "speed": 1.5, "voice": "bf_emma", "hologram": True})
    file = SettingsFile(path)
    loaded = file.load()
    assert loaded.settings.speed == 1.5 and loaded.settings.voice == "bf_emma"
    assert "newer" in loaded.notice and str(path) in loaded.notice
    prefs = Preferences(file, loaded.settings)
    with pytest.raises(ReaderError, match="newer kokoro-reader"):
        prefs.change(speed=1.8)
    assert prefs.current.speed == 1.8  # the session keeps the change
    assert path.read_bytes() == raw  # the newer file is untouched


def _no_temp_files(folder) -> bool:
    return [p.name for p in folder.iterdir()] == ["settings.json"]


def test_a_read_only_folder_is_a_clear_message_and_loses_nothing(tmp_path, monkeypatch):
    folder = tmp_path / "config"
    folder.mkdir()
    path = folder / "settings.json"
    SettingsFile(path).save(Settings(speed=1.2))
    before = path.read_bytes()
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):  # root writes anyway: make the folder refuse, as a read-only mount does
            def refuse(*args, **kwargs):
                raise OSError(errno.EROFS, "Read-only file system")
            monkeypatch.setattr(Path, "write_text", refuse)
        prefs = Preferences(SettingsFile(path), SettingsFile(path).load().settings)
        with pytest.raises(ReaderError, match="read-only") as err:
            prefs.change(volume=0.4)
        assert str(path) in str(err.value) and "until you quit" in str(err.value)
        assert prefs.current.volume == 0.4 and prefs.current.speed == 1.2
        assert path.read_bytes() == before and _no_temp_files(folder)
    finally:
        folder.chmod(0o755)


def test_a_full_disk_is_a_clear_message_keeps_the_old_file_and_retries(tmp_path, monkeypatch):
    path = tmp_path / "settings.json"
    SettingsFile(path).save(Settings(speed=1.2))
    before = path.read_bytes()
    prefs = Preferences(SettingsFile(path), SettingsFile(path).load().settings)

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(ReaderError, match="disk is full"):
        prefs.change(voice="bf_emma")
    assert prefs.current.voice == "bf_emma"
    assert path.read_bytes() == before and _no_temp_files(tmp_path)
    monkeypatch.undo()
    prefs.change(volume=0.5)  # room again: the next change saves the earlier one too
    saved = SettingsFile(path).load().settings
    assert (saved.voice, saved.volume, saved.speed) == ("bf_emma", 0.5, 1.2)


def test_config_path_env_override(tmp_path, monkeypatch):
    monkeypatch.setenv("KOKORO_READER_CONFIG", str(tmp_path / "x.json"))
    assert config_path() == tmp_path / "x.json"
    monkeypatch.delenv("KOKORO_READER_CONFIG")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert config_path() == tmp_path / "xdg" / "kokoro-reader" / "settings.json"


def test_env_and_cli_overrides_parse_and_validate():
    env = {"KOKORO_READER_SPEED": "1.2", "KOKORO_READER_AUTO_READ": "on", "KOKORO_READER_DEVICE": "default",
           "KOKORO_READER_SENTENCE_PAUSE": "0.5", "KOKORO_READER_HOTKEYS": '{"stop": "<ctrl>+<alt>+x"}',
           "KOKORO_READER_SOCKET": "/ignored"}
    overrides = env_overrides(env)
    assert overrides == {"speed": 1.2, "auto_read": True, "device": None, "sentence_pause": 0.5,
                         "hotkeys": {"stop": "<ctrl>+<alt>+x"}}
    merged = apply_overrides(Settings(), overrides)
    assert merged.hotkeys["stop"] == "<ctrl>+<alt>+x" and merged.hotkeys["toggle"] == DEFAULT_HOTKEYS["toggle"]
    assert parse_override("hotkeys.read-selection", "<ctrl>+<alt>+e") == ("hotkeys", {"read-selection": "<ctrl>+<alt>+e"})
    assert parse_override("auto-read-max-chars", "0") == ("auto_read_max_chars", 0)
    for key, text, fragment in [("speed", "9", "out of range"), ("speed", "fast", "number"),
                                ("colour", "red", "unknown setting"), ("hotkeys.fly", "x", "unknown action"),
                                ("autostart", "maybe", "on or off")]:
        with pytest.raises(ReaderError, match=fragment):
            parse_override(key, text)
    with pytest.raises(ReaderError, match="KOKORO_READER_VOLUME"):
        env_overrides({"KOKORO_READER_VOLUME": "2"})


def test_overrides_hold_for_the_run_and_are_saved_only_when_the_user_changes_them(tmp_path):
    path = tmp_path / "settings.json"
    SettingsFile(path).save(Settings(speed=1.1))
    prefs = Preferences(SettingsFile(path), SettingsFile(path).load().settings,
                        {"speed": 1.5, "voice": "bf_emma"})
    assert (prefs.current.speed, prefs.current.voice) == (1.5, "bf_emma")
    prefs.update(dataclasses.replace(prefs.current, volume=0.3))  # a change to another setting
    data = json.loads(path.read_text())
    assert (data["speed"], data["voice"], data["volume"]) == (1.1, "af_heart", 0.3)  # overrides not written
    prefs.change(speed=1.6)  # the user changes an overridden one: now it is theirs
    data = json.loads(path.read_text())
    assert data["speed"] == 1.6 and data["voice"] == "af_heart" and prefs.current.voice == "bf_emma"


def test_cli_set_errors_are_usage_errors():
    env = {**os.environ, "DISPLAY": ":nowhere"}
    for args, fragment in [(["daemon", "--set", "speed=9"], b"out of range"),
                           (["daemon", "--set", "nonsense"], b"KEY=VALUE"),
                           (["daemon", "--set", "colour=red"], b"unknown setting")]:
        proc = subprocess.run([sys.executable, "-m", "reader.cli", *args], capture_output=True, env=env, timeout=60,
                              check=False)
        assert proc.returncode == 2 and fragment in proc.stderr and b"Traceback" not in proc.stderr


def test_say_takes_its_defaults_from_the_settings_and_its_flags_win(tmp_path):
    path = tmp_path / "settings.json"
    SettingsFile(path).save(Settings(voice="nobody_x"))
    env = {**os.environ, "KOKORO_READER_CONFIG": str(path)}

    def say(*args, **extra_env):
        return subprocess.run([sys.executable, "-m", "reader.cli", "say", "Hi.", "-o", str(tmp_path / "x.wav"),
                               *args], capture_output=True, env={**env, **extra_env}, timeout=120, check=False)

    assert b"nobody_x" in say().stderr  # the settings' voice was used (and refused)
    assert b"nobody_y" in say(KOKORO_READER_VOICE="nobody_y").stderr  # the environment beats the file
    flag = say("--voice", "nobody_z", KOKORO_READER_VOICE="nobody_y")
    assert flag.returncode == 2 and b"nobody_z" in flag.stderr  # and the flag beats both


# -- the daemon's live settings: Controller + LiveSettings + a real Speaker on fakes ---------
class FakeHotkeys:
    started: ClassVar[list[FakeHotkeys]] = []

    def __init__(self, bindings, on_action) -> None:
        self.bindings, self.on_action, self.problems, self.stopped = dict(bindings), on_action, [], False

    def start(self) -> None:
        FakeHotkeys.started.append(self)

    def stop(self) -> None:
        self.stopped = True


@pytest.fixture
def daemon_parts(tmp_path):
    """What the daemon runs, minus Qt and devices: returns (live, controller, speaker, sink, path, autostart)."""
    FakeHotkeys.started = []
    path = tmp_path / "settings.json"
    file = SettingsFile(path)
    prefs = Preferences(file, file.load().settings)
    sink = FakeSink()
    speaker = Speaker(Synthesizer(FakeEngine(), fake_voices(tmp_path), FakeG2P(), language_of), sink)
    controller = Controller(FakeDesktop("Selected.", "Copied."))
    entry = {"enabled": False}
    live = LiveSettings(prefs, controller, hotkeys_factory=FakeHotkeys,
                        set_autostart=lambda on: entry.update(enabled=on),
                        autostart_enabled=lambda: entry["enabled"])
    controller.on_settings_changed = live.changed
    live.start_hotkeys()
    live.attach_sink(sink)
    controller.attach(speaker)
    yield live, controller, speaker, sink, path, entry
    controller.close()
    speaker.close()


def run_command(controller, name: str) -> None:
    """Run a command on the commands thread and wait until its settings change was saved."""
    done = threading.Event()
    save = controller.on_settings_changed
    controller.on_settings_changed = lambda fields: (save(fields), done.set())
    controller.command(name)
    assert done.wait(5)
    controller.on_settings_changed = save


def test_hotkey_speed_and_auto_read_changes_are_applied_and_saved(daemon_parts):
    _, controller, speaker, _, path, _ = daemon_parts
    run_command(controller, "faster")
    assert speaker.speed == 1.1 and json.loads(path.read_text())["speed"] == 1.1
    run_command(controller, "slower")
    run_command(controller, "slower")
    assert json.loads(path.read_text())["speed"] == 0.9 and controller.status.speed == 0.9
    run_command(controller, "auto-read")
    assert json.loads(path.read_text())["auto_read"] is True and controller.clipboard_policy.enabled


def test_applying_settings_reaches_every_part(daemon_parts):
    live, controller, speaker, sink, path, entry = daemon_parts
    new = dataclasses.replace(live.prefs.current, voice="bf_emma", speed=1.4, volume=0.5, sentence_pause=0.3,
                              device="Headphones", hotkeys={**DEFAULT_HOTKEYS, "stop": "<ctrl>+<alt>+x"},
                              auto_read=True, auto_read_max_chars=10, autostart=True)
    assert live.apply(new) == ""
    assert (speaker.voice, speaker.speed, sink.volume, speaker.sentence_pause) == ("bf_emma", 1.4, 0.5, 0.3)
    assert sink.device == "Headphones" and entry["enabled"]
    assert FakeHotkeys.started[0].stopped and FakeHotkeys.started[-1].bindings["stop"] == "<ctrl>+<alt>+x"
    assert controller.clipboard_policy.enabled and controller.clipboard_policy.max_chars == 10
    assert controller.status.voice == "bf_emma" and controller.status.speed == 1.4
    assert SettingsFile(path).load().settings == new


def test_a_failed_save_is_a_notice_and_the_change_still_applies(daemon_parts, monkeypatch):
    live, controller, speaker, _, path, _ = daemon_parts

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    message = live.change(speed=1.3)
    assert "disk is full" in message and "disk is full" in controller.status.message
    assert speaker.speed == 1.3 and not path.exists()


def test_too_long_clipboard_text_is_not_read_and_says_why(daemon_parts):
    live, controller, *_ = daemon_parts
    cues = []
    controller.cue = cues.append
    live.change(auto_read=True, auto_read_max_chars=20)
    controller.clipboard_changed("x" * 21, ["text/plain"])
    assert cues == ["too long"] and "20 characters" in controller.status.message
    policy = ClipboardPolicy(enabled=True, max_chars=5)
    assert policy.decide("123456", ["text/plain"]).reason == "too long"
    assert policy.decide("12345", ["text/plain"]).read


def test_from_dict_refuses_a_newer_schema_unless_asked():
    from reader.settings.model import FutureSchema

    with pytest.raises(FutureSchema):
        from_dict({"schema": SCHEMA + 1})
    assert from_dict({"schema": SCHEMA + 1, "speed": 2.0}, allow_future=True).speed == 2.0


def test_a_sink_loaded_after_quit_is_not_attached(daemon_parts):
    live, _controller, _speaker, sink, _path, _entry = daemon_parts
    live.close()
    late = FakeSink()
    assert live.attach_sink(late) is False  # the loader closes it itself
    assert live.sink is sink


def test_every_flag_and_number_setting_can_be_overridden_by_its_spelling():
    """`daemon --set` and KOKORO_READER_*: a field is spelled by its type, so a new field
    (view_on_read, view_size...) needs no list of its own."""
    from reader.settings.model import FIELDS, Settings, parse_override

    defaults = Settings()
    checked = 0
    for name in FIELDS:
        value = getattr(defaults, name)
        if isinstance(value, (bool, int, float)):
            assert parse_override(name, str(value).lower()) == (name, value), name
            checked += 1
    assert checked >= 8
