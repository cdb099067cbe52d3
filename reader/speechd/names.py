"""What a screen reader's single characters and keys are called aloud: CHAR "A" is
"capital A", "?" is "question mark"; KEY "control_alt_delete" is "control alt delete",
"kp-enter" "keypad enter". In English: the names go to the voice's G2P as words.
"""
from __future__ import annotations

import unicodedata

# Friendlier than Unicode's names, as screen readers say them.
_CHARS = {
    " ": "space", "\n": "new line", "\t": "tab", ".": "dot", ",": "comma", ";": "semicolon", ":": "colon",
    "!": "exclamation mark", "?": "question mark", "'": "apostrophe", '"': "quote", "`": "grave",
    "-": "dash", "_": "underscore", "(": "left paren", ")": "right paren", "[": "left bracket",
    "]": "right bracket", "{": "left brace", "}": "right brace", "<": "less than", ">": "greater than",
    "=": "equals", "+": "plus", "*": "star", "/": "slash", "\\": "backslash", "|": "bar", "&": "and",
    "@": "at", "#": "number sign", "$": "dollar", "%": "percent", "^": "caret", "~": "tilde",
    "€": "euro", "£": "pound", "¥": "yen", "©": "copyright", "®": "registered", "°": "degree",
    "§": "section", "¶": "paragraph", "•": "bullet", "…": "ellipsis", "–": "en dash", "—": "em dash",
}
_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
# SSIP key names (the KEY command) that are not words already.
_KEYS = {
    "kp": "keypad", "prior": "page up", "next": "page down", "num-lock": "num lock", "scroll-lock": "scroll lock",
    "caps-lock": "caps lock", "double-quote": "double quote", "backspace": "backspace", "escape": "escape",
    "window": "windows", "super": "super", "hyper": "hyper", "meta": "meta", "print": "print screen",
    "l": "left", "r": "right", "enter": "enter", "return": "return", "multiply": "times", "divide": "divided by",
    "subtract": "minus", "add": "plus", "decimal": "point",
}


_MODIFIERS = frozenset({"shift", "control", "alt", "super", "meta", "hyper", "windows"})


def char_name(char: str) -> str:
    """How one character (CHAR) is said: letters as themselves ("capital A" when upper
    case), digits and marks by name; a longer string as it is."""
    if len(char) != 1:
        return _CHARS.get(char, char) if char else "blank"
    if char in _CHARS:
        return _CHARS[char]
    if char.isdigit() and char.isascii():
        return _DIGITS[int(char)]
    if char.isalpha():
        name = unicodedata.name(char, "")
        # "LATIN SMALL LETTER E WITH ACUTE" -> "e acute"; other scripts read the letter itself.
        if char.isascii():
            # Alone, "a" is read as the article ("uh"): "a." is the letter's name.
            return f"capital {char}" if char.isupper() else ("a." if char == "a" else char)
        if " WITH " in name and ("LATIN" in name):
            base = unicodedata.normalize("NFD", char)[0]
            accent = name.split(" WITH ", 1)[1].lower()
            return f"{'capital ' if char.isupper() else ''}{base.upper() if char.isupper() else base} {accent}"
        return char
    name = unicodedata.name(char, "")
    if name:
        import emoji

        return emoji.demojize(char, delimiters=("", "")).replace("_", " ") if emoji.is_emoji(char) else name.lower()
    return char


def key_name(key: str) -> str:
    """How a key (KEY, SSIP's names joined by "_", e.g. "shift_a", "kp-enter") is said."""
    words: list[str] = []
    for part in key.replace("_", " ").split():
        if part in ("L", "R") and words and words[-1] in _MODIFIERS:
            continue  # X's "Shift_L": which shift does not matter to the listener
        if len(part) == 1:
            words.append(char_name(part))
            continue
        pieces = part.split("-")
        words.extend(_KEYS.get(p.lower(), p.lower()) for p in pieces if p)
    return " ".join(words) or "blank"


# What a screen reader says most often on its own (CHAR, KEY, short SPEAKs): made ahead and
# kept (synth/phrases.py), so they start without the model.
_ROLES = (
    "button", "check box", "checked", "not checked", "partially checked", "radio button", "selected",
    "not selected", "menu", "menu item", "menu bar", "link", "visited link", "edit", "entry", "text",
    "password text", "combo box", "list", "list item", "tree", "tree item", "expanded", "collapsed", "table",
    "row", "column", "cell", "heading", "heading level 1", "heading level 2", "heading level 3",
    "heading level 4", "heading level 5", "heading level 6", "dialog", "alert", "tab", "page tab",
    "toggle button", "pressed", "not pressed", "slider", "spin button", "toolbar", "status bar", "image",
    "unavailable", "required", "read only", "focused", "busy", "blank", "on", "off", "paragraph", "separator",
    "scroll bar", "panel", "frame", "window", "label", "document", "section", "leaving", "has popup",
)
_KEY_NAMES = ("shift", "control", "alt", "super", "tab", "enter", "return", "escape", "backspace", "delete",
              "insert", "home", "end", "page up", "page down", "up", "down", "left", "right", "caps lock",
              "num lock", "print screen", "menu", *(f"f{n}" for n in range(1, 13)))
SCREEN_READER_PHRASES: tuple[str, ...] = tuple(dict.fromkeys((
    *(char_name(chr(c)) for c in range(ord("a"), ord("z") + 1)),
    *(f"capital {chr(c)}" for c in range(ord("A"), ord("Z") + 1)),
    *_DIGITS, *_CHARS.values(), *_KEY_NAMES, *_ROLES)))

__all__ = ["SCREEN_READER_PHRASES", "char_name", "key_name"]
