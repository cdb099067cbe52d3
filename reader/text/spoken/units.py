"""Units after a number, by name: "100 km" is "100 kilometers", "5 oz" "5 ounces", "25°C"
"25 degrees Celsius", "10 kB/s" "10 kilobytes per second". Singular after exactly 1."""
from __future__ import annotations

import re

from reader.text.spoken.rule import Rule, at_end, kept

_UNITS = {  # symbol: (singular, plural)
    "km/h": ("kilometer per hour", "kilometers per hour"), "kph": ("kilometer per hour", "kilometers per hour"),
    "mph": ("mile per hour", "miles per hour"), "m/s": ("meter per second", "meters per second"),
    "km": ("kilometer", "kilometers"), "cm": ("centimeter", "centimeters"), "mm": ("millimeter", "millimeters"),
    "m": ("meter", "meters"), "mi": ("mile", "miles"), "ft": ("foot", "feet"), "yd": ("yard", "yards"),
    # Cleaning (NFKC) has made "m²" "m2".
    "km2": ("square kilometer", "square kilometers"), "m2": ("square meter", "square meters"),
    "cm2": ("square centimeter", "square centimeters"), "ft2": ("square foot", "square feet"),
    "kg": ("kilogram", "kilograms"), "g": ("gram", "grams"), "mg": ("milligram", "milligrams"),
    "lb": ("pound", "pounds"), "lbs": ("pound", "pounds"), "oz": ("ounce", "ounces"),
    "°C": ("degree Celsius", "degrees Celsius"), "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "°": ("degree", "degrees"),
    "TB": ("terabyte", "terabytes"), "GB": ("gigabyte", "gigabytes"), "MB": ("megabyte", "megabytes"),
    "kB": ("kilobyte", "kilobytes"), "KB": ("kilobyte", "kilobytes"),
    "GB/s": ("gigabyte per second", "gigabytes per second"), "MB/s": ("megabyte per second", "megabytes per second"),
    "kB/s": ("kilobyte per second", "kilobytes per second"), "Gbps": ("gigabit per second", "gigabits per second"),
    "Mbps": ("megabit per second", "megabits per second"), "kbps": ("kilobit per second", "kilobits per second"),
    "ml": ("milliliter", "milliliters"), "mL": ("milliliter", "milliliters"), "l": ("liter", "liters"),
    "L": ("liter", "liters"), "tbsp": ("tablespoon", "tablespoons"), "tsp": ("teaspoon", "teaspoons"),
    "Hz": ("hertz", "hertz"), "kHz": ("kilohertz", "kilohertz"), "MHz": ("megahertz", "megahertz"),
    "GHz": ("gigahertz", "gigahertz"), "kWh": ("kilowatt hour", "kilowatt hours"), "kW": ("kilowatt", "kilowatts"),
    "W": ("watt", "watts"), "V": ("volt", "volts"), "mAh": ("milliamp hour", "milliamp hours"),
    "ms": ("millisecond", "milliseconds"), "min": ("minute", "minutes"), "hr": ("hour", "hours"),
    "hrs": ("hour", "hours"), "h": ("hour", "hours"), "sec": ("second", "seconds"), "s": ("second", "seconds"),
}
# Longest first, so "km/h" wins over "km" and "kB/s" over "kB".
_SYMBOL = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))


def attributive(m) -> bool:
    """ "a 60 W bulb": a measure before a noun is said in the singular ("a 60 watt bulb")."""
    return re.search(r"\b[Aa]n?\s+$", m.string[:m.start()]) is not None


# One letter glued to a number is usually not a unit: "the 1920s", "her 20s", "5m" (million).
_SPACED_ONLY = frozenset({"s", "h", "m", "l", "L", "W", "V", "g"})


def _unit(m, _):
    unit, rest = m.group("u"), m.string[m.end():]
    if len(unit) == 1 and (not m.group("space") and unit in _SPACED_ONLY or re.match(r"\.?\s*\d", rest)):
        return None  # "350 W 42nd Street" is an address
    one, many = _UNITS[unit]
    said = [kept(m, "n"), " ", one if m.group("n") in ("1", "1.0") or attributive(m) else many]
    if m.group("dot") and at_end(m):
        said.append(".")  # "6 ft." ends the sentence; inside one its period goes ("6 ft. tall")
    return said


RULES = (
    # After a number only; not inside a word or an address ("5 miles", "2x", "v2.0").
    Rule("units", re.compile(r"(?<![\w.,'])(?P<n>-?\d+(?:[.,]\d+)*)(?P<space>\s?)(?P<u>" + _SYMBOL
                             + r")(?![\w/²'\u2019])(?P<dot>\.(?!\w))?"), _unit),
)
