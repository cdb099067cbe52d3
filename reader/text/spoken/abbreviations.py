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


# -- Other languages: espeak-ng reads some of these ("Sr." is "señor") but takes their period
# for a full stop, and spells the rest ("p. ej." is "pe ej"). Each: (words, where it stands):
# before a name (a title), before whatever follows ("p. ej."), before a number, or anywhere.
_NAME, _BEFORE, _NUMBER, _ANY = "name", "before", "number", "any"
_ELSEWHERE: dict[str, dict[str, tuple[str, str]]] = {
    "es": {
        "Sr.": ("señor", _NAME), "Sra.": ("señora", _NAME), "Srta.": ("señorita", _NAME),
        "Sres.": ("señores", _NAME), "Dr.": ("doctor", _NAME), "Dra.": ("doctora", _NAME),
        "Dña.": ("doña", _NAME), "Lic.": ("licenciado", _NAME), "Ing.": ("ingeniero", _NAME),
        "Prof.": ("profesor", _NAME), "Profa.": ("profesora", _NAME), "Avda.": ("avenida", _NAME),
        "Av.": ("avenida", _NAME), "Pza.": ("plaza", _NAME), "Sto.": ("santo", _NAME), "Sta.": ("santa", _NAME),
        "p. ej.": ("por ejemplo", _BEFORE), "Ud.": ("usted", _ANY), "Uds.": ("ustedes", _ANY),
        "etc.": ("etcétera", _ANY), "aprox.": ("aproximadamente", _ANY), "EE. UU.": ("Estados Unidos", _ANY),
        "EE.UU.": ("Estados Unidos", _ANY), "Cía.": ("compañía", _ANY), "a. C.": ("antes de Cristo", _ANY),
        "d. C.": ("después de Cristo", _ANY), "pág.": ("página", _NUMBER), "págs.": ("páginas", _NUMBER),
        "núm.": ("número", _NUMBER), "n.º": ("número", _NUMBER), "tel.": ("teléfono", _NUMBER),
        "vol.": ("volumen", _NUMBER), "cap.": ("capítulo", _NUMBER), "art.": ("artículo", _NUMBER),
    },
    "fr": {
        "M.": ("monsieur", _NAME), "MM.": ("messieurs", _NAME), "Dr": ("docteur", _NAME),
        "Dr.": ("docteur", _NAME), "Me": ("maître", _NAME), "Pr.": ("professeur", _NAME),
        "av.": ("avenue", _NAME), "c.-à-d.": ("c'est-à-dire", _BEFORE), "cf.": ("confer", _BEFORE),
        "p. ex.": ("par exemple", _BEFORE), "etc.": ("et cetera", _ANY), "env.": ("environ", _ANY),
        "av. J.-C.": ("avant Jésus-Christ", _ANY), "apr. J.-C.": ("après Jésus-Christ", _ANY),
        "n°": ("numéro", _NUMBER), "tél.": ("téléphone", _NUMBER), "vol.": ("volume", _NUMBER),
        "chap.": ("chapitre", _NUMBER), "p.": ("page", _NUMBER), "art.": ("article", _NUMBER),
    },
    "it": {
        "Sig.": ("signor", _NAME), "Sig.ra": ("signora", _NAME), "Sig.na": ("signorina", _NAME),
        "Dott.": ("dottor", _NAME), "Dott.ssa": ("dottoressa", _NAME), "Prof.": ("professor", _NAME),
        "Prof.ssa": ("professoressa", _NAME), "Avv.": ("avvocato", _NAME), "Ing.": ("ingegner", _NAME),
        "Arch.": ("architetto", _NAME), "p. es.": ("per esempio", _BEFORE), "ecc.": ("eccetera", _ANY),
        "a.C.": ("avanti Cristo", _ANY), "d.C.": ("dopo Cristo", _ANY), "S.p.A.": ("esse pi a", _ANY),
        "ca.": ("circa", _NUMBER), "n.": ("numero", _NUMBER), "pag.": ("pagina", _NUMBER),
        "pagg.": ("pagine", _NUMBER), "tel.": ("telefono", _NUMBER), "vol.": ("volume", _NUMBER),
        "cap.": ("capitolo", _NUMBER), "art.": ("articolo", _NUMBER),
    },
    "pt-br": {
        "Sr.": ("senhor", _NAME), "Sra.": ("senhora", _NAME), "Srta.": ("senhorita", _NAME),
        "Dr.": ("doutor", _NAME), "Dra.": ("doutora", _NAME), "Prof.": ("professor", _NAME),
        "Profa.": ("professora", _NAME), "Av.": ("avenida", _NAME), "V. Sa.": ("vossa senhoria", _NAME),
        "V. Exa.": ("vossa excelência", _NAME), "p. ex.": ("por exemplo", _BEFORE), "etc.": ("etcétera", _ANY),
        "Ltda.": ("limitada", _ANY), "aprox.": ("aproximadamente", _ANY), "a.C.": ("antes de Cristo", _ANY),
        "d.C.": ("depois de Cristo", _ANY), "n.º": ("número", _NUMBER), "pág.": ("página", _NUMBER),
        "tel.": ("telefone", _NUMBER), "vol.": ("volume", _NUMBER), "cap.": ("capítulo", _NUMBER),
        "art.": ("artigo", _NUMBER),
    },
    "hi": {"डॉ.": ("डॉक्टर", _NAME), "पृ.": ("पृष्ठ", _NUMBER)},
}


