"""Which clipboard changes clipboard auto-read speaks.

Pure policy, no clipboard access: the ui's watcher hands each change in. Ignored: our own
changes, repeats of what was just read, non-text content, entries a password manager
marks as secret, and text longer than max_chars. Remembers a hash of the last text, never the text.
"""
from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable
from dataclasses import dataclass

SECRET_HINTS = ("x-kde-passwordManagerHint",)  # KeePassXC, KDE's Klipper and others set it


@dataclass(frozen=True)
class Decision:
    read: bool
    reason: str  # "ok", "own", "duplicate", "not text", "secret", "empty", "too long", "off"


class ClipboardPolicy:
    """Decides whether a clipboard change is read. decide() on the watcher's thread, mark_own()
    from any thread."""

    def __init__(self, enabled: bool = False, max_chars: int = 0) -> None:
        self.enabled = enabled
        self.max_chars = max_chars  # longer text is not read; 0 = no limit
        self._last: bytes | None = None
        self._own: list[bytes] = []  # changes we cause, each ignored once
        self._lock = threading.Lock()

    @staticmethod
    def _digest(text: str) -> bytes:
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def mark_own(self, text: str) -> None:
        """We are about to put `text` on the clipboard ourselves, or make another program do so."""
        with self._lock:
            self._own = [*self._own[-7:], self._digest(text)]

    def decide(self, text: str | None, formats: Iterable[str]) -> Decision:
        formats = list(formats)
        if any(hint in formats for hint in SECRET_HINTS):  # first: a secret is never even prepared
            return Decision(False, "secret")
        if not self.enabled:
            return Decision(False, "off")
        if text is None or not any(f.startswith("text/") for f in formats):
            return Decision(False, "not text")
        if not text.strip():
            return Decision(False, "empty")
        if self.max_chars and len(text) > self.max_chars:
            return Decision(False, "too long")
        digest = self._digest(text)
        with self._lock:
            if digest in self._own:
                self._own.remove(digest)
                return Decision(False, "own")
        if digest == self._last:
            return Decision(False, "duplicate")
        self._last = digest
        return Decision(True, "ok")


__all__ = ["ClipboardPolicy", "Decision", "SECRET_HINTS"]
