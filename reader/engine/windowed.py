"""Decoding a chunk in short windows, so its first sound is ready after a few frames.

The decoder is time-local but for three things: its 54 instance norms take mean and
variance over all the frames of a call, its int8 activations are scaled per call, and the
sine source's phase is a running sum from the first frame. So a short first call does not
sound like the same frames decoded with their sentence (measured before: DNSMOS P.808
3.92-3.96 against 4.05 for any cut of a sentence decoded with its own statistics).

Here the norms' statistics are inputs: a prior, the average over whole decodes of three
calibration sentences in the same voice, and the phase is carried in from the F0 before the
window. The sentence is then encoded once (its own prosody) and decoded in windows of 18,
15, 19, 24, 30... frames (see plan), each with 4 frames of context either side (none before
the first, where only silence is) and a 5 ms crossfade into the next. Measured over 26
sentences x 2 voices (../shared/eval: Whisper tiny.en WER, DNSMOS P.808), against the same
frames of the whole sentence decoded in one call (4.059, WER 0.013; the whole output 4.076,
0.005): windowed 4.043, WER 0.012 (windows of 16, 12, 24, 48...: 4.051, 0.012); at speed
1.3 (8 frames of context), 3.979 vs 3.980. Sample steps at the joins are like those anywhere
else in the speech (largest step in 10 ms around a join over the reference's there: median
0.16, between joins 0.13-0.17). The first window is ready ~0.22 s after the text (0.39 s for
the short first chunk it replaces).

Responsible for the windowed graph (built from the decoder part), the prior's statistics,
the window plan, the phase carry and the crossfades. Not responsible for running sessions
(the engine does) or for trimming (the synthesizer does).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from reader.types import SAMPLE_RATE

FRAME_SAMPLES = 600  # one decoder frame: 25 ms at 24 kHz
HARMONICS = 9  # the sine source's fundamental and 8 overtones
PHASE_INPUT = "phase0"  # added to the source's running phase: where the window starts
USE_PRIOR = "use_prior"  # true: the norms take the prior's statistics, not their own
# Frames of context either side of a window. 4 and 8 sounded the same (DNSMOS P.808 4.051 vs
# 4.052, spectral correlation with one whole call 0.954 vs 0.956); 8 left the third window
# ready only ~0.1 s before due and the audio test heard 2 underruns on CI; 4 saves ~55 ms a window.
CONTEXT_FRAMES = 4
FIRST_WINDOW_FRAMES = 18  # 3 frames of margin + 15 of speech
# The first window may be shorter so that it ends just after a word (first_window()): then
# a computer too slow to keep ahead plays it whole and waits there, instead of holding the
# first sound back until a word ends in a later window.
MIN_FIRST_WINDOW_FRAMES = 12
# ... or longer, to hold a long first word ("Scientists": ~21 frames): ~0.1 s more work
# before the first sound, where holding it for the second window cost ~0.3 s at pace 2.
LONGEST_FIRST_WINDOW_FRAMES = 26
# Before the first window are only silent frames, and its first 3 frames are silent margin:
# left context there only costs time (~55 ms for 8 frames).
FIRST_CONTEXT_BEFORE = 0
# Window sizes after the first: the second 0.85 of it, then each 1.25 times the one before.
# With a window costing ~20 ms + 7.2 ms per frame decoded (context included) and giving
# 25 ms of audio per frame, this plan stays ahead of playback with the model up to ~1.8x
# slower than idle (16, 12, then doubling: 1.45x, and CI's sound server restarting beside
# it made the model ~1.5x slower: 2 underruns). It costs ~7% more compute for the sentence.
SECOND_WINDOW = 0.85
GROWTH = 1.25
CROSSFADE_SAMPLES = 120  # each side of a join (5 ms): the int8 scales differ per call
TAIL_SAMPLES = 2 * CROSSFADE_SAMPLES  # a window's audio past its end, crossfaded into the next

_LOGGER = logging.getLogger(__name__)
_SOURCE_PHASE = "/decoder/decoder/generator/m_source/l_sin_gen/CumSum_output_0"


@dataclass(frozen=True)
class NormPrior:
    """Mean and variance inputs of every instance norm, in graph order ([1, channels, 1])."""

    names: tuple[str, ...]
    values: tuple[np.ndarray, ...]

    def feeds(self) -> dict[str, np.ndarray]:
        """The decoder's inputs that make its norms use this prior (windowed_decoder)."""
        return {USE_PRIOR: np.array([True]), **{f"{n}/prior": v for n, v in zip(self.names, self.values)}}

    @staticmethod
    def average(names: tuple[str, ...], runs: list[list[np.ndarray]]) -> NormPrior:
        """The prior from the statistics of several whole decodes (one list per decode)."""
        return NormPrior(names, tuple(np.mean([run[k] for run in runs], axis=0).astype(np.float32)
                                      for k in range(len(names))))

    def save(self, path) -> None:
        np.savez(path, **{f"s{k}": v for k, v in enumerate(self.values)}, names=np.array(self.names))

    @staticmethod
    def load(path) -> NormPrior:
        with np.load(path, allow_pickle=False) as data:
            names = tuple(str(n) for n in data["names"])
            return NormPrior(names, tuple(np.asarray(data[f"s{k}"], np.float32) for k in range(len(names))))


