"""MPRIS2 on the session bus, so media keys and desktop media widgets can pause, stop and skip,
and show the sentence being read as the track's title.

Qt's D-Bus adaptors export the slots and properties below under the standard names; they run
on the GUI thread and only hand commands to the Controller. Linux only; without a session bus
it is simply not there.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import ClassInfo, Property, QObject, Slot
from PySide6.QtDBus import QDBusAbstractAdaptor, QDBusConnection, QDBusObjectPath

from reader.daemon.controller import Controller

_LOGGER = logging.getLogger(__name__)

SERVICE = "org.mpris.MediaPlayer2.kokoro_reader"
PATH = "/org/mpris/MediaPlayer2"
_STATUS = {"speaking": "Playing", "paused": "Paused"}
_TITLE_CHARS = 300  # a long sentence: a widget shows one line


@ClassInfo({"D-Bus Interface": "org.mpris.MediaPlayer2"})
class _Root(QDBusAbstractAdaptor):
    def __init__(self, parent: QObject, controller: Controller) -> None:
        super().__init__(parent)
        self._controller = controller

    @Slot()
    def Raise(self) -> None:  # noqa: N802 - D-Bus names
        pass

    @Slot()
    def Quit(self) -> None:  # noqa: N802
        self._controller.command("quit")

    def _identity(self) -> str:
        return "kokoro-reader"

    def _false(self) -> bool:
        return False

    def _true(self) -> bool:
        return True

    Identity = Property(str, _identity)
    CanQuit = Property(bool, _true)
    CanRaise = Property(bool, _false)
    HasTrackList = Property(bool, _false)


@ClassInfo({"D-Bus Interface": "org.mpris.MediaPlayer2.Player"})
class _Player(QDBusAbstractAdaptor):
    def __init__(self, parent: QObject, controller: Controller) -> None:
        super().__init__(parent)
        self._controller = controller

    @Slot()
    def PlayPause(self) -> None:  # noqa: N802
        self._controller.command("toggle")

    @Slot()
    def Play(self) -> None:  # noqa: N802
        self._controller.command("resume")

    @Slot()
    def Pause(self) -> None:  # noqa: N802
        self._controller.command("pause")

    @Slot()
    def Stop(self) -> None:  # noqa: N802
        self._controller.command("stop")

    @Slot()
    def Next(self) -> None:  # noqa: N802
        self._controller.command("next")

    @Slot()
    def Previous(self) -> None:  # noqa: N802
        self._controller.command("previous")

    def _status(self) -> str:
        return _STATUS.get(self._controller.status.state, "Stopped")

    def _rate(self) -> float:
        return float(self._controller.status.speed)

    def _true(self) -> bool:
        return True

    def _metadata(self) -> dict:
        """The sentence being heard as the track's title (what media widgets show)."""
        speaker = self._controller.speaker
        heard = speaker.heard() if speaker is not None else None
        if heard is None:
            return {"mpris:trackid": QDBusObjectPath(f"{PATH}/NoTrack")}
        settings = self._controller.settings
        if settings is not None and not settings.media_title:  # the user keeps the text off the bus
            return {"mpris:trackid": QDBusObjectPath(f"{PATH}/text/{heard.utterance}"), "xesam:title": "kokoro-reader"}
        title = " ".join(heard.text[heard.sentence.start:heard.sentence.end].split())
        return {"mpris:trackid": QDBusObjectPath(f"{PATH}/text/{heard.utterance}"),
                "xesam:title": title[:_TITLE_CHARS]}

    PlaybackStatus = Property(str, _status)
    Metadata = Property("QVariantMap", _metadata)
    Rate = Property(float, _rate)
    CanControl = Property(bool, _true)
    CanPlay = Property(bool, _true)
    CanPause = Property(bool, _true)
    CanGoNext = Property(bool, _true)
    CanGoPrevious = Property(bool, _true)


class Mpris(QObject):
    """Owns the exported object and its two adaptors; GUI thread."""

    def __init__(self, controller: Controller) -> None:
        super().__init__()
        self._root = _Root(self, controller)
        self._player = _Player(self, controller)
        bus = QDBusConnection.sessionBus()
        self.registered = (bus.isConnected() and bus.registerService(SERVICE)
                           and bus.registerObject(PATH, self))
        if not self.registered:
            _LOGGER.info("MPRIS not available (no session bus, or the name is taken)")


__all__ = ["Mpris", "SERVICE", "PATH"]
