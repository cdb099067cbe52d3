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
