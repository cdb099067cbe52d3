"""Kokoro run as two sessions so that the silent edges of each chunk are not decoded.

The model is an encoder (text + prosody: token ids -> per-frame features, F0 and energy;
~3% of the time) and a decoder (frames -> audio, 600 samples = 25 ms per frame; ~97% of the
time, linear in frames). Kokoro pads every chunk with ~0.3-0.5 s of silence at the start and
~0.2-0.5 s at the end; for a 2-3 word first chunk that is half the frames. With
speech_only=True the encoder's predicted energy picks the speech and only that, plus a
margin, is decoded: first audio 0.39 s instead of 0.50 s (median over 26 sentences here),
and a paragraph's compute 4% lower (RTF 0.340 vs 0.354, median of 3 alternated runs).

The decoder's instance norms take statistics over all the frames it is given, so leaving
the silence out changes the sound a little; a level correction (below) makes up the
loudness. Measured over 26 sentences x 2 voices (DNSMOS from ../shared/eval, Whisper
tiny.en WER), DNSMOS P.808 / WER: every chunk trimmed (10 frames after the speech, level
corrected) 4.080 / 0.037; only the first chunk trimmed 4.086 / 0.034; every chunk decoded
whole 4.093 / 0.027; each sentence as one chunk, decoded whole, 4.048 / 0.005. Not used:
a whole sentence decoded on its speech only (3.929), and the sentence decoded in segments
at word boundaries (first audio 0.26 s; 3.92-3.96 with 4-16 frames of context).

Responsible for splitting the model file into its parts (once, cached beside it: encoder,
and decoder rewired so that windowed.py can give it norm statistics), for choosing
the decoded window and for cancelling the runs. Same interface as KokoroOnnx, plus
statistics() and run_windows() for decoding a chunk in short windows.
Not responsible for trimming to a natural gap: silence.trim still does that afterwards.
"""
from __future__ import annotations

import contextlib
import json
import logging
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

import numpy as np

from reader.engine.onnx import (
    EngineOptions,
    ModelThread,
    load_vocab,
    model_inputs,
    physical_cores,
    run_cancellable,
    session_options,
    tokenize,
)
from reader.engine.threads import pick_threads
from reader.engine.windowed import (
    FIRST_WINDOW_FRAMES,
    PHASE_INPUT,
    FirstWindow,
    NormPrior,
    WindowedRun,
    decode_windows,
    norm_statistics,
    own_feeds,
    windowed_decoder,
)
from reader.files import replacing, sha256_file, write_text_atomic
from reader.types import CancelToken, Decoded, ReaderError

_LOGGER = logging.getLogger(__name__)

# Where the graph is cut: the encoder's outputs are the decoder's only inputs besides style.
FEATURES = "/encoder/MatMul_1_output_0"  # [1, 512, frames], aligned to frames by the durations
F0 = "/encoder/Reshape_output_0"  # [1, 2 * frames], Hz
ENERGY = "/encoder/Reshape_1_output_0"  # [1, 2 * frames], log scale
DURATIONS = "/encoder/Clip_output_0"  # [1, tokens + 2], frames per token (rounded, >= 1): word timings

# Predicted energy is ~-10 in silence and > 0 in speech. Frames below -5 came out below the
# level silence.trim keeps (over 118 chunks, 5 voices/speeds, the first kept frame was at
# most 0.6 frames early and the last at most 1.0 frame late), so a 3-frame margin is safe.
ENERGY_FLOOR = -5.0
MARGIN_FRAMES = 3
# After the speech the decoder needs more context: with 3 frames the last 200 ms came out
# 2.9 dB off the whole decode (median; p95 11 dB) and ~50 ms short, with 10 frames 1.9 dB
# (p95 4.8) and 30 ms; decoding the whole tail, 1.2 dB (p95 2.5) but only 13% of frames saved
# instead of 21% (26 sentences x 2 voices).
TAIL_MARGIN_FRAMES = 10

# Decoded without its silent edges, speech comes out quieter: the decoder normalises over the
# frames it gets. Measured over 208 first chunks (4 voices, 2 speeds): the loss in dB is
# 9.29 * ln(all frames / decoded frames) - 0.95, within 0.6 dB (sd); on 156 others (3 more
# voices, speeds 0.8 and 1.0) the corrected level was within 1.28 dB of the whole decode
# for 95% of chunks (max 1.54 dB).
LEVEL_SLOPE_DB = 9.29
LEVEL_OFFSET_DB = -0.95


