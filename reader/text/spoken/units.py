"""Units after a number, by name: "100 km" is "100 kilometers", "5 oz" "5 ounces", "25°C"
"25 degrees Celsius", "10 kB/s" "10 kilobytes per second". Singular after exactly 1."""
from __future__ import annotations

import re

from reader.text.spoken.numbers import _MINUS, _value
from reader.text.spoken.rule import Kept, Rule, at_end, kept

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


# -- Other languages: their G2P spells a unit's letters ("5 km" is "cinco ka eme"). By name,
# singular after 1, which is said as the article of the unit's gender ("una hora", "une
# minute"; in French below 2: "1,5 kilomètre"). "5 h" up to 24 is a time in French and
# Portuguese (times.py runs first).
_M, _F = False, True  # the unit's gender: feminine?
_SHARED = ("km", "m", "cm", "mm", "kg", "g", "mg", "l", "L", "ml", "mL", "km/h", "m/s", "m2", "km2", "°C",
           "°F", "h", "min", "s", "ms", "TB", "GB", "MB", "kB", "KB", "kWh", "kW", "W", "Hz", "kHz", "MHz", "GHz")
_UNITS_IN = {
    "es": dict(zip(_SHARED, (
        ("kilómetro", "kilómetros", _M), ("metro", "metros", _M), ("centímetro", "centímetros", _M),
        ("milímetro", "milímetros", _M), ("kilo", "kilos", _M), ("gramo", "gramos", _M),
        ("miligramo", "miligramos", _M), ("litro", "litros", _M), ("litro", "litros", _M),
        ("mililitro", "mililitros", _M), ("mililitro", "mililitros", _M),
        ("kilómetro por hora", "kilómetros por hora", _M), ("metro por segundo", "metros por segundo", _M),
        ("metro cuadrado", "metros cuadrados", _M), ("kilómetro cuadrado", "kilómetros cuadrados", _M),
        ("grado", "grados", _M), ("grado Fahrenheit", "grados Fahrenheit", _M), ("hora", "horas", _F),
        ("minuto", "minutos", _M), ("segundo", "segundos", _M), ("milisegundo", "milisegundos", _M),
        ("terabyte", "terabytes", _M), ("gigabyte", "gigabytes", _M), ("megabyte", "megabytes", _M),
        ("kilobyte", "kilobytes", _M), ("kilobyte", "kilobytes", _M), ("kilovatio hora", "kilovatios hora", _M),
        ("kilovatio", "kilovatios", _M), ("vatio", "vatios", _M), ("hercio", "hercios", _M),
        ("kilohercio", "kilohercios", _M), ("megahercio", "megahercios", _M), ("gigahercio", "gigahercios", _M)))),
    "fr": dict(zip(_SHARED, (
        ("kilomètre", "kilomètres", _M), ("mètre", "mètres", _M), ("centimètre", "centimètres", _M),
        ("millimètre", "millimètres", _M), ("kilo", "kilos", _M), ("gramme", "grammes", _M),
        ("milligramme", "milligrammes", _M), ("litre", "litres", _M), ("litre", "litres", _M),
        ("millilitre", "millilitres", _M), ("millilitre", "millilitres", _M),
        ("kilomètre heure", "kilomètres heure", _M), ("mètre par seconde", "mètres par seconde", _M),
        ("mètre carré", "mètres carrés", _M), ("kilomètre carré", "kilomètres carrés", _M),
        ("degré", "degrés", _M), ("degré Fahrenheit", "degrés Fahrenheit", _M), ("heure", "heures", _F),
        ("minute", "minutes", _F), ("seconde", "secondes", _F), ("milliseconde", "millisecondes", _F),
        ("téraoctet", "téraoctets", _M), ("gigaoctet", "gigaoctets", _M), ("mégaoctet", "mégaoctets", _M),
        ("kilooctet", "kilooctets", _M), ("kilooctet", "kilooctets", _M), ("kilowattheure", "kilowattheures", _M),
        ("kilowatt", "kilowatts", _M), ("watt", "watts", _M), ("hertz", "hertz", _M), ("kilohertz", "kilohertz", _M),
        ("mégahertz", "mégahertz", _M), ("gigahertz", "gigahertz", _M)))),
    "it": dict(zip(_SHARED, (
        ("chilometro", "chilometri", _M), ("metro", "metri", _M), ("centimetro", "centimetri", _M),
        ("millimetro", "millimetri", _M), ("chilo", "chili", _M), ("grammo", "grammi", _M),
        ("milligrammo", "milligrammi", _M), ("litro", "litri", _M), ("litro", "litri", _M),
        ("millilitro", "millilitri", _M), ("millilitro", "millilitri", _M),
        ("chilometro orario", "chilometri orari", _M), ("metro al secondo", "metri al secondo", _M),
        ("metro quadrato", "metri quadrati", _M), ("chilometro quadrato", "chilometri quadrati", _M),
        ("grado", "gradi", _M), ("grado Fahrenheit", "gradi Fahrenheit", _M), ("ora", "ore", _F),
        ("minuto", "minuti", _M), ("secondo", "secondi", _M), ("millisecondo", "millisecondi", _M),
        ("terabyte", "terabyte", _M), ("gigabyte", "gigabyte", _M), ("megabyte", "megabyte", _M),
        ("kilobyte", "kilobyte", _M), ("kilobyte", "kilobyte", _M), ("chilowattora", "chilowattora", _M),
        ("chilowatt", "chilowatt", _M), ("watt", "watt", _M), ("hertz", "hertz", _M), ("kilohertz", "kilohertz", _M),
        ("megahertz", "megahertz", _M), ("gigahertz", "gigahertz", _M)))),
    "pt-br": dict(zip(_SHARED, (
        ("quilômetro", "quilômetros", _M), ("metro", "metros", _M), ("centímetro", "centímetros", _M),
        ("milímetro", "milímetros", _M), ("quilo", "quilos", _M), ("grama", "gramas", _M),
        ("miligrama", "miligramas", _M), ("litro", "litros", _M), ("litro", "litros", _M),
        ("mililitro", "mililitros", _M), ("mililitro", "mililitros", _M),
        ("quilômetro por hora", "quilômetros por hora", _M), ("metro por segundo", "metros por segundo", _M),
        ("metro quadrado", "metros quadrados", _M), ("quilômetro quadrado", "quilômetros quadrados", _M),
        ("grau", "graus", _M), ("grau Fahrenheit", "graus Fahrenheit", _M), ("hora", "horas", _F),
        ("minuto", "minutos", _M), ("segundo", "segundos", _M), ("milissegundo", "milissegundos", _M),
        ("terabyte", "terabytes", _M), ("gigabyte", "gigabytes", _M), ("megabyte", "megabytes", _M),
        ("kilobyte", "kilobytes", _M), ("kilobyte", "kilobytes", _M), ("quilowatt-hora", "quilowatts-hora", _M),
        ("quilowatt", "quilowatts", _M), ("watt", "watts", _M), ("hertz", "hertz", _M), ("quilohertz", "quilohertz", _M),
        ("megahertz", "megahertz", _M), ("gigahertz", "gigahertz", _M)))),
    "hi": dict(zip(_SHARED, (
        ("किलोमीटर",) * 2 + (_M,), ("मीटर",) * 2 + (_M,), ("सेंटीमीटर",) * 2 + (_M,), ("मिलीमीटर",) * 2 + (_M,),
        ("किलो",) * 2 + (_M,), ("ग्राम",) * 2 + (_M,), ("मिलीग्राम",) * 2 + (_M,), ("लीटर",) * 2 + (_M,),
        ("लीटर",) * 2 + (_M,), ("मिलीलीटर",) * 2 + (_M,), ("मिलीलीटर",) * 2 + (_M,),
        ("किलोमीटर प्रति घंटा",) * 2 + (_M,), ("मीटर प्रति सेकंड",) * 2 + (_M,), ("वर्ग मीटर",) * 2 + (_M,),
        ("वर्ग किलोमीटर",) * 2 + (_M,), ("डिग्री सेल्सियस",) * 2 + (_F,), ("डिग्री फ़ारेनहाइट",) * 2 + (_F,),
        ("घंटा", "घंटे", _M), ("मिनट",) * 2 + (_M,), ("सेकंड",) * 2 + (_M,), ("मिलीसेकंड",) * 2 + (_M,),
        ("टेराबाइट",) * 2 + (_M,), ("गीगाबाइट",) * 2 + (_M,), ("मेगाबाइट",) * 2 + (_M,), ("किलोबाइट",) * 2 + (_M,),
        ("किलोबाइट",) * 2 + (_M,), ("किलोवाट घंटा",) * 2 + (_M,), ("किलोवाट",) * 2 + (_M,), ("वाट",) * 2 + (_M,),
        ("हर्ट्ज़",) * 2 + (_M,), ("किलोहर्ट्ज़",) * 2 + (_M,), ("मेगाहर्ट्ज़",) * 2 + (_M,),
        ("गीगाहर्ट्ज़",) * 2 + (_M,)))),
}
# French writes bytes as octets: Go, Mo, To, ko.
_UNITS_IN["fr"] |= {"To": _UNITS_IN["fr"]["TB"], "Go": _UNITS_IN["fr"]["GB"], "Mo": _UNITS_IN["fr"]["MB"],
                    "ko": _UNITS_IN["fr"]["kB"]}
