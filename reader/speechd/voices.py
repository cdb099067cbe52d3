"""Kokoro's voices as speech-dispatcher knows voices: LIST VOICES lines, and the voice a
message asks for (SET synthesis_voice, or language plus a voice type such as female1)."""
from __future__ import annotations

from dataclasses import dataclass

# Our language codes (text/language.LANGUAGES, each one: a test holds them together) -> the
# BCP 47 spelling speech-dispatcher's clients use.
SPEECHD_LANGUAGES = {"en-us": "en-US", "en-gb": "en-GB", "es": "es-ES", "fr": "fr-FR", "hi": "hi-IN",
                     "it": "it-IT", "ja": "ja-JP", "pt-br": "pt-BR", "zh": "zh-CN"}
DEFAULT_VOICE = "af_heart"



@dataclass(frozen=True)
class Voice:
    name: str
    language: str  # ours: "en-us", "fr"...
    gender: str  # "female" or "male"


def list_lines(voices: list[Voice]) -> list[str]:
    """LIST VOICES: name, language, variant (the gender), tab-separated."""
    return [f"{v.name}\t{SPEECHD_LANGUAGES.get(v.language, v.language)}\t{v.gender}" for v in voices]


def _ours(language: str | None) -> str | None:
    """A client's language ("en", "en-US", "en_GB", "fr-CA", "c", "NULL") as ours, or None."""
    if not language or language.upper() in ("NULL", "C", "POSIX"):
        return None
    code = language.lower().replace("_", "-")
    if code in SPEECHD_LANGUAGES:
        return code
    for ours, theirs in SPEECHD_LANGUAGES.items():
        if code == theirs.lower():
            return ours
    base = code.split("-")[0]
    if base == "en":
        return "en-gb" if code.endswith(("-gb", "-uk", "-ie", "-au", "-nz")) else "en-us"
    if base == "pt":
        return "pt-br"
    return base if base in SPEECHD_LANGUAGES else None


def choose(voices: list[Voice], synthesis_voice: str | None, language: str | None, voice_type: str | None) -> str:
    """The voice for a message: the synthesis voice when it is ours; else by language and
    voice type (female1 is the language's first female voice, male2 its second male...);
    always some voice (an unknown language or name still speaks)."""
    names = {v.name for v in voices}
    if synthesis_voice and synthesis_voice in names:
        return synthesis_voice
    wanted = _ours(language)
    pool = [v for v in voices if v.language == wanted] or [v for v in voices if v.language == "en-us"]
    kind = (voice_type or "").lower()
    gender = "male" if "male" in kind and "female" not in kind else "female" if "female" in kind else None
    number = int(kind[-1]) if kind[-1:].isdigit() else 1
    matching = [v for v in pool if gender is None or v.gender == gender] or pool
    # The default voice first where it fits: it is the best-rated one.
    matching.sort(key=lambda v: v.name != DEFAULT_VOICE)
    return matching[min(number, len(matching)) - 1].name if matching else DEFAULT_VOICE


def installed_voices() -> list[Voice]:
    from reader.assets.manifest import Manifest

    return [Voice(name, a.language, a.gender) for name, a in Manifest.load().voices.items()]


__all__ = ["DEFAULT_VOICE", "SPEECHD_LANGUAGES", "Voice", "choose", "installed_voices", "list_lines"]
