"""Unit tests for the text pipeline: clean-up, sentence splitting, chunking, spans."""
from __future__ import annotations

import inspect
import itertools
import random
import time
import unicodedata

import pytest

from reader.text import split as split_module
from reader.text.normalize import clean
from reader.text.split import sentences, split_chunk, utterance_chunks
from reader.types import Span, TextChunk

_UNSPEAKABLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Me"}


def texts(text: str) -> list[str]:
    return [s.text for s in sentences(text)]


def chunk_texts(text: str, **kw) -> list[str]:
    return [c.text for c in utterance_chunks(text, **kw)]


def assert_speakable(text: str) -> None:
    """Nothing invisible, no decoding debris, whitespace already collapsed."""
    text.encode("utf-8")  # no lone surrogates
    for ch in text:
        assert ch == "\n" or unicodedata.category(ch) not in _UNSPEAKABLE, repr(ch)
    assert "\ufffd" not in text
    assert "  " not in text and "\t" not in text and "\n\n\n" not in text
    assert text == text.strip()


def assert_round_trip(original: str, chunk_list) -> None:
    """Each span re-cleans to its chunk's text, and spans follow each other in order."""
    end = 0
    for c in chunk_list:
        assert 0 <= c.span.start < c.span.end <= len(original)
        assert c.span.start >= end, "spans overlap or go backwards"
        end = c.span.end
        assert clean(original[c.span.start:c.span.end]).text.replace("\n", " ") == c.text


# ---------------------------------------------------------------- clean


@pytest.mark.parametrize(("raw", "want"), [
    ("\ufb01ne", "fine"),  # ligature
    ("\uff21\uff22\uff23", "ABC"),  # fullwidth
    ("e\u0301t\u00e9", "\u00e9t\u00e9"),  # decomposed -> composed
    ("x\u00b2", "x2"),
    ("Wait\u2026 what", "Wait... what"),
    ("\u2018single\u2019 \u201cdouble\u201d \u00abguillemets\u00bb", "'single' \"double\" \"guillemets\""),
    ("1990\u20132000", "1990-2000"),
    ("minus \u22125", "minus -5"),
    ("yes\u2014no", "yes - no"),
    ("yes \u2014 no", "yes - no"),
])
def test_clean_normalizes(raw, want):
    assert clean(raw).text == want


def test_clean_combining_cluster_maps_to_whole_cluster():
    ct = clean("cafe\u0301 ok")
    assert ct.text == "caf\u00e9 ok"
    assert ct.span(3, 4) == Span(3, 5)  # é covers e + U+0301
    assert ct.span(0, 4) == Span(0, 5)


@pytest.mark.parametrize("junk", [
    "\x00", "\x01", "\x1b", "\x7f", "\x9b",  # C0/C1 controls, NUL
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",  # zero-width, BOM
    "\u00ad",  # soft hyphen
    "\u202e", "\u202a", "\u2066", "\u200f",  # bidi controls
    "\ufe0f", "\ufe0e", "\U000e0100",  # variation selectors
    "\ufffd", "\ue000", "\U000f0000",  # replacement char, private use
    "\U000e0001", "\u0378",  # tag, unassigned
])
def test_clean_drops_invisible_and_junk(junk):
    ct = clean(f"ab{junk}cd")
    assert ct.text == "abcd"
    assert ct.span(2, 4) == Span(2 + len(junk), 4 + len(junk))
    assert clean(junk * 5).text == ""


def test_clean_drops_lone_surrogates():
    assert clean("ab\udc80\ud800cd").text == "abcd"
    assert clean(b"ab\xff\xfecd".decode("utf-8", "surrogateescape")).text == "abcd"


def test_clean_keeps_tab_and_newline_as_whitespace():
    assert clean("a\tb\nc").text == "a b\nc"


