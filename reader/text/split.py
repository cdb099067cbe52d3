"""Split text into sentences, and sentences into chunks small enough for one model call.

Entry points:
    utterance_chunks(text)        what the synthesizer reads: sentences + chunks, exact spans
    sentences(text)               sentence spans, for next/previous sentence navigation
    split_chunk(chunk, source=text)  halve a chunk whose phonemes came out too long

Spans. Cleaning changes lengths (emoji names, collapsed spaces, CRLF), so a chunk's span
is found through the CleanText origin map of its sentence. utterance_chunks has the maps
in hand. split_chunk() gets them back by re-cleaning source[span]: cleaning is
local, so a sentence's original slice cleans to the same text. Without source (or if the
text was edited since) it falls back to spreading the span evenly over the text, which is
exact only when cleaning kept the length.

Streaming. sentences() cleans the text in windows (up to a blank line, or a few KB ending
at a space) and carries the last, possibly unfinished, sentence of each window into the
next one, so the first sentence of a 1 MB text comes out after a few KB of work.
"""
from __future__ import annotations

import math
import re
from array import array
from collections.abc import Iterator
from itertools import islice, pairwise

from reader.text.normalize import CleanText, clean
from reader.text.spoken import Reading
from reader.text.spoken.abbreviations import BEFORE_NUMBER_ELSEWHERE, TITLES_ELSEWHERE
from reader.types import Sentence, Span, TextChunk

_WINDOW = 4096  # chars of original text cleaned at a time
_MAX_WINDOW = 16384  # a "sentence" longer than this is cut where the window ends
_PARAGRAPH = re.compile(r"\n[^\S\n]*\n")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\S+")
_RAMP_MIN_CHARS = 12  # a ramped chunk may always be this long: shorter ones sound choppy

# Cut preferences, as penalties added to how far a cut is from the balanced point
# (measured in ideal piece lengths): a clause cut a bit off-centre beats a central word cut.
_CLAUSE, _COMMA, _WORD_CUT = 0.0, 0.25, 0.6
_EXTRA_PIECE = 10.0  # a cut that costs one more chunk than needed
_CHAR_CUT = 50.0  # cutting a word in two is worse than an extra chunk...
_DISALLOWED = 100.0  # ...but better than cutting an emoji's name, "Dr. | Smith", "1 | 000"


# ---------------------------------------------------------------- sentences


def sentences(text: str) -> Iterator[Sentence]:
    """Yield the sentences of text (cleaned text, span in text), lazily. Their spans and
    indices are those of utterance_chunks whatever its reading: a reading rewrites each
    sentence after the split."""
    for sentence, _ in _mapped_sentences(text):
        yield sentence


def _mapped_sentences(text: str, reading: Reading | None = None) -> Iterator[tuple[Sentence, CleanText]]:
    """Yield (sentence, its CleanText with newlines as spaces), window by window."""
    pos, index, size = 0, 0, _WINDOW
    while pos < len(text):
        end, final = _window_end(text, pos, size)
        ct = clean(text[pos:end], offset=pos)
        ranges = _sentence_ranges(ct.text)
        if final or not ranges:
            keep, next_pos = ranges, end
        elif len(ranges) > 1:
            # The last sentence may continue past the window: redo it with the next one,
            # from the start of its line so list markers are seen again.
            keep = ranges[:-1]
            start = max(ct.text.rfind("\n", 0, ranges[-1][0]) + 1, keep[-1][1])
            next_pos = max(ct.origin[start], ct.origin_end[keep[-1][1] - 1])
        elif size < _MAX_WINDOW:
            size *= 2  # one sentence fills the window: look further before deciding
            continue
        else:
            keep, next_pos = ranges, end  # a giant run-on "sentence": cut it here
        for a, b in keep:
            sub = ct.slice(a, b)
            if reading is not None:
                sub = reading(sub)
            sub = CleanText(sub.text.replace("\n", " "), sub.origin, sub.origin_end)
            yield Sentence(index, sub.text, sub.span(0, len(sub.text))), sub
            index += 1
        pos, size = max(next_pos, pos + 1), _WINDOW


