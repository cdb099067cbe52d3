"""Files written whole or not at all, and a file's SHA-256: the one home of both.

A writer gets a temp file beside the final one; on success it is flushed to disk, renamed
over the final file (atomic on one file system: another process or a crash never sees
half a file) and the folder is synced so that the rename itself survives a power cut.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

_BLOCK = 1 << 20


def temp_beside(path: Path) -> Path:
    """A fresh temp name in path's folder (os.replace is atomic only within one)."""
    return path.with_name(f"{path.name}.part-{secrets.token_hex(6)}")


def commit(tmp: Path, path: Path) -> None:
    """Flush tmp to disk and rename it over path, then sync the folder. Raises OSError."""
    with open(tmp, "r+b") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)
    _sync_folder(path.parent)


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temp path for the block to write; committed over path when the block ends without
    an error, else removed (path is then unchanged). Raises OSError."""
    tmp = temp_beside(path)
    try:
        yield tmp
        commit(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()  # gone after a commit


def write_text_atomic(path: Path, text: str) -> None:
    with replacing(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _sync_folder(folder: Path) -> None:
    """Best effort: not every system lets a folder be opened or synced."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


__all__ = ["temp_beside", "commit", "replacing", "write_text_atomic", "sha256_file"]
