"""Times of day: 06:10 is "6 10", 14:00 "14 hundred", 8:05 "8 oh 5", 8am / 8 p.m. "8 AM",
and a range of them ("8am-4pm", "9:00-17:00") gets "to"."""
from __future__ import annotations

import re

from reader.text.spoken.rule import Rule, at_end, kept


def clock(hour: int, minute: int, half: str | None) -> str:
    """What follows the hour: "" (8 AM), " o'clock", " hundred", " oh 5", " 30", then AM/PM."""
    if minute == 0:
        said = " o'clock" if half is None and 1 <= hour <= 12 else "" if half else " hundred"
    else:
        said = f" oh {minute}" if minute < 10 else f" {minute}"
    return f"{said} {half.upper()}M" if half else said


def _time(m, _):
    hour, minute = int(m.group("h")), int(m.group("m") or 0)
    half = m.group("ap")
    if half is None and (m.group("m") is None or m.group("sep") == "."):
        return None  # a plain number, or a decimal like 3.14
    if half and not 1 <= hour <= 12:
        return None
    # The hour as written keeps its own span ("8" of "8am"); "06" is said "6".
    said = [kept(m, "h") if m.group("h") == str(hour) else str(hour), clock(hour, minute, half.lower() if half else None)]
    if m.group("to"):
        said.insert(0, " to ")
    if m.group().endswith(".") and half is not None and at_end(m):
        said.append(".")
    return said


_H = r"(?P<h>[01]?\d|2[0-4])"
RULES = (
    # "8am", "8:30 pm", "8 a.m.", "14:30", "06:10:30" (seconds are not read); a dash before one
    # that follows a time is a range.
    Rule("times", re.compile(r"(?:(?P<to>(?:(?<=AM)|(?<=PM)|(?<=\d))\s?[-\u2013]\s?)|(?<![\w:.-]))" + _H
                             + r"(?:(?P<sep>[:.])(?P<m>[0-5]\d)(?::[0-5]\d)?)?(?:\s?(?P<ap>[ap])\.?\s?m\b\.?)?(?![\w:]|\.\d)",
                             re.IGNORECASE), _time),
)


# -- Other languages: "12:30" is read "12 : 30" by their G2P. Each says it its own way.
_KANA_HOURS = ("れいじ", "いちじ", "にじ", "さんじ", "よじ", "ごじ", "ろくじ", "しちじ", "はちじ", "くじ")
_KANA_DIGITS = ("", "いち", "に", "さん", "よん", "ご", "ろく", "なな", "はち", "きゅう")
# Minutes: ippun, nifun, sanpun, yonpun, gofun, roppun, nanafun, happun, kyuufun, juppun.
_KANA_MINUTES = ("じゅっぷん", "いっぷん", "にふん", "さんぷん", "よんぷん", "ごふん", "ろっぷん", "ななふん",
                 "はっぷん", "きゅうふん")


def japanese_hour(h: int) -> str:
    """The reading of h時 (0-24): misaki's Japanese says 4時 "yon toki", not "yoji"."""
    tens = ("", "じゅう", "にじゅう")[h // 10]
    return tens + (_KANA_HOURS[h % 10] if h % 10 else "じ") if h >= 10 else _KANA_HOURS[h]


def japanese_minutes(m: int) -> str:
    """The reading of m分 (1-59): the count changes the sound of 分 ("ippun", "sanpun")."""
    tens = ("", "じゅう", "にじゅう", "さんじゅう", "よんじゅう", "ごじゅう")[m // 10]
    if m % 10 == 0:
        return tens[:-1] + "っぷん" if tens else ""  # juppun, nijuppun
    return tens + _KANA_MINUTES[m % 10]


def _local(m, context):
    """ "12:30" as said in the voice's language (not Japanese: _japanese)."""
    language = context.language
    hour, minute = int(m.group("h")), int(m.group("m") or 0)
    h = kept(m, "h") if m.group("h") == str(hour) else str(hour)
    mm = kept(m, "m") if m.group("m") == str(minute) else str(minute)
    if language == "zh":
        return [h, "点"] + (["零" if minute < 10 else "", mm, "分"] if minute else [])
    if language == "hi":
        return [h, " बजकर ", mm, " मिनट"] if minute else [h, " बजे"]
    if language == "fr":
        hours = {1: "une heure", 21: "vingt et une heures"}.get(hour)
        return ([hours] if hours else [h, " heures"]) + ([" ", mm] if minute else [])
    if language == "pt-br":
        # Hours are feminine: "duas horas", "vinte e uma e trinta"; the G2P says the masculine.
        hours = {1: "uma", 2: "duas", 21: "vinte e uma", 22: "vinte e duas"}.get(hour)
        if not minute:
            return [hours + (" hora" if hour == 1 else " horas")] if hours else [h, " horas"]
        return [hours or h, " e ", mm]
    if not minute:
        return [h, " en punto"] if language == "es" else [h]
    return [h, " e " if language in ("it", "pt-br") else " y ", mm]


def _japanese(m, _):
    minute = int(m.group("m") or m.group("m2") or 0)
    # A space: misaki's Japanese splits "いちじいっぷん" as "ichi jii ppun".
    return japanese_hour(int(m.group("h"))) + (" " + japanese_minutes(minute) if minute else "")


_AND_MINUTES = {"es": " y ", "fr": " ", "it": " e ", "pt-br": " e ", "hi": " और "}
RULES += (
    # A duration, "1 h 30 min": hours and minutes (units.py names them), not a time of day.
    Rule("times", re.compile(r"(?<![\w:.])(?P<h>\d+)\s?h\s?(?P<m>\d{1,2})(?=\s?min\b)"),
         lambda m, c: [kept(m, "h"), " h", _AND_MINUTES[c.language], kept(m, "m")], frozenset(_AND_MINUTES)),
    # 12:30 everywhere; 12h30 and 12h in French and Portuguese; 12時30分 in Japanese.
    Rule("times", re.compile(r"(?<![\w:.])(?P<h>[01]?\d|2[0-4]):(?P<m>[0-5]\d)(?::[0-5]\d)?(?![\w:]|[.,]\d)"),
         _local, frozenset({"es", "fr", "it", "pt-br"})),
    # Hindi: the बजे after a time is part of how it is said ("12 बजकर 30 मिनट").
    Rule("times", re.compile(r"(?<![\w:.])(?P<h>[01]?\d|2[0-4]):(?P<m>[0-5]\d)(?::[0-5]\d)?(?:\s?बजे)?(?![\w:]|[.,]\d)"),
         _local, frozenset({"hi"})),
    Rule("times", re.compile(r"(?<![\w:.])(?P<h>[01]?\d|2[0-4])\s?h(?:\s?(?P<m>[0-5]\d))?(?!\w)"), _local,
         frozenset({"fr", "pt-br"})),
    Rule("times", re.compile(r"(?<![0-9:.])(?P<h>[01]?\d|2[0-4])(?::(?P<m>[0-5]\d)|時(?:(?P<m2>[0-5]?\d)分)?)"
                             r"(?::[0-5]\d)?(?![0-9:])"), _japanese, frozenset({"ja"})),
    Rule("times", re.compile(r"(?<![0-9:.])(?P<h>[01]?\d|2[0-4]):(?P<m>[0-5]\d)(?::[0-5]\d)?(?![0-9:])"), _local,
         frozenset({"zh"})),
)