_OTHER_SYMBOL = "|".join(re.escape(u) for u in sorted(set().union(*_UNITS_IN.values()), key=len, reverse=True))


def _local_unit(m, context):
    language, unit, rest = context.language, m.group("u"), m.string[m.end():]
    entry = _UNITS_IN[language][unit]
    if len(unit) == 1 and (not m.group("space") and unit in _SPACED_ONLY or re.match(r"\.?\s*\d", rest)):
        return None
    one, many, feminine = entry
    n = m.group("n")
    try:
        value = _value(n, language)
    except ValueError:
        value = 2.0  # "10,20,30": several numbers; the plural
    single = abs(value) < 2 if language == "fr" else abs(value) == 1 and n.lstrip("-") == "1"
    number: str | Kept = agreeing(n, language, feminine) or kept(m, "n")
    if number == "una" and language == "it" and one[0] in "aeiou":
        number = "un'"  # "un'ora"
    said = [number, "" if number == "un'" else " ", one if single else many]
    # Its period ends the sentence at the end or before a capital ("3 L. Luego"); inside one
    # it goes ("6 ft. tall").
    if m.group("dot") and (at_end(m) or re.match(r"\s+[\"'(«¿¡]*[^\W\d_]", rest) and rest.lstrip(" \"'(«¿¡")[:1].isupper()):
        said.append(".")
    return said