def test_clean_whitespace():
    assert clean("  a  \t b \u00a0\u2003c  ").text == "a b c"
    assert clean("one\r\ntwo\rthree\nfour").text == "one\ntwo\nthree\nfour"
    assert clean("para one\r\n\r\n\r\n  \npara two").text == "para one\n\npara two"
    assert clean("line  \n   next").text == "line\nnext"
    assert clean(" \n\t \r\n ").text == ""
    assert clean("").text == ""


def test_clean_binary_junk_is_speakable_or_empty():
    latin = clean(bytes(range(256)).decode("latin-1"))
    assert_speakable(latin.text)
    assert "ABC" in latin.text and "\u00e9" in latin.text
    rng = random.Random(1234)
    for errors in ("replace", "surrogateescape", "ignore"):
        for _ in range(5):
            raw = rng.randbytes(5000).decode("utf-8", errors)
            assert_speakable(clean(raw).text)
    assert clean("\x00" * 100 + "\ufffd" * 100 + "\udcff" * 100).text == ""


@pytest.mark.parametrize(("raw", "want"), [
    ("\U0001f600", "grinning face"),
    ("\U0001f44d", "thumbs up"),  # what screen readers say (CLDR), not "thumbs up sign"
    ("\U0001f600\U0001f600\U0001f600", "grinning face"),  # a run is named once
    ("\U0001f44d\U0001f3fd", "thumbs up"),  # skin tone dropped
    ("\u2764\ufe0f", "red heart"),  # not "heavy black heart"
    ("\u2764", "red heart"),  # without VS16 too
    ("\U0001f468\u200d\U0001f469\u200d\U0001f467", "family man woman girl"),  # one ZWJ sequence
    ("\U0001f468\u200d\U0001f4bb", "man technologist"),
    ("\U0001f1fa\U0001f1f8", "flag United States"),
    ("\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f", "flag England"),
    ("\U0001f1fa\U0001f1e6\U0001f1fa\U0001f1e6", "flag Ukraine"),  # two of the same flag: named once
    ("Nice\U0001f44dwork", "Nice thumbs up work"),
    ("a \U0001f600 \U0001f600 b", "a grinning face grinning face b"),
    ("(\U0001f600), \U0001f600. \u201c\U0001f600\u201d", '(grinning face), grinning face. "grinning face"'),
    ("\U0001f600\U0001f44d", "grinning face thumbs up"),
])
def test_clean_names_emoji(raw, want):
    assert clean(raw).text == want


def test_clean_emoji_maps_to_its_source():
    raw = "Hi \U0001f44d\U0001f3fd\U0001f44d\U0001f3fd!"
    ct = clean(raw)
    assert ct.text == "Hi thumbs up!"
    start = ct.text.index("thumbs")
    assert ct.span(start, start + len("thumbs up")) == Span(3, 7)  # both emoji, both tones


def test_clean_offset_shifts_origins():
    ct = clean("  ab", offset=100)
    assert ct.text == "ab" and ct.span(0, 2) == Span(102, 104)


def test_clean_is_fast():
    text = ("The quick brown fox \u201cjumps\u201d over the lazy dog \U0001f600. " * 20 + "\n\n") * 1100
    assert len(text) > 1_000_000
    start = time.perf_counter()
    clean(text)
    assert time.perf_counter() - start < 2.0  # about 0.2 s; generous for slow machines


# ---------------------------------------------------------------- sentences


