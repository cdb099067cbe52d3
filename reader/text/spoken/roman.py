"""Roman numerals where people use them: a monarch or pope's number is an ordinal ("Louis
XIV" is "Louis the 14th"), a part, chapter, war or sequel's a cardinal ("Part III", "World
War II", "Super Bowl LVIII", "Rocky II"). Elsewhere letters stay letters ("I", "CV", "MIX")."""
from __future__ import annotations

import re

from reader.text.spoken.rule import Rule, ordinal

_STRICT = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
# Names that take regnal numbers: monarchs, popes, pharaohs (the common ones in English text).
REGNAL = frozenset({
    "Alexander", "Alfonso", "Amenhotep", "Benedict", "Boniface", "Carlos", "Catherine", "Charles", "Christian",
    "Clement", "Constantine", "Edward", "Elizabeth", "Ferdinand", "Francis", "Frederick", "Friedrich",
    "George", "Gregory", "Gustav", "Harald", "Henry", "Innocent", "Ivan", "James", "John", "Juan", "Leo",
    "Louis", "Ludwig", "Mary", "Nicholas", "Olaf", "Otto", "Paul", "Peter", "Philip", "Pius",
    "Ptolemy", "Ramesses", "Richard", "Robert", "Rudolf", "Sixtus", "Stephen", "Thutmose", "Urban", "Victor",
    "Wilhelm", "William",
})
# Words after which a numeral is a plain number.
COUNTED = frozenset({
    "Act", "Article", "Book", "Bowl", "Chapter", "Class", "Episode", "Grade", "Level", "Mark", "Part", "Phase",
    "Round", "Scene", "Season", "Section", "Stage", "Title", "Type", "Vol", "Volume", "War",
})


def value(numeral: str) -> int | None:
    if not numeral or not _STRICT.fullmatch(numeral):
        return None
    total = 0
    for a, b in zip(numeral, numeral[1:] + " "):
        v = _VALUES[a]
        total += -v if b != " " and _VALUES[b] > v else v
    return total


def _say(m, _):
    word, numeral = m.group("word"), m.group("num")
    n, name = value(numeral), word.rstrip(".")
    if n is None or (len(numeral) == 1 and numeral not in "IVX"):  # "Class C" is not 100
        return None
    after = m.string[m.end():]
    world_war = name == "War" and m.string[:m.start()].rstrip().endswith("World")
    if numeral == "I" and not world_war and re.match(r"\s+\w", after):
        return None  # "Paul I will...", "Thanks Mark I appreciate it": more likely the pronoun
    if len(numeral) == 1 and re.match(r"\.\s+[A-Z]", after):
        return None  # "Robert V. Smith": an initial
    if name in REGNAL:
        return f"{word} the {ordinal(n)}"
    # A sequel's number has an I or a V ("Rocky II", "Final Fantasy VII"); "Love XX" is letters.
    if name in COUNTED or (len(numeral) >= 2 and set(numeral) <= set("IVX") and set(numeral) & set("IV")):
        return f"{word} {n}"
    return None


RULES = (
    # After a capitalized word that is not all capitals ("NASA MIX" stays letters).
    Rule("roman", re.compile(r"\b(?P<word>[A-Z][a-z]+\.?)\s(?P<num>[IVXLCDM]+)\b(?!['\u2019-]\w)"), _say),
)
