"""Voice specs ("af_heart" or "af_heart:0.7,bf_emma:0.3") and the style packs behind them."""
from __future__ import annotations

import difflib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from reader.types import ReaderError

PACK_SHAPE = (510, 256)  # one 256-dim style row per phoneme count 1..510
MAX_BLEND = 3


@dataclass(frozen=True)
class VoiceSpec:
    """A parsed voice spec: voice names with weights that sum to 1."""

    parts: tuple[tuple[str, float], ...]

    @property
    def primary(self) -> str:
        """The voice with the largest weight: it decides the language."""
        return max(self.parts, key=lambda p: p[1])[0]

    def __str__(self) -> str:
        if len(self.parts) == 1:
            return self.parts[0][0]
        return ",".join(f"{n}:{w:g}" for n, w in self.parts)


def parse_spec(spec: str, known: Sequence[str]) -> VoiceSpec:
    """Parse and validate a spec; weights are normalised. Raises ReaderError with near matches."""
    if not isinstance(spec, str) or not spec.strip():
        raise ReaderError("empty voice spec: give a voice name such as af_heart")
    parts: dict[str, float] = {}
    for item in spec.split(","):
        name, sep, weight_text = item.strip().partition(":")
        name = name.strip().lower()
        if not name:
            raise ReaderError(f"malformed voice spec {spec!r}: expected NAME or NAME:WEIGHT,NAME:WEIGHT")
        if name not in known:
            near = difflib.get_close_matches(name, known, n=4, cutoff=0.5)
            hint = f"; did you mean {', '.join(near)}?" if near else "; run `kokoro-reader voices` for the list"
            raise ReaderError(f"unknown voice {name!r}{hint}")
        try:
            weight = float(weight_text) if sep else 1.0
        except ValueError:
            raise ReaderError(f"malformed voice spec {spec!r}: weight {weight_text!r} is not a number") from None
        if not np.isfinite(weight) or weight < 0:
            raise ReaderError(f"malformed voice spec {spec!r}: weights must be positive numbers")
        parts[name] = parts.get(name, 0.0) + weight
    total = sum(parts.values())
    if total <= 0:
        raise ReaderError(f"malformed voice spec {spec!r}: weights add up to zero")
    if len(parts) > MAX_BLEND:
        raise ReaderError(f"a blend takes at most {MAX_BLEND} voices, {spec!r} has {len(parts)}")
    return VoiceSpec(tuple((n, w / total) for n, w in parts.items() if w > 0))


def blend(packs: Sequence[np.ndarray], weights: Sequence[float]) -> np.ndarray:
    """Weighted sum of style packs (weights already normalised)."""
    out = np.zeros(PACK_SHAPE, np.float32)
    for pack, w in zip(packs, weights):
        out += np.float32(w) * pack
    return out


def read_pack(path: Path) -> np.ndarray:
    data = np.fromfile(path, dtype="<f4")
    if data.size != PACK_SHAPE[0] * PACK_SHAPE[1]:
        raise ReaderError(f"voice file {path} has the wrong size")
    return data.reshape(PACK_SHAPE)


class VoiceBank:
    """Loads style packs by name (through a path resolver) and caches packs and blends.

    Not responsible for fetching files: voice_path does that (normally AssetStore.voice_path).
    """

    def __init__(self, names: Sequence[str], voice_path: Callable[[str], Path]) -> None:
        self._names = list(names)
        self._voice_path = voice_path
        self._packs: dict[str, np.ndarray] = {}
        self._blends: dict[VoiceSpec, np.ndarray] = {}
        self._lock = threading.Lock()

    @property
    def names(self) -> list[str]:
        return list(self._names)

    def spec(self, spec: str) -> VoiceSpec:
        return parse_spec(spec, self._names)

    def pack(self, spec: VoiceSpec) -> np.ndarray:
        """The (510, 256) style pack for a spec; row n-1 is the style for n phonemes."""
        with self._lock:
            if spec in self._blends:
                return self._blends[spec]
            packs = []
            for name, _ in spec.parts:
                if name not in self._packs:
                    self._packs[name] = read_pack(self._voice_path(name))
                packs.append(self._packs[name])
            result = packs[0] if len(packs) == 1 else blend(packs, [w for _, w in spec.parts])
            if len(self._blends) > 16:  # a settings window previewing blends must not grow memory
                self._blends.clear()
            self._blends[spec] = result
            return result


def style_for(pack: np.ndarray, n_tokens: int) -> np.ndarray:
    """Kokoro picks the style row by phoneme count."""
    return pack[min(max(n_tokens, 1), PACK_SHAPE[0]) - 1]
