"""Money misaki does not read: scaled amounts ("€2.5bn", "$40k"), yen, and currency codes
("CHF 20", "15 USD"). Plain "$5.50" and "£3" misaki reads itself."""
from __future__ import annotations

import re

from reader.text.spoken.rule import Rule, kept
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
