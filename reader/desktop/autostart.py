"""Start at login: the XDG autostart entry on Linux (installers handle Windows and macOS)."""
from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

from reader.files import write_text_atomic

ENTRY = """[Desktop Entry]
Type=Application
Name=kokoro-reader
Comment=Reads selected text aloud
Exec={command}
Icon=audio-speakers
Terminal=false
X-GNOME-Autostart-enabled=true
"""


def entry_path() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "autostart" / "kokoro-reader.desktop"


def is_enabled() -> bool:
    return entry_path().exists()


def set_enabled(enabled: bool, command: list[str] | None = None) -> None:
    """Write (atomically) or remove the entry; the command defaults to this program's daemon."""
    path = entry_path()
    if not enabled:
        path.unlink(missing_ok=True)
        return
    command = command or [sys.executable, "-m", "reader.cli", "daemon"]
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, ENTRY.format(command=shlex.join(command)))