def _window_end(text: str, pos: int, size: int) -> tuple[int, bool]:
    """End of the window starting at pos, and whether no sentence can cross it."""
    limit = pos + size
    if limit >= len(text):
        return len(text), True
    m = _PARAGRAPH.search(text, pos, limit)
    if m:
        return m.end(), True
    cut = max(text.rfind(" ", pos + 1, limit), text.rfind("\n", pos + 1, limit))
    if cut > pos:
        return cut, False
    # No space at all: cut anyway, but before a letter or digit, so not between a char
    # and its combining marks or inside an emoji sequence.
    cut = limit
    while cut < min(len(text), limit + 64) and not text[cut].isalnum():
        cut += 1
    return cut, False


# ---------------------------------------------------------------- chunks


def utterance_chunks(text: str, *, max_chars: int = 300, first_chunk_words: int = 4,
                     ramp: float = 0.0, reading: Reading | None = None) -> Iterator[TextChunk]:
    """Yield the chunks of text in reading order: the main entry point for synthesis.

    Every chunk is at most max_chars long; the first chunk of the first sentence is at
    most first_chunk_words words (0 turns that off) so that sound starts early. ramp > 0
    grows chunks from there: each is at most ramp times the characters of all chunks before
    it, so while those play (synthesis faster than real time) the next one gets ready.
    """
    _check(max_chars)
    done = 0  # characters in the chunks yielded so far
    for sentence, ct in _mapped_sentences(text, reading):
        head = first_chunk_words if sentence.index == 0 else 0
        for chunk in _chunk_sentence(sentence.index, ct, max_chars, head, ramp, done):
            done += len(chunk.text)
            yield chunk


def split_chunk(chunk: TextChunk, *, source: str | None = None, reading: Reading | None = None) -> list[TextChunk]:
    """Cut chunk into two balanced halves at its best boundary; [chunk] if shorter than 2.

    Pass source (the original text) and the reading that made the chunk for exact spans of
    the halves.
    """
    if len(chunk.text) < 2:
        return [chunk]
    ct = _map_for(chunk.text, chunk.span, source, reading)
    left_end, right_start = _best_cut(ct, 0, len(ct.text), 1, 1, None)
    return [
        TextChunk(chunk.sentence_index, ct.text[:left_end], ct.span(0, left_end), False),
        TextChunk(chunk.sentence_index, ct.text[right_start:], ct.span(right_start, len(ct.text)),
                  chunk.ends_sentence),
    ]


def _check(max_chars: int) -> None:
    if max_chars < 1:
        raise ValueError(f"max_chars must be >= 1, got {max_chars}")


def chunk_map(chunk: TextChunk, source: str, reading: Reading | None = None) -> CleanText:
    """The chunk's text with the user's character offsets of each character (word timings
    report where each word is in the text the user gave)."""
    return _map_for(chunk.text, chunk.span, source, reading)


