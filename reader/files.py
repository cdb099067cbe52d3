"""Writing a small file whole or not at all: another process or a crash never sees half of it."""
from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path


def write_text_atomic(path: Path, text: str) -> None:
    """A temp file beside path, flushed to disk, then renamed over it. Raises OSError."""
    tmp = path.with_name(f"{path.name}.part-{secrets.token_hex(6)}")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


__all__ = ["write_text_atomic"]
