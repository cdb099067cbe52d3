"""Which Kokoro language a sentence is in, offline: the script first (kana is Japanese, Han
without kana Mandarin, Devanagari Hindi), then, for Latin text, py3langid's bundled model
restricted to the Latin-script languages Kokoro speaks. Whole-sentence detectors fail on
mixed text ("I love 東京"), hence the script rule first; a short or unsure Latin sentence
keeps the language it is read in anyway (the voice's).

Also where a text is cut into runs of one language (automatic language mode: each run is
read with the voice chosen for its language).
"""
from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass

from reader.text.split import sentences
from reader.types import Span

# Kokoro v1.0's languages (voice prefixes a b e f h i j p z), as the G2P names them.
LANGUAGES = ("en-us", "en-gb", "es", "fr", "hi", "it", "pt-br", "ja", "zh")
_LATIN = {"en": "en-us", "es": "es", "fr": "fr", "it": "it", "pt": "pt-br"}
# The scripts' letters, as character-class ranges (the G2P splits mixed text by them too).
KANA = "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
DEVANAGARI = "\u0900-\u097f"
LATIN = "A-Za-z\u00c0-\u024f"
_KANA = re.compile(f"[{KANA}]")
_HAN = re.compile(f"[{HAN}]")
_DEVANAGARI = re.compile(f"[{DEVANAGARI}]")
_LATIN_LETTERS = re.compile(f"[{LATIN}]")
SURE = 0.9  # py3langid's probability (normalized over the five) a Latin sentence needs
MIN_LETTERS = 12  # fewer Latin letters ("OK.", "Ciao!") say too little to tell
_lock = threading.Lock()


@functools.cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(_LATIN))
    return identifier


def identify(text: str, voice_language: str) -> str | None:
    """The language to read text in (one of LANGUAGES), for a voice of voice_language; None
    when it cannot tell. The script with the most of the text decides first (a Han or kana
    character counts as two letters: it holds a syllable or a word), so "I love 東京 in
    spring" stays English; Han without kana is Mandarin, but kanji to a Japanese voice."""
    cjk = len(_KANA.findall(text)) + len(_HAN.findall(text))
    devanagari = len(_DEVANAGARI.findall(text))
    latin = len(_LATIN_LETTERS.findall(text))
    if cjk and 2 * cjk >= max(latin, devanagari):
        return "ja" if _KANA.search(text) or voice_language == "ja" else "zh"
    if devanagari and devanagari >= latin:
        return "hi"
    if latin < MIN_LETTERS:
        return None
    with _lock:  # the identifier keeps scratch state
        code, probability = _identifier().classify(text)
    if probability < SURE:
        return None
    found = _LATIN[code]
    if found == "en-us" and voice_language == "en-gb":
        return voice_language  # English stays British for a British voice
    return found


@dataclass(frozen=True)
class LanguageRun:
    """Consecutive sentences in one language: text[span] is read in `language`; its first
    sentence is the text's sentence number first_sentence (text/split.sentences)."""

    span: Span
    language: str
    first_sentence: int = 0


def language_runs(text: str, default: str) -> list[LanguageRun]:
    """text cut into runs of sentences of one language, for a voice of language default
    (identify() per sentence; one it cannot tell joins the run before it, or the first run
    is the voice's language). The runs cover the whole text, in order."""
    runs: list[LanguageRun] = []
    for sentence in sentences(text):
        found = identify(sentence.text, default) or (runs[-1].language if runs else default)
        if not runs or runs[-1].language != found:
            start = sentence.span.start if runs else 0  # what lies between belongs to the run before
            runs.append(LanguageRun(Span(start, sentence.span.end), found, sentence.index))
        runs[-1] = LanguageRun(Span(runs[-1].span.start, sentence.span.end), found, runs[-1].first_sentence)
    for i in range(len(runs) - 1):
        runs[i] = LanguageRun(Span(runs[i].span.start, runs[i + 1].span.start), runs[i].language, runs[i].first_sentence)
    if runs:
        last = runs[-1]
        runs[-1] = LanguageRun(Span(last.span.start, len(text)), last.language, last.first_sentence)
    return runs


__all__ = ["LANGUAGES", "identify", "LanguageRun", "language_runs"]
