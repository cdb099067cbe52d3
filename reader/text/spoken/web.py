"""Web addresses, e-mail addresses, file paths and hashtags, read briefly: "kokoro dot org
slash faq", never the scheme, "www", a query string or character soup."""
from __future__ import annotations

import re
from urllib.parse import unquote

from reader.text.spoken.rule import Rule

# Endings a bare address (no scheme, no www) may have: lower case, and none that is also a short
# word, so "I did it.In the end" and "Call me.no" stay sentences.
_TLD = r"(?:com|org|net|io|dev|ai|app|edu|gov|co\.uk|uk|de|fr|nl|eu|info|ly|tv|ca|au|jp|cn|ch)"
_END = r"[^\s<>\"'.,;:!?)\]}]"  # an address does not end in the punctuation after it


def _words(part: str) -> str:
    """One host label or path segment: separators read as spaces, dots as "dot"."""
    part = unquote(part)
    part = re.sub(r"[-_+]+", " ", part)
    return " dot ".join(p.strip() for p in part.split(".") if p.strip())


def _url(m, _):
    url = m.group()
    body = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url, flags=re.IGNORECASE)
    body = re.sub(r"[?#].*$", "", body)  # query and fragment: nobody reads them out
    host, _, path = body.partition("/")
    host = re.sub(r"^www\d?\.", "", host, flags=re.IGNORECASE).split("@")[-1]
    host, _, port = host.partition(":")
    spoken = " dot ".join(_words(label) for label in host.split(".") if label)
    if port:
        spoken += f" port {port}"
    segments = [_words(s) for s in path.split("/") if s]
    if segments:
        spoken += " slash " + " slash ".join(segments)
    return spoken


def _email(m, _):
    local, _, domain = m.group().partition("@")
    return f"{_words(local)} at {' dot '.join(_words(p) for p in domain.split('.'))}"


def _path(m, _):
    path = m.group()
    home = path.startswith("~")
    segments = [_words(s) for s in path.lstrip("~").split("/") if s not in ("", ".", "..")]
    if path.lstrip("~").startswith("/") and not home:
        return "slash " + " slash ".join(segments)
    return ("home slash " if home else "") + " slash ".join(segments)


RULES = (
    Rule("web", re.compile(r"\b(?:[a-z][a-z0-9+.-]*://|www\d?\.)[^\s<>\"']*" + _END, re.IGNORECASE), _url),
    Rule("web", re.compile(r"(?<![\w@.])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), _email),
    Rule("web", re.compile(r"(?<![\w@./-])[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*\." + _TLD
                           + r"\b(?:/(?:[^\s<>\"']*" + _END + r")?)?(?![\w@])"), _url),
    # Two or more segments: "/usr/local/bin", "~/notes/todo.txt", "./run.sh" (not "and/or").
    Rule("web", re.compile(r"(?<![\w/.:~])(?:~|\.{1,2})?(?:/[\w.+-]+){2,}/?|(?<![\w/.~])(?:~|\.{1,2})/[\w.+-]+"),
         _path),
    Rule("web", re.compile(r"(?<![\w&#])#(?=[A-Za-z]\w*)"), lambda m, _: "hashtag "),
)