_ONES = {"es": ("un", "una"), "fr": ("un", "une"), "it": ("un", "una"), "pt-br": ("um", "uma")}


def agreeing(n: str, language: str, feminine: bool) -> str | None:
    """A whole number before a noun, in words where the G2P would not agree with it: 1 and
    21, 31... ("una hora", "veintiún kilómetros", "vingt et une minutes", "duas horas");
    None where its digits read right."""
    if not re.fullmatch(r"-?\d{1,2}", n) or language not in _ONES:
        return None
    value = abs(int(n))
    minus = _MINUS[language] + " " if n.startswith("-") else ""
    if language == "pt-br" and value % 10 == 2 and value != 12 and feminine:
        return minus + ("duas" if value == 2 else _tens(value, language) + " e duas")
    if value % 10 != 1 or value == 11:
        return None
    one = _ONES[language][feminine]
    if value == 1:
        return minus + one
    if language == "it":
        return None  # "ventun" and "ventuno" both pass; the G2P says "ventuno"
    if language == "es" and value == 21:
        return minus + ("veintiuna" if feminine else "veintiún")
    joiner = {"es": " y ", "fr": " et ", "pt-br": " e "}[language]
    return minus + _tens(value, language) + joiner + one


def _tens(value: int, language: str) -> str:
    from num2words import num2words  # misaki's dependency: already installed

    return num2words(value - value % 10, lang={"pt-br": "pt_BR"}.get(language, language))


RULES += (
    Rule("units", re.compile(r"(?<![\w.,'])(?P<n>-?\d+(?:[.,]\d+)*)(?P<space>\s?)(?P<u>" + _OTHER_SYMBOL
                             + r")(?![\w/²'\u2019])(?P<dot>\.(?!\w))?"), _local_unit, frozenset(_UNITS_IN)),
)
