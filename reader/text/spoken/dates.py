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


_LONGEST = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # days in each month, at most


def _valid(month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= _LONGEST[month - 1]


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


# -- Other languages: their G2P reads "04/03/2027" digit group by digit group with the
# slashes ("cero cuatro barra..."). Numeric dates there put the day first.
_MONTHS_IN = {
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
    "it": ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
           "ottobre", "novembre", "dicembre"),
    "pt-br": ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro",
              "novembro", "dezembro"),
    "hi": ("जनवरी", "फ़रवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर", "अक्टूबर", "नवंबर",
           "दिसंबर"),
}
_FIRST = {"fr": "premier", "it": "primo", "pt-br": "primeiro"}  # the 1st is said as an ordinal there


# misaki's Japanese reads 3月 "san tsuki" and 4日 "yon ka": the readings, in kana.
_JA_MONTHS = ("いちがつ", "にがつ", "さんがつ", "しがつ", "ごがつ", "ろくがつ", "しちがつ", "はちがつ", "くがつ",
              "じゅうがつ", "じゅういちがつ", "じゅうにがつ")
_JA_DAYS = {1: "ついたち", 2: "ふつか", 3: "みっか", 4: "よっか", 5: "いつか", 6: "むいか", 7: "なのか", 8: "ようか",
            9: "ここのか", 10: "とおか", 14: "じゅうよっか", 20: "はつか", 24: "にじゅうよっか"}
_JA_UNITS = ("", "いち", "に", "さん", "よん", "ご", "ろく", "しち", "はち", "く")


def japanese_day(day: int) -> str:
    """The reading of day日 (1-31): "よっか", "じゅうごにち"."""
    if day in _JA_DAYS:
        return _JA_DAYS[day]
    tens = ("", "じゅう", "にじゅう", "さんじゅう")[day // 10]
    return tens + _JA_UNITS[day % 10] + "にち"


def local_date(year: str | None, month: int, day: int | None, language: str) -> str:
    """The date as said in language: "4 de marzo de 2027", "premier mars 2027", "2027年3月4日"."""
    if language == "ja":  # a space between: misaki's Japanese splits kana runs on its own
        return " ".join(filter(None, (f"{year}年" if year else "", _JA_MONTHS[month - 1],
                                      japanese_day(day) if day else "")))
    if language == "zh":
        return f"{year + '年' if year else ''}{month}月{day}日"
    name = _MONTHS_IN[language][month - 1]
    said = f"{_FIRST.get(language, day) if day == 1 else day}"
    of = " de " if language in ("es", "pt-br") else " "
    return f"{said}{of}{name}" + (f"{of}{year}" if year else "")


def _local_numeric(m, context):
    year, month, day = m.group("y"), int(m.group("m")), int(m.group("d"))
    if year and len(year) == 2:
        year = ("20" if int(year) < 50 else "19") + year
    return local_date(year, month, day, context.language) if _valid(month, day) else None


_DAY_FIRST = frozenset({"es", "fr", "it", "pt-br", "hi"})
RULES += (
    Rule("dates", re.compile(r"(?<![\w.-])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?![\w-])"), _local_numeric,
         _DAY_FIRST),
    # 04/03/2027, 4.3.2027, 04-03-2027, 04/03/27: day, month, year. A two-digit year only
    # with slashes: "3.11.20" is a version, "06-12-34-56-78" a phone number.
    Rule("dates", re.compile(r"(?<![\w./-])(?P<d>\d{1,2})(?P<sep>[/.-])(?P<m>\d{1,2})(?P=sep)"
                             r"(?P<y>\d{4}|(?<=/)\d{2})(?![\w/]|[.,-]\d)"), _local_numeric, _DAY_FIRST),
    # 2027/03/04, 2027-03-04 (Japan, China): year, month, day. Only Latin letters and digits
    # bound them there (words follow numbers without a space: "2027-03-04见").
    Rule("dates", re.compile(r"(?<![A-Za-z0-9_./-])(?P<y>\d{4})(?P<sep>[/-])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
                             r"(?![A-Za-z0-9_/-]|[.,]\d)"),
         _local_numeric, frozenset({"ja", "zh"})),
    # Not 月曜日 (Monday: "第3月曜日", the third Monday).
    Rule("dates", re.compile(r"(?<![0-9])(?P<m>1[0-2]|0?[1-9])月(?!曜)(?:(?P<d>3[01]|[12]\d|0?[1-9])日)?"),
         lambda m, _: local_date(None, int(m.group("m")), int(m.group("d") or 0), "ja"), frozenset({"ja"})),
)
