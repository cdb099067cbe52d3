"""What a text is read as, per language mode: one Utterance in the voice's language (or in a
language the user fixed), or, in automatic mode, one per run of sentences in one language
(text/language.py), each with the voice chosen for that language. Shared by the Speaker and
`say -o`, so a file sounds as the speakers do."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Protocol

from reader.text.language import language_runs
from reader.types import Pronunciations, Utterance


class Voices(Protocol):
    def language_of_voice(self, voice: str) -> str: ...

    def first_voice(self, language: str) -> str | None: ...


def utterances(voices: Voices, text: str, voice: str, speed: float, *, as_written: frozenset[str] = frozenset(),
               lexicon: Pronunciations | None = None, mode: str = "voice",
               language_voices: Mapping[str, str] | None = None) -> Iterator[tuple[int, int, Utterance]]:
    """(where it starts in text, the number of its first sentence, the Utterance), in order.
    mode: "voice", "auto" or a language code (text/language.LANGUAGES)."""
    if mode != "auto":
        yield 0, 0, Utterance(text, voice, speed, as_written, lexicon, language=None if mode == "voice" else mode)
        return
    own = voices.language_of_voice(voice)
    for run in language_runs(text, own):
        other = run.language if run.language != own else None
        chosen = voice if other is None else ((language_voices or {}).get(run.language)
                                              or voices.first_voice(run.language) or voice)
        yield run.span.start, run.first_sentence, Utterance(text[run.span.start:run.span.end], chosen, speed,
                                                             as_written, lexicon, language=other)


__all__ = ["utterances"]
