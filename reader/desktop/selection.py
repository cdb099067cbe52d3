"""Where "read selection" gets its text: the X11 PRIMARY selection, Wayland's primary
selection, else a simulated copy that puts the user's clipboard back afterwards.

Runs small helper programs (xclip/xsel, wl-paste) with a timeout; call it off the GUI thread
(a Qt app that owns the selection would deadlock waiting for itself). Never logs the text.
"""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass

_LOGGER = logging.getLogger(__name__)
_TIMEOUT_S = 2.0
_COPY_WAIT_S = 0.4  # how long a simulated copy waits for the application to answer


@dataclass(frozen=True)
class Capture:
    """Text captured from the desktop, and how (for messages; never the text in logs)."""

    text: str
    method: str  # "x11-primary", "wayland-primary", "simulated-copy", "clipboard", "none"


def _run(argv: list[str]) -> str | None:
    try:
        done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as exc:
        _LOGGER.debug("%s failed: %s", argv[0], type(exc).__name__)
        return None
    if done.returncode != 0:
        return None  # e.g. no selection owner
    return done.stdout.decode("utf-8", errors="replace")


class DesktopText:
    """Reads the selection and the clipboard of the desktop session this process runs in.

    Not responsible for what is done with the text, nor for watching the clipboard (ui/).
    """

    def __init__(self, env: dict[str, str] | None = None,
                 simulate_copy: Callable[[], None] | None = None) -> None:
        self._env = env if env is not None else dict(os.environ)
        self._simulate_copy = simulate_copy
        # Told of each clipboard change a simulated copy causes (clipboard auto-read ignores them).
        self.on_own_clipboard: Callable[[str], None] = lambda text: None

    def _wayland(self) -> bool:
        return bool(self._env.get("WAYLAND_DISPLAY")) and shutil.which("wl-paste") is not None

    def _x11_tool(self, selection: str) -> list[str] | None:
        if not self._env.get("DISPLAY"):
            return None
        if shutil.which("xclip"):
            return ["xclip", "-o", "-selection", selection]
        if shutil.which("xsel"):
            return ["xsel", "-o", "--primary" if selection == "primary" else "--clipboard"]
        return None

    def clipboard(self) -> str:
        if self._wayland():
            return _run(["wl-paste", "--no-newline"]) or ""
        tool = self._x11_tool("clipboard")
        if tool:
            return _run(tool) or ""
        try:
            import pyperclip  # Windows, macOS

            return pyperclip.paste() or ""
        except Exception:  # no clipboard mechanism at all
            return ""

    def _set_clipboard(self, text: str) -> None:
        try:
            import pyperclip

            pyperclip.copy(text)
        except Exception:
            _LOGGER.debug("could not restore the clipboard")

    def selection(self) -> Capture:
        """The selected text ("" when nothing is selected)."""
        if self._wayland():
            text = _run(["wl-paste", "--primary", "--no-newline"])
            if text is not None:
                return Capture(text, "wayland-primary")
        tool = self._x11_tool("primary")
        if tool:
            text = _run(tool)
            if text is not None:
                return Capture(text, "x11-primary")
        return self._copy_selection()

    def _copy_selection(self) -> Capture:
        """Press the copy shortcut in the focused application, read, restore the clipboard."""
        if self._simulate_copy is None:
            return Capture("", "none")
        saved = self.clipboard()
        marker = f"\u2063kokoro-reader-{time.monotonic_ns()}"  # tells "nothing copied" apart
        self.on_own_clipboard(marker)
        self._set_clipboard(marker)
        self._simulate_copy()
        deadline = time.monotonic() + _COPY_WAIT_S
        text = marker
        while text == marker and time.monotonic() < deadline:
            time.sleep(0.02)  # another application answers: there is no event to wait on
            text = self.clipboard()
        if text != marker:
            self.on_own_clipboard(text)
        self.on_own_clipboard(saved)
        self._set_clipboard(saved)
        return Capture("" if text == marker else text, "simulated-copy")


def press_copy() -> None:
    """Simulate Ctrl+C (Cmd+C on macOS) with pynput."""
    import sys

    from pynput.keyboard import Controller, Key

    keys = Controller()
    modifier = Key.cmd if sys.platform == "darwin" else Key.ctrl
    with keys.pressed(modifier):
        keys.press("c")
        keys.release("c")


__all__ = ["Capture", "DesktopText", "press_copy"]