@pytest.mark.parametrize(("raw", "want"), [
    ("Dr. Smith met Mr. Jones and Mrs. Brown. They talked.",
     ["Dr. Smith met Mr. Jones and Mrs. Brown.", "They talked."]),
    ("Ms. Lee and Prof. Kay live on St. Mark's Road. Done.",
     ["Ms. Lee and Prof. Kay live on St. Mark's Road.", "Done."]),
    ("Cats vs. Dogs is a film. Fruit, e.g. Apples, i.e. Food. End.",
     ["Cats vs. Dogs is a film.", "Fruit, e.g. Apples, i.e. Food.", "End."]),
    ("I moved to the U.S. last year. The U.K. is nice.",
     ["I moved to the U.S. last year.", "The U.K. is nice."]),
    ("I woke at 7 a.m. and slept at 11 p.m. Then I dreamt.",
     ["I woke at 7 a.m. and slept at 11 p.m.", "Then I dreamt."]),
    ("He works at Acme Inc. in Boston. Apples, pears, etc. Then more.",
     ["He works at Acme Inc. in Boston.", "Apples, pears, etc.", "Then more."]),
    ("Ask Sam Smith Jr. about it. See No. 5 and Fig. 3 for approx. 20 items.",
     ["Ask Sam Smith Jr. about it.", "See No. 5 and Fig. 3 for approx. 20 items."]),
    ("I said no. It was over.", ["I said no.", "It was over."]),
    ("J. R. R. Tolkien wrote it. So did C. S. Lewis.",
     ["J. R. R. Tolkien wrote it.", "So did C. S. Lewis."]),
    ("Pi is 3.14 today. Version v1.2.3 shipped.", ["Pi is 3.14 today.", "Version v1.2.3 shipped."]),
    ("Wait... what? Wait... What?", ["Wait... what?", "Wait...", "What?"]),
    ("Wait\u2026 what?", ["Wait... what?"]),
    ('He said "Stop." Then he left.', ['He said "Stop."', "Then he left."]),
    ("He said \u201cStop!\u201d Then he left.", ['He said "Stop!"', "Then he left."]),
    ('"Stop!" he said. (It was late.) Then silence.',
     ['"Stop!" he said.', "(It was late.)", "Then silence."]),
    ("Really?! Yes!! No?", ["Really?!", "Yes!!", "No?"]),
    ("Visit example.com or mail a.b@c.org today. Open notes.txt now.",
     ["Visit example.com or mail a.b@c.org today.", "Open notes.txt now."]),
    ("See https://example.com/a.b?c=d. Then go.", ["See https://example.com/a.b?c=d.", "Then go."]),
    ("No punctuation at all", ["No punctuation at all"]),
])
def test_sentence_splitting(raw, want):
    assert texts(raw) == want


def test_bulleted_and_numbered_lists():
    raw = ("Shopping list:\n- eggs\n- milk\n* bread\n\u2022 butter\n"
           "1. first thing\n2) second thing\n3. third thing")
    assert texts(raw) == ["Shopping list:", "eggs", "milk", "bread", "butter",
                          "1. first thing", "2) second thing", "3. third thing"]


def test_list_bullet_is_left_out_of_span():
    raw = "- eggs\n- milk"
    spans = [s.span for s in sentences(raw)]
    assert [raw[s.start:s.end] for s in spans] == ["eggs", "milk"]


def test_wrapped_list_item_continues():
    assert texts("- a long item that\n  wraps onto a second line\n- next") == [
        "a long item that wraps onto a second line", "next"]


def test_line_breaks_in_prose_are_spaces():
    raw = ("It was a dark and stormy night and the rain fell in torrents, except at\n"
           "occasional intervals when it was checked by a violent gust of wind\n"
           "which swept up the streets.")
    assert texts(raw) == [raw.replace("\n", " ")]


def test_heading_lines_end_sentences():
    assert texts("Introduction\nThis chapter is short.\nChapter Two\nMore text here.") == [
        "Introduction", "This chapter is short.", "Chapter Two", "More text here."]


def test_blank_line_always_ends_a_sentence():
    assert texts("first part without a stop\n\nsecond part") == [
        "first part without a stop", "second part"]
    assert texts("Dr.\n\nSmith") == ["Dr.", "Smith"]