def level_correction(all_frames: int, decoded_frames: int) -> float:
    """The gain (linear) that gives speech decoded on fewer frames its whole-decode level."""
    if decoded_frames >= all_frames or decoded_frames <= 0:
        return 1.0
    return float(10 ** ((LEVEL_SLOPE_DB * np.log(all_frames / decoded_frames) + LEVEL_OFFSET_DB) / 20))

_PARTS_VERSION = 4  # bump when the cut changes, so old cached parts are not reused


class Encoded(NamedTuple):
    """The encoder's output: what the decoder needs, one row (F0, energy: two) per frame, and
    how many frames each token lasts."""

    features: np.ndarray
    f0: np.ndarray
    energy: np.ndarray
    durations: np.ndarray

    @property
    def frames(self) -> int:
        return self.features.shape[-1]


def speech_window(energy: np.ndarray, margin: int = MARGIN_FRAMES,
                  tail_margin: int | None = None) -> tuple[int, int]:
    """[start, end) frames from the first to the last frame with speech energy, plus margin
    before and tail_margin (default: margin) after.

    All frames if none has speech energy (then there is nothing to save, and nothing lost).
    """
    per_frame = np.asarray(energy, np.float32).reshape(-1, 2).max(axis=1)
    loud = np.flatnonzero(per_frame > ENERGY_FLOOR)
    if loud.size == 0:
        return 0, per_frame.size
    tail = margin if tail_margin is None else tail_margin
    return max(0, int(loud[0]) - margin), min(per_frame.size, int(loud[-1]) + 1 + tail)


def _extract(model_path: Path, encoder: Path, decoder: Path) -> None:
    """Write the two parts (~1 s, 29 + 64 MB). Needs the `onnx` package, only here.

    The decoder is rewired for windowed decoding too (windowed.windowed_decoder); used as
    a plain decoder it is bit-identical. Raises ReaderError if the model is not the graph
    this expects."""
    import onnx
    from onnx.utils import Extractor

    model = onnx.load(str(model_path))
    names = {o for node in model.graph.node for o in node.output}
    missing = {FEATURES, F0, ENERGY, DURATIONS} - names
    if missing:
        raise ReaderError(f"cannot split {model_path.name}: it has no tensor {sorted(missing)[0]}")
    extractor = Extractor(model)
    plain = extractor.extract_model([FEATURES, F0, ENERGY, "style"], ["audio"])
    try:
        rewired = windowed_decoder(plain, norm_statistics(plain))
    except ValueError as exc:
        raise ReaderError(f"cannot split {model_path.name}: {exc}") from exc
    for path, part in ((encoder, extractor.extract_model(["tokens", "style", "speed"], [FEATURES, F0, ENERGY, DURATIONS])),
                       (decoder, rewired)):
        with replacing(path) as tmp:  # another process never sees half a file
            onnx.save(part, str(tmp))


def model_parts(model_path: Path) -> tuple[Path, Path]:
    """Encoder and decoder files for this model, extracted on first use and cached beside it.

    Part names carry the model's sha256, so a different model never reuses stale parts. A
    stamp (<model>.stages.json) remembers the hash for the model's size and mtime, so later
    starts do not re-hash 92 MB. Raises OSError if the model's directory is not writable.
    """
    model_path = Path(model_path)
    stamp = model_path.with_name(model_path.name + ".stages.json")
    st = model_path.stat()
    key = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "version": _PARTS_VERSION}
    try:
        known = json.loads(stamp.read_text("utf-8"))
    except (OSError, ValueError):
        known = {}
    sha = known["sha256"] if {k: known.get(k) for k in key} == key else sha256_file(model_path)
    stem = f"{model_path.name}.{sha[:16]}.v{_PARTS_VERSION}"
    parts = tuple(model_path.with_name(f"{stem}.{part}.onnx") for part in ("encoder", "decoder"))
    if not all(p.is_file() for p in parts):  # written atomically: present = whole
        for old in model_path.parent.glob(f"{model_path.name}.*.onnx"):  # parts of other models
            with contextlib.suppress(OSError):
                old.unlink()
        for old in model_path.parent.glob(f"{model_path.name}.*.priors"):  # and their voice priors
            shutil.rmtree(old, ignore_errors=True)
        _extract(model_path, *parts)
    if known != {**key, "sha256": sha}:
        with contextlib.suppress(OSError):  # only saves re-hashing on the next start
            write_text_atomic(stamp, json.dumps({**key, "sha256": sha}))
    return parts


