"""Abbreviations read in full: e.g., i.e., cf., viz., etc., vs., titles (Sgt., Prof.),
addresses (Ave., Mt.; St. as Saint before a name, Street after one), Dept., Vol., pp."""
from __future__ import annotations

import re

from reader.text.spoken.rule import Rule, at_end

_ALWAYS = {
    "e.g.": "for example", "i.e.": "that is", "cf.": "compare", "viz.": "namely", "etc.": "et cetera",
    "vs.": "versus", "approx.": "approximately", "Dept.": "Department", "dept.": "department",
    "Vol.": "Volume", "vol.": "volume", "Sgt.": "Sergeant", "Sr.": "Senior", "Jr.": "Junior",
    "Ave.": "Avenue", "Mt.": "Mount", "Prof.": "Professor", "Capt.": "Captain", "Lt.": "Lieutenant",
    "Col.": "Colonel", "Gen.": "General", "Rev.": "Reverend", "Hon.": "Honorable", "Fig.": "Figure",
    "fig.": "figure", "pp.": "pages", "Co.": "Company", "Corp.": "Corporation", "Inc.": "Incorporated",
    "Ltd.": "Limited", "Univ.": "University", "Ch.": "Chapter", "Eq.": "Equation",
}

_BEFORE_NAMES = frozenset({"Saint", "Sergeant", "Professor", "Captain", "Lieutenant", "Colonel", "General",
                           "Reverend", "Honorable", "Mount", "versus", "compare", "namely", "for example",
                           "that is"})
_KEYS = {"Ctrl": "Control", "Cmd": "Command", "Esc": "Escape", "PgUp": "Page Up", "PgDn": "Page Down"}


def _say(m, _):
    abbr = m.group()
    if abbr == "St.":
        after = m.string[m.end():]
        before = m.string[:m.start()].rstrip()
        # Saint before a name, unless a name comes before it too ("Main St. Paul"); a
        # sentence's first word is capitalized anyway ("Visit St. Paul", "My St. Bernard").
        named_before = re.search(r"\S\s+[A-Z][a-z]*$", before)
        saint = re.match(r"\s+[A-Z]", after) and not named_before
        said = "Saint" if saint else "Street"
    else:
        said = _ALWAYS[abbr]
    # Before a capital a sentence may end here ("on Main St. His wife..."): keep its period,
    # unless the word is a title that comes before a name ("St. Paul", "Prof. Lee").
    ends = at_end(m) or (said not in _BEFORE_NAMES and re.match(r"\s+[A-Z]", m.string[m.end():]))
    return said + ("." if ends else "")


_WORDS = "|".join(re.escape(a) for a in sorted(_ALWAYS, key=len, reverse=True))
RULES = (
    Rule("abbreviations", re.compile(r"(?<![\w.])(?:" + _WORDS + r"|St\.)(?!\w)"), _say),
    # Key names on keyboards and in shortcuts ("Ctrl+C"): as the keys are called.
    Rule("abbreviations", re.compile(r"\b(?:Ctrl|Cmd|Esc|PgUp|PgDn)\b"), lambda m, _: _KEYS[m.group()]),
    # "p. 12" is "page 12" (only before a number: "p." alone is often a letter).
    Rule("abbreviations", re.compile(r"(?<![\w.])p\.(?=\s?\d)"),
         lambda m, _: "page" if m.string[m.end():m.end() + 1] == " " else "page "),
    Rule("abbreviations", re.compile(r"(?<![\w.])Sec\.(?=\s?\d)"), lambda m, _: "Section"),
)
