"""Digits that are not one number: phone numbers (read digit by digit, in their groups),
version numbers ("v2.7" is "version 2 point 7"), IP addresses, fractions ("3/4" is "3
quarters"), ranges ("12-19" is "12 to 19") and ratios ("16:9" is "16 to 9")."""
from __future__ import annotations

import re

from reader.text.spoken.rule import ENGLISH, Rule, kept

_DENOMINATORS = {2: ("half", "halves"), 3: ("third", "thirds"), 4: ("quarter", "quarters"), 5: ("fifth", "fifths"),
                 6: ("sixth", "sixths"), 7: ("seventh", "sevenths"), 8: ("eighth", "eighths"),
                 9: ("ninth", "ninths"), 10: ("tenth", "tenths"), 12: ("twelfth", "twelfths"),
                 16: ("sixteenth", "sixteenths"), 32: ("thirty-second", "thirty-seconds"),
                 100: ("hundredth", "hundredths")}


# Denominators said as parts ("3 quarters", "5 eighths"): recipes, inches. Others are scores.
_PARTS = frozenset({2, 3, 4, 8, 16, 32})


_TO = {"en-us": " to ", "en-gb": " to ", "es": " a ", "fr": " à ", "it": " a ", "pt-br": " a ", "hi": " से "}
_AND = {"en-us": " and ", "en-gb": " and ", "es": " y ", "fr": " et ", "it": " e ", "pt-br": " e "}  # "entre 1990 y 1995"


def range_(m, context):
    """ "12-19" -> "12 to 19" ("12 a 19", "12 से 19"); not a model number ("Boeing 747-400"), a ZIP+4 code
    ("02134-1234") or a subtraction ("10 - 3")."""
    before = m.string[:m.start()].rstrip()
    word = before.split()[-1] if before else ""
    if m.group("a").startswith("0") and len(m.group("a")) > 1:
        return None
    if word[:1].isupper() and word.isalpha() and before[:-len(word)].strip() and not word.isupper():
        return None  # a capitalized word inside the sentence: a name and its model number
    try:
        a, b = _value(m.group("a"), context.language), _value(m.group("b"), context.language)
    except ValueError:
        return None  # "123.456.789-09": an identifier, not two numbers
    if (context.language not in ENGLISH and re.fullmatch(r"\d{3,}", m.group("a")) and re.fullmatch(r"\d{4,}", m.group("b"))
            and not (1000 <= a < b < 2200 and b - a < 200)):
        return None  # "555-1234", "3456-7890": a phone number (English has its own rule above); "1990-1995" is not
    if b < a and a >= 100:
        return None  # "747-400": no range runs backwards
    if m.group("gap1") or m.group("gap2"):
        if m.group("dash") == "-":
            return None
    between = re.search(r"\b(?:between|entre|tra|fra)\s+$", before + " ", re.IGNORECASE)
    to = _AND[context.language] if between and context.language in _AND else _TO[context.language]
    if context.language == "es" and word.lower() == "del":
        to = " al "  # "del 10 al 12 de mayo"
    return [kept(m, "a"), to, kept(m, "b")]


def _value(number: str, language: str) -> float:
    """A number as written in language ("1.500,5" in Spanish, "1,00,000" in Hindi); raises
    ValueError when it is none."""
    if language in ROMANCE:
        number = number.replace(".", "").replace(" ", "").replace(",", ".")
    else:
        number = number.replace(",", "")
    return float(number)


def digits(group: str) -> str:
    return " ".join(group)


def _phone(m, _):
    groups = re.findall(r"\d+", m.group())
    if len("".join(groups)) < 9 and not re.fullmatch(r"\d{3}-\d{4}", m.group()):
        return None
    if re.fullmatch(r"\d{1,3}(?: \d{3})+", m.group()):
        return ",".join(groups)  # "100 000 000": one number in groups of three
    said = ", ".join(digits(g) for g in groups)
    return ("plus " + said) if m.group().startswith("+") else said


def _version(m, _):
    parts = m.group("v").split(".")
    return ("version " if m.group("pre") else "") + " point ".join(parts)


def _ip(m, _):
    parts = m.group().split(".")
    return " dot ".join(parts) if all(int(p) <= 255 for p in parts) else None


