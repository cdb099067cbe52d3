"""Why each shipped pronunciation (resources/lexicon.json) is there, on the real G2P, model
and Whisper tiny.en: the G2P says the word otherwise, and either espeak-ng's dictionary reads
it as the entry does (independent of misaki, which spells out words in capitals), or Whisper
hears the word only with the entry. A shipped entry no test here justifies fails the first test.
"""
from __future__ import annotations

import re

import numpy as np
import pytest

from reader.text.lexicon import Lexicon, default_entries
from reader.types import SAMPLE_RATE, Utterance

# Capitals people say as a word, which misaki spells out letter by letter.
BY_DICTIONARY = ("JSON", "YAML", "IKEA")
# (sentences, what Whisper may write for the word: "Neve" is the anglicized spelling of Niamh)
BY_EAR = {"PostgreSQL": (("The data live in PostgreSQL.", "Then I said PostgreSQL twice."), ("postgresql",)),
          "Niamh": (("I met Niamh at the station.",), ("niamh", "neve", "neeve"))}
FIGURES: dict[str, str] = {}


def test_every_shipped_entry_is_justified_by_a_test_here():
    assert sorted({*BY_DICTIONARY, *BY_EAR}) == sorted(e.match for e in default_entries())


@pytest.mark.model
def test_the_g2p_says_each_shipped_word_otherwise():
    from reader.text.g2p import G2PBank

    bank = G2PBank()
    for entry in default_entries():
        assert bank.phonemize(entry.match, "en-us").text != entry.say, f"{entry.match}: the G2P says it so already"


@pytest.mark.model
def test_espeak_ng_reads_these_capitals_as_words_the_way_the_entries_do():
    from misaki import espeak

    class Token:  # what misaki's fallback reads
        def __init__(self, text: str) -> None:
            self.text, self.tag, self.phonemes = text, "NNP", None

    said = espeak.EspeakFallback(british=False)
    entries = {e.match: e for e in default_entries()}
    for word in BY_DICTIONARY:
        assert said(Token(word))[0] == entries[word].say, word


@pytest.mark.model
def test_whisper_hears_these_words_only_with_their_entries(core):
    from reader.bench import asr

    def heard(text: str, lexicon) -> str:
        audio = np.concatenate([c.samples for c in core.stream(Utterance(text, "af_heart", lexicon=lexicon),
                                                                 realtime=False)])
        return asr.transcribe(audio, SAMPLE_RATE)

    shipped = Lexicon(default_entries())
    for word, (sentences, forms) in BY_EAR.items():
        for text in sentences:
            without, with_entry = heard(text, None), heard(text, shipped)
            FIGURES[word] = f"{without!r} without, {with_entry!r} with"
            letters = [re.sub(r"[^a-z]", "", t.lower()) for t in (without, with_entry)]
            assert any(f in letters[1] for f in forms), f"{word}: {with_entry!r} with the entry"
            assert not any(f in letters[0] for f in forms), f"{word}: {without!r} without it: not needed"
