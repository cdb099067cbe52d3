"""The pronunciation lexicon: words (or patterns) read the way the user says them.

An entry maps a word as written, or a regular expression, to replacement text (which the
G2P reads like any text) or to phonemes (Kokoro's IPA, handed to the model as they are).
It runs on each sentence before text/spoken and the G2P, in one pass over the sentence as
the user wrote it: an entry's output is never matched again, the leftmost match is taken
first, and where two entries match at one place the earlier entry wins (the user's own
come before the shipped defaults, which are in resources/lexicon.json, each one justified
by a test). Spans are kept as text/spoken
keeps them: the replacement gets the span of the word it replaces.

Phonemes travel to the G2P as one "sound mark" per entry: a private-use character that
clean() removes from the user's text, so none can come from there, and that no rule of
text/spoken matches. The G2P (g2p.py) puts the phonemes in its place.
"""
from __future__ import annotations

import functools
import json
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from typing import Any

from reader.text.normalize import CleanText
from reader.text.spoken.rule import rewrite

# Plane 15's private use area: one character per distinct phoneme string used this run.
_MARK_FIRST, _MARK_LAST = 0xF0000, 0xFFFFD
MARKS = "\U000F0000-\U000FFFFD"  # for a character class: [MARKS]
_marks: dict[str, str] = {}  # phonemes -> mark
_sounds: dict[str, str] = {}  # mark -> phonemes
_marks_lock = threading.Lock()

# What an entry's phonemes may hold: Kokoro's IPA (resources/vocab.json) and spaces, but not
# the brackets that would end misaki's [word](/phonemes/) form early.
_NOT_IN_PHONEMES = set("[]()/")


def sound_mark(phonemes: str) -> str:
    """The mark that stands for these phonemes in text (the same one all run long)."""
    with _marks_lock:
        mark = _marks.get(phonemes)
        if mark is None:
            code = _MARK_FIRST + len(_marks)
            if code > _MARK_LAST:
                raise ValueError("too many different pronunciations")
            mark = _marks[phonemes] = chr(code)
            _sounds[mark] = phonemes
        return mark


def sound_of(mark: str) -> str | None:
    """The phonemes a mark stands for (None: not a mark)."""
    return _sounds.get(mark)


def has_marks(text: str) -> bool:
    return any(_MARK_FIRST <= ord(c) <= _MARK_LAST for c in text)


def first_word(text: str) -> str:
    """The first word of text, without the punctuation around it ("" if none): what a new
    pronunciation for a selection starts from."""
    for m in re.finditer(r"\S+", text[:1000]):
        word = m.group().strip("\"'()[]{}<>«»‘’“”.,;:!?…")
        if any(c.isalnum() for c in word):
            return word[:64]
    return ""


@dataclass(frozen=True)
class Entry:
    """One pronunciation. match: the word as written, or a regular expression (regex); say:
    the text to read instead (a regex entry may use its groups, \\1 or \\g<name>), or the
    phonemes (phonemes). case: match upper and lower case exactly (else any case). whole_word:
    only where no letter or digit touches it on either side. language: only for voices of
    that language ("en" is both Englishes; None: every language)."""

    match: str
    say: str
    phonemes: bool = False
    regex: bool = False
    case: bool = False
    whole_word: bool = True
    language: str | None = None

    def problem(self, vocab: Iterable[str] | None = None) -> str | None:
        """Why this entry cannot be used (for the user), or None."""
        if not self.match.strip():
            return "the word to match is empty"
        if not self.say.strip() and self.phonemes:
            return "no phonemes given"
        if self.regex:
            try:
                pattern = re.compile(self.match)
            except re.error as exc:
                return f"not a regular expression: {exc}"
            if pattern.match(""):
                return "the pattern matches empty text"
            if not self.phonemes:
                try:
                    pattern.sub(self.say, "")  # compiles the replacement: checks its groups
                except (re.error, IndexError) as exc:
                    return f"the replacement does not fit the pattern: {exc}"
        if self.phonemes:
            known = set(vocab) if vocab is not None else None
            bad = sorted({c for c in self.say if c in _NOT_IN_PHONEMES
                          or (known is not None and c not in known and not c.isspace())})
            if bad:
                return f"not Kokoro phonemes: {' '.join(bad)}"
        return None

    @cached_property
    def pattern(self) -> re.Pattern:
        core = self.match if self.regex else re.escape(self.match.strip())
        if self.whole_word:
            core = rf"(?<!\w)(?:{core})(?!\w)"
        return re.compile(core, 0 if self.case else re.IGNORECASE)

    def for_language(self, language: str) -> bool:
        return self.language is None or language == self.language or language.startswith(self.language + "-")

    def said(self, m: re.Match) -> str:
        """What replaces match m: text, or the sound mark of the phonemes."""
        if self.phonemes:
            return sound_mark(" ".join(self.say.split()))
        return m.expand(self.say) if self.regex else self.say


