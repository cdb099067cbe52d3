"""One rewrite rule of text/spoken and how a match is replaced, spans kept."""
from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from reader.text.normalize import CleanText


@dataclass(frozen=True)
class Kept:
    """A stretch [start, end) of the matched text kept as it is, with its own spans."""

    start: int
    end: int


Piece = str | Kept


@dataclass(frozen=True)
class Context:
    """What a rule may look at besides its match."""

    language: str  # the voice's language code: "en-us", "en-gb", "fr"...

    @property
    def british(self) -> bool:
        return self.language == "en-gb"


Say = Callable[[re.Match, Context], Sequence[Piece] | str | None]
ENGLISH = frozenset({"en-us", "en-gb"})


@dataclass(frozen=True)
class Rule:
    family: str  # what a user turns off ("dates", "units"...): the module's name
    pattern: re.Pattern
    say: Say  # the spoken form; None leaves the match as it is
    languages: frozenset[str] | None = ENGLISH  # the voice languages it is for; None: every one

    def applies(self, language: str) -> bool:
        return self.languages is None or language in self.languages


def kept(m: re.Match, group: int | str = 0) -> Kept:
    return Kept(*m.span(group))


def at_end(m: re.Match) -> bool:
    """The match ends the sentence (rules run per sentence): a period it took is kept."""
    return not m.string[m.end():].strip(" \"')]")


def ordinal(n: int) -> str:
    """14 -> "14th": misaki reads it as the ordinal word."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def substitute(ct: CleanText, rule: Rule, context: Context) -> CleanText:
    """ct with every match of rule replaced by what it says."""
    return rewrite(ct, ((m.start(), m.end(), said) for m in rule.pattern.finditer(ct.text)
                        if (said := rule.say(m, context)) is not None))


def rewrite(ct: CleanText, replacements: Iterable[tuple[int, int, Sequence[Piece] | str]]) -> CleanText:
    """ct with each [start, end) replaced by its pieces (in order, not overlapping). New text
    gets the span of the whole stretch it replaces; a Kept stretch keeps its own."""
    text = ct.text
    out: list[str] = []
    origin, origin_end = array("q"), array("q")
    prev = 0
    for a, b, said in replacements:
        if a == b:
            continue
        out.append(text[prev:a])
        origin.extend(ct.origin[prev:a])
        origin_end.extend(ct.origin_end[prev:a])
        lo, hi = ct.origin[a], ct.origin_end[b - 1]
        for piece in ([said] if isinstance(said, str) else said):
            if isinstance(piece, Kept):
                out.append(text[piece.start:piece.end])
                origin.extend(ct.origin[piece.start:piece.end])
                origin_end.extend(ct.origin_end[piece.start:piece.end])
            elif piece:
                out.append(piece)
                origin.extend([lo] * len(piece))
                origin_end.extend([hi] * len(piece))
        prev = b
    if not out:
        return ct
    out.append(text[prev:])
    origin.extend(ct.origin[prev:])
    origin_end.extend(ct.origin_end[prev:])
    return CleanText("".join(out), origin, origin_end)
