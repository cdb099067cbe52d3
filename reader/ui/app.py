"""The desktop daemon's Qt part (reader/daemon/startup.py starts it): a tray icon, global
hotkeys, clipboard auto-read, around one Speaker. The only place that wires Qt to the rest.

Threads: Qt's GUI thread owns the widgets; "core-loader" loads the speech core at start;
the Controller runs commands on its own thread; hotkeys, the control socket and the Speaker
reach the GUI only through the Bridge's queued signals.
"""
from __future__ import annotations

import logging
import sys
import threading

from reader.types import ReaderError

_LOGGER = logging.getLogger(__name__)
# A selection still being dragged changes many times a second: prepare it once it rests.
SELECTION_SETTLE_MS = 150


PREVIEW_TEXT = "This is how I sound at this speed. Press OK to keep it."


def run_qt(controller, live, threads, notice: str) -> int:
    """The tray (or a window), settings windows, clipboard and selection watching, MPRIS and
    the hotkeys, on Qt's event loop until quit; the speech core loads meanwhile."""
    from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
    from PySide6.QtGui import QClipboard
    from PySide6.QtWidgets import QApplication, QMessageBox, QSystemTrayIcon

    from reader import __version__
    from reader.ui.readingview import ReadingView
    from reader.ui.tray import ControlWindow, Tray

    app = QApplication.instance() or QApplication(["kokoro-reader"])
    app.setApplicationName("kokoro-reader")
    app.setQuitOnLastWindowClosed(False)

    class Bridge(QObject):
        """Carries calls from other threads to the GUI thread (queued signals)."""

        status = Signal(object)
        cue = Signal(str)
        settings = Signal()
        view = Signal()
        quit = Signal()

    bridge = Bridge()

    def about() -> None:
        QMessageBox.about(None, "About kokoro-reader",
                          f"kokoro-reader {__version__}\nReads text aloud with the Kokoro-82M voice, offline.")

    controller.on_settings = bridge.settings.emit  # before the tray: its Settings item is then enabled
    controller.on_view = bridge.view.emit
    reading_view = ReadingView(lambda: controller.speaker, lambda: live.prefs.current)
    bridge.view.connect(reading_view.open, Qt.ConnectionType.QueuedConnection)
    controller.view_word = lambda: reading_view.lit  # a plain tuple: read on the socket's thread

    was = ["idle"]

    def open_view_on_read(status) -> None:  # view_on_read: shown when reading starts, focus left alone
        began = status.state == "speaking" and was[0] not in ("speaking", "paused")
        was[0] = status.state
        if began and live.prefs.current.view_on_read:  # hidden with Escape, it stays hidden until the next text
            reading_view.show_passive()

    bridge.status.connect(open_view_on_read, Qt.ConnectionType.QueuedConnection)
    set_autostart = (lambda enabled: live.change(autostart=enabled))
    windows = SettingsWindows(controller, live)

    def add_pronunciation() -> None:  # for the first word of the last selection read
        windows.open(word=controller.last_word)

    if QSystemTrayIcon.isSystemTrayAvailable():
        view = Tray(controller, about, set_autostart, add_pronunciation)
    else:
        _LOGGER.warning("no system tray: showing a window instead")
        view = ControlWindow(controller, about, add_pronunciation)
        view.show()
    bridge.status.connect(view.show_status, Qt.ConnectionType.QueuedConnection)
    if notice:
        view.notify(notice)  # once, as a notification a screen reader speaks

    def cue(reason: str) -> None:
        QApplication.beep()
        view.notify("Nothing is selected" if reason == "empty" else (controller.status.message or reason))

    bridge.cue.connect(cue, Qt.ConnectionType.QueuedConnection)
    bridge.quit.connect(app.quit, Qt.ConnectionType.QueuedConnection)
    bridge.settings.connect(lambda: windows.open(), Qt.ConnectionType.QueuedConnection)
    controller.on_change(bridge.status.emit)
    controller.cue = bridge.cue.emit
    controller.on_quit = bridge.quit.emit

    clipboard = app.clipboard()

    def clipboard_changed() -> None:
        data = clipboard.mimeData()
        formats = list(data.formats()) if data is not None else []
        text = data.text() if data is not None and data.hasText() else None
        controller.clipboard_changed(text, formats)

    clipboard.dataChanged.connect(clipboard_changed)
    if clipboard.supportsSelection():  # X11 PRIMARY: prepare what is selected before it is asked for
        settle = QTimer()
        settle.setSingleShot(True)
        settle.setInterval(SELECTION_SETTLE_MS)
        settle.timeout.connect(lambda: controller.selection_changed(clipboard.text(QClipboard.Mode.Selection)))
        clipboard.selectionChanged.connect(settle.start)  # restarts while a drag goes on

    mpris = None
    if sys.platform.startswith("linux"):
        from reader.ui.mpris import Mpris

        mpris = Mpris(controller)  # media keys and desktop widgets: pause, stop, skip
    live.start_hotkeys()
    loader = threading.Thread(target=_load, args=(controller, live, threads), name="core-loader", daemon=True)
    loader.start()
    try:
        return app.exec()
    finally:
        del mpris
        reading_view.close()
        # Deleted by Qt's own loop: Python deleting it directly at exit crashed the process
        # ("shared QObject was deleted directly").
        reading_view.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        windows.close()
        live.close()
        speaker = controller.speaker
        if speaker is not None:
            speaker.close()
        if live.sink is not None:  # final once live is closed; a later one is closed by _load
            # Closed here, not left to PortAudio's exit handler: that one tears the stream down
            # under the sink's threads (measured: a crash at quit in 2 of 12 runs).
            live.sink.close()


