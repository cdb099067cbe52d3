"""The running daemon's one Settings: the file's values with this run's overrides on top.

An override (command line or environment) holds for the run and is not written to the file,
unless the user changes that setting: then the new value is theirs, and saved.
"""
from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Mapping
from typing import Any

from reader.settings.file import SettingsFile
from reader.settings.model import FIELDS, Settings, apply_overrides
from reader.types import ReaderError

_LOGGER = logging.getLogger(__name__)


class Preferences:
    """Owns the saved settings and the overrides; saves every change.

    Thread-safe (the settings window's GUI thread and the commands thread both change it);
    saving runs on the caller's thread, under the lock. Not responsible for applying settings
    to the speaker, hotkeys or devices (LiveSettings).
    """

    def __init__(self, file: SettingsFile, saved: Settings, overrides: Mapping[str, Any] | None = None) -> None:
        self.file = file
        self._saved = saved
        self._overrides = dict(overrides or {})
        self._unsaved = False  # the last save failed: the next change writes everything again
        self._lock = threading.Lock()

    @property
    def current(self) -> Settings:
        """What is in effect now."""
        with self._lock:
            return apply_overrides(self._saved, self._overrides)

    @property
    def saved(self) -> Settings:
        """What the file holds (or would hold, after a failed save)."""
        return self._saved

    def update(self, new: Settings) -> Settings:
        """Make `new` current; fields that differ from the current ones become the user's own
        (their override is dropped) and are saved. Returns the current settings. Raises
        ReaderError when saving fails; the change is kept in memory all the same."""
        with self._lock:
            current = apply_overrides(self._saved, self._overrides)
            changed = {name: getattr(new, name) for name in FIELDS if getattr(new, name) != getattr(current, name)}
            if not changed and not self._unsaved:
                return current
            for name in changed:
                self._overrides.pop(name, None)
            self._saved = dataclasses.replace(self._saved, **changed)
            try:
                self.file.save(self._saved)
                self._unsaved = False
            except ReaderError:
                self._unsaved = True
                raise
            _LOGGER.debug("settings saved: %s changed", ", ".join(changed) or "nothing")
            return apply_overrides(self._saved, self._overrides)

    def change(self, **fields: Any) -> Settings:
        """update() with some fields replaced."""
        return self.update(dataclasses.replace(self.current, **fields))


__all__ = ["Preferences"]