def _capitalized(table: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """table and, for each abbreviation in lower case, its form at a sentence's start
    ("Pág. 5": "Página 5")."""
    return table | {a[0].upper() + a[1:]: (words[0].upper() + words[1:], where)
                    for a, (words, where) in table.items() if a[0].islower()}


_ELSEWHERE = {language: _capitalized(table) for language, table in _ELSEWHERE.items()}
_OPEN = "\"'(«¿¡"


def _capital_next(rest: str) -> bool:
    """The next word (past quotes and opening marks) starts with a capital."""
    word = re.match(r"\s+[" + re.escape(_OPEN) + r"]*([^\W\d_])", rest)
    return word is not None and word.group(1).isupper()


def _said_elsewhere(m, context):
    abbr = m.group()
    words, where = _ELSEWHERE[context.language][abbr]
    rest = m.string[m.end():]
    dotted = abbr.endswith(".")
    single = re.fullmatch(r"[^\W\d_]\.", abbr) is not None  # "M.", "n.": often something else
    if where == _NUMBER and single and not re.match(r"\s?\d", rest):
        return None  # "n." or "p." alone is often a letter
    if where == _NAME:
        if not _capital_next(rest) and (single or not dotted):
            return None  # "la taille M.", "Me voici": a title only before a name
        before = m.string[:m.start()].rstrip()
        if single and re.search(r"\S\s+[^\W\d_]*$", before) and before.split()[-1][:1].isupper():
            return None  # "… Jean M. Dupont": an initial after a first name inside the sentence
    ends = dotted and (at_end(m) or (where == _ANY and _capital_next(rest)))
    return words + ("." if ends else "") + (" " if rest[:1].isdigit() else "")  # "n.º5": "número 5"


def _elsewhere_pattern(language: str) -> re.Pattern:
    words = "|".join(re.escape(a) for a in sorted(_ELSEWHERE[language], key=len, reverse=True))
    return re.compile(r"(?<![\w.])(?:" + words + r")(?![^\W\d_]|\.)")


RULES += tuple(Rule("abbreviations", _elsewhere_pattern(language), _said_elsewhere, frozenset({language}))
               for language in _ELSEWHERE)
# Where a sentence does not end after a period, in every language (text/split.py, which
# cannot know the language: its sentences number the same for every reader): after a title
# or each part of "p. ej.", "EE. UU."; after a word before a number when one follows. As
# written, without the period ("MM" is messieurs, "mm" millimetres); not the ones that are
# also common words ("Who? Me. I did.", "a cap. Then", "qué es. Luego").
_COMMON_WORDS = frozenset({"a", "A", "d", "Me", "Arch", "cap", "Cap", "art", "Art", "es", "ex"})
TITLES_ELSEWHERE = frozenset(
    part.rstrip(".") for table in _ELSEWHERE.values() for a, (_, where) in table.items()
    for part in (a.split() if where in (_NAME, _BEFORE) else a.split()[:-1]) if part.endswith(".")) - _COMMON_WORDS
BEFORE_NUMBER_ELSEWHERE = frozenset(a.rstrip(".") for table in _ELSEWHERE.values()
                                    for a, (_, where) in table.items() if where == _NUMBER) - _COMMON_WORDS