def test_sentence_indices_and_spans():
    raw = "  One.\r\n\r\nTwo \u201cthree\u201d.  Four\u00a0five \U0001f600. "
    got = list(sentences(raw))
    assert [s.index for s in got] == [0, 1, 2]
    assert [s.text for s in got] == ["One.", 'Two "three".', "Four five grinning face."]
    assert [raw[s.span.start:s.span.end] for s in got] == [
        "One.", "Two \u201cthree\u201d.", "Four\u00a0five \U0001f600."]


@pytest.mark.parametrize(("raw", "want"), [
    ("今日は晴れです。明日は雨でしょう！本当ですか？", ["今日は晴れです。", "明日は雨でしょう!", "本当ですか?"]),
    ("你好。我很好！你呢？", ["你好。", "我很好!", "你呢?"]),
    ("「行こう。」と彼は言った。次の日。", ["「行こう。」と彼は言った。", "次の日。"]),
    ("東京は3.5度。寒い。", ["東京は3.5度。", "寒い。"]),
    ("यह पहला वाक्य है। यह दूसरा है॥तीसरा।", ["यह पहला वाक्य है।", "यह दूसरा है॥", "तीसरा।"]),
    ("¿Dónde está? ¡Aquí! Bien.", ["¿Dónde está?", "¡Aquí!", "Bien."]),
])
def test_japanese_chinese_hindi_and_spanish_sentences_end_at_their_own_stops(raw, want):
    assert texts(raw) == want


def test_emoji_after_a_stop_stays_with_its_sentence():
    # Emoji names are lower case, so they read as part of the sentence they follow.
    assert texts("Great job! \U0001f44d See you.") == ["Great job! thumbs up See you."]


@pytest.mark.parametrize("raw", ["", "   \n\n\t ", "\x00\x01\ufffd\u200b", "* * *\n...\n- -"])
def test_nothing_to_say_yields_nothing(raw):
    assert list(sentences(raw)) == []
    assert list(utterance_chunks(raw)) == []


def test_emoji_only_is_spoken():
    assert texts("\U0001f600\U0001f600") == ["grinning face"]
    assert chunk_texts("\U0001f44d") == ["thumbs up"]


def test_entry_points_are_generators():
    assert inspect.isgenerator(sentences("One. Two."))
    assert inspect.isgenerator(utterance_chunks("One. Two."))


# ---------------------------------------------------------------- streaming

_BIG = ("Dr. Smith said the fox jumps over the lazy dog at 5 p.m. today. "
        "Then it rained \U0001f327\ufe0f, and everyone went home. ") * 10_000


def test_first_sentence_of_a_megabyte_comes_fast():
    assert len(_BIG) > 1_000_000
    start = time.perf_counter()
    first = next(sentences(_BIG))
    assert time.perf_counter() - start < 0.2  # measured about 2 ms
    assert first.text == "Dr. Smith said the fox jumps over the lazy dog at 5 p.m. today."
    start = time.perf_counter()
    next(utterance_chunks(_BIG))
    assert time.perf_counter() - start < 0.2


def test_streaming_cleans_only_small_windows(monkeypatch):
    seen: list[int] = []

    def spy(text, **kw):
        seen.append(len(text))
        return clean(text, **kw)

    monkeypatch.setattr(split_module, "clean", spy)
    got = list(itertools.islice(sentences(_BIG), 3))
    assert len(got) == 3
    assert sum(seen) < 50_000


def test_streaming_gives_same_sentences_as_small_windows():
    # Window edges must not change the result: compare a big text with its paragraphs.
    paragraph = ("Mr. Brown met Dr. Who at 10 a.m. in the U.S. office. It went well\u2026 "
                 "mostly. He said \u201cFine.\u201d Then they left.\n") * 200
    raw = "\n".join([paragraph] * 5)
    got = list(sentences(raw))
    assert [s.index for s in got] == list(range(len(got)))
    one = texts(paragraph)
    assert [s.text for s in got] == one * 5
    for s in got:
        assert clean(raw[s.span.start:s.span.end]).text.replace("\n", " ") == s.text