def _map_for(text: str, span: Span, source: str | None, reading: Reading | None) -> CleanText:
    """The origin map of text, which was cleaned (and read) from source[span]."""
    if source is not None and span.end <= len(source):
        ct = clean(source[span.start:span.end], offset=span.start)
        if reading is not None:
            ct = reading(ct)
        # Usually equal; text can be shorter when it began inside a cluster ("\u2014\u05c1"
        # cleans to " - \u05c1", and the "- " was then taken for a list bullet).
        at = ct.text.replace("\n", " ").find(text)
        if at >= 0:
            return CleanText(text, ct.origin[at:at + len(text)], ct.origin_end[at:at + len(text)])
    # Spread the span evenly over the text: exact when cleaning kept the length.
    n, width = len(text), span.end - span.start
    origin = array("q", (span.start + i * width // n for i in range(n)))
    origin_end = array("q", (span.start + -(-(i + 1) * width // n) for i in range(n)))
    return CleanText(text, origin, origin_end)


def _chunk_sentence(index: int, ct: CleanText, max_chars: int, head_words: int,
                    ramp: float = 0.0, before: int = 0) -> Iterator[TextChunk]:
    if not ct.text:
        return
    n = len(ct.text)
    head = _head_cut(ct, head_words) if head_words > 0 else None
    pieces, a = (_split_range(ct, 0, head[0], max_chars), head[1]) if head else ([], 0)
    done = before + (head[0] if head else 0)
    while ramp > 0 and done > 0:
        limit = max(ramp * done, _RAMP_MIN_CHARS)
        if limit >= max_chars or n - a <= 1.3 * limit:  # rather a bit long than a stub after it
            break
        cut = _ramp_cut(ct, a, int(limit))
        if cut is None:
            break  # no word boundary in reach: never cut a word to keep the ramp
        pieces.append((a, cut[0]))
        done, a = done + cut[0] - a, cut[1]
    pieces += _split_range(ct, a, n, max_chars)
    for k, (a, b) in enumerate(pieces):
        yield TextChunk(index, ct.text[a:b], ct.span(a, b), k == len(pieces) - 1)


def _ramp_cut(ct: CleanText, a: int, limit: int) -> tuple[int, int] | None:
    """(left end, right start) of a piece of ct.text[a:] at most `limit` long, cut where
    speech pauses anyway: after clause punctuation, else a comma, else before a function
    word ("the", "of", ...); the longest such piece, at least half of limit when possible."""
    text, best, best_key = ct.text, None, None
    for m in _SPACE.finditer(text, a + 1, min(len(text) - 1, a + limit + 1)):
        p, q = m.start(), m.end()
        if not _cut_allowed(ct, p, q):
            continue
        before = text[p - 1]
        nxt = _bare(text[q:q + 20].split(" ", 1)[0])
        prev = _bare(text[text.rfind(" ", a, p) + 1:p])
        if before in ";:.!?" or (before == "-" and text[p - 2:p - 1].isspace()):
            kind = 3
        elif before == ",":
            kind = 2
        elif nxt in _FUNCTION_WORDS and prev not in _FUNCTION_WORDS:
            kind = 1
        else:
            kind = 0
        key = (p - a >= limit // 2, kind, p)
        if best_key is None or key > best_key:
            best, best_key = (p, q), key
    return best


def _head_cut(ct: CleanText, n: int) -> tuple[int, int] | None:
    """Where to end the utterance's first chunk so that sound starts early (or None).

    The head is at most n words: up to the last clause punctuation among them, else
    before a function word ("the", "of", "is", ...), else after the n-th word.
    """
    words = list(islice(_WORD.finditer(ct.text), n + 3))
    if len(words) <= n + 2:
        return None  # short already; cutting would leave a one- or two-word tail
    ok = [i for i in range(1, n + 1) if _cut_allowed(ct, words[i - 1].end(), words[i].start())]
    if not ok:
        return None
    bare = [_bare(w.group()) for w in words]
    punct = [i for i in ok if words[i - 1].group()[-1] in ",;:" or words[i - 1].group() == "-"]
    function = [i for i in ok if i >= 2 and bare[i] in _FUNCTION_WORDS
                and bare[i - 1] not in _FUNCTION_WORDS]
    content = [i for i in ok if bare[i - 1] not in _FUNCTION_WORDS]
    i = max(punct or function or content or ok)
    return words[i - 1].end(), words[i].start()


def _split_range(ct: CleanText, a: int, b: int, max_chars: int) -> list[tuple[int, int]]:
    """Cut ct.text[a:b] into balanced pieces of at most max_chars."""
    if b - a <= max_chars:
        return [(a, b)]
    n = math.ceil((b - a) / max_chars)
    left_end, right_start = _best_cut(ct, a, b, n // 2, n - n // 2, max_chars)
    return _split_range(ct, a, left_end, max_chars) + _split_range(ct, right_start, b, max_chars)


def _best_cut(ct: CleanText, a: int, b: int, n_left: int, n_right: int,
              max_chars: int | None) -> tuple[int, int]:
    """(left end, right start) of the best cut of text[a:b] into n_left + n_right pieces.

    Scores each space by its kind (clause, comma, word) plus its distance from the
    balanced point. Then, in falling order of preference: a space cut that needs more
    chunks than ceil(length / max_chars); a cut between two characters of a word; a
    space cut inside an emoji's name or after "Dr."; a cut inside one giant cluster.
    """
    text = ct.text
    unit = (b - a) / (n_left + n_right)
    target = a + unit * n_left
    best, best_score = None, math.inf
    for m in _SPACE.finditer(text, a + 1, b - 1):
        p, q = m.start(), m.end()
        before = text[p - 1]
        if before in ";:.!?" or (before == "-" and text[p - 2:p - 1].isspace()):
            kind = _CLAUSE
        elif before == ",":
            kind = _COMMA
        else:
            kind = _WORD_CUT
        score = kind + abs(p - target) / unit
        if max_chars is not None and (p - a > n_left * max_chars or b - q > n_right * max_chars):
            score += _EXTRA_PIECE  # the pieces won't fit in n_left + n_right chunks
        if score < best_score and not _cut_allowed(ct, p, q):
            score += _DISALLOWED  # still better than cutting a word in two
        if score < best_score:
            best, best_score = (p, q), score
    if best is not None and best_score < _CHAR_CUT:
        return best
    return _char_cut(ct, a, b, round(target), forced=best is None) or best


def _char_cut(ct: CleanText, a: int, b: int, target: int, forced: bool) -> tuple[int, int] | None:
    """Cut inside a word, at the cluster boundary nearest target (or at target if forced)."""
    target = min(max(target, a + 1), b - 1)
    near = (p for d in range(b - a) for p in (target - d, target + d) if a < p < b)
    cut = next((p for p in near if ct.origin[p - 1] != ct.origin[p]), None)
    if cut is None:
        if not forced:
            return None
        cut = target  # one giant cluster: its pieces share its span
    left_end, right_start = cut, cut
    while left_end > a + 1 and ct.text[left_end - 1].isspace():
        left_end -= 1
    while right_start < b - 1 and ct.text[right_start].isspace():
        right_start += 1
    return left_end, right_start


def _cut_allowed(ct: CleanText, left_end: int, right_start: int) -> bool:
    """May the text be cut between text[:left_end] and text[right_start:]?"""
    if ct.origin[left_end - 1] == ct.origin[right_start]:
        return False  # inside one original cluster, e.g. an emoji's name
    left = ct.text[ct.text.rfind(" ", 0, left_end) + 1:left_end]
    right = ct.text[right_start:right_start + 1]
    if left[-1:].isdigit() and right.isdigit():
        return False  # "1 000 000"
    return not _binds_to_next(left)


# ---------------------------------------------------------------- sentence rules

# Terminal punctuation, with any closing quotes/brackets, followed by a space or the end.
# Japanese and Chinese end sentences with 。！？ and no space after (NFKC has made ！？ "!?").
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CLOSERS = "\"')\\]\u300d\u300f\uff09"
# 。 ends a Japanese or Chinese sentence and the danda (।, ॥) a Hindi one, with no space after.
_TERMINAL = re.compile(f"[\u3002\u0964\u0965]+[{_CLOSERS}]*|[.!?]+[{_CLOSERS}]*(?=\\s|$|[{_CJK}])")
_ENDS_TERMINAL = re.compile(f"[.!?\u3002\u0964\u0965][{_CLOSERS}]*$")
# A list item: a bullet (not spoken, left out of the sentence) or "1." "1)" "a)".
_LIST_MARK = re.compile(r"(?:(?P<bullet>[-*+\u2022\u2023\u25e6\u25aa\u00b7])|\(?\d{1,3}[.)]|\(?[A-Za-z]\)) +")
_PARAGRAPH_TEXT = re.compile(r"[^\n]+(?:\n[^\n]+)*")
_LINE = re.compile(r"[^\n]+")
_DOTTED = re.compile(r"(?:[a-z]\.)+[a-z]")  # u.s, a.m, e.g (the final dot is not included)
_OPENERS = "\"'([«¿¡"
_HEADING_MAX = 60  # a line without final punctuation this short, before a capital, is a heading

# Never end a sentence: they come before a name or term.
_TITLES = frozenset({
    "mr", "mrs", "ms", "mx", "dr", "prof", "st", "vs", "e.g", "i.e", "cf", "mt", "rev",
    "gen", "col", "capt", "lt", "sgt", "hon", "gov", "sen"
})
# Never end a sentence when a number follows: "No. 5", "Fig. 3", "approx. 20", "Sept. 15".
_BEFORE_NUMBER = frozenset({
    "no", "nos", "fig", "figs", "vol", "ch", "sec", "p", "pp", "eq", "art", "approx",
    "ca", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"
})
# End a sentence only when a capital follows: "at 5 p.m. Then" but "at 5 p.m. today".
_MAYBE_END = frozenset({
    "etc", "inc", "ltd", "co", "corp", "jr", "sr", "llc", "bros", "dept", "est"
})
# Short, unstressed words a phrase starts with: a natural place to end the first chunk.
_FUNCTION_WORDS = frozenset({
    "the", "a", "an", "and", "or", "but", "nor", "so", "yet", "of", "to", "in", "on",
    "at", "for", "with", "from", "by", "as", "into", "onto", "about", "than", "that",
    "which", "who", "whom", "whose", "where", "when", "while", "because", "if", "is",
    "are", "was", "were", "be", "been", "being", "has", "have", "had", "do", "does",
    "did", "will", "would", "can", "could", "should", "may", "might", "must", "not",
    "this", "these", "those", "its", "his", "her", "their", "our", "my", "your"
})


def _sentence_ranges(text: str) -> list[tuple[int, int]]:
    """[start, end) of each speakable sentence in cleaned text."""
    ranges = []
    for start, end, skip in _blocks(text):
        for m in _TERMINAL.finditer(text, skip, end):
            if _ends_sentence(text, start, end, m):
                ranges.append(_trim(text, start, m.end()))
                start = m.end()
        ranges.append(_trim(text, start, end))
    # Drop what has nothing to say ("* * *", "..."), and the empty remainders.
    return [(a, b) for a, b in ranges if any(c.isalnum() for c in text[a:b])]


def _blocks(text: str) -> Iterator[tuple[int, int, int]]:
    """(start, end, end of list marker) of each run of lines no sentence crosses.

    Blank lines, list items and headings end a block; other line breaks are spaces.
    A bullet is left out of its block; a number ("1.") is spoken, so it stays.
    """
    for para in _PARAGRAPH_TEXT.finditer(text):
        lines = [m.span() for m in _LINE.finditer(text, para.start(), para.end())]
        start = lines[0][0]
        for (a, b), (c, d) in pairwise(lines):
            if _hard_break(text[a:b], text[c:d]):
                yield _block(text, start, b)
                start = c
        yield _block(text, start, lines[-1][1])


def _block(text: str, start: int, end: int) -> tuple[int, int, int]:
    m = _LIST_MARK.match(text, start, end)
    if not m:
        return start, end, start
    return (m.end() if m.group("bullet") else start), end, m.end()


def _hard_break(line: str, next_line: str) -> bool:
    """Does the line break between these two lines end a sentence by itself?"""
    if _LIST_MARK.match(next_line):
        return True
    if _LIST_MARK.match(line):
        return not next_line[0].islower()  # a wrapped item continues in lower case
    if _ENDS_TERMINAL.search(line):
        return False  # the punctuation rules decide
    starts_upper = next_line.lstrip(_OPENERS)[:1].isupper()
    return starts_upper and len(line) <= _HEADING_MAX and line[-1] not in ",;-(&/"


def _ends_sentence(text: str, start: int, end: int, m: re.Match) -> bool:
    """Does the terminal punctuation matched by m end a sentence?"""
    k = m.end()
    while k < end and (text[k].isspace() or text[k] in _OPENERS):
        k += 1
    if k >= end:
        return True
    first = text[k]
    if m.group()[-1] in "\u300d\u300f" and "\u3040" <= first <= "\u309f":
        return False  # 「行こう。」と彼は言った: a quotation inside the sentence
    if first.islower():
        return False  # "Wait... what?", '"Stop!" he said', "e.g. apples"
    if m.group() != ".":
        return True  # ?, !, an ellipsis, or a closing quote/bracket after the stop
    space = max(text.rfind(" ", start, m.start()), text.rfind("\n", start, m.start()))
    word = text[max(start, space + 1):m.start()].lstrip(_OPENERS)
    low = word.lower()
    if low in _TITLES or word in TITLES_ELSEWHERE or (len(word) == 1 and word.isupper()):
        return False  # "Dr. Smith", "J. R. R. Tolkien", "Sra. López"
    if low in _BEFORE_NUMBER or word in BEFORE_NUMBER_ELSEWHERE:
        return not first.isdigit()
    if low in _MAYBE_END or _DOTTED.fullmatch(low):
        return first.isupper()
    return True


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _binds_to_next(word: str) -> bool:
    """A word a chunk must not end with: "Dr.", "No.", an initial "J."."""
    if not word.endswith("."):
        return False
    bare = word[:-1].lstrip(_OPENERS)
    low = bare.lower()
    return (low in _TITLES or low in _BEFORE_NUMBER or bare in TITLES_ELSEWHERE or bare in BEFORE_NUMBER_ELSEWHERE
            or (len(low) == 1 and word[-2].isupper()))


def _bare(word: str) -> str:
    return word.strip(".,;:!?\"'()[]").lower()
