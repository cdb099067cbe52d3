"""Clean raw text for speech, remembering where each cleaned character came from.

clean() turns whatever the user selected (web pages, PDFs, terminal output, text decoded
from binary) into plain speakable text: NFKC, straight quotes, no control or invisible
characters, collapsed whitespace, and emoji replaced by their names the way a screen
reader announces them. Every cleaned character keeps the offsets of the original code
point cluster that produced it, so highlights can be drawn on the user's own text.

Speed: chars that clean to one char on their own (nearly all text) are translated in
one C-level str.translate; only the rest go through the per-cluster path.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from array import array
from dataclasses import dataclass

from reader.types import Span

_WHITESPACE = re.compile(r"[ \t]*\n[ \t\n]*|[ \t][ \t]+|\t")

_ZWJ = "\u200d"
_SKIN_TONES = range(0x1F3FB, 0x1F400)
_REGIONAL_INDICATORS = range(0x1F1E6, 0x1F200)

# Characters whose NFKC form is not what a listener wants.
_REPLACE = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u2039": "'", "\u203a": "'", "\u02bc": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2212": "-",
    # A long dash separates clauses; spaces keep it from gluing two words into one.
    "\u2014": " - ", "\u2015": " - ", "\u2e3a": " - ", "\u2e3b": " - ",
    "\t": "\t", "\n": "\n", "\r": "\n", "\x0b": "\n", "\x0c": "\n", "\x85": "\n",
    "\u2028": "\n", "\u2029": "\n\n",
    "\ufffd": "", "\ufffc": "",  # replacement / object replacement: decoding debris
}
_KEEP = frozenset("\u00ba\u00aa")  # ordinal signs (1.º, 1.ª): NFKC would make them the letters o, a
# Invisible or unspeakable: controls, format chars (zero-width, bidi, soft hyphen, BOM),
# surrogates, private use, unassigned, and enclosing marks (keycaps, circles).
_DROP_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Me"})


@dataclass(frozen=True)
class CleanText:
    """Cleaned text plus, for each cleaned char i, the original cluster [origin[i], origin_end[i])."""

    text: str
    origin: array
    origin_end: array

    def span(self, start: int, end: int) -> Span:
        """The original-text Span that produced cleaned text[start:end]."""
        if not 0 <= start <= end <= len(self.text):
            raise IndexError(f"bad range {start}..{end} for {len(self.text)} chars")
        if start == end:
            at = self.origin[start] if start < len(self.text) else (
                self.origin_end[start - 1] if start else 0)
            return Span(at, at)
        return Span(self.origin[start], self.origin_end[end - 1])

    def slice(self, start: int, end: int) -> CleanText:
        return CleanText(self.text[start:end], self.origin[start:end], self.origin_end[start:end])


def clean(text: str, *, offset: int = 0) -> CleanText:
    """Clean text for speech; origins are offsets into text, plus offset (for windows)."""
    out: list[str] = []
    origin = array("q")
    origin_end = array("q")

    def copy(a: int, b: int) -> None:  # translated[a:b] is already clean, one char per char
        out.append(translated[a:b])
        origin.extend(range(offset + a, offset + b))
        origin_end.extend(range(offset + a + 1, offset + b + 1))

    # Most chars clean to one char on their own: translate them all at C speed. Runs of
    # chars to drop are skipped; other runs are redone one cluster at a time, starting
    # from the char before the run (the base a combining mark or keycap sits on).
    translated = text.translate(_SIMPLE)
    prev = 0
    for m in _SPECIAL_RUN.finditer(translated):
        if _NOT_SIMPLE not in m.group():
            copy(prev, m.start())
            prev = m.end()
            continue
        a = max(m.start() - 1, prev)
        copy(prev, a)
        _clean_slow(text, a, m.end(), offset, out, origin, origin_end)
        prev = m.end()
    copy(prev, len(text))
    return _collapse_whitespace("".join(out), origin, origin_end)


def _clean_slow(text: str, a: int, b: int, offset: int, out: list[str],
                origin: array, origin_end: array) -> None:
    """Clean text[a:b] one cluster (or one emoji sequence) at a time."""
    i = a
    while i < b:
        ch = text[i]
        if _is_emoji(ch):
            j, names = _emoji_sequence(text, i, b)
            while j < b and _is_emoji(text[j]):  # a run of the same emoji is named once
                k, more = _emoji_sequence(text, j, b)
                if more != names:
                    break
                j = k
            piece = _pad(text, i, j, " ".join(names))
        else:
            j = i + 1
            while j < b and unicodedata.category(text[j])[0] == "M":
                j += 1
            if ch == "\r" and j < len(text) and text[j] == "\n":
                piece = ""  # CRLF is one line break; the \n provides it
            else:
                piece = _clean_cluster(text[i:j])
        if piece:
            out.append(piece)
            origin.extend([offset + i] * len(piece))
            origin_end.extend([offset + j] * len(piece))
        i = j


_NOT_SIMPLE = "\x00"
_DROPPED = "\x01"
_SPECIAL_RUN = re.compile("[\x00\x01]+")


class _SimpleTable(dict):
    """str.translate table: a char that cleans to one char on its own maps to that char,
    one that cleans to nothing maps to _DROPPED, and one needing context (marks, emoji,
    CR) or expanding maps to _NOT_SIMPLE. A lazily filled cache of a pure function."""

    def __missing__(self, cp: int) -> str:
        ch = chr(cp)
        simple = not (_is_emoji(ch) or ch == "\r" or unicodedata.category(ch)[0] == "M")
        result = _clean_cluster(ch) if simple else ""
        self[cp] = result if len(result) == 1 else _DROPPED if simple and not result else _NOT_SIMPLE
        return self[cp]


_SIMPLE = _SimpleTable()


def _pad(text: str, i: int, j: int, name: str) -> str:
    """Spaces around an emoji's name that replaces text[i:j], but not before "." or after "("."""
    before = i > 0 and not text[i - 1].isspace() and unicodedata.category(text[i - 1]) not in ("Ps", "Pi")
    after = j < len(text) and not text[j].isspace() and unicodedata.category(text[j]) not in ("Pe", "Pf", "Po")
    return " " * before + name + " " * after