class TwoStageKokoro:
    """Runs the model in two stages; run(speech_only=True) decodes only the frames around the
    speech. Without it every frame is decoded: the output is then bit-identical to KokoroOnnx's.
    Thread-safe like KokoroOnnx: each run has its own RunOptions.
    """

    def __init__(self, model_path: Path, options: EngineOptions = EngineOptions(), *,
                 margin_frames: int = MARGIN_FRAMES, tail_margin_frames: int = TAIL_MARGIN_FRAMES) -> None:
        import onnxruntime as ort

        self.options = options
        self.margin_frames = margin_frames
        self.tail_margin_frames = tail_margin_frames
        self._owner = ModelThread(options.nice)

        def load(encoder: Path, decoder: Path, record: Path | None) -> None:
            self.threads = options.threads or self._measured_threads(decoder, record)
            so = session_options(replace(options, threads=self.threads))
            self._encoder, self._decoder = (
                self._owner.call(ort.InferenceSession, str(part), so, providers=["CPUExecutionProvider"])
                for part in (encoder, decoder))
            self.norm_names = tuple(o.name.removesuffix("/own") for o in self._decoder.get_outputs()[1:])
            self._own = own_feeds(self.norm_names)
            self.prior_dir = decoder.with_name(decoder.name.removesuffix(".decoder.onnx") + ".priors")

        try:
            try:
                encoder, decoder = model_parts(Path(model_path))
                load(encoder, decoder, decoder.with_name(decoder.name.removesuffix(".decoder.onnx") + ".threads.json"))
            except OSError as exc:
                # A read-only model directory: split into a temp dir; sessions do not need the
                # files once loaded. (Loading from bytes instead would keep ~92 MB of copies
                # alive, since onnxruntime holds on to the bytes it was given.)
                _LOGGER.debug("cannot cache the model parts (%s); splitting in a temp dir", exc)
                with tempfile.TemporaryDirectory(prefix="kokoro-parts-") as tmp:
                    parts = tuple(Path(tmp) / f"{part}.onnx" for part in ("encoder", "decoder"))
                    _extract(Path(model_path), *parts)
                    load(*parts, None)
                    self.prior_dir = None  # nowhere to keep priors: calibrated once per run
        except ReaderError:
            raise
        except Exception as exc:  # onnx and onnxruntime raise their own untyped errors
            raise ReaderError(f"cannot load the Kokoro model {model_path}: {exc}") from exc
        self._vocab = load_vocab()

    def _measured_threads(self, decoder: Path, record: Path | None) -> int:
        """One thread or one per physical core, whichever decodes faster here (threads.py);
        measured on the first run, then read from `record`."""
        import onnxruntime as ort

        def time_decode(threads: int) -> float:
            so = session_options(replace(self.options, threads=threads))
            session = self._owner.call(ort.InferenceSession, str(decoder), so, providers=["CPUExecutionProvider"])
            names = tuple(o.name.removesuffix("/own") for o in session.get_outputs()[1:])
            frames = 40  # ~0.3 s of work with 2 fast cores: long enough to tell
            zeros = Encoded(*(np.zeros(shape, np.float32) for shape in ((1, 512, frames), (1, 2 * frames),
                                                                         (1, 2 * frames), (1, frames))))
            feeds = {**self._decoder_feeds(zeros, np.zeros(256, np.float32), 0, frames), **own_feeds(names)}
            began = time.perf_counter()
            self._owner.call(session.run, None, feeds)
            return time.perf_counter() - began

        try:
            return pick_threads(physical_cores(), time_decode, record)
        except Exception as exc:  # a graph this cannot feed (tests' toy models): all cores
            _LOGGER.debug("cannot measure the thread count: %s", exc)
            return physical_cores()

    def tokenize(self, phonemes: str) -> list[int]:
        return tokenize(self._vocab, phonemes)

    def run(self, token_ids: list[int], style: np.ndarray, speed: float = 1.0,
            cancel: CancelToken | None = None, speech_only: bool = False) -> Decoded:
        """Audio (float32, 24 kHz) for at most MAX_TOKENS ids, with the token durations; with
        speech_only, the silent edges are not decoded. Raises Cancelled."""
        if not token_ids:
            return Decoded(np.zeros(0, np.float32))
        encoded = self.encode(token_ids, style, speed, cancel)
        durations = encoded.durations.reshape(-1)
        if not speech_only:
            return Decoded(self.decode(encoded, style, 0, encoded.frames, cancel), durations, 0, encoded.frames)
        start, end = speech_window(encoded.energy, self.margin_frames, self.tail_margin_frames)
        audio = self.decode(encoded, style, start, end, cancel)
        return Decoded(audio * np.float32(level_correction(encoded.frames, end - start)), durations, start,
                       encoded.frames)

    def encode(self, token_ids: list[int], style: np.ndarray, speed: float = 1.0,
               cancel: CancelToken | None = None) -> Encoded:
        return Encoded(*self._run(self._encoder, model_inputs(token_ids, style, speed), cancel))

    def decode(self, encoded: Encoded, style: np.ndarray, start: int, end: int,
               cancel: CancelToken | None = None) -> np.ndarray:
        """Audio for frames [start, end): (end - start) * 600 samples."""
        feeds = {**self._decoder_feeds(encoded, style, start, end), **self._own}
        audio = self._run(self._decoder, feeds, cancel)[0]
        return np.asarray(audio, dtype=np.float32).reshape(-1)

    def statistics(self, token_ids: list[int], style: np.ndarray, speed: float = 1.0,
                   cancel: CancelToken | None = None) -> list[np.ndarray]:
        """The norms' statistics of a whole decode (every frame), in norm_names order."""
        encoded = self.encode(token_ids, style, speed, cancel)
        feeds = {**self._decoder_feeds(encoded, style, 0, encoded.frames), **self._own}
        return self._run(self._decoder, feeds, cancel)[1:]

    def run_windows(self, token_ids: list[int], style: np.ndarray, speed: float, prior: NormPrior,
                    cancel: CancelToken | None = None, resume: int = 0,
                    tail: np.ndarray | None = None,
                    first_window: FirstWindow | None = None) -> WindowedRun:
        """The speech of token_ids in pieces, the first after at most 18 frames' decoding
        (see windowed.py; first_window(durations, start, frames) may choose a shorter one);
        resume/tail continue an earlier run. Encodes at once (its durations are known before
        the first window); the pieces are decoded as they are taken. Raises Cancelled."""
        encoded = self.encode(token_ids, style, speed, cancel)
        start, end = speech_window(encoded.energy, self.margin_frames, self.tail_margin_frames)
        durations = encoded.durations.reshape(-1)
        first = first_window(durations, start, encoded.frames) if first_window else FIRST_WINDOW_FRAMES
        norms = prior.feeds()

        def decode(lo: int, hi: int, phase: np.ndarray) -> np.ndarray:
            feeds = {**self._decoder_feeds(encoded, style, lo, hi), **norms, PHASE_INPUT: phase}
            return self._run(self._decoder, feeds, cancel)[0]

        pieces = decode_windows(decode, encoded.f0, encoded.frames, start, end, resume=resume, tail=tail,
                                first=first)
        return WindowedRun(durations, start, encoded.frames, pieces)

    @staticmethod
    def _decoder_feeds(encoded: Encoded, style: np.ndarray, start: int, end: int) -> dict[str, np.ndarray]:
        return {
            FEATURES: np.ascontiguousarray(encoded.features[:, :, start:end]),
            F0: np.ascontiguousarray(encoded.f0[:, 2 * start:2 * end]),
            ENERGY: np.ascontiguousarray(encoded.energy[:, 2 * start:2 * end]),
            "style": _style(style),  # the decoder reads its first 128 values
        }

    def _run(self, session, feeds: dict, cancel: CancelToken | None) -> list[np.ndarray]:
        return run_cancellable(self._owner, session, feeds, self.options, cancel)


def _style(style: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(style, dtype=np.float32).reshape(1, -1)


__all__ = ["TwoStageKokoro", "Encoded", "speech_window", "model_parts", "level_correction", "ENERGY_FLOOR",
           "MARGIN_FRAMES"]
