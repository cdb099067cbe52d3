"""Starting the tray daemon without Qt: the display check, the single instance (control
socket), the settings file, the controller; then the Qt part (reader/ui/app.py) runs."""
from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Mapping
from typing import Any

from reader.desktop.display import has_display
from reader.types import ReaderError


def run_daemon(overrides: Mapping[str, Any] | None = None, threads: int | None = None) -> int:
    """overrides: settings for this run only (command line); env KOKORO_READER_<FIELD> too."""
    if not has_display():
        raise ReaderError("no display: the tray daemon needs a desktop session (DISPLAY or WAYLAND_DISPLAY); "
                          "`kokoro-reader say TEXT` works without one")
    from reader.daemon import ipc
    from reader.daemon.controller import Controller
    from reader.desktop import autostart
    from reader.desktop.selection import DesktopText, press_copy
    from reader.settings.file import SettingsFile, config_path
    from reader.settings.live import LiveSettings
    from reader.settings.model import env_overrides
    from reader.settings.preferences import Preferences

    overrides = {**env_overrides(os.environ), **(overrides or {})}  # a bad value fails before anything starts
    desktop = DesktopText(simulate_copy=press_copy)
    controller = Controller(desktop)
    desktop.on_own_clipboard = controller.clipboard_policy.mark_own
    server = ipc.ControlServer(controller.command)
    try:
        server.start()
    except ipc.AlreadyRunning:
        controller.close()
        print("kokoro-reader is already running; control it with `kokoro-reader ctl ...`", file=sys.stderr)
        return 0
    try:
        # Only the running instance reads the file: it may move a damaged one aside.
        file = SettingsFile(config_path())
        loaded = file.load()
        saved = dataclasses.replace(loaded.settings, autostart=autostart.is_enabled())  # the entry is the truth
        live = LiveSettings(Preferences(file, saved, overrides), controller)
        controller.on_settings_changed = live.changed
        if loaded.notice:
            controller.notice(loaded.notice)  # in the tooltip until the next state change
        from reader.ui.app import run_qt  # the only Qt: started last

        return run_qt(controller, live, threads, loaded.notice)
    finally:
        server.close()
        controller.close()


__all__ = ["run_daemon"]