class SettingsWindows:
    """Opens the settings window (one at a time) with the daemon's callbacks. GUI thread."""

    def __init__(self, controller, live) -> None:
        self._controller = controller
        self._live = live
        self._dialog = None

    def open(self, word: str | None = None) -> None:
        """Show the window; with word, at a new pronunciation for it."""
        from reader.ui.settings import SettingsDialog

        dialog = self._dialog
        if dialog is None:
            dialog = SettingsDialog(self._live.prefs.current, voice_choices(), self._live.apply,
                                    preview=self._preview, devices=self._devices)
            dialog.finished.connect(self._closed)
            self._dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        if word is not None:
            dialog.add_pronunciation(word)

    def _closed(self, _result: int) -> None:
        dialog, self._dialog = self._dialog, None
        if dialog is not None:
            dialog.deleteLater()

    def _preview(self, voice: str, speed: float) -> None:
        """Speak a sample with this voice and speed; the saved settings stay as they are."""
        speaker = self._controller.speaker
        if speaker is None:
            raise ReaderError("the voice is still loading; try again in a moment")
        speaker.say(PREVIEW_TEXT, voice=voice, speed=speed)

    def _devices(self) -> list[str]:
        from reader.audio.portaudio import list_output_devices

        sink = self._live.sink
        # Without a sink the core is still loading: no rescan, which could race its open().
        found = sink.output_devices() if sink is not None else list_output_devices(rescan=False)
        return [d.name for d in found]

    def close(self) -> None:
        if self._dialog is not None:
            self._dialog.reject()


def voice_choices():
    from reader.assets.manifest import Manifest
    from reader.ui.voicepicker import VoiceChoice

    return [VoiceChoice(name, asset.language, asset.gender) for name, asset in Manifest.load().voices.items()]


def _load(controller, live, threads) -> None:
    """core-loader thread: model, voices, G2P, warm-up, audio output; then the Controller runs."""
    from reader.assets.manifest import Manifest
    from reader.audio.portaudio import SoundDeviceSink
    from reader.engine.onnx import EngineOptions
    from reader.engine.voices import parse_spec
    from reader.settings.live import device_arg
    from reader.settings.model import Settings
    from reader.speaker import Speaker
    from reader.synth.core import CoreOptions, load_core

    settings = live.prefs.current
    voice = settings.voice
    try:
        parse_spec(voice, list(Manifest.load().voices))
    except ReaderError as exc:  # e.g. a voice typed into the file: the default voice, and say why
        voice = Settings().voice
        controller.notice(f"{exc}; using {voice}")
    try:
        synth, _ = load_core(options=CoreOptions(engine=EngineOptions(threads=threads)), voice=voice)
    except ReaderError as exc:
        controller.fail(str(exc))
        return
    except Exception as exc:  # a bug: say so in the tray rather than die silently
        _LOGGER.exception("loading the speech core failed")
        controller.fail(f"loading the voice failed: {type(exc).__name__}")
        return
    sink = SoundDeviceSink(device_arg(settings.device))
    speaker = Speaker(synth, sink, voice=voice, speed=settings.speed, listener=controller)
    problem = None
    try:
        sink.open()  # warm: the first words then start without opening a device
    except ReaderError as exc:
        problem = str(exc)  # the next command tries again, e.g. once a device is plugged in
    if not live.attach_sink(sink):  # a device chosen while loading is switched to
        speaker.close()  # the app quit while loading: nobody else will close these
        sink.close()
        return
    controller.attach(speaker)  # applies the settings as they are now
    if problem:
        controller.fail(problem)