def _fraction(m, _):
    n, d = int(m.group("n")), int(m.group("d"))
    if m.group() == "24/7":
        return "24 7"
    if not 0 < n <= d:
        return None
    if d not in _PARTS:  # "9/10 dentists", "4/5 stars", "95/100": a score
        return None if m.group("whole") else [kept(m, "n"), " out of ", kept(m, "d")]
    one, many = _DENOMINATORS[d]
    if m.group("whole"):
        part = ("a " + one) if n == 1 else f"{n} {many}"
        return [kept(m, "whole"), " and ", part]
    return f"{'one' if n == 1 else n} {one if n == 1 else many}"


RULES = (
    # +1 555 123 4567, (555) 123-4567, 555-123-4567, +44 20 7946 0958: 9+ digits in groups.
    Rule("numbers", re.compile(r"(?<![\w+-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)\s?|\d{2,4}[\s.-])\d{3,4}"
                               r"(?:[\s.-]\d{3,4})*(?![\w-]|\.\d)"), _phone),
    Rule("numbers", re.compile(r"(?<![\w.])(?P<pre>[vV](?:er\.?\s?)?)(?P<v>\d+(?:\.\d+)+)(?!\w|\.\d)"), _version),
    Rule("numbers", re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?!\w|\.\d)"), _ip),
    Rule("numbers", re.compile(r"(?<![\w.])(?P<pre>)(?P<v>\d+\.\d+\.\d+(?:\.\d+)*)(?!\w|\.\d)"), _version),
    Rule("numbers", re.compile(r"(?<![\w./])(?:(?P<whole>\d{1,2})\s)?(?P<n>\d{1,3})/(?P<d>\d{1,3})(?![\w/]|\.\d)"),
         _fraction),
    # 12-19, 20-30%, 1990-1995, 3.5-4.5: not a phone number (above), a date or a name (GPT-4).
    # Before the other languages' plain numbers (below), which would read "12-19" as "12 19".
    Rule("numbers", re.compile(r"(?<![\w.-])(?P<a>-?\d+(?:[.,]\d+)*)(?P<gap1>\s?)(?P<dash>[-\u2013])(?P<gap2>\s?)"
                               r"(?P<b>\d+(?:[.,]\d+)*)(?![\w-]|\.\d)"), range_, frozenset(_TO)),
    Rule("numbers", re.compile(r"(?<![\w.:])(?P<a>\d+):(?P<b>\d+)(?![\w:]|\.\d)"),
         lambda m, _: [kept(m, "a"), " to ", kept(m, "b")]),
)


# -- Other languages: their G2P reads plain digits ("1500", "25") but not their grouping
# ("1.500", "1 500", "1,00,000"), decimal commas ("3,5" is "3 , 5"), a minus sign or
# ordinal signs ("3.º", "2e"). Rules write plain digits and the words between.

ROMANCE = frozenset({"es", "fr", "it", "pt-br"})
_NUM2WORDS = {"es": "es", "fr": "fr", "it": "it", "pt-br": "pt_BR"}
_DECIMAL = {"es": "coma", "fr": "virgule", "it": "virgola", "pt-br": "vírgula", "hi": "दशमलव", "ja": "点"}
_MINUS = {"es": "menos", "fr": "moins", "it": "meno", "pt-br": "menos", "hi": "माइनस", "ja": "マイナス", "zh": "负"}


def ordinal_words(n: int, language: str, feminine: bool = False, short: bool = False) -> str:
    """3 -> "tercero" / "troisième" / "terzo" / "terceiro"; feminine: "tercera" ("1.ª");
    short: the form before a noun ("1.er piso": "primer")."""
    from num2words import num2words  # misaki's dependency: already installed

    words = num2words(n, lang=_NUM2WORDS[language], to="ordinal")
    if feminine:
        words = "première" if words == "premier" else re.sub(r"o\b", "a", words)
    elif short:
        words = re.sub(r"(prim|terc)ero\b", r"\1er", words)
    return words


def _leading_zeros(digits_: str) -> str:
    """ "05" -> "0 5": a fraction's zeros are said ("3,05" is "3 coma 0 5")."""
    zeros = len(digits_) - len(digits_.lstrip("0"))
    return " ".join(["0"] * zeros + ([digits_[zeros:]] if digits_[zeros:] else []))


