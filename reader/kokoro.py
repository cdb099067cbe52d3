"""Assembles the speech core from its parts: assets -> model, voices, G2P -> Synthesizer."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from reader.engine.assets import AssetStore, ProgressFactory
from reader.engine.onnx import EngineOptions, KokoroOnnx
from reader.engine.voices import VoiceBank
from reader.synth import Synthesizer, SynthOptions
from reader.text.g2p import G2PBank
from reader.types import Utterance

_LOGGER = logging.getLogger(__name__)
_WARM_UP_TEXT = "Hello there, and welcome."


@dataclass(frozen=True)
class CoreOptions:
    engine: EngineOptions = field(default_factory=EngineOptions)
    synth: SynthOptions = field(default_factory=SynthOptions)


@dataclass(frozen=True)
class LoadTimes:
    """Seconds spent loading each part (shown by `kokoro-reader bench`)."""

    model_s: float
    g2p_s: float


def load_core(store: AssetStore | None = None, options: CoreOptions = CoreOptions(),
              voice: str = "af_heart", progress: ProgressFactory | None = None,
              warm_up: bool = True) -> tuple[Synthesizer, LoadTimes]:
    """Fetch (if needed) and load everything; G2P for `voice`'s language loads in parallel."""
    store = store or AssetStore(progress=progress)
    g2p = G2PBank()
    voices = VoiceBank(store.voice_names(), store.voice_path)
    spec = voices.spec(voice)
    language = store.voice_info(spec.primary).language
    t0 = time.perf_counter()
    loader = g2p.warm(language)  # ~1-2 s of spaCy loading overlaps the model load
    model_path = store.model_path()
    engine = KokoroOnnx(model_path, options.engine)
    model_s = time.perf_counter() - t0
    voices.pack(spec)
    loader.join()
    g2p.get(language)  # re-raises a load error on this thread
    times = LoadTimes(model_s=model_s, g2p_s=time.perf_counter() - t0)
    synth = Synthesizer(engine, voices, g2p, lambda name: store.voice_info(name).language, options.synth)
    if warm_up:
        # The first runs allocate (arena, G2P caches): ~0.2 s more each. Pay that now, not
        # in the first thing the user asks to hear.
        for _ in synth.stream(Utterance(_WARM_UP_TEXT, voice)):
            pass
    return synth, times
