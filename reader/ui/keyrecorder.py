"""A button that records a global hotkey as a pynput combination such as "<ctrl>+<alt>+r".

Space (or a click) starts recording; the next key pressed with Ctrl, Alt or Super becomes
the hotkey. While recording, Esc cancels and Backspace clears (no hotkey); Backspace or
Delete also clear it when not recording. Tab leaves as usual.
"""
from __future__ import annotations

import re

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QPushButton

from reader.ui.a11y import announce, name_changed

_Key = Qt.Key
_MODIFIERS = ((Qt.KeyboardModifier.ControlModifier, "<ctrl>", "Ctrl"), (Qt.KeyboardModifier.AltModifier, "<alt>", "Alt"),
              (Qt.KeyboardModifier.ShiftModifier, "<shift>", "Shift"),
              (Qt.KeyboardModifier.MetaModifier, "<cmd>", "Super"))
_NEEDED = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
           | Qt.KeyboardModifier.MetaModifier)
_MODIFIER_KEYS = {_Key.Key_Control, _Key.Key_Alt, _Key.Key_Shift, _Key.Key_Meta, _Key.Key_AltGr,
                  _Key.Key_Super_L, _Key.Key_Super_R, _Key.Key_Hyper_L, _Key.Key_Hyper_R, _Key.Key_CapsLock}
_SPECIAL = {_Key.Key_Left: "left", _Key.Key_Right: "right", _Key.Key_Up: "up", _Key.Key_Down: "down",
            _Key.Key_Home: "home", _Key.Key_End: "end", _Key.Key_PageUp: "page_up",
            _Key.Key_PageDown: "page_down", _Key.Key_Insert: "insert", _Key.Key_Delete: "delete",
            _Key.Key_Space: "space", _Key.Key_Return: "enter", _Key.Key_Enter: "enter", _Key.Key_Tab: "tab",
            _Key.Key_Pause: "pause", _Key.Key_Print: "print_screen",
            **{getattr(_Key, f"Key_F{n}"): f"f{n}" for n in range(1, 21)}}
_NAMES = {"<ctrl>": "Ctrl", "<alt>": "Alt", "<shift>": "Shift", "<cmd>": "Super"}


def combo_for(key: int, modifiers: Qt.KeyboardModifier) -> str | None:
    """The pynput combination of a Qt key press, or None for a key that cannot be one."""
    if key in _SPECIAL:
        last = f"<{_SPECIAL[key]}>"
    elif 0x21 <= key <= 0x7E and key != ord("+"):  # letters, digits, punctuation ("+" separates)
        last = chr(key).lower()
    else:
        return None
    return "+".join([part for flag, part, _ in _MODIFIERS if modifiers & flag] + [last])


def display(combo: str) -> str:
    """"<ctrl>+<alt>+<page_up>" -> "Ctrl+Alt+Page Up"; "" -> "None"."""
    if not combo:
        return "None"
    parts = []
    for part in combo.split("+"):
        if part in _NAMES:
            parts.append(_NAMES[part])
        elif part.startswith("<") and part.endswith(">"):
            name = part[1:-1]
            parts.append(name.upper() if re.fullmatch(r"f\d+", name) else name.replace("_", " ").title())
        else:
            parts.append(part.upper())
    return "+".join(parts)


def same_combo(a: str, b: str) -> bool:
    """Whether two combinations are the same keys (modifier order does not matter)."""
    return bool(a) and bool(b) and set(a.lower().split("+")) == set(b.lower().split("+"))


class KeyRecorder(QPushButton):
    """Shows one action's hotkey and records a new one. GUI thread.

    Not responsible for conflicts between actions (the settings dialog compares them).
    """

    changed = Signal(str)  # the new combination, "" when cleared
    message = Signal(str)  # a hint for the user, e.g. that a key needs Ctrl or Alt

    def __init__(self, action_label: str, combo: str = "", parent=None) -> None:
        super().__init__(parent)
        self._label = action_label
        self._combo = combo
        self._recording = False
        self._note = ""  # e.g. a conflict, said after the combination
        self.setAutoDefault(False)  # Enter is the dialog's OK, Space records
        self.clicked.connect(self.start)
        self._show()

    @property
    def combo(self) -> str:
        return self._combo

    @property
    def recording(self) -> bool:
        return self._recording

    def set_combo(self, combo: str) -> None:
        """Show `combo` (no signal)."""
        self._combo = combo
        self._show()

    def set_note(self, note: str) -> None:
        """Extra words in the accessible description, e.g. "Also used by Stop"."""
        self._note = note
        self._show()

    def start(self) -> None:
        self._recording = True
        self._show("Press the keys\u2026")
        announce(self, "Recording: press the new key combination. Escape cancels, Backspace clears.")

    def _stop(self, combo: str | None) -> None:
        """End recording; combo None keeps the old one."""
        self._recording = False
        if combo is not None and combo != self._combo:
            self._combo = combo
            self._show()
            self.changed.emit(combo)
        else:
            self._show()
        announce(self, f"{self._label}: {display(self._combo)}")

    def _show(self, text: str | None = None) -> None:
        shown = text or display(self._combo)
        self.setText(shown.replace("&", "&&"))
        self.setAccessibleName(f"{self._label} hotkey: {shown}")
        description = ("Press Space to record a new key combination; while recording, Escape cancels "
                       "and Backspace clears. Backspace or Delete clears it now.")
        self.setAccessibleDescription(f"{self._note}. {description}" if self._note else description)
        name_changed(self)

    # -- keys -----------------------------------------------------------------------------
    def event(self, e: QEvent) -> bool:
        if self._recording and e.type() == QEvent.Type.ShortcutOverride:
            e.accept()  # no mnemonic, Esc or Enter of the dialog while recording
            return True
        if self._recording and e.type() == QEvent.Type.KeyPress:
            self.keyPressEvent(e)  # Tab too: recorded with a modifier, else it leaves
            return True
        return super().event(e)

    def keyPressEvent(self, e: QKeyEvent) -> None:
        key, modifiers = e.key(), e.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        plain_key = not modifiers & _NEEDED
        if not self._recording:
            if key in (_Key.Key_Backspace, _Key.Key_Delete) and plain_key:
                self._stop("")
                return
            super().keyPressEvent(e)
            return
        e.accept()
        if key == _Key.Key_Escape:
            self._stop(None)
        elif key == _Key.Key_Backspace and plain_key:
            self._stop("")
        elif key in (_Key.Key_Tab, _Key.Key_Backtab) and plain_key:
            self._stop(None)
            self.focusNextPrevChild(key == _Key.Key_Tab and not modifiers & Qt.KeyboardModifier.ShiftModifier)
        elif key in _MODIFIER_KEYS:
            held = [name for flag, _, name in _MODIFIERS if modifiers & flag]
            self._show("+".join(held + ["\u2026"]))
        else:
            combo = combo_for(key, modifiers)
            function_key = key in _SPECIAL and _SPECIAL[key].startswith("f") and _SPECIAL[key][1:].isdigit()
            if combo is None:
                self.message.emit("That key cannot be used for a hotkey; try another, or Escape to cancel.")
            elif plain_key and not function_key:
                self.message.emit("Hold Ctrl, Alt or Super with that key (other programs need it alone).")
            else:
                self._stop(combo)

    def keyReleaseEvent(self, e: QKeyEvent) -> None:
        if self._recording:
            e.accept()
            return
        super().keyReleaseEvent(e)

    def focusOutEvent(self, e) -> None:
        if self._recording:
            self._stop(None)
        super().focusOutEvent(e)


__all__ = ["KeyRecorder", "combo_for", "display", "same_combo"]
