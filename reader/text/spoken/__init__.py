"""Text as a careful reader says it: dates, times, ranges, units, web addresses, markup...

speak(ct, language) rewrites a sentence's CleanText family by family (one module per
family, each a tuple RULES of Rule). Each rewritten character keeps the span of the user's
text it came from: characters a rule keeps (a number in "12 to 19") keep their own, new
words get the whole match's span, so word timings and highlights stay on the user's text.

Rules write digits where the G2P reads them well (misaki reads "14th" and "2027"), so a
family is mostly about structure: which numbers, in which order, with which words between.
Most rules are for English voices. Each language's G2P reads plain digits itself (espeak-ng,
misaki's Japanese and Mandarin), so the rules for the others only make numbers plain: their
grouping and decimal signs, signs, ordinals, times and currency signs (see numbers, times
and currency). Markup runs for every language.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.text.normalize import CleanText
from reader.text.spoken import (
    abbreviations,
    code,
    currency,
    dates,
    markup,
    numbers,
    roman,
    times,
    units,
    web,
)
from reader.text.spoken.rule import Context, Rule, substitute

if TYPE_CHECKING:
    from reader.text.lexicon import Lexicon

# Order matters: markup and addresses first (they hold dots, slashes and digits), then
# dates before times, ranges, fractions and phone numbers read their digits.
_ALL: tuple[tuple[str, tuple[Rule, ...]], ...] = tuple((m.__name__.rsplit(".", 1)[1], m.RULES) for m in (
    markup, web, dates, times, currency, units, numbers, roman, abbreviations, code))
FAMILIES = tuple(name for name, _ in _ALL)  # what a user may turn off, in the order they run


def named(names) -> tuple[tuple[str, ...], list[str]]:
    """(the families named, in the order they run; "all" is every one), (unknown names)."""
    names = set(names)
    known = FAMILIES if "all" in names else tuple(f for f in FAMILIES if f in names)
    return known, sorted(names - set(FAMILIES) - {"all"})


def speak(ct: CleanText, language: str, off: frozenset[str] = frozenset()) -> CleanText:
    """ct as read aloud in language, without the families in off."""
    context = Context(language)
    for name, rules in _ALL:
        if name in off:
            continue
        for rule in rules:
            if rule.applies(language):
                ct = substitute(ct, rule, context)
    return ct


@dataclass(frozen=True)
class Reading:
    """How the synthesizer reads sentences: the voice's language, the families the user
    wants read as written (settings), and the pronunciations, which go first: they match
    the words as the user wrote them."""

    language: str
    as_written: frozenset[str] = frozenset()
    lexicon: Lexicon | None = None

    def __call__(self, ct: CleanText) -> CleanText:
        if self.lexicon is not None:
            ct = self.lexicon.apply(ct, self.language)
        return speak(ct, self.language, self.as_written)


def spoken_text(text: str, language: str = "en-us", off: frozenset[str] = frozenset()) -> str:
    """What speak() makes of plain text (tests, the settings preview)."""
    from reader.text.normalize import clean

    return speak(clean(text), language, off).text
