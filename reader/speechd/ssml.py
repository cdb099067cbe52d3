"""What speech-dispatcher sends a module to speak: SSML (a <speak> element, <mark name=.../>
index marks, maybe other tags) made into plain text and the offsets of its marks.

Tags other than marks are dropped (prosody and the like: the module's SET commands carry
rate, pitch and volume); entities are decoded. A mark's offset is where it stands in the
plain text, so the module can report it when the word after it is heard.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

_TAG = re.compile(r"<(/?)([A-Za-z_][\w:.-]*)([^<>]*?)(/?)>|<!--.*?-->|<\?.*?\?>", re.DOTALL)
_NAME = re.compile(r"""\bname\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# Elements after which a reader pauses: a paragraph or sentence ends there.
_BREAKS = frozenset({"p", "s", "break", "paragraph", "sentence"})


@dataclass(frozen=True)
class Marked:
    """Plain text and its index marks: (offset in text, name), in order."""

    text: str
    marks: tuple[tuple[int, str], ...] = ()


def parse(data: str) -> Marked:
    """SSML (or plain text, when it has no tags) as text and marks. Never raises: broken
    markup is read as text as far as it goes."""
    if "<" not in data:
        return Marked(html.unescape(data))
    out: list[str] = []
    marks: list[tuple[int, str]] = []
    at = 0
    length = 0
    for m in _TAG.finditer(data):
        piece = html.unescape(data[at:m.start()])
        out.append(piece)
        length += len(piece)
        at = m.end()
        name = (m.group(2) or "").lower()
        if name == "mark" and not m.group(1):
            found = _NAME.search(m.group(3) or "")
            if found:
                marks.append((length, html.unescape(found.group(1) if found.group(1) is not None else found.group(2))))
        elif name in _BREAKS and out and not "".join(out[-1:]).endswith((" ", "\n")):
            out.append(" ")
            length += 1
    piece = html.unescape(data[at:])
    out.append(piece)
    return Marked("".join(out), tuple(marks))


__all__ = ["Marked", "parse"]
