"""Global hotkeys with pynput: the only module that imports it (lazily: it needs a display).

Callbacks run on pynput's listener thread and must only post work.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from reader.types import ReaderError

_LOGGER = logging.getLogger(__name__)

DEFAULT_HOTKEYS: dict[str, str] = {
    "read-selection": "<ctrl>+<alt>+r",
    "read-clipboard": "<ctrl>+<alt>+c",
    "toggle": "<ctrl>+<alt>+p",
    "stop": "<ctrl>+<alt>+s",
    "next": "<ctrl>+<alt>+<right>",
    "previous": "<ctrl>+<alt>+<left>",
    "next-word": "<ctrl>+<alt>+.",
    "previous-word": "<ctrl>+<alt>+,",
    "faster": "<ctrl>+<alt>+<up>",
    "slower": "<ctrl>+<alt>+<down>",
    "auto-read": "<ctrl>+<alt>+a",  # clipboard auto-read on/off
    "view": "<ctrl>+<alt>+v",  # the reading view
}


def _pynput_keyboard():
    try:
        from pynput import keyboard
    except Exception as exc:  # ImportError without a display
        raise ReaderError(f"global hotkeys are unavailable here ({exc}); "
                          "bind desktop shortcuts to `kokoro-reader ctl ...` instead") from None
    return keyboard


class Hotkeys:
    """Owns one pynput GlobalHotKeys listener (its thread) for a map action -> combination.

    Not responsible for what an action does: on_action(name) is called on the listener thread.
    """

    def __init__(self, bindings: Mapping[str, str], on_action: Callable[[str], None]) -> None:
        self.bindings = dict(bindings)
        self._on_action = on_action
        self._listener = None
        self.problems: list[str] = []  # combinations that could not be registered

    def start(self) -> None:
        """Register the hotkeys; bad ones are skipped and listed in problems. ReaderError when
        there is no keyboard access at all (no display, Wayland)."""
        keyboard = _pynput_keyboard()
        handlers, self.problems = self._handlers(keyboard)
        self._listener = keyboard.GlobalHotKeys(handlers)
        self._listener.daemon = True
        self._listener.start()
        for problem in self.problems:
            _LOGGER.warning("hotkey %s", problem)

    def check(self) -> list[str]:
        """The problems start() would report, without listening. ReaderError as start()."""
        return self._handlers(_pynput_keyboard())[1]

    def _handlers(self, keyboard) -> tuple[dict, list[str]]:
        handlers, problems = {}, []
        for action, combo in self.bindings.items():
            if not combo:
                continue
            try:
                keyboard.HotKey.parse(combo)
            except ValueError:
                problems.append(f"{action}: cannot register {combo!r}")
                continue
            if combo in handlers:
                problems.append(f"{action}: {combo} is already used")
                continue
            handlers[combo] = self._handler(action)
        return handlers, problems

    def _handler(self, action: str) -> Callable[[], None]:
        def fire() -> None:
            try:
                self._on_action(action)
            except Exception:  # never let a bug kill the listener thread
                _LOGGER.exception("hotkey action failed")
        return fire

    def stop(self) -> None:
        if self._listener is not None:
            self._listener.stop()
            self._listener = None


__all__ = ["DEFAULT_HOTKEYS", "Hotkeys"]
