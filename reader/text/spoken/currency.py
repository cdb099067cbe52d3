"""Money misaki does not read: scaled amounts ("€2.5bn", "$40k"), yen, and currency codes
("CHF 20", "15 USD"). Plain "$5.50" and "£3" misaki reads itself."""
from __future__ import annotations

import re

from reader.text.spoken.rule import Kept, Rule, kept
from reader.text.spoken.units import attributive

_SYMBOLS = {"$": "dollars", "€": "euros", "£": "pounds", "¥": "yen", "₹": "rupees", "₩": "won"}
_CODES = {"USD": "US dollars", "EUR": "euros", "GBP": "pounds", "JPY": "yen", "CHF": "Swiss francs",
          "CAD": "Canadian dollars", "AUD": "Australian dollars", "CNY": "yuan", "INR": "rupees",
          "SEK": "Swedish kronor", "NOK": "Norwegian kroner", "DKK": "Danish kroner"}
_SCALES = {"k": "thousand", "m": "million", "mn": "million", "mln": "million", "b": "billion", "bn": "billion",
           "t": "trillion", "tn": "trillion"}
_SINGULAR = {"dollars": "dollar", "euros": "euro", "pounds": "pound", "rupees": "rupee", "francs": "franc"}


def _name(m, name: str, amount: str, scale: str | None) -> str:
    if (amount == "1" and not scale) or attributive(m):  # "a 90 thousand dollar salary"
        return " ".join(_SINGULAR.get(w, w) for w in name.split())
    return name


def _symbol(m, _):
    symbol, scale = m.group("sym"), m.group("scale")
    scale_word = _SCALES.get(scale.lower()) if scale else None
    if symbol in "$£€" and not scale:
        return None  # misaki reads these
    said = [kept(m, "n"), " "]
    if scale_word:
        said.append(f"{scale_word} ")
    said.append(_name(m, _SYMBOLS[symbol], m.group("n"), scale_word))
    return said


def _code(m, _):
    code = m.group("code") or m.group("code2")
    scale = m.group("scale") or m.group("scale2")
    scale_word = _SCALES.get(scale.lower()) if scale else None
    amount = "n" if m.group("n") else "n2"
    return [kept(m, amount), " ", f"{scale_word} " if scale_word else "", _name(m, _CODES[code], m.group(amount),
                                                                                 scale_word)]


_N = r"\d+(?:[.,]\d+)*"
_SCALE = r"(?:k|K|m|M|mn|mln|bn|b|B|tn|T)"
_CODE = "|".join(_CODES)
RULES = (
    Rule("currency", re.compile(r"(?P<sym>[$€£¥₹₩])\s?(?P<n>" + _N + r")(?:\s?(?P<scale>" + _SCALE + r")(?![\w&/-]))?"),
         _symbol),
    Rule("currency", re.compile(r"\b(?:(?P<code>" + _CODE + r")\s?(?P<n>" + _N + r")(?:\s?(?P<scale>" + _SCALE
                                + r"))?|(?P<n2>" + _N + r")(?:\s?(?P<scale2>" + _SCALE + r"))?\s?(?P<code2>"
                                + _CODE + r"))\b"), _code),
)


# -- Other languages: a currency sign's name in the voice's language, after the amount, as
# said ("20 €" and "€20" are "20 euros"). (singular, plural) per sign.
_NAMES = {
    "es": {"€": ("euro", "euros"), "$": ("dólar", "dólares"), "£": ("libra", "libras"), "R$": ("real", "reales"),
           "US$": ("dólar", "dólares")},
    "fr": {"€": ("euro", "euros"), "$": ("dollar", "dollars"), "£": ("livre", "livres"), "R$": ("réal", "réaux"),
           "US$": ("dollar", "dollars")},
    "it": {"€": ("euro", "euro"), "$": ("dollaro", "dollari"), "£": ("sterlina", "sterline"), "R$": ("real", "real"),
           "US$": ("dollaro", "dollari")},
    "pt-br": {"€": ("euro", "euros"), "$": ("dólar", "dólares"), "£": ("libra", "libras"), "R$": ("real", "reais"),
              "US$": ("dólar", "dólares")},
    "hi": {"₹": ("रुपया", "रुपये"), "Rs": ("रुपया", "रुपये"), "Rs.": ("रुपया", "रुपये"), "$": ("डॉलर", "डॉलर"),
           "€": ("यूरो", "यूरो"), "£": ("पाउंड", "पाउंड")},
    "ja": {"¥": ("円", "円"), "$": ("ドル", "ドル"), "€": ("ユーロ", "ユーロ"), "£": ("ポンド", "ポンド")},
    "zh": {"¥": ("元", "元"), "$": ("美元", "美元"), "€": ("欧元", "欧元"), "£": ("英镑", "英镑")},
}
_LOCAL_N = r"\d+(?:[.,]\d+)*"  # grouped by spaces ("1 500 €"), the numbers rule joins what precedes


# Cents after a decimal comma: "20,50 €" is "20 euros con 50" (es); under one unit only the
# cents are said ("0,99 €": 99 céntimos).
_CENTS = {"es": " con ", "fr": " ", "it": " e ", "pt-br": " e "}
_CENTS_NAMES = {"es": ("céntimo", "céntimos"), "fr": ("centime", "centimes"), "it": ("centesimo", "centesimi"),
                "pt-br": ("centavo", "centavos")}


def _local(m, context):
    language = context.language
    sign = m.group("sym") or m.group("sym2")
    amount = "n" if m.group("n") else "n2"
    one, many = _NAMES[language][sign]
    whole, comma, cents = m.group(amount).rpartition(",")
    if not (language in _CENTS and comma and len(cents) == 2):
        gap = "" if language in ("ja", "zh") else " "
        return [kept(m, amount), gap, one if m.group(amount) == "1" else many]
    start = m.start(amount)
    cents_at = Kept(start + len(whole) + 1 + (cents[0] == "0"), m.end(amount))
    if whole.strip("0") == "" and cents != "00":  # "0,99 €"
        few, lots = _CENTS_NAMES[language]
        return [cents_at, " ", few if cents.lstrip("0") == "1" else lots]
    said = [Kept(start, start + len(whole)), " ", one if whole == "1" else many]
    if cents != "00":  # "2,05 €": "2 euro e 5"
        said += [_CENTS[language], cents_at]
    return said


def _signs(language: str) -> str:
    return "|".join(re.escape(s) for s in sorted(_NAMES[language], key=len, reverse=True))


RULES += tuple(
    # Only Latin letters and digits bound it: Japanese and Mandarin write words right after.
    Rule("currency", re.compile(rf"(?<![A-Za-z0-9_$.,])(?:(?P<sym>{_signs(lang)})\s?(?P<n>{_LOCAL_N})|(?P<n2>{_LOCAL_N})"
                                rf"\s?(?P<sym2>{_signs(lang)}))(?![A-Za-z0-9_$])"), _local, frozenset({lang}))
    for lang in _NAMES)
