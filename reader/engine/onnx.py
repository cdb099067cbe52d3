"""The Kokoro ONNX model behind one onnxruntime session: phonemes + style + speed -> audio.

The only module that imports onnxruntime. Language-blind: it knows phoneme ids, not text.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from reader.types import SPEED_RANGE, Cancelled, CancelToken, Decoded, ReaderError

_LOGGER = logging.getLogger(__name__)

MAX_TOKENS = 510  # the model's context: 512 positions less the two pad tokens

__all__ = ["KokoroOnnx", "EngineOptions", "Cancelled", "MAX_TOKENS", "physical_cores"]


@dataclass(frozen=True)
class EngineOptions:
    """Load-time options. threads=None means one per physical core."""

    threads: int | None = None
    # Hand the CPU arena back after every run: measured RSS 250-265 MB over 50 varied calls
    # instead of 580-700 MB, for a few per cent of speed.
    shrink_arena: bool = True
    # Nice value added to the model's threads. 0: speech is this user's interface, and at 10
    # any busy program at normal priority starved it (a 3.6 s sentence took 56 s to make
    # with one busy loop per core, 10-11 s at 0). The audio callback's thread asks for a
    # higher priority instead (audio/priority.py).
    nice: int = 0


def lower_this_thread(increment: int) -> None:
    """Add `increment` to the calling thread's nice value. Linux only: there a nice value is
    per thread, and threads started later by this one inherit it."""
    if increment <= 0 or not sys.platform.startswith("linux"):
        return
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + increment))
    except OSError as exc:  # not permitted here: run at normal priority
        _LOGGER.debug("cannot lower the model's priority: %s", exc)


def physical_cores() -> int:
    """Physical cores this process may run on: never more than its CPU affinity allows
    (taskset, a container's cpuset), where two model threads on one core only wait for
    each other and crowd the audio threads."""
    n = 0
    try:
        import psutil  # optional: more exact on machines with SMT

        n = psutil.cpu_count(logical=False) or 0
    except ImportError:
        pass
    n = n or os.cpu_count() or 2
    if hasattr(os, "sched_getaffinity"):  # Linux
        n = min(n, len(os.sched_getaffinity(0)))
    return max(1, n)


def session_options(options: EngineOptions):
    """The onnxruntime SessionOptions every Kokoro session uses (shared with twostage.py)."""
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = options.threads or physical_cores()
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    # Memory patterns are planned per input shape: with varied lengths RSS grew to ~890 MB.
    so.enable_mem_pattern = False
    # A background daemon must not burn idle cores; spinning also made calls 4-7x slower
    # when another process held a core.
    so.add_session_config_entry("session.intra_op.allow_spinning", "0")
    so.add_session_config_entry("session.inter_op.allow_spinning", "0")
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.log_severity_level = 3
    return so


def make_run_options(options: EngineOptions):
    """A fresh RunOptions for one run (its terminate flag is how a run is cancelled)."""
    import onnxruntime as ort

    run_options = ort.RunOptions()
    if options.shrink_arena:
        run_options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
    return run_options


class ModelThread:
    """The one thread that creates and runs a model's sessions, at the nice value given
    (EngineOptions.nice). Sessions created on this thread start their pool threads from it,
    so those inherit its priority too. Calls from any thread wait for their result.

    Once the model ran at nice 10 because, with a 5 ms device buffer, the audio callback was
    now and then late during long chunks; the 20 ms buffer and the 1 ms GIL switch interval
    (audio/portaudio.py) fixed that, and at nice 10 any busy program starved the speech.
    """

    def __init__(self, nice: int) -> None:
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="kokoro-model",
                                            initializer=lower_this_thread, initargs=(nice,))

    def call(self, fn, *args, **kwargs):
        return self._executor.submit(fn, *args, **kwargs).result()


def run_cancellable(owner: ModelThread, session, feeds: dict, options: EngineOptions,
                    cancel: CancelToken | None) -> list[np.ndarray]:
    """session.run on the owner thread; cancel terminates it mid-run (raises Cancelled)."""
    run_options = make_run_options(options)

    def terminate() -> None:
        run_options.terminate = True

    if cancel is not None:
        if cancel.cancelled:
            raise Cancelled()
        cancel.on_cancel(terminate)
    try:
        outputs = owner.call(session.run, None, feeds, run_options)
    except Exception as exc:
        if cancel is not None and cancel.cancelled:
            raise Cancelled() from exc
        raise
    finally:
        if cancel is not None:
            cancel.remove_callback(terminate)
    if cancel is not None and cancel.cancelled:
        raise Cancelled()
    return outputs


def model_inputs(token_ids: list[int], style: np.ndarray, speed: float) -> dict[str, np.ndarray]:
    """The model's inputs: ids padded with 0 at both ends, one style row, the speed."""
    if len(token_ids) > MAX_TOKENS:
        raise ValueError(f"{len(token_ids)} tokens > {MAX_TOKENS}")
    if not SPEED_RANGE[0] <= speed <= SPEED_RANGE[1]:
        raise ValueError(f"speed {speed} outside {SPEED_RANGE}")
    return {
        "tokens": np.array([[0, *token_ids, 0]], dtype=np.int64),
        "style": np.ascontiguousarray(style, dtype=np.float32).reshape(1, -1),
        "speed": np.array([speed], dtype=np.float32),
    }


def tokenize(vocab: dict[str, int], phonemes: str) -> list[int]:
    """Phoneme ids; characters outside the model's vocabulary are dropped."""
    return [vocab[c] for c in phonemes if c in vocab]


def load_vocab() -> dict[str, int]:
    data = json.loads(resources.files("reader.resources").joinpath("vocab.json").read_text("utf-8"))
    return data["vocab"]


class KokoroOnnx:
    """Runs the model. Responsible for session options, tokenizing phonemes and cancelling a run.

    Not responsible for text, voices files or trimming. Thread-safe: onnxruntime sessions
    may be run from several threads; each run has its own RunOptions for cancellation.
    """

    def __init__(self, model_path: Path, options: EngineOptions = EngineOptions()) -> None:
        import onnxruntime as ort

        self.options = options
        self.threads = options.threads or physical_cores()
        so = session_options(options)
        self._owner = ModelThread(options.nice)
        try:
            self._session = self._owner.call(
                ort.InferenceSession, str(model_path), so, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise ReaderError(f"cannot load the Kokoro model {model_path}: {exc}") from exc
        self._vocab = load_vocab()
        _LOGGER.debug("model loaded with %d threads", so.intra_op_num_threads)

    def tokenize(self, phonemes: str) -> list[int]:
        return tokenize(self._vocab, phonemes)

    def run(
        self,
        token_ids: list[int],
        style: np.ndarray,
        speed: float = 1.0,
        cancel: CancelToken | None = None,
        speech_only: bool = False,
    ) -> Decoded:
        """Audio (float32, 24 kHz) for at most MAX_TOKENS ids. Raises Cancelled.

        speech_only is a hint this engine cannot act on (TwoStageKokoro can): it decodes all.
        It cannot tell the durations either (the graph does not output them)."""
        if not token_ids:
            return Decoded(np.zeros(0, np.float32))
        feeds = model_inputs(token_ids, style, speed)
        audio = run_cancellable(self._owner, self._session, feeds, self.options, cancel)[0]
        return Decoded(np.asarray(audio, dtype=np.float32).reshape(-1))
