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
# before a name (a title: its period never ends the sentence), before a number, or anywhere.
_NAME, _NUMBER, _ANY = "name", "number", "any"
_ELSEWHERE: dict[str, dict[str, tuple[str, str]]] = {
    "es": {
        "Sr.": ("señor", _NAME), "Sra.": ("señora", _NAME), "Srta.": ("señorita", _NAME),
        "Sres.": ("señores", _NAME), "Dr.": ("doctor", _NAME), "Dra.": ("doctora", _NAME),
        "Dña.": ("doña", _NAME), "Lic.": ("licenciado", _NAME), "Ing.": ("ingeniero", _NAME),
        "Prof.": ("profesor", _NAME), "Profa.": ("profesora", _NAME), "Avda.": ("avenida", _NAME),
        "Av.": ("avenida", _NAME), "Pza.": ("plaza", _NAME), "Sto.": ("santo", _NAME), "Sta.": ("santa", _NAME),
        "p. ej.": ("por ejemplo", _NAME), "Ud.": ("usted", _ANY), "Uds.": ("ustedes", _ANY),
        "etc.": ("etcétera", _ANY), "aprox.": ("aproximadamente", _ANY), "EE. UU.": ("Estados Unidos", _ANY),
        "EE.UU.": ("Estados Unidos", _ANY), "Cía.": ("compañía", _ANY), "a. C.": ("antes de Cristo", _ANY),
        "d. C.": ("después de Cristo", _ANY), "pág.": ("página", _NUMBER), "págs.": ("páginas", _NUMBER),
        "núm.": ("número", _NUMBER), "n.º": ("número", _NUMBER), "tel.": ("teléfono", _NUMBER),
        "vol.": ("volumen", _NUMBER), "cap.": ("capítulo", _NUMBER), "art.": ("artículo", _NUMBER),
    },
    "fr": {
        "M.": ("monsieur", _NAME), "MM.": ("messieurs", _NAME), "Dr": ("docteur", _NAME),
        "Dr.": ("docteur", _NAME), "Me": ("maître", _NAME), "Pr.": ("professeur", _NAME),
        "av.": ("avenue", _NAME), "c.-à-d.": ("c'est-à-dire", _NAME), "cf.": ("confer", _NAME),
        "p. ex.": ("par exemple", _NAME), "etc.": ("et cetera", _ANY), "env.": ("environ", _ANY),
        "av. J.-C.": ("avant Jésus-Christ", _ANY), "apr. J.-C.": ("après Jésus-Christ", _ANY),
        "n°": ("numéro", _NUMBER), "tél.": ("téléphone", _NUMBER), "vol.": ("volume", _NUMBER),
        "chap.": ("chapitre", _NUMBER), "p.": ("page", _NUMBER), "art.": ("article", _NUMBER),
    },
    "it": {
        "Sig.": ("signor", _NAME), "Sig.ra": ("signora", _NAME), "Sig.na": ("signorina", _NAME),
        "Dott.": ("dottor", _NAME), "Dott.ssa": ("dottoressa", _NAME), "Prof.": ("professor", _NAME),
        "Prof.ssa": ("professoressa", _NAME), "Avv.": ("avvocato", _NAME), "Ing.": ("ingegner", _NAME),
        "Arch.": ("architetto", _NAME), "p. es.": ("per esempio", _NAME), "ecc.": ("eccetera", _ANY),
        "a.C.": ("avanti Cristo", _ANY), "d.C.": ("dopo Cristo", _ANY), "S.p.A.": ("esse pi a", _ANY),
        "ca.": ("circa", _NUMBER), "n.": ("numero", _NUMBER), "pag.": ("pagina", _NUMBER),
        "pagg.": ("pagine", _NUMBER), "tel.": ("telefono", _NUMBER), "vol.": ("volume", _NUMBER),
        "cap.": ("capitolo", _NUMBER), "art.": ("articolo", _NUMBER),
    },
    "pt-br": {
        "Sr.": ("senhor", _NAME), "Sra.": ("senhora", _NAME), "Srta.": ("senhorita", _NAME),
        "Dr.": ("doutor", _NAME), "Dra.": ("doutora", _NAME), "Prof.": ("professor", _NAME),
        "Profa.": ("professora", _NAME), "Av.": ("avenida", _NAME), "V. Sa.": ("vossa senhoria", _NAME),
        "V. Exa.": ("vossa excelência", _NAME), "p. ex.": ("por exemplo", _NAME), "etc.": ("etcétera", _ANY),
        "Ltda.": ("limitada", _ANY), "aprox.": ("aproximadamente", _ANY), "a.C.": ("antes de Cristo", _ANY),
        "d.C.": ("depois de Cristo", _ANY), "n.º": ("número", _NUMBER), "pág.": ("página", _NUMBER),
        "tel.": ("telefone", _NUMBER), "vol.": ("volume", _NUMBER), "cap.": ("capítulo", _NUMBER),
        "art.": ("artigo", _NUMBER),
    },
    "hi": {"डॉ.": ("डॉक्टर", _NAME), "पृ.": ("पृष्ठ", _NUMBER)},
}


def _said_elsewhere(m, context):
    words, where = _ELSEWHERE[context.language][m.group()]
    rest = m.string[m.end():]
    if where == _NUMBER and not re.match(r"\s?\d", rest):
        return None  # "n." or "p." alone is often a letter
    after = re.match(r"\s+([^\W\d_])", rest)
    if where == _NAME and m.group()[-1] != "." and not (after and after.group(1).isupper()):
        return None  # "Me" without a dot: a title only before a name ("Me Durand", not "Me voici")
    if len(m.group()) == 2 and m.group()[0].isupper() and re.search(r"[A-Z]\w*\s+$", m.string[:m.start()]):
        return None  # "Jean M. Dupont": an initial after a first name
    ends = where == _ANY and (at_end(m) or re.match(r"\s+[A-ZÁÉÍÓÚÀÈÌÒÙÂÊÎÔÛÇ]", rest) is not None)
    return words + ("." if ends and m.group().endswith(".") else "")


def _elsewhere_pattern(language: str) -> re.Pattern:
    words = "|".join(re.escape(a) for a in sorted(_ELSEWHERE[language], key=len, reverse=True))
    return re.compile(r"(?<![\w.])(?:" + words + r")(?![\w.])")


RULES += tuple(Rule("abbreviations", _elsewhere_pattern(language), _said_elsewhere, frozenset({language}))
               for language in _ELSEWHERE)
# Where a sentence does not end after a period, in every language (text/split.py): after a
# title or the inner parts of "EE. UU.", "a. C."; after a word before a number when one
# follows. As written, without the period ("MM" is messieurs, "mm" millimetres).
TITLES_ELSEWHERE = frozenset(
    [a.rstrip(".") for table in _ELSEWHERE.values() for a, (_, where) in table.items() if where == _NAME]
    + [part.rstrip(".") for table in _ELSEWHERE.values() for a in table for part in a.split()[:-1]])
BEFORE_NUMBER_ELSEWHERE = frozenset(a.rstrip(".") for table in _ELSEWHERE.values()
                                    for a, (_, where) in table.items() if where == _NUMBER)
