"""Markdown and PDF debris: emphasis markers, inline code, links, headings, list bullets,
quote marks at line starts, and words hyphenated across a line break ("continu-\\nous")."""
from __future__ import annotations

import re
from functools import partial

from reader.text.spoken.rule import Rule, kept

_rule = partial(Rule, "markup", languages=None)  # markup is the same in every language


def _inner(m, _):
    return [kept(m, "inner")]


RULES = (
    # A word cut at a line's end: only with a line break, so "pre- and post-war" stays.
    _rule(re.compile(r"(?<=[a-z])-\n[ \t]*(?=[a-z])"), lambda m, _: ""),
    # ![alt](src) and [text](url): the text; misaki would read "(...)" as a pronunciation.
    _rule(re.compile(r"!?\[(?P<inner>[^\]\n]+)\]\([^)\s]*\)"), _inner),
    _rule(re.compile(r"`(?P<inner>[^`\n]+)`"), _inner),
    _rule(re.compile(r"(?<![\w*_~\\])(?P<mark>\*\*|__|\*|_|~~)(?=[^\s*_~])(?P<inner>[^\n]{0,200}?[^\s*_~\\])"
                     r"(?P=mark)(?![\w*_~])"), _inner),
    _rule(re.compile(r"(?m)^[ \t]*(?:#{1,6}|>+|[-*+\u2022])[ \t]+"), lambda m, _: ""),
    _rule(re.compile(r"(?m)^[ \t]*(?:```\S*|-{3,}|\*{3,}|_{3,})[ \t]*$"), lambda m, _: ""),
)
