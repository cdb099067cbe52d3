"""Small accessibility helpers: labelled controls and spoken announcements."""
from __future__ import annotations

import re

from PySide6.QtGui import QAccessible, QAccessibleEvent
from PySide6.QtWidgets import QLabel, QWidget

try:
    from PySide6.QtGui import QAccessibleAnnouncementEvent
except ImportError:  # Qt before 6.8: an alert event is the nearest thing
    QAccessibleAnnouncementEvent = None


def plain(text: str) -> str:
    """A label's text as a screen reader should say it: no mnemonic marker, colon or ellipsis."""
    return re.sub(r"&(.)", r"\1", text).rstrip(":\u2026. ").strip()


def describe(widget: QWidget, name: str, description: str) -> QWidget:
    widget.setAccessibleName(plain(name))
    widget.setAccessibleDescription(description)
    widget.setToolTip(description)  # the same words for people who can see the pointer
    return widget


def labelled(text: str, widget: QWidget, description: str, name: str | None = None) -> QLabel:
    """A label with a mnemonic (&) whose buddy is `widget`; names the widget after the label
    (or `name`, when the label alone is ambiguous) and describes it."""
    label = QLabel(text)
    label.setBuddy(widget)
    describe(widget, name or text, description)
    return label


def name_changed(widget: QWidget) -> None:
    """Tell assistive technology that widget's accessible name changed (e.g. a new hotkey)."""
    QAccessible.updateAccessibility(QAccessibleEvent(widget, QAccessible.Event.NameChanged))


def announce(widget: QWidget, text: str) -> None:
    """Ask the screen reader to say `text` (an announcement since Qt 6.8, else an alert)."""
    if QAccessibleAnnouncementEvent is not None:
        QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(widget, text))
    else:
        QAccessible.updateAccessibility(QAccessibleEvent(widget, QAccessible.Event.Alert))


__all__ = ["announce", "describe", "labelled", "name_changed", "plain"]