@functools.lru_cache(maxsize=8192)
def _clean_cluster(cluster: str) -> str:
    base = cluster[0]
    if cluster in _KEEP:
        return cluster
    if base not in _REPLACE and unicodedata.category(base)[0] in "CM":
        return ""  # a control/invisible char, or a combining mark with nothing to sit on
    if len(cluster) > 1 and (base in _REPLACE or base.isspace()):
        return _clean_cluster(base)  # marks on a space, dash or quote: nothing to say
    text = "".join(map(_clean_char, unicodedata.normalize("NFKC", cluster)))
    if text[:1] == " " and unicodedata.category(text[1:2] or " ")[0] == "M":
        # NFKC turns spacing accents into space + mark ("\u00a8" -> " \u0308"); the mark
        # has no letter to sit on, so only the space is kept.
        return " "
    return text


def _clean_char(ch: str) -> str:
    if ch in _REPLACE:
        return _REPLACE[ch]
    cat = unicodedata.category(ch)
    if cat in _DROP_CATEGORIES or _is_variation_selector(ch) or ord(ch) in _SKIN_TONES:
        return ""
    if cat == "Zs":
        return " "
    return ch


def _is_variation_selector(ch: str) -> bool:
    cp = ord(ch)
    return 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF


def _is_emoji(ch: str) -> bool:
    cp = ord(ch)
    in_range = 0x1F000 <= cp <= 0x1FAFF or 0x2190 <= cp <= 0x2BFF or cp in (0x3030, 0x303D, 0x3297, 0x3299)
    return in_range and unicodedata.category(ch) == "So"


def _is_emoji_modifier(ch: str) -> bool:
    """Chars that decorate an emoji and are not spoken: skin tones, VS16, tags, keycap."""
    cp = ord(ch)
    return cp in _SKIN_TONES or _is_variation_selector(ch) or 0xE0020 <= cp <= 0xE007F or cp == 0x20E3


def _emoji_sequence(text: str, i: int, end: int) -> tuple[int, tuple[str, ...]]:
    """Read one emoji (with modifiers and ZWJ-joined parts) at text[i]: (end, its name)."""
    start, parts, flag = i, [], False  # parts: the Unicode names, where the emoji data has none
    while True:
        cp = ord(text[i])
        if cp in _REGIONAL_INDICATORS and i + 1 < end and ord(text[i + 1]) in _REGIONAL_INDICATORS:
            parts.append(f"{unicodedata.name(text[i])[-1]} {unicodedata.name(text[i + 1])[-1]}")
            flag = True  # two regional indicator letters make a country's flag
            i += 2
        else:
            parts.append(unicodedata.name(text[i], "").lower())
            i += 1
        while i < end and _is_emoji_modifier(text[i]):
            flag = flag or 0xE0020 <= ord(text[i]) <= 0xE007F  # tags make a region's flag
            i += 1
        if i + 1 < end and text[i] == _ZWJ and _is_emoji(text[i + 1]):
            i += 1
            continue
        name = _spoken_name(text[start:i]) or " ".join(p for p in parts if p)
        return i, ((f"flag {name}" if flag else name),) if name else ()


@functools.lru_cache(maxsize=1024)
def _spoken_name(sequence: str) -> str | None:
    """The emoji's CLDR short name, what screen readers say ("thumbs up", "red heart", "man
    technologist"), from the emoji package's data; skin tones are left out, as before."""
    import emoji

    bare = "".join(c for c in sequence if ord(c) not in _SKIN_TONES)
    for candidate in (bare, bare.replace("\ufe0f", ""), bare + "\ufe0f"):
        if (data := emoji.EMOJI_DATA.get(candidate)) is not None:
            return data["en"].strip(":").replace("_", " ")
    return None


def _collapse_whitespace(text: str, origin: array, origin_end: array) -> CleanText:
    """Spaces/tabs -> one space, line breaks -> "\\n", blank lines -> "\\n\\n", then strip."""
    parts: list[str] = []
    new_origin = array("q")
    new_end = array("q")
    prev = 0
    for m in _WHITESPACE.finditer(text):
        a, b = m.span()
        newlines = m.group().count("\n")
        repl = "\n\n" if newlines > 1 else "\n" if newlines else " "
        parts.append(text[prev:a])
        new_origin.extend(origin[prev:a])
        new_end.extend(origin_end[prev:a])
        parts.append(repl)
        new_origin.extend([origin[a]] * len(repl))
        new_end.extend([origin_end[a]] * len(repl))
        prev = b
    if prev:
        parts.append(text[prev:])
        new_origin.extend(origin[prev:])
        new_end.extend(origin_end[prev:])
        text, origin, origin_end = "".join(parts), new_origin, new_end
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    if start or end < len(text):
        return CleanText(text[start:end], origin[start:end], origin_end[start:end])
    return CleanText(text, origin, origin_end)
