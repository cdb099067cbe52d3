"""TwoStageKokoro: the split model equals the full one; trimmed edges keep the speech intact."""
from __future__ import annotations

import os
import threading
import time

import numpy as np
import pytest

from reader.engine.twostage import (
    DURATIONS,
    ENERGY,
    F0,
    FEATURES,
    MARGIN_FRAMES,
    TAIL_MARGIN_FRAMES,
    model_parts,
    speech_window,
)
from reader.synth import silence
from reader.types import SAMPLE_RATE, Cancelled, CancelToken
from tests.signals import spectral_correlation

# Fixed phonemes, so these tests do not depend on G2P: "Please remember" (a 2-word first
# chunk, half silence) and a 12-word sentence.
SHORT = "plˈiz ɹəmˈɛmbəɹ"
SENTENCE = "ðə kwˈɪk bɹˈWn fˈɑks ʤˈʌmps ˈOvəɹ ðə lˈAzi dˈɔɡ nˌɪɹ ðə ɹˈɪvəɹbˌæŋk."

# Speech decoded without its silent edges is not the same waveform (the decoder normalises
# over the frames it gets, and its sine source starts its phase at the first one): measured
# log-spectrogram correlation 0.895-0.941 against the whole decode for these inputs, and
# after the level correction the level within 1.28 dB for 95% of 156 first chunks (max 1.54).
# Whether it still sounds as good is measured with DNSMOS and Whisper (see twostage.py).
MIN_SPEC_CORR = 0.85
MAX_LEVEL_DB = 1.6


# ---------------------------------------------------------------- no model needed

def test_speech_window_keeps_loud_frames_plus_margin():
    energy = np.full(2 * 40, -10.0, np.float32)
    energy[2 * 12:2 * 30] = 5.0  # frames 12..29 are speech
    assert speech_window(energy, margin=3) == (9, 33)
    assert speech_window(energy, margin=20) == (0, 40)  # clamped to the chunk


def test_speech_window_tail_margin():
    energy = np.full(2 * 40, -10.0, np.float32)
    energy[2 * 12:2 * 30] = 5.0
    assert speech_window(energy, margin=3, tail_margin=8) == (9, 38)


def test_speech_window_one_loud_half_frame_counts():
    energy = np.full(2 * 10, -10.0, np.float32)
    energy[7] = 0.0  # second half of frame 3
    assert speech_window(energy, margin=1) == (2, 5)


def test_speech_window_keeps_everything_when_nothing_is_loud():
    assert speech_window(np.full(2 * 25, -9.5, np.float32)) == (0, 25)


def _tiny_model(path, bias: float) -> None:
    """A toy graph with Kokoro's inputs, cut tensors and output, for the cache logic."""
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    def tensor(name, dtype=TensorProto.FLOAT, shape=(1, 4)):
        return helper.make_tensor_value_info(name, dtype, list(shape))

    phase = "/decoder/decoder/generator/m_source/l_sin_gen/CumSum_output_0"  # the sine source's
    graph = helper.make_graph(
        [helper.make_node("Cast", ["tokens"], ["t"], to=TensorProto.FLOAT),
         helper.make_node("Add", ["t", "style"], [FEATURES]),
         helper.make_node("Mul", ["style", "speed"], [F0]),
         helper.make_node("Add", ["style", "bias"], [ENERGY]),
         helper.make_node("Relu", ["t"], [DURATIONS]),
         helper.make_node("ReduceMean", [FEATURES, "time"], ["norm_mean"]),  # an instance norm's
         helper.make_node("CumSum", [F0, "one"], [phase]),
         helper.make_node("Sum", [FEATURES, F0, ENERGY, "style", "norm_mean", phase], ["audio"])],
        "toy",
        [tensor("tokens", TensorProto.INT64), tensor("style"), tensor("speed", shape=(1,))],
        [tensor("audio")],
        [helper.make_tensor("bias", TensorProto.FLOAT, [1], [bias]),
         helper.make_tensor("time", TensorProto.INT64, [1], [-1]),
         helper.make_tensor("one", TensorProto.INT64, [], [1])],
        value_info=[tensor(FEATURES), tensor(F0), tensor(ENERGY), tensor(DURATIONS)],  # newer onnx cuts only at typed tensors
    )
    onnx.save(helper.make_model(graph), str(path))