_KEYS = {"match", "say", "phonemes", "regex", "case", "whole_word", "language"}


def entry_from_json(data: Any) -> Entry:
    """An Entry from its JSON object; ValueError with what is wrong."""
    if not isinstance(data, Mapping):
        raise ValueError("an entry must be an object like {\"match\": \"nginx\", \"say\": \"engine x\"}")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise ValueError(f"unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(_KEYS))})")
    if not isinstance(data.get("match"), str) or not isinstance(data.get("say"), str):
        raise ValueError("an entry needs \"match\" and \"say\" texts")
    flags = {k: data[k] for k in ("phonemes", "regex", "case", "whole_word") if k in data}
    if not all(isinstance(v, bool) for v in flags.values()):
        raise ValueError("phonemes, regex, case and whole_word are true or false")
    language = data.get("language")
    if language is not None and not isinstance(language, str):
        raise ValueError("language is a language code such as \"en\" or \"fr\"")
    entry = Entry(data["match"].strip() if not flags.get("regex") else data["match"], data["say"].strip(),
                  language=language or None, **flags)
    problem = entry.problem()
    if problem:
        raise ValueError(f"{entry.match!r}: {problem}")
    return entry


def entry_to_json(entry: Entry) -> dict:
    """The entry's JSON object, defaults left out."""
    data: dict[str, Any] = {"match": entry.match, "say": entry.say}
    for key, default in (("phonemes", False), ("regex", False), ("case", False), ("whole_word", True),
                         ("language", None)):
        if getattr(entry, key) != default:
            data[key] = getattr(entry, key)
    return data


def entries_from_json(text: str) -> tuple[Entry, ...]:
    """Entries from a lexicon file's text (a JSON list of entry objects); ValueError with the
    entry's number when one is wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not a lexicon (JSON: {exc})") from exc
    if isinstance(data, Mapping) and "lexicon" in data:  # a settings file holds one too
        data = data["lexicon"]
    if not isinstance(data, list):
        raise ValueError("a lexicon is a JSON list of entries")
    entries = []
    for number, item in enumerate(data, 1):
        try:
            entries.append(entry_from_json(item))
        except ValueError as exc:
            raise ValueError(f"entry {number}: {exc}") from exc
    return tuple(entries)


def entries_to_json(entries: Iterable[Entry]) -> str:
    return json.dumps([entry_to_json(e) for e in entries], ensure_ascii=False, indent=1) + "\n"


def merged(mine: Iterable[Entry], added: Iterable[Entry]) -> tuple[Entry, ...]:
    """mine with added put first (the newest wins where two match) and replacing mine's
    entries for the same match: what adding or importing does, wherever it is done."""
    added = tuple(added)
    matches = {e.match for e in added}
    return (*added, *(e for e in mine if e.match not in matches))


def first_problem(entries: Iterable[Entry], vocab: Iterable[str] | None = None) -> str | None:
    """The first reason one of entries cannot be used, naming its word; None if all can."""
    known = set(vocab) if vocab is not None else None
    return next((f"{e.match!r}: {p}" for e in entries if (p := e.problem(known))), None)


@functools.cache
def default_entries() -> tuple[Entry, ...]:
    """The shipped lexicon: words the G2P gets wrong."""
    return entries_from_json(resources.files("reader.resources").joinpath("lexicon.json").read_text("utf-8"))


@dataclass(frozen=True)
class Lexicon:
    """The entries in force, in order of precedence (the user's, then the defaults)."""

    entries: tuple[Entry, ...] = ()
    _by_language: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def with_defaults(cls, user: Iterable[Entry] = ()) -> Lexicon:
        return cls((*user, *default_entries()))

    def apply(self, ct: CleanText, language: str) -> CleanText:
        """ct with every entry's matches replaced, in one pass (see the module docstring)."""
        entries = self._by_language.get(language)
        if entries is None:
            entries = self._by_language[language] = tuple(e for e in self.entries if e.for_language(language))
        found = []  # (start, precedence, end, entry, match)
        for rank, entry in enumerate(entries):
            found.extend((m.start(), rank, m.end(), entry, m) for m in entry.pattern.finditer(ct.text)
                         if m.end() > m.start())
        if not found:
            return ct
        found.sort(key=lambda f: (f[0], f[1]))
        chosen, end = [], 0
        for start, _, stop, entry, m in found:
            if start >= end:
                chosen.append((start, stop, entry.said(m)))
                end = stop
        return rewrite(ct, chosen)


__all__ = ["Entry", "Lexicon", "first_word", "MARKS", "sound_mark", "sound_of", "has_marks", "entry_from_json",
           "entry_to_json", "entries_from_json", "entries_to_json", "default_entries", "merged", "first_problem"]
