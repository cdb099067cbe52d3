"""Language identification (text/language.py) on resources/language_sentences.tsv: short
sentences in Kokoro's nine languages and mixed ones, each with the language it should be
read in. Instant; no model."""
from __future__ import annotations

from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class LabelledSentence:
    text: str
    language: str  # the language it should be read in
    voice_language: str  # the voice's language (identify()'s default)
    mixed: bool  # holds words of another language or script


def language_sentences() -> list[LabelledSentence]:
    rows, mixed = [], False
    for line in resources.files("reader.resources").joinpath("language_sentences.tsv").read_text("utf-8").splitlines():
        if line.startswith("# mixed"):
            mixed = True
        if not line.strip() or line.startswith("#"):
            continue
        language, text, *voice = line.split("\t")
        rows.append(LabelledSentence(text, language, voice[0] if voice else "en-us", mixed))
    return rows


def measure_language_id() -> dict:
    """Share of sentences identified right, single-language and mixed, and the misses."""
    from reader.text.language import identify

    rows = language_sentences()
    right = {False: 0, True: 0}
    missed = []
    for row in rows:
        found = identify(row.text, row.voice_language) or row.voice_language
        if found == row.language:
            right[row.mixed] += 1
        else:
            missed.append(f"{row.language} read as {found}")
    total = {m: sum(1 for r in rows if r.mixed == m) for m in (False, True)}
    return {"sentences": total[False], "accuracy": round(right[False] / total[False], 3),
            "mixed_sentences": total[True], "mixed_accuracy": round(right[True] / total[True], 3),
            "languages": len({r.language for r in rows}), "missed": missed}


__all__ = ["LabelledSentence", "language_sentences", "measure_language_id"]
