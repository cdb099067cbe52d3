"""The settings file: where it lives, reading it safely, writing it atomically.

A file that cannot be parsed (or read) is moved aside as settings.json.bad-<time> and the
defaults are used; one from a newer kokoro-reader is read as far as it is understood and
never overwritten. Saving writes a temporary file in the same folder, fsyncs it and renames
it over the old one, so a full disk or a crash leaves the old file whole.
"""
from __future__ import annotations

import errno
import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from reader.files import write_text_atomic
from reader.settings.model import SCHEMA, FutureSchema, Settings, from_dict, schema_of, to_dict
from reader.types import ReaderError

_LOGGER = logging.getLogger(__name__)

CONFIG_ENV = "KOKORO_READER_CONFIG"


def config_path() -> Path:
    """KOKORO_READER_CONFIG, else settings.json in the user's config dir."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("kokoro-reader")) / "settings.json"


@dataclass(frozen=True)
class Loaded:
    settings: Settings
    notice: str  # for the user once (tray tooltip), "" when all went well


def _reason(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "the folder is read-only"
    return exc.strerror or str(exc)


class SettingsFile:
    """Reads and writes one settings file. Not thread-safe: Preferences serializes the calls.

    Not responsible for overrides or for applying settings (Preferences, the app).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.read_only_reason: str | None = None  # set when saving would destroy something

    def load(self, repair: bool = True) -> Loaded:
        """The settings, or the defaults with a notice. repair=False never moves a file."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return Loaded(Settings(), "")
        except OSError as exc:
            return self._unusable(f"could not be read ({exc.strerror or exc})", repair)
        try:
            data = json.loads(raw.decode("utf-8-sig"))
            version = schema_of(data) if isinstance(data, dict) else None
        except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            return self._unusable(f"is damaged ({type(exc).__name__})", repair)
        if version is None:
            return self._unusable("is damaged (not a JSON object)", repair)
        if version > SCHEMA:
            self.read_only_reason = (f"{self.path} is from a newer kokoro-reader (settings version {version}); "
                                     "your changes apply until you quit but are not saved over it")
            _LOGGER.warning("settings: %s", FutureSchema(version))
            return Loaded(from_dict(data, allow_future=True), self.read_only_reason)
        return Loaded(from_dict(data), "")

    def _unusable(self, problem: str, repair: bool) -> Loaded:
        _LOGGER.warning("settings file %s %s", self.path, problem)
        if repair:
            aside = self.path.with_name(f"{self.path.name}.bad-{time.strftime('%Y%m%d-%H%M%S')}")
            n = 1
            while aside.exists():
                n += 1
                aside = aside.with_name(f"{self.path.name}.bad-{time.strftime('%Y%m%d-%H%M%S')}-{n}")
            try:
                os.replace(self.path, aside)
                return Loaded(Settings(), f"the settings file {problem}; it was moved to {aside} "
                                          "and the defaults are used")
            except OSError as exc:
                _LOGGER.warning("cannot move it aside: %s", exc.strerror or exc)
        # It stays where it is: never overwrite what we could not read.
        self.read_only_reason = (f"the settings file {self.path} {problem}; it is left as it is, "
                                 "so your changes apply until you quit but are not saved")
        return Loaded(Settings(), self.read_only_reason)

    def save(self, settings: Settings) -> None:
        """Write atomically (temp file, fsync, rename). ReaderError with a clear message when
        it cannot be done; the old file is then unchanged."""
        if self.read_only_reason:
            raise ReaderError(self.read_only_reason)
        text = json.dumps(to_dict(settings), indent=2, ensure_ascii=False) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomic(self.path, text)
        except OSError as exc:
            raise ReaderError(f"could not save the settings to {self.path}: {_reason(exc)}; "
                              "your changes apply until you quit") from exc


__all__ = ["CONFIG_ENV", "Loaded", "SettingsFile", "config_path"]
