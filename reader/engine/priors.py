"""Norm priors by voice, for windowed decoding: in memory, and on disk beside the model parts.

A prior costs three whole decodes (3-6 s of CPU here) to calibrate, so it is made once per
voice (or blend) and model, and kept. Files are written atomically; a damaged one is
calibrated again. They hold model statistics only, nothing the user read.
"""
from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from reader.engine.windowed import NormPrior
from reader.files import replacing

_LOGGER = logging.getLogger(__name__)

# Bump when the calibration (its text, the windowed graph) changes: old priors are then unused.
CALIBRATION_VERSION = 1


class PriorBank:
    """Thread-safe: the loader, the synthesis worker and a warm-up may ask at once."""

    def __init__(self, names: tuple[str, ...], directory: Path | None) -> None:
        self.names = names
        self._dir = directory
        self._memory: dict[str, NormPrior] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> NormPrior | None:
        """The prior for a voice key, from memory or disk; None if never calibrated."""
        with self._lock:
            prior = self._memory.get(key)
        if prior is not None or self._dir is None:
            return prior
        path = self._path(key)
        try:
            prior = NormPrior.load(path)
        except FileNotFoundError:
            return None
        except Exception as exc:  # damaged or from another model: calibrate again
            _LOGGER.warning("ignoring the voice prior %s: %s", path.name, exc)
            return None
        if prior.names != self.names:
            return None
        with self._lock:
            self._memory[key] = prior
        return prior

    def make(self, key: str, statistics: Callable[[], list[list]]) -> NormPrior:
        """Calibrate (statistics() returns each whole decode's statistics), keep and save."""
        prior = NormPrior.average(self.names, statistics())
        with self._lock:
            self._memory[key] = prior
        if self._dir is not None:
            self._save(key, prior)
        return prior

    def _path(self, key: str) -> Path:
        digest = hashlib.sha256(f"{CALIBRATION_VERSION}:{key}".encode()).hexdigest()[:20]
        return self._dir / f"{digest}.npz"

    def _save(self, key: str, prior: NormPrior) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with replacing(path) as tmp, open(tmp, "wb") as f:
                prior.save(f)
        except OSError as exc:  # read-only or full: calibrated again next time, no harm
            _LOGGER.debug("cannot keep the voice prior: %s", exc)


__all__ = ["PriorBank", "CALIBRATION_VERSION"]