def test_run_on_text_without_punctuation_still_streams():
    raw = "word " * 100_000
    first = next(sentences(raw))
    assert 1000 < len(first.text) < 20_000
    got = list(utterance_chunks(raw))
    assert all(len(c.text) <= 300 for c in got)
    assert sum(len(c.text.split()) for c in got) == 100_000


# ---------------------------------------------------------------- chunks

_WORDS = ["the", "cat", "sat", "on", "mat", "Dr.", "3.14", "e.g.", "antidisestablishment",
          "\U0001f600", "\U0001f44d\U0001f3fd", "caf\u00e9", "cafe\u0301", "\u00a0", "a,", "b;",
          "c:", "\u2014", "end.", "Why?", "\u201cquoted\u201d", "\r\n", "\n\n", "- item", "x" * 700]


def random_text(rng: random.Random, n_words: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(n_words))


@pytest.mark.parametrize("max_chars", [15, 40, 300])
def test_chunks_never_exceed_max_chars(max_chars):
    rng = random.Random(max_chars)
    for _ in range(60):
        raw = random_text(rng, rng.randint(0, 120))
        got = list(utterance_chunks(raw, max_chars=max_chars))
        for c in got:
            assert 0 < len(c.text) <= max_chars
            assert c.text == c.text.strip()
        assert_round_trip(raw, got)
        # Every char of every sentence is in exactly one chunk, in order.
        assert "".join(c.text for c in got).replace(" ", "") == "".join(texts(raw)).replace(" ", "")


def test_chunk_flags_and_indices():
    raw = "First sentence is right here and it is long enough to cut. Second one. " + "word " * 100
    got = list(utterance_chunks(raw, max_chars=100))
    assert [c.sentence_index for c in got] == sorted(c.sentence_index for c in got)
    for a, b in itertools.pairwise(got):
        assert a.ends_sentence == (a.sentence_index != b.sentence_index)
    assert got[-1].ends_sentence


def test_giant_word_is_cut_into_pieces():
    word = "".join(random.Random(7).choice("abcdefghij") for _ in range(2000))
    got = list(utterance_chunks(f"Look: {word} done."))
    assert all(len(c.text) <= 300 for c in got)
    assert "".join(c.text for c in got).replace(" ", "") == f"Look:{word}done."
    assert_round_trip(f"Look: {word} done.", got)
    bare = list(utterance_chunks(word))
    lengths = [len(c.text) for c in bare]
    assert len(lengths) == 7 and max(lengths) - min(lengths) <= 2  # balanced


def test_giant_combining_cluster_still_cut():
    raw = "a" + "\u0301" * 50 + "e" * 700
    assert all(len(c.text) <= 300 for c in utterance_chunks(raw))


def test_long_sentence_cut_at_clauses_then_commas():
    raw = ("Word " * 40 + "here; " + "word " * 45 + "end.")
    got = chunk_texts(raw, max_chars=300, first_chunk_words=0)
    assert len(got) == 2 and got[0].endswith("here;")
    raw = ("Word " * 40 + "here, " + "word " * 45 + "end.")
    got = chunk_texts(raw, max_chars=300, first_chunk_words=0)
    assert len(got) == 2 and got[0].endswith("here,")
    raw = "Word here \u2014 " + "word " * 60 + "end."
    got = chunk_texts(raw, max_chars=200, first_chunk_words=0)
    assert got[0].endswith("word") and len(got) == 2  # far-off clause loses to balance


def test_cuts_are_balanced():
    raw = "Alpha " + "word " * 70 + "end."
    got = chunk_texts(raw, max_chars=300, first_chunk_words=0)
    assert len(got) == 2
    assert abs(len(got[0]) - len(got[1])) < 20
    raw = "Alpha " + "word " * 130 + "end."  # 656 chars: 3 pieces, not 300+300+56
    lengths = [len(t) for t in chunk_texts(raw, max_chars=300, first_chunk_words=0)]
    assert len(lengths) == 3 and max(lengths) - min(lengths) < 20


