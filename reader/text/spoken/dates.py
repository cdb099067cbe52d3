"""Dates: ISO (2027-03-04), numeric by the voice's locale (03/04/2027: March 4th in American
English, 3 April in British), and abbreviated names ("Tue, 3 Mar 2027", "Mar 3, 2027")."""
from __future__ import annotations

import re

from reader.text.spoken.rule import Rule, at_end, ordinal

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
_MONTH_ABBR = {m[:3].lower(): m for m in MONTHS} | {"sept": "September"}
_DAYS = {"mon": "Monday", "tue": "Tuesday", "tues": "Tuesday", "wed": "Wednesday", "thu": "Thursday",
         "thur": "Thursday", "thurs": "Thursday", "fri": "Friday", "sat": "Saturday", "sun": "Sunday"}


def date(year: str | None, month: int, day: int, british: bool, weekday: str | None = None) -> str:
    name = MONTHS[month - 1]
    said = f"{ordinal(day)} {name}" if british else f"{name} {ordinal(day)}"
    if year:
        said += f" {year}" if british else f", {year}"
    return f"{weekday}, {said}" if weekday else said


def _valid(month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= 31


def _iso(m, context):
    year, month, day = m.group("y"), int(m.group("m")), int(m.group("d"))
    return date(year, month, day, context.british) if _valid(month, day) else None


def _numeric(m, context):
    a, b, year = int(m.group("a")), int(m.group("b")), m.group("y")
    if len(year) == 2:
        year = ("20" if int(year) < 50 else "19") + year
    month, day = (b, a) if context.british else (a, b)
    if not _valid(month, day):  # 13/03/2027 in an American text: only one reading works
        month, day = day, month
    return date(year, month, day, context.british) if _valid(month, day) else None


def _month(word: str) -> str | None:
    word = word.lower().rstrip(".")
    return _MONTH_ABBR.get(word[:4] if word.startswith("sept") else word[:3]) if (
        word in _MONTH_ABBR or any(word == full.lower() for full in MONTHS)) else None


def _named(m, context, day_first: bool):
    month = _month(m.group("mon"))
    day = int(m.group("d"))
    if month is None or not 1 <= day <= 31:
        return None
    if m.group("of"):
        return None  # "the 5th of November" is read as it is written
    # "Top 10 March Madness picks", "I met Jan 5 times": a day and a month without a year,
    # an ordinal, a weekday or a full stop after an abbreviated month may be no date at all.
    plain = not (m.group("y") or m.group("ord") or m.group("wd") or m.group("mon").endswith("."))
    before = m.string[:m.start()].split()[-1:] or [""]
    if plain and (before[0].lower() not in _DATE_WORDS if day_first else m.group("mon") not in MONTHS):
        return None
    weekday = _DAYS.get((m.group("wd") or "").lower().rstrip(".")) or (m.group("wd") or None)
    said = date(m.group("y"), MONTHS.index(month) + 1, day, context.british, weekday)
    return said + ("." if m.group().endswith(".") and at_end(m) else "")


_DATE_WORDS = frozenset({"on", "by", "from", "until", "till", "since", "before", "after", "to", "and"})
_MON = r"(?P<mon>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?|January|February|March|April|June|July" \
       r"|August|September|October|November|December)"
_WD = r"(?:(?P<wd>(?:Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun)\.?|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday" \
      r"|Sunday),?\s+)?"

RULES = (
    Rule("dates", re.compile(r"(?<![\w.-])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?![\w-])"), _iso),
    Rule("dates", re.compile(r"(?<![\w.-])(?P<y>\d{4})-(?P<m>0[1-9]|1[0-2])(?![\w-])"),
         lambda m, _: f"{MONTHS[int(m.group('m')) - 1]} {m.group('y')}"),
    Rule("dates", re.compile(r"(?<![\w./-])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4}|\d{2})(?![\w/])"), _numeric),
    Rule("dates", re.compile(_WD + r"(?<![\w.,:/-])(?P<d>\d{1,2})(?P<ord>st|nd|rd|th)?\s+(?P<of>of\s+)?"
                             + _MON + r"(?:,?\s+(?P<y>\d{4}))?(?!\w)"), lambda m, c: _named(m, c, day_first=True)),
    Rule("dates", re.compile(_WD + _MON + r"\s+(?P<d>\d{1,2})(?P<ord>st|nd|rd|th)?(?P<of>)"
                             r"(?:,?\s+(?P<y>\d{4}))?(?![\w:])"), lambda m, c: _named(m, c, day_first=False)),
)