def norm_statistics(model) -> list[str]:
    """Names of the decoder's instance-norm statistics (ReduceMean outputs), in graph order.

    Raises ValueError if a ReduceMean is not over the last (time) axis: then the windowed
    graph would not be what this module expects."""
    from onnx import numpy_helper

    constants = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    for node in model.graph.node:
        if node.op_type == "Constant":
            constants[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
    names = []
    for node in model.graph.node:
        if node.op_type != "ReduceMean":
            continue
        axes = [a.ints for a in node.attribute if a.name == "axes"]
        axes = list(axes[0]) if axes else constants.get(node.input[1] if len(node.input) > 1 else "", np.zeros(0)).tolist()
        if axes not in ([-1], [2]):
            raise ValueError(f"{node.name} reduces over {axes}, not time")
        names.append(node.output[0])
    if not names:
        raise ValueError("the decoder has no instance norms")
    return names


def windowed_decoder(decoder, names: list[str]):
    """The decoder, rewired so that one session serves whole and windowed decodes.

    Each norm statistic X is computed as before (output X/own, for calibrating a prior) and
    then chosen: the input X/prior where the input use_prior is true, else X/own. The sine
    source's phase gets the input phase0 added. With use_prior false and phase0 zero the
    output is bit-identical to the decoder's (one graph, one set of weights in memory: a
    second session cost ~100 MB here, ~2% slower when the prior is used)."""
    from onnx import TensorProto, helper

    chosen = set(names)
    nodes = []
    for node in decoder.graph.node:
        for k, name in enumerate(node.input):
            if name == _SOURCE_PHASE:
                node.input[k] = "phase_carried"
        nodes.append(node)
        if node.output and node.output[0] in chosen:
            name = node.output[0]
            node.output[0] = f"{name}/own"
            nodes.append(helper.make_node("Where", [USE_PRIOR, f"{name}/prior", f"{name}/own"], [name],
                                          name=f"{name}/choose"))
        if _SOURCE_PHASE in node.output:
            nodes.append(helper.make_node("Add", [_SOURCE_PHASE, PHASE_INPUT], ["phase_carried"], name="phase_carry"))
    if not any(n.name == "phase_carry" for n in nodes):
        raise ValueError("the decoder has no sine source phase")
    del decoder.graph.node[:]
    decoder.graph.node.extend(nodes)
    decoder.graph.input.append(helper.make_tensor_value_info(USE_PRIOR, TensorProto.BOOL, [1]))
    for name in names:
        decoder.graph.input.append(helper.make_tensor_value_info(f"{name}/prior", TensorProto.FLOAT, [1, None, 1]))
        decoder.graph.output.append(helper.make_tensor_value_info(f"{name}/own", TensorProto.FLOAT, None))
    decoder.graph.input.append(helper.make_tensor_value_info(PHASE_INPUT, TensorProto.FLOAT, [1, 1, HARMONICS]))
    return decoder


def own_feeds(names: tuple[str, ...]) -> dict[str, np.ndarray]:
    """The extra inputs of a whole decode: each norm on its own statistics, phase from 0."""
    unused = np.zeros((1, 1, 1), np.float32)  # broadcast, never chosen
    return {USE_PRIOR: np.array([False]), **{f"{n}/prior": unused for n in names},
            PHASE_INPUT: np.zeros((1, 1, HARMONICS), np.float32)}


def phase_before(f0: np.ndarray, frame: int) -> np.ndarray:
    """The source's running phase (in cycles, per harmonic) before `frame`: what the graph's
    CumSum holds there when it decodes from frame 0. The graph sums (F0 * h / 24000) mod 1
    over half-frames (F0 has two values per frame); matches it to ~1e-5 cycles."""
    rows = np.asarray(f0, np.float32).reshape(-1)[: 2 * frame]
    harmonics = np.arange(1, HARMONICS + 1, dtype=np.float32)
    steps = (rows[:, None] * harmonics / np.float32(SAMPLE_RATE)) % 1
    return (steps.astype(np.float64).sum(axis=0) % 1).astype(np.float32).reshape(1, 1, HARMONICS)


# Chooses a chunk's first window from its token durations, its first speech frame and its
# frame count (the synthesizer knows where its words end).
FirstWindow = Callable[[np.ndarray, int, int], int]


def first_window(word_ends: Iterable[int], start: int, most: int = FIRST_WINDOW_FRAMES,
                 least: int = MIN_FIRST_WINDOW_FRAMES, longest: int = LONGEST_FIRST_WINDOW_FRAMES) -> int:
    """The first window's size for speech starting at frame `start`: the longest of
    [least, most] frames that ends one frame after a word (the frame the crossfade holds
    back); when a long first word ends later, the shortest up to `longest` that holds it;
    else `most`. The same words give the same plan, so a later run can resume it."""
    sizes = [end + 1 - start for end in word_ends]
    fits = [n for n in sizes if least <= n <= most]
    if fits:
        return max(fits)
    return min((n for n in sizes if most < n <= longest), default=most)


def plan(start: int, end: int, first: int = FIRST_WINDOW_FRAMES, second: float = SECOND_WINDOW,
         growth: float = GROWTH) -> list[tuple[int, int]]:
    """[start, end) cut into windows: `first` frames, `second` of that, then growing.

    The second is shorter than the first because it must be ready before the first has
    played (it starts only when the first is out); after that each has the audio of all the
    windows before it to hide behind, and grows slowly enough to stay ahead (see GROWTH)."""
    windows, s, size = [], start, first
    while s < end:
        e = min(end, s + size)
        if 0 < end - e < first // 2:  # no stub at the end (a call costs ~20 ms whatever its
            # size): the first takes it, a later one shares what is left with it
            e = end if not windows or end - s < first else s + (end - s) // 2
        windows.append((s, e))
        size = max(first // 2, round(first * second)) if len(windows) == 1 else round(size * growth)
        s = e
    return windows


@dataclass(frozen=True)
class WindowPiece:
    """One window's final audio; tail: its audio around the next join, which the next window
    crossfades (keep it to resume there); final: no window follows. decoded_frames and
    decode_s: what this window's decode cost (context included); next_frames: frames the next
    window will decode (0 after the last), so a caller can tell when it will be ready."""

    index: int
    audio: np.ndarray
    tail: np.ndarray
    final: bool
    decoded_frames: int = 0
    decode_s: float = 0.0
    next_frames: int = 0


@dataclass(frozen=True)
class WindowedRun:
    """A chunk encoded and ready to decode window by window: the token durations (both pads
    included) and the first decoded frame are known before any window is decoded."""

    durations: np.ndarray
    first_frame: int
    frames: int
    pieces: Iterator[WindowPiece]


def decode_windows(decode: Callable[[int, int, np.ndarray], np.ndarray], f0: np.ndarray, frames: int,
                   start: int, end: int, *, resume: int = 0, tail: np.ndarray | None = None,
                   clock: Callable[[], float] = time.monotonic,
                   context: int = CONTEXT_FRAMES, first_context_before: int = FIRST_CONTEXT_BEFORE,
                   crossfade: int = CROSSFADE_SAMPLES, first: int = FIRST_WINDOW_FRAMES) -> Iterator[WindowPiece]:
    """Audio for frames [start, end), window by window, joined by crossfades.

    decode(lo, hi, phase) returns the audio of frames [lo, hi) decoded with that phase
    offset. Together the pieces are (end - start) * 600 samples. resume=k starts at window k
    given the tail of window k - 1 (windows before it were kept from an earlier run)."""
    xf = min(crossfade, context * FRAME_SAMPLES)  # the context frames hold both sides of a join
    fade = np.linspace(0.0, 1.0, 2 * xf, dtype=np.float32)
    held = np.zeros(2 * xf, np.float32) if tail is None else np.asarray(tail, np.float32)
    windows = plan(start, end, first)
    spans = [(max(0, s - (context if k > 0 else first_context_before)), min(frames, e + context))
             for k, (s, e) in enumerate(windows)]
    for k in range(resume, len(windows)):
        (s, e), (lo, hi) = windows[k], spans[k]
        began = clock()
        audio = np.asarray(decode(lo, hi, phase_before(f0, lo)), np.float32).reshape(-1)
        took = clock() - began
        pre = xf if k > 0 else 0
        post = xf if k < len(windows) - 1 else 0
        piece = np.array(audio[(s - lo) * FRAME_SAMPLES - pre:(e - lo) * FRAME_SAMPLES + post])
        if pre:
            piece[:2 * pre] = held * (1 - fade) + piece[:2 * pre] * fade
        held = piece[len(piece) - 2 * post:].copy()
        next_frames = spans[k + 1][1] - spans[k + 1][0] if k + 1 < len(windows) else 0
        _LOGGER.debug("window %d: %d frames decoded in %.0f ms", k, hi - lo, took * 1000)
        yield WindowPiece(k, piece[:len(piece) - 2 * post], held if post else np.zeros(0, np.float32), not post,
                          hi - lo, took, next_frames)


__all__ = ["NormPrior", "norm_statistics", "windowed_decoder", "own_feeds", "phase_before",
           "plan", "first_window", "FirstWindow", "MIN_FIRST_WINDOW_FRAMES", "LONGEST_FIRST_WINDOW_FRAMES", "decode_windows", "WindowPiece", "WindowedRun", "TAIL_SAMPLES", "FRAME_SAMPLES", "CONTEXT_FRAMES", "FIRST_WINDOW_FRAMES"]
