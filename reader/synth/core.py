"""Assembles the speech core from its parts: assets -> model, voices, G2P -> Synthesizer."""
from __future__ import annotations

import gc
import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reader.assets.progress import ProgressFactory
from reader.assets.store import AssetStore
from reader.engine.onnx import EngineOptions, KokoroOnnx
from reader.engine.priors import PriorBank
from reader.engine.voices import VoiceBank
from reader.synth.chunk_cache import DEFAULT_MAX_SECONDS, ChunkCache
from reader.synth.synthesizer import Synthesizer, SynthOptions
from reader.text.g2p import G2PBank
from reader.types import SAMPLE_RATE, ReaderError, Utterance

if TYPE_CHECKING:
    from reader.engine.twostage import TwoStageKokoro

_LOGGER = logging.getLogger(__name__)
_WARM_UP_TEXT = "Hello there, and welcome."


@dataclass(frozen=True)
class CoreOptions:
    engine: EngineOptions = field(default_factory=EngineOptions)
    synth: SynthOptions = field(default_factory=SynthOptions)
    cache_seconds: float = DEFAULT_MAX_SECONDS  # recently spoken audio kept in memory (0: none)


@dataclass(frozen=True)
class LoadTimes:
    """Seconds spent loading each part (shown by `kokoro-reader bench`)."""

    model_s: float
    g2p_s: float


def _engine(model_path, options: EngineOptions) -> tuple[KokoroOnnx | TwoStageKokoro, PriorBank | None]:
    """The two-stage engine (first sound ~0.15 s sooner) with its voices' norm priors (its
    windows need them); the one-session engine, without, if the model cannot be split here
    (e.g. the onnx package is missing): slower to start, same voice."""
    try:
        from reader.engine.twostage import TwoStageKokoro  # needs the onnx package

        engine = TwoStageKokoro(model_path, options)
    except (ImportError, ReaderError) as exc:
        _LOGGER.warning("using the one-session engine: %s", exc)
        return KokoroOnnx(model_path, options), None
    return engine, PriorBank(engine.norm_names, engine.prior_dir) if engine.norm_names else None


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
    engine, priors = _engine(model_path, options.engine)
    model_s = time.perf_counter() - t0
    voices.pack(spec)
    loader.join()
    g2p.get(language)  # re-raises a load error on this thread
    times = LoadTimes(model_s=model_s, g2p_s=time.perf_counter() - t0)
    cache = ChunkCache(int(options.cache_seconds * SAMPLE_RATE)) if options.cache_seconds > 0 else None
    synth = Synthesizer(engine, voices, g2p, lambda name: store.voice_info(name).language, options.synth,
                        cache=cache, priors=priors)
    if warm_up:
        # Once per voice and model (then read from disk): ~3 s here the first time.
        synth.calibrate(voice)
        # The first runs allocate (arena, G2P caches): ~0.2 s more each. Pay that now, not
        # in the first thing the user asks to hear.
        for _ in synth.stream(Utterance(_WARM_UP_TEXT, voice)):
            pass
        if cache is not None:
            cache.clear()
    # The ~140k objects loaded now (lexicons, spaCy, the model's wrappers) live as long as the
    # process: a full garbage collection walked them all in 70-80 ms holding the GIL (260 ms
    # on a busy CI machine, where the audio callback then waited 260 ms and the sound broke).
    # Frozen, later collections walk only what is new (0.0 ms measured).
    gc.freeze()
    return synth, times
