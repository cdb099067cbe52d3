"""Digits that are not one number: phone numbers (read digit by digit, in their groups),
version numbers ("v2.7" is "version 2 point 7"), IP addresses, fractions ("3/4" is "3
quarters"), ranges ("12-19" is "12 to 19") and ratios ("16:9" is "16 to 9")."""
from __future__ import annotations

import re

from reader.text.spoken.rule import Rule, kept

_DENOMINATORS = {2: ("half", "halves"), 3: ("third", "thirds"), 4: ("quarter", "quarters"), 5: ("fifth", "fifths"),
                 6: ("sixth", "sixths"), 7: ("seventh", "sevenths"), 8: ("eighth", "eighths"),
                 9: ("ninth", "ninths"), 10: ("tenth", "tenths"), 12: ("twelfth", "twelfths"),
                 16: ("sixteenth", "sixteenths"), 32: ("thirty-second", "thirty-seconds"),
                 100: ("hundredth", "hundredths")}


def digits(group: str) -> str:
    return " ".join(group)


def _phone(m, _):
    groups = re.findall(r"\d+", m.group())
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
    if d not in _DENOMINATORS or not 0 < n < d:
        return " ".join(m.group().split("/")) if m.group() == "24/7" else None
    one, many = _DENOMINATORS[d]
    if m.group("whole"):
        part = ("a " + one) if n == 1 else f"{n} {many}"
        return [kept(m, "whole"), " and ", part]
    return f"{'one' if n == 1 else n} {one if n == 1 else many}"


RULES = (
    # +1 555 123 4567, (555) 123-4567, 555-123-4567, +44 20 7946 0958: 9+ digits in groups.
    Rule("numbers", re.compile(r"(?<![\w+-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)\s?|\d{2,4}[\s.-])\d{3,4}[\s.-]\d{3,4}"
                               r"(?![\w-]|\.\d)"), lambda m, c: _phone(m, c) if len(re.findall(r"\d", m.group())) >= 9
         else None),
    Rule("numbers", re.compile(r"(?<![\w.])(?P<pre>[vV](?:er\.?\s?)?)(?P<v>\d+(?:\.\d+)+)(?!\w|\.\d)"), _version),
    Rule("numbers", re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?!\w|\.\d)"), _ip),
    Rule("numbers", re.compile(r"(?<![\w.])(?P<pre>)(?P<v>\d+\.\d+\.\d+(?:\.\d+)*)(?!\w|\.\d)"), _version),
    Rule("numbers", re.compile(r"(?<![\w./])(?:(?P<whole>\d+)\s)?(?P<n>\d{1,3})/(?P<d>\d{1,3})(?![\w/]|\.\d)"),
         _fraction),
    # 12-19, 20-30%, 1990-1995, 3.5-4.5: not a phone number (above), a date or a name (GPT-4).
    Rule("numbers", re.compile(r"(?<![\w.-])(?P<a>-?\d+(?:[.,]\d+)*)\s?[-\u2013]\s?(?P<b>\d+(?:[.,]\d+)*)"
                               r"(?![\w-]|\.\d)"), lambda m, _: [kept(m, "a"), " to ", kept(m, "b")]),
    Rule("numbers", re.compile(r"(?<![\w.:])(?P<a>\d+):(?P<b>\d+)(?![\w:]|\.\d)"),
         lambda m, _: [kept(m, "a"), " to ", kept(m, "b")]),
)