def test_model_parts_are_cached_and_keyed_by_the_model(tmp_path):
    model = tmp_path / "model.onnx"
    _tiny_model(model, 1.0)
    stale = tmp_path / "model.onnx.0123456789abcdef.v1.priors"  # an older split's voice priors
    stale.mkdir()
    (stale / "x.npz").write_bytes(b"old")
    parts = model_parts(model)
    assert not stale.exists()
    assert len(parts) == 2 and all(p.is_file() for p in parts)  # encoder, decoder (rewired for windows)
    written = [p.stat().st_mtime_ns for p in parts]
    assert model_parts(model) == parts  # reused, not extracted again
    assert [p.stat().st_mtime_ns for p in parts] == written

    time.sleep(0.01)
    _tiny_model(model, 2.0)  # a different model at the same path
    parts2 = model_parts(model)
    assert parts2[0] != parts[0] and all(p.is_file() for p in parts2)
    assert not any(p.exists() for p in parts)  # stale parts are removed
    assert not list(tmp_path.glob("*.part-*"))


# ---------------------------------------------------------------- the real model

@pytest.fixture(scope="module")
def model():
    from reader.assets.store import AssetStore
    from reader.engine.onnx import KokoroOnnx
    from reader.engine.twostage import TwoStageKokoro
    from reader.engine.voices import read_pack

    store = AssetStore()
    path = store.model_path()
    return {
        "full": KokoroOnnx(path),
        "two": TwoStageKokoro(path),
        "pack": read_pack(store.voice_path("af_heart")),
    }


def _inputs(model, phonemes):
    ids = model["two"].tokenize(phonemes)
    return ids, model["pack"][len(ids) - 1]


@pytest.mark.model
@pytest.mark.parametrize("phonemes", [SHORT, SENTENCE])
def test_untrimmed_equals_full_model(model, phonemes):
    ids, style = _inputs(model, phonemes)
    full = model["full"].run(ids, style, 1.0).audio
    two = model["two"].run(ids, style, 1.0).audio
    assert two.shape == full.shape
    np.testing.assert_allclose(two, full, rtol=0, atol=1e-6)


@pytest.mark.model
@pytest.mark.parametrize("phonemes,speed", [(SHORT, 1.0), (SENTENCE, 1.0), (SHORT, 0.8)])
def test_trimmed_keeps_the_speech(model, phonemes, speed):
    ids, style = _inputs(model, phonemes)
    full = model["full"].run(ids, style, speed).audio
    two = model["two"].run(ids, style, speed, speech_only=True).audio

    frames = len(full) // 600
    start, end = speech_window(model["two"].encode(ids, style, speed).energy, MARGIN_FRAMES, TAIL_MARGIN_FRAMES)
    assert len(two) == (end - start) * 600
    assert 0 < start and end - start < frames  # something was dropped

    a, b = silence.voiced_bounds(full, SAMPLE_RATE)
    offset = start * 600
    # the kept window holds the voiced part and what silence.trim keeps around it
    assert offset <= a - silence.LEAD_S * SAMPLE_RATE
    assert b + silence.TAIL_S * SAMPLE_RATE <= end * 600
    voiced_full, voiced_two = full[a:b], two[a - offset:b - offset]
    corr = spectral_correlation(voiced_full, voiced_two)
    level_db = 20 * np.log10(np.sqrt(np.mean(voiced_two ** 2)) / np.sqrt(np.mean(voiced_full ** 2)))
    print(f"spectral correlation {corr:.3f}, level {level_db:+.2f} dB")
    assert corr >= MIN_SPEC_CORR
    assert abs(level_db) <= MAX_LEVEL_DB
    # no click: the cut edges are (near) silence
    peak = np.abs(two).max()
    assert np.abs(two[:24]).max() < 0.01 * peak and np.abs(two[-24:]).max() < 0.01 * peak


@pytest.mark.model
def test_cancelled_before_the_run(model):
    ids, style = _inputs(model, SHORT)
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        model["two"].run(ids, style, 1.0, token)


@pytest.mark.model
def test_cancel_during_the_run(model):
    ids, style = _inputs(model, " ".join([SENTENCE] * 5))  # several seconds of decoding
    token = CancelToken()
    timer = threading.Timer(0.15, token.cancel)
    timer.start()
    t0 = time.perf_counter()
    try:
        with pytest.raises(Cancelled):
            model["two"].run(ids, style, 1.0, token, speech_only=True)
    finally:
        timer.cancel()
    # terminate stops the decoder mid-run; a full run of this input takes several seconds
    assert time.perf_counter() - t0 < 1.5 + (2.0 if os.environ.get("CI") else 0.0)


def test_the_model_never_runs_more_threads_than_cores_it_may_use(monkeypatch):
    """Under taskset or a container's cpuset, one core: one model thread (two would wait
    for each other there and crowd the audio threads)."""
    import os

    from reader.engine.onnx import physical_cores

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    assert physical_cores() == 1
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(64)))
    assert physical_cores() >= 1
