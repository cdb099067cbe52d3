"""Whether this process runs in a desktop session (one home for the check)."""
from __future__ import annotations

import os
import sys
from collections.abc import Mapping


def has_display(env: Mapping[str, str] = os.environ) -> bool:
    """An X11 or Wayland display to show a tray on (always true off Linux)."""
    if sys.platform.startswith("linux"):
        return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))
    return True


__all__ = ["has_display"]
