"""The tray icon and its menu, or a small window with the same controls when no tray exists."""
from __future__ import annotations

from importlib import resources

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QLabel, QMenu, QPushButton, QSystemTrayIcon, QVBoxLayout, QWidget

from reader.daemon.controller import Controller, Status
from reader.desktop import autostart

STATES = ("loading", "idle", "speaking", "paused", "error")
_LABELS = {"loading": "Loading the voice\u2026", "idle": "Idle", "speaking": "Speaking", "paused": "Paused",
           "error": "Error"}


def load_icons() -> dict[str, QIcon]:
    """One icon per state; shapes differ, not only colours (speaker, waves, bars, dots, cross)."""
    files = resources.files("reader.resources")
    return {state: QIcon(str(files.joinpath(f"icon-{state}.svg"))) for state in STATES}


def tooltip(status: Status) -> str:
    text = f"kokoro-reader: {_LABELS[status.state]} \u2014 voice {status.voice}, speed {status.speed:g}"
    return f"{text}\n{status.message}" if status.message else text


def menu_items(status: Status) -> list[tuple[str, str | None]]:
    """(label, command) in menu order; None separates. Pause/Resume follows the state."""
    pause = ("&Resume", "resume") if status.state == "paused" else ("&Pause", "pause")
    return [("Read &selection", "read-selection"), ("Read &clipboard", "read-clipboard"), pause,
            ("S&top", "stop"), ("Reading &view", "view"), (None, None), ("Clipboard &auto-read", "auto-read"),
            ("Start at &login", "autostart"), (None, None),
            ("A&dd pronunciation\u2026", "add-pronunciation"), ("S&ettings\u2026", "settings"),
            ("A&bout", "about"), ("&Quit", "quit")]


class Tray(QObject):
    """Owns the QSystemTrayIcon; its menu is rebuilt each time it opens, from the live status.

    GUI thread only. Not responsible for what the commands do (the Controller).
    """

    def __init__(self, controller: Controller, about, set_autostart=autostart.set_enabled,
                 add_pronunciation=None) -> None:
        super().__init__()
        self._controller = controller
        self._about = about
        self._add_pronunciation = add_pronunciation  # opens the settings at a new pronunciation
        self._set_autostart = set_autostart  # the app's also saves the choice in the settings
        self.icons = load_icons()
        self.icon = QSystemTrayIcon(self.icons["loading"])
        self.menu = QMenu()
        self.menu.aboutToShow.connect(self._rebuild)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.show_status(controller.status)
        self._rebuild()
        self.icon.show()

    def _activated(self, reason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:  # a left click reads the selection
            self._controller.command("read-selection")

    def _rebuild(self) -> None:
        self.menu.clear()
        status = self._controller.status
        for label, command in menu_items(status):
            if label is None:
                self.menu.addSeparator()
                continue
            action = QAction(label, self.menu)
            if command == "auto-read":
                action.setCheckable(True)
                action.setChecked(status.auto_read)
            if command == "autostart":
                action.setCheckable(True)
                action.setChecked(autostart.is_enabled())
            if command in ("pause", "resume", "stop"):
                action.setEnabled(status.state in ("speaking", "paused"))
            if command == "settings":
                action.setEnabled(self._controller.on_settings is not None)
            if command == "view":
                action.setEnabled(self._controller.on_view is not None)
            if command == "add-pronunciation":
                action.setEnabled(self._add_pronunciation is not None)
            action.triggered.connect(lambda _=False, c=command: self._run(c))
            self.menu.addAction(action)

    def _run(self, command: str) -> None:
        if command == "about":
            self._about()
        elif command == "add-pronunciation":
            self._add_pronunciation()
        elif command == "autostart":
            self._set_autostart(not autostart.is_enabled())
        else:
            self._controller.command(command)

    def show_status(self, status: Status) -> None:
        self.icon.setIcon(self.icons[status.state])
        self.icon.setToolTip(tooltip(status))

    def notify(self, text: str) -> None:
        self.icon.showMessage("kokoro-reader", text, self.icons["idle"], 2000)


class ControlWindow(QWidget):
    """Shown instead of the tray when the desktop has none: the same controls as buttons."""

    def __init__(self, controller: Controller, about, add_pronunciation=None) -> None:
        super().__init__()
        self._controller = controller
        self.icons = load_icons()
        self.setWindowTitle("kokoro-reader")
        layout = QVBoxLayout(self)
        self.label = QLabel()
        self.label.setAccessibleName("Status")
        layout.addWidget(self.label)
        for label, command in menu_items(controller.status):
            if label is None or command in ("resume", "autostart"):
                continue
            button = QPushButton(label.replace("\u2026", "..."))
            button.setAccessibleName(label.replace("&", "").replace("\u2026", ""))
            if command == "about":
                button.clicked.connect(about)
            elif command == "add-pronunciation":
                if add_pronunciation is None:
                    continue
                button.clicked.connect(lambda _=False: add_pronunciation())
            elif command == "pause":
                button.setText("&Pause / Resume")
                button.clicked.connect(lambda _=False: controller.command("toggle"))
            else:
                button.clicked.connect(lambda _=False, c=command: controller.command(c))
            layout.addWidget(button)
        self.show_status(controller.status)

    def show_status(self, status: Status) -> None:
        self.setWindowIcon(self.icons[status.state])
        self.label.setText(tooltip(status))

    def notify(self, text: str) -> None:
        self.label.setText(text)
