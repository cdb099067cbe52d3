"""Keeps the running daemon in step with its preferences, and saves every change.

A change from the settings window, or from a command that changes a setting (faster,
slower, auto-read), goes through apply(): Preferences saves it, the Controller passes voice,
speed, volume, pause and clipboard limits to the Speaker, and this module handles the parts
the Controller does not own: the output device, the global hotkeys and start at login.
No Qt here.
"""
from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable
from typing import Any

from reader.desktop import autostart
from reader.desktop.hotkeys import Hotkeys
from reader.settings.model import Settings
from reader.settings.preferences import Preferences
from reader.types import ReaderError

_LOGGER = logging.getLogger(__name__)


def device_arg(device: str | None) -> int | str | None:
    """What SoundDeviceSink takes: a digit string from the command line is a PortAudio index."""
    return int(device) if device and device.isdigit() else device


class LiveSettings:
    """Applies settings to the daemon's parts and saves them through Preferences.

    apply()/change() run on the caller's thread (the GUI thread, the commands thread); a lock
    keeps changes in order. Not responsible for what the settings mean to the Speaker (the
    Controller) or for showing anything (messages go to controller.notice).
    """

    def __init__(self, prefs: Preferences, controller, *,
                 hotkeys_factory: Callable[..., Any] = Hotkeys,
                 set_autostart: Callable[[bool], None] = autostart.set_enabled,
                 autostart_enabled: Callable[[], bool] = autostart.is_enabled) -> None:
        self.prefs = prefs
        self._controller = controller
        self._hotkeys_factory = hotkeys_factory
        self._set_autostart = set_autostart
        self._autostart_enabled = autostart_enabled
        self._hotkeys = None
        self.sink = None  # the SoundDeviceSink once the core has loaded
        self._closed = False
        self._lock = threading.RLock()
        controller.apply_settings(prefs.current)

    # -- life -----------------------------------------------------------------------------
    def start_hotkeys(self) -> None:
        """Listen for the hotkeys of the current settings (needs the display). Any thread."""
        with self._lock:
            problems = self._restart_hotkeys(self.prefs.current.hotkeys)
        if problems:
            self._controller.notice(problems[0])

    def attach_sink(self, sink) -> bool:
        """The core has loaded with `sink`; a device chosen meanwhile is switched to.
        False if the app has quit meanwhile: then the caller closes what it made."""
        with self._lock:
            if self._closed:
                return False
            self.sink = sink
            wanted = device_arg(self.prefs.current.device)
            if sink.device != wanted:
                sink.set_device(wanted)
        return True

    def close(self) -> None:
        """Stop the hotkeys; no sink is attached after this (self.sink is then final)."""
        with self._lock:
            self._closed = True
            if self._hotkeys is not None:
                self._hotkeys.stop()
                self._hotkeys = None

    # -- changes --------------------------------------------------------------------------
    def apply(self, new: Settings) -> str:
        """Make `new` the settings in effect and save them. Returns "" or a message for the
        user (also sent to controller.notice), e.g. that saving failed."""
        with self._lock:
            old = self.prefs.current
            message = ""
            try:
                self.prefs.update(new)
            except ReaderError as exc:  # not saved, but in effect for this session
                message = str(exc)
            current = self.prefs.current
            self._controller.apply_settings(current)
            problems = self._apply_parts(old, current)
        message = "; ".join(m for m in (message, *problems) if m)
        if message:
            self._controller.notice(message)
            self._controller.cue("settings")  # the app beeps and shows the notice as a notification
        return message

    def change(self, **fields: Any) -> str:
        """apply() with some fields replaced, e.g. change(speed=1.2)."""
        with self._lock:
            return self.apply(dataclasses.replace(self.prefs.current, **fields))

    def changed(self, fields: dict) -> None:
        """Controller.on_settings_changed: a command changed a setting (commands thread)."""
        self.change(**fields)

    def _apply_parts(self, old: Settings, new: Settings) -> list[str]:
        problems = []
        if new.device != old.device and self.sink is not None:
            speaker = self._controller.speaker
            if speaker is not None:
                speaker.stop()  # what was queued for the old device is dropped
            self.sink.set_device(device_arg(new.device))
        if new.hotkeys != old.hotkeys:
            problems.extend(self._restart_hotkeys(new.hotkeys))
        if new.autostart != self._autostart_enabled():
            try:
                self._set_autostart(new.autostart)
            except OSError as exc:
                problems.append(f"could not change start at login: {exc.strerror or exc}")
        return problems

    def _restart_hotkeys(self, bindings) -> list[str]:
        if self._hotkeys is not None:
            self._hotkeys.stop()
            self._hotkeys = None
        hotkeys = self._hotkeys_factory(bindings, lambda action: self._controller.command(action))
        try:
            hotkeys.start()
        except ReaderError as exc:  # no keyboard access at all (no display, Wayland)
            _LOGGER.warning("%s", exc)
            return [str(exc)]
        self._hotkeys = hotkeys
        if hotkeys.problems:
            return ["some hotkeys are not available: " + "; ".join(hotkeys.problems)]
        return []


__all__ = ["LiveSettings", "device_arg"]