def test_cut_never_splits_emoji_name_or_abbreviation():
    raw = "Hello " + "\U0001f600 Dr. Smith " * 30 + "end."
    for max_chars in (25, 40):  # "grinning face Dr. Smith" must fit in one chunk
        for c in utterance_chunks(raw, max_chars=max_chars):
            assert not c.text.startswith(("face", "Smith")), c.text
            assert not c.text.endswith(("grinning", "Dr.")), c.text


@pytest.mark.parametrize(("raw", "head"), [
    ("Well, you know, the thing is that it rains.", "Well, you know,"),
    ("Yes, I think that is right today.", "Yes,"),
    ("I went to the big store yesterday morning.", "I went"),
    ("The weather is nice and warm today.", "The weather is nice"),
    ("It was a dark and stormy night.", "It was a dark"),
    ("The quick brown fox jumps over the lazy dog.", "The quick brown fox"),
    ("Dr. Smith arrived at ten in the morning.", "Dr. Smith arrived"),
    ("In 1 000 000 cases it was fine.", "In 1 000 000"),
])
def test_first_chunk_is_short_and_natural(raw, head):
    got = chunk_texts(raw + " Second sentence is long enough to cut too.")
    assert got[0] == head
    assert got[1] == raw[len(head):].strip()
    assert got[2] == "Second sentence is long enough to cut too."  # only the first sentence


@pytest.mark.parametrize("raw", ["Hello there.", "One two three four five six.", "Hi, how are you?"])
def test_first_chunk_not_cut_when_short(raw):
    assert chunk_texts(raw) == [raw]


def test_first_chunk_words_option():
    raw = "one two three four five six seven eight nine ten"
    assert chunk_texts(raw, first_chunk_words=0) == [raw]
    assert chunk_texts(raw, first_chunk_words=2)[0] == "one two"
    assert len(chunk_texts(raw, first_chunk_words=2)[1].split()) == 8


def test_first_chunk_spans():
    raw = "\u201cWell,\u201d she said, \u201cthe thing is simple.\u201d"
    got = list(utterance_chunks(raw))
    assert len(got) >= 2
    assert_round_trip(raw, got)


@pytest.mark.parametrize("raw", [
    "Smile \U0001f600\U0001f600 and wave \U0001f44b\U0001f3fe at the camera, then leave the room quietly.",
    "Non\u00a0breaking\u00a0spaces\u00a0everywhere\u00a0in\u00a0this\u00a0long\u00a0sentence\u00a0here.",
    "Cafe\u0301 au lait, cre\u0300me bru\u0302le\u0301e, and na\u0131\u0308ve re\u0301sume\u0301s are served.",
    "Line one goes here and on\r\nand on over CRLF line breaks\r\nuntil it ends.\r\n\r\nNext paragraph.",
    "Tabs\tand  double  spaces \u2014 and dashes \u2013 everywhere, plus \u201cquotes\u201d.",
    "\ufeffBOM at start\u200b and zero\u200dwidth joiners\u00ad in words are removed here.",
])
def test_spans_round_trip(raw):
    for max_chars in (20, 30, 300):  # 20: the longest emoji name here fits
        got = list(utterance_chunks(raw, max_chars=max_chars))
        assert got
        assert_round_trip(raw, got)
        for c in got:
            words = [w for w in raw[c.span.start:c.span.end].split() if w.isascii() and w.isalpha()]
            assert all(w in c.text for w in words)


def test_max_chars_must_be_positive():
    with pytest.raises(ValueError):
        list(utterance_chunks("hi", max_chars=0))


# ---------------------------------------------------------------- split_chunk


