"""The data dir: verified files, .verified stamps, temp files, atomic installs."""
from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import BinaryIO

from reader.assets.errors import SourceUnavailable
from reader.assets.manifest import Asset
from reader.files import commit, sha256_file, temp_beside, write_text_atomic

_LOGGER = logging.getLogger(__name__)

DATA_DIR_ENV = "KOKORO_READER_DATA_DIR"
_CHUNK = 1 << 20
# A temp file untouched this long belongs to a crashed run; younger ones may be another
# process's download in progress (its writes keep the mtime fresh).
_STALE_TEMP_S = 3600.0


def default_data_dir() -> Path:
    import platformdirs

    base = os.environ.get(DATA_DIR_ENV) or platformdirs.user_data_dir("kokoro-reader")
    return Path(base).expanduser() / "assets"


class Cache:
    """Owns the data dir: verifying files, .verified stamps, temp files, atomic installs.

    A file is trusted when this instance hashed it (and its size/mtime are unchanged), or
    when its `<file>.verified` stamp records the same size, mtime and the pinned sha256 -
    so a new process does not re-hash 92 MB on every start.
    """

    def __init__(self, root: Path):
        self.root = root
        self._verified: dict[Path, tuple[int, int]] = {}
        self._lock = threading.Lock()
        self._cleaned = False

    def path_for(self, asset: Asset) -> Path:
        return self.root.joinpath(*asset.relpath.split("/"))

    def new_tmp(self, asset: Asset) -> Path:
        """A fresh temp name next to the final file (see files.commit)."""
        return temp_beside(self.path_for(asset))

    def lookup(self, asset: Asset) -> Path | None:
        """The cached file if it is verified; a corrupt one is deleted."""
        path = self.path_for(asset)
        try:
            st = path.stat()
        except OSError:
            return None
        key = (st.st_size, st.st_mtime_ns)
        with self._lock:
            if self._verified.get(path) == key:
                return path
        if st.st_size == asset.size and (self._stamp_matches(path, asset, key)
                                         or sha256_file(path) == asset.sha256):
            self._remember(path, asset, key)
            return path
        # Only the file name is logged: never anything the user typed or selected.
        _LOGGER.warning("Cached %s failed verification; deleting it", asset.relpath)
        for p in (path, self._stamp(path)):
            with contextlib.suppress(OSError):
                p.unlink()
        return None

    def install(self, asset: Asset, tmp: Path) -> Path:
        """fsync + verify tmp, then atomically move it into place. tmp is gone afterwards."""
        try:
            size = tmp.stat().st_size
            if size != asset.size:
                raise SourceUnavailable("gave a truncated or wrong file",
                                        f"{asset.relpath}: {size} bytes, expected {asset.size}")
            if sha256_file(tmp) != asset.sha256:
                raise SourceUnavailable("gave a corrupt file", f"{asset.relpath}: sha256 mismatch")
            path = self.path_for(asset)
            commit(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
        st = path.stat()
        self._remember(path, asset, (st.st_size, st.st_mtime_ns))
        return path

    def install_stream(self, asset: Asset, stream: BinaryIO) -> Path:
        """Install an asset read from an open stream (used for extras, e.g. npm voices)."""
        tmp = self.new_tmp(asset)
        tmp.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(tmp, "wb") as out:
                while block := stream.read(_CHUNK):
                    out.write(block)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        return self.install(asset, tmp)

    def state(self, asset: Asset) -> str:
        """"verified", "unverified" (hashed on next use), "corrupt" or "missing"; no hashing."""
        path = self.path_for(asset)
        try:
            st = path.stat()
        except OSError:
            return "missing"
        if st.st_size != asset.size:
            return "corrupt"
        key = (st.st_size, st.st_mtime_ns)
        with self._lock:
            known = self._verified.get(path) == key
        return "verified" if known or self._stamp_matches(path, asset, key) else "unverified"

    def clean_stale_temps(self) -> None:
        """Delete temp files left by a crashed run (once per instance)."""
        if self._cleaned:
            return
        self._cleaned = True
        cutoff = time.time() - _STALE_TEMP_S
        for folder in (self.root, self.root / "voices"):
            for tmp in folder.glob("*.part-*") if folder.is_dir() else ():
                with contextlib.suppress(OSError):
                    if tmp.stat().st_mtime < cutoff:
                        tmp.unlink()
                        _LOGGER.debug("Removed stale temp file %s", tmp.name)

    @staticmethod
    def _stamp(path: Path) -> Path:
        return path.with_name(path.name + ".verified")

    def _stamp_matches(self, path: Path, asset: Asset, key: tuple[int, int]) -> bool:
        try:
            stamp = json.loads(self._stamp(path).read_text("utf-8"))
        except (OSError, ValueError):
            return False
        return stamp == {"sha256": asset.sha256, "size": key[0], "mtime_ns": key[1]}

    def _remember(self, path: Path, asset: Asset, key: tuple[int, int]) -> None:
        with self._lock:
            self._verified[path] = key
        stamp = self._stamp(path)
        try:
            write_text_atomic(stamp, json.dumps({"sha256": asset.sha256, "size": key[0], "mtime_ns": key[1]}))
        except OSError as exc:  # a read-only cache still works, it just re-hashes
            _LOGGER.debug("Could not write %s: %s", stamp.name, exc)


__all__ = ["Cache", "default_data_dir", "DATA_DIR_ENV"]
