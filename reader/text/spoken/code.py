"""Code identifiers as words: snake_case and camelCase are read as "snake case" and "camel
case", not as one made-up word."""
from __future__ import annotations

import itertools
import re

from reader.text.spoken.rule import Kept, Rule


def _snake(m, _):
    text, start = m.group(), m.start()
    pieces, at = [], 0
    for part in re.finditer(r"[^_]+", text):
        if pieces:
            pieces.append(" ")
        pieces.append(Kept(start + part.start(), start + part.end()))
        at = part.end()
    return pieces if at else None


def _camel(m, _):
    start = m.start()
    cuts = [0] + [k.start() for k in re.finditer(r"[A-Z]", m.group())] + [len(m.group())]
    pieces = []
    for a, b in itertools.pairwise(cuts):
        if pieces:
            pieces.append(" ")
        # "Id" is an ID, not the word "id".
        pieces.append("ID" if m.group()[a:b] == "Id" else Kept(start + a, start + b))
    return pieces


RULES = (
    Rule("code", re.compile(r"(?<![\w/.])_*[A-Za-z][A-Za-z0-9]*(?:_+[A-Za-z0-9]+)+_*(?![\w/])"), _snake),
    # lowerCamelCase with a lower-case head of 2+ letters ("getElementById", not "iPhone").
    Rule("code", re.compile(r"\b[a-z]{2,}(?:[A-Z][a-z0-9]+)+\b"), _camel),
)