def _plain_number(m, context):
    """ "1.500,25" -> "1500 coma 25", "-5" -> "menos 5", "1,00,000" -> "100000"."""
    language = context.language
    whole = re.sub(r"\D", "", m.group("int"))
    said = []
    if m.group("sign"):
        said.append(_MINUS[language] + ("" if language in ("ja", "zh") else " "))
    said.append(kept(m, "int") if whole == m.group("int") else whole)
    frac = m.groupdict().get("frac")
    if frac and language in ("ja", "hi"):  # digit by digit, as they are said: 3.14 is 3 point 1 4
        said.append(f"{_DECIMAL[language]}{' '.join(frac)}" if language == "ja" else
                    f" {_DECIMAL[language]} {' '.join(frac)}")
    elif frac:
        said.append(f" {_DECIMAL[language]} {_leading_zeros(frac)}")
    if m.groupdict().get("point"):
        said.append(kept(m, "point"))
    return said if len(said) > 1 or said[0] != kept(m, "int") else None


def _ordinal(m, context):
    mark = m.group("mark").lower()
    feminine = mark in ("ª", "re", "ère", "ʳᵉ")
    # Spanish drops the o of primero and tercero before a noun: "el 3.º piso", "el 1.er día";
    # not before "de" ("el 1.º de mayo": primero).
    after = re.match(r"\s+([^\W\d]+)", m.string[m.end():])
    before_noun = mark == "er" or bool(after and after.group(1).lower() not in ("de", "del", "y", "o", "e", "a", "al"))
    return ordinal_words(int(m.group("n")), context.language, feminine,
                         short=before_noun and context.language == "es")


# A sign counts only where a word or a number does not stand before it ("10-12" is a range,
# "10 - 20" too).
_SIGN = r"(?P<sign>(?<![\w.)])(?<!\d\s)-\s?)?"
_END = r"(?![\w%]|[.,]\d)"
# Japanese and Mandarin write words right after numbers ("5度"): only Latin letters and
# digits bound a number there.
_CJK_BEFORE = r"(?<![A-Za-z0-9_.])(?<!\d,)"
_CJK_END = r"(?![A-Za-z0-9_]|[.,]\d)"
RULES += (
    # Decimal comma; thousands with dots, or spaces in French ("1.500,25", "1 500", "-3,5").
    Rule("numbers", re.compile(_SIGN + r"(?<![\w.,])(?P<int>\d{1,3}(?:\.\d{3})+|\d+)(?:,(?P<frac>\d+))?" + _END),
         _plain_number, ROMANCE - {"fr"}),
    Rule("numbers", re.compile(_SIGN + r"(?<![\w.,])(?P<int>\d{1,3}(?:[. ]\d{3})+|\d+)(?:,(?P<frac>\d+))?" + _END),
         _plain_number, frozenset({"fr"})),
    # Hindi: a decimal point, thousands with commas (Indian "1,00,000" too).
    Rule("numbers", re.compile(_SIGN + r"(?<![\w.,])(?P<int>\d{1,3}(?:,\d{2,3})*,\d{3}|\d+)(?:\.(?P<frac>\d+))?"
                               + r"(?![\w]|[.,]\d)"), _plain_number, frozenset({"hi"})),
    Rule("numbers", re.compile(r"(?P<sign>(?<![A-Za-z0-9_.)])(?<!\d\s)-)?" + _CJK_BEFORE
                               + r"(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?" + _CJK_END), _plain_number,
         frozenset({"ja"})),
    # Mandarin reads decimals itself ("3.5" is "三点五"); commas and the sign it does not.
    Rule("numbers", re.compile(r"(?P<sign>(?<![A-Za-z0-9_.)])(?<!\d\s)-)?" + _CJK_BEFORE
                               + r"(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<point>\.\d+)?(?![A-Za-z0-9_]|,\d{3}|\.\d)"),
         _plain_number, frozenset({"zh"})),
    # Ordinals: "1.º", "3ª", "1.er" (es, it, pt); "2e", "1re" (fr; "XXIe" is left to roman).
    Rule("numbers", re.compile(r"(?<![\w.,])(?P<n>\d{1,4})\.?(?P<mark>º|ª|er(?=\s))(?!\w)"), _ordinal,
         frozenset({"es", "it", "pt-br"})),
    Rule("numbers", re.compile(r"(?<![\w.,])(?P<n>\d{1,4})(?P<mark>e|ème|eme|er|re|ère|ʳᵉ)(?!\w)"), _ordinal,
         frozenset({"fr"})),
    # misaki's Japanese passes "%" through as a symbol Kokoro cannot say.
    Rule("numbers", re.compile(r"(?<=\d)\s?[%％]"), lambda m, _: "パーセント", frozenset({"ja"})),
)
