"""Word-timing references for the tests: the forced aligner (reader/bench/align.py) and
espeak-ng's own word starts.

align() is the referee for our word timings (tests/test_word_timings.py); espeak_words()
gives speech whose word starts are known exactly (espeak-ng's WORD events), on which the
aligner itself is checked: measured here median 11-15 ms, p95 57-61 ms, where Whisper tiny.en's
word timestamps were off by a median 107 ms inside phrases.
"""
from __future__ import annotations

from reader.bench.align import align, alignable, word_key
from reader.text.g2p import text_words
from tests import word_timing as wt

_word = word_key  # the tests' name for it


def same_word(text: str) -> str:
    """How match() compares our words with the aligner's."""
    return word_key(text)


_ESPEAK = None  # (the library, its sample rate) once initialized


def espeak_words(text: str, voice: str = "en-us"):
    """espeak-ng's speech for text (float32, its rate), the start (s) of each word from its own
    WORD events (ground truth to measure a referee against), and the text
    between each word and the next."""
    import ctypes

    import espeakng_loader
    import numpy as np

    class Event(ctypes.Structure):  # espeak_EVENT (speak_lib.h)
        _fields_ = [("type", ctypes.c_int), ("unique_identifier", ctypes.c_uint), ("text_position", ctypes.c_int),
                    ("length", ctypes.c_int), ("audio_position", ctypes.c_int), ("sample", ctypes.c_int),
                    ("user_data", ctypes.c_void_p), ("id", ctypes.c_char * 8)]

    global _ESPEAK
    if _ESPEAK is None:
        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        rate = lib.espeak_Initialize(2, 0, espeakng_loader.get_data_path().encode(), 0)  # AUDIO_OUTPUT_SYNCHRONOUS
        _ESPEAK = lib, rate
    lib, rate = _ESPEAK
    lib.espeak_SetVoiceByName(voice.encode())
    audio, starts = [], {}

    @ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(Event))
    def callback(wav, n, events):
        if n > 0:
            audio.append(np.ctypeslib.as_array(wav, (n,)).astype(np.float32) / 32768)
        k = 0
        while events[k].type != 0:  # espeakEVENT_LIST_TERMINATED
            if events[k].type == 1:  # espeakEVENT_WORD: text_position is 1-based
                starts.setdefault(events[k].text_position - 1, events[k].audio_position / 1000)
            k += 1
        return 0

    lib.espeak_SetSynthCallback(callback)
    data = text.encode()
    assert text.isascii(), "text positions are bytes"
    lib.espeak_Synth(data, len(data) + 1, 0, 1, 0, 0, None, None)  # POS_CHARACTER, espeakCHARS_AUTO
    lib.espeak_Synchronize()
    words, spans = [], []
    for a, b in text_words(text):
        at = [t for p, t in starts.items() if a <= p < b]
        if at:
            words.append(wt.Timed(text[a:b], min(at), min(at)))
            spans.append((a, b))
    return np.concatenate(audio), rate, words, [text[x[1]:y[0]] for x, y in zip(spans, spans[1:])]


__all__ = ["align", "alignable", "espeak_words", "same_word"]