def test_split_chunk_halves_at_best_boundary():
    raw = "Alpha beta gamma delta, epsilon zeta eta theta iota kappa."
    chunk = TextChunk(3, raw, Span(0, len(raw)), True)
    left, right = split_chunk(chunk, source=raw)
    assert left.text == "Alpha beta gamma delta," and right.text == "epsilon zeta eta theta iota kappa."
    assert (left.sentence_index, left.ends_sentence, right.ends_sentence) == (3, False, True)
    assert_round_trip(raw, [left, right])


def test_split_chunk_uses_source_for_exact_spans():
    raw = "x \U0001f600\U0001f600 grin here, and more words follow now."
    chunk = next(utterance_chunks(raw, first_chunk_words=0))
    halves = split_chunk(chunk, source=raw)
    assert len(halves) == 2
    assert_round_trip(raw, halves)


@pytest.mark.parametrize("text", ["ab", "a b", "x" * 2000, "grinning face", "Dr. Smith", "a" + "\u0301" * 9])
def test_split_chunk_always_makes_progress(text):
    chunk = TextChunk(0, text, Span(0, len(text)), True)
    pieces = split_chunk(chunk)
    assert len(pieces) == 2 and all(p.text for p in pieces)
    assert all(len(p.text) < len(text) for p in pieces)


def test_split_chunk_of_emoji_name_cuts_between_words():
    raw = "\U0001f600"
    chunk = next(utterance_chunks(raw))
    left, right = split_chunk(chunk, source=raw)
    assert (left.text, right.text) == ("grinning", "face")
    assert left.span == right.span == Span(0, 1)


def test_split_chunk_single_char():
    chunk = TextChunk(0, "a", Span(0, 1), True)
    assert split_chunk(chunk) == [chunk]


def test_split_chunk_repeatedly_reaches_small_pieces():
    rng = random.Random(5)
    raw = random_text(rng, 200)
    pending = list(utterance_chunks(raw, max_chars=300))
    done = []
    while pending:
        c = pending.pop()
        if len(c.text) <= 10:
            done.append(c)
        else:
            pending.extend(split_chunk(c, source=raw))
    assert all(0 < len(c.text) <= 10 for c in done)


def test_ramp_grows_chunks_from_the_first_to_whole_sentences():
    rng = random.Random(7)
    plain = ["light", "keeper", "of", "the", "stairs,", "and", "water;", "beam", "a", "coast"]
    for _ in range(40):
        raw = ". ".join(" ".join(rng.choice(plain) for _ in range(rng.randint(3, 40))) for _ in range(6)) + "."
        got = list(utterance_chunks(raw, first_chunk_words=3, ramp=1.5))
        assert_round_trip(raw, got)
        done = 0
        for c in got:
            limit = max(1.5 * done, 12)
            if done and limit < 300:  # the rest of a sentence may overshoot rather than leave a stub
                assert len(c.text) <= 1.3 * limit + 1, (c.text, done)
            done += len(c.text)
        assert "".join(c.text for c in got).replace(" ", "") == "".join(texts(raw)).replace(" ", "")


def test_ramp_cuts_where_speech_pauses_and_then_reads_whole_sentences():
    raw = ("The old lighthouse stood at the edge of the cliff for more than a hundred years. "
           "Every night, its keeper climbed the narrow stairs, trimmed the wick, and watched the beam. "
           "Ships passing the rocky coast relied on that light to find their way home.")
    got = chunk_texts(raw, first_chunk_words=3, ramp=1.5)
    assert got[:3] == ["The old lighthouse", "stood at the edge", "of the cliff for more than a hundred years."]
    assert got[3:] == ["Every night, its keeper climbed the narrow stairs, trimmed the wick, and watched the beam.",
                       "Ships passing the rocky coast relied on that light to find their way home."]
    assert chunk_texts(raw, first_chunk_words=3) == [  # no ramp: the rest of the sentence at once
        "The old lighthouse", "stood at the edge of the cliff for more than a hundred years.", *got[3:]]
