"""The desktop daemon: a Qt app with a tray icon, global hotkeys, clipboard auto-read and the
control socket, around one Speaker. The only place that wires Qt to the rest.

Threads: Qt's GUI thread owns the widgets; "core-loader" loads the speech core at start;
the Controller runs commands on its own thread; hotkeys, the control socket and the Speaker
reach the GUI only through the Bridge's queued signals.
"""
from __future__ import annotations

import logging
import os
import sys
import threading

from reader.types import ReaderError

_LOGGER = logging.getLogger(__name__)


def has_display() -> bool:
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def run_daemon(voice: str = "af_heart", speed: float = 1.0, threads: int | None = None,
               device: str | int | None = None) -> int:
    if not has_display():
        raise ReaderError("no display: the tray daemon needs a desktop session (DISPLAY or WAYLAND_DISPLAY); "
                          "`kokoro-reader say TEXT` works without one")
    from reader import ipc
    from reader.controller import Controller
    from reader.sources.selection import DesktopText, press_copy

    desktop = DesktopText(simulate_copy=press_copy)
    controller = Controller(desktop, voice=voice, speed=speed)
    desktop.on_own_clipboard = controller.clipboard_policy.mark_own
    server = ipc.ControlServer(controller.command)
    try:
        server.start()
    except ipc.AlreadyRunning:
        controller.close()
        print("kokoro-reader is already running; control it with `kokoro-reader ctl ...`", file=sys.stderr)
        return 0
    try:
        return _run_qt(controller, voice, speed, threads, device)
    finally:
        server.close()
        controller.close()


def _run_qt(controller, voice, speed, threads, device) -> int:
    from PySide6.QtCore import QObject, Qt, Signal
    from PySide6.QtWidgets import QApplication, QMessageBox, QSystemTrayIcon

    from reader import __version__
    from reader.ui.tray import ControlWindow, Tray

    app = QApplication.instance() or QApplication(["kokoro-reader"])
    app.setApplicationName("kokoro-reader")
    app.setQuitOnLastWindowClosed(False)

    class Bridge(QObject):
        """Carries calls from other threads to the GUI thread (queued signals)."""

        status = Signal(object)
        cue = Signal(str)
        quit = Signal()

    bridge = Bridge()

    def about() -> None:
        QMessageBox.about(None, "About kokoro-reader",
                          f"kokoro-reader {__version__}\nReads text aloud with the Kokoro-82M voice, offline.")

    if QSystemTrayIcon.isSystemTrayAvailable():
        view = Tray(controller, about)
    else:
        _LOGGER.warning("no system tray: showing a window instead")
        view = ControlWindow(controller, about)
        view.show()
    bridge.status.connect(view.show_status, Qt.ConnectionType.QueuedConnection)

    def cue(reason: str) -> None:
        QApplication.beep()
        view.notify("Nothing is selected" if reason == "empty" else (controller.status.message or reason))

    bridge.cue.connect(cue, Qt.ConnectionType.QueuedConnection)
    bridge.quit.connect(app.quit, Qt.ConnectionType.QueuedConnection)
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

    mpris = None
    if sys.platform.startswith("linux"):
        from reader.ui.mpris import Mpris

        mpris = Mpris(controller)  # media keys and desktop widgets: pause, stop, skip
    hotkeys = _start_hotkeys(controller, view)
    loader = threading.Thread(target=_load, args=(controller, voice, speed, threads, device),
                              name="core-loader", daemon=True)
    loader.start()
    try:
        return app.exec()
    finally:
        del mpris
        if hotkeys is not None:
            hotkeys.stop()
        speaker = controller.speaker
        if speaker is not None:
            speaker.close()


def _start_hotkeys(controller, view):
    from reader.sources.hotkeys import DEFAULT_HOTKEYS, Hotkeys

    hotkeys = Hotkeys(DEFAULT_HOTKEYS, lambda action: controller.command(action))
    try:
        hotkeys.start()
    except ReaderError as exc:
        _LOGGER.warning("%s", exc)
        controller.notice(str(exc))
        return None
    if hotkeys.problems:
        controller.notice("some hotkeys are not available: " + "; ".join(hotkeys.problems))
    return hotkeys


def _load(controller, voice, speed, threads, device) -> None:
    """core-loader thread: model, voices, G2P, warm-up, audio output; then the Controller runs."""
    from reader.audio.sink import SoundDeviceSink
    from reader.engine.onnx import EngineOptions
    from reader.kokoro import CoreOptions, load_core
    from reader.speaker import Speaker

    try:
        synth, _ = load_core(options=CoreOptions(engine=EngineOptions(threads=threads)), voice=voice)
    except ReaderError as exc:
        controller.fail(str(exc))
        return
    except Exception as exc:  # a bug: say so in the tray rather than die silently
        _LOGGER.exception("loading the speech core failed")
        controller.fail(f"loading the voice failed: {type(exc).__name__}")
        return
    sink = SoundDeviceSink(device)
    speaker = Speaker(synth, sink, voice=voice, speed=speed, listener=controller)
    problem = None
    try:
        sink.open()  # warm: the first words then start without opening a device
    except ReaderError as exc:
        problem = str(exc)  # the next command tries again, e.g. once a device is plugged in
    controller.attach(speaker)
    if problem:
        controller.fail(problem)
