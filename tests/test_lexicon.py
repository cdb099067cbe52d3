"""The pronunciation lexicon (reader/text/lexicon.py): matching, spans, phonemes through the
G2P, its place before text/spoken, the settings, `kokoro-reader lexicon` and the daemon."""
from __future__ import annotations

import json

import pytest

from reader.text.lexicon import (
    Entry,
    Lexicon,
    default_entries,
    entries_from_json,
    entries_to_json,
    has_marks,
    sound_mark,
    sound_of,
)
from reader.text.normalize import clean


def applied(entries, text: str, language: str = "en-us"):
    ct = Lexicon(tuple(entries)).apply(clean(text), language)
    return ct.text, ct


def source_of(ct, text: str, part: str) -> str:
    """The user's text behind `part` of the rewritten text."""
    at = ct.text.index(part)
    span = ct.span(at, at + len(part))
    return text[span.start:span.end]


def test_a_word_is_replaced_and_keeps_the_span_of_what_the_user_wrote():
    text = "Restart nginx, then check."
    said, ct = applied([Entry("nginx", "engine x")], text)
    assert said == "Restart engine x, then check."
    assert source_of(ct, text, "engine x") == "nginx"
    assert source_of(ct, text, "check") == "check"


def test_case_and_whole_words():
    assert applied([Entry("nginx", "engine x")], "NGINX and Nginx")[0] == "engine x and engine x"
    assert applied([Entry("Qt", "cute", case=True)], "Qt, not QT")[0] == "cute, not QT"
    assert applied([Entry("Qt", "cute")], "Qtile and Qt")[0] == "Qtile and cute"  # a whole word only
    assert applied([Entry("Qt", "cute", whole_word=False)], "Qtile")[0] == "cuteile"
    assert applied([Entry("C#", "C sharp")], "I write C# daily")[0] == "I write C sharp daily"


def test_a_regular_expression_may_use_its_groups():
    entry = Entry(r"KB(\d+)", r"knowledge base article \1", regex=True)
    assert applied([entry], "See KB4023 first.")[0] == "See knowledge base article 4023 first."


def test_one_pass_the_output_is_not_matched_again_and_the_first_entry_wins():
    assert applied([Entry("foo", "bar"), Entry("bar", "baz")], "foo bar")[0] == "bar baz"
    assert applied([Entry("New York", "the big apple"), Entry("York", "Yorick")], "New York")[0] == "the big apple"
    assert applied([Entry("York", "Yorick"), Entry("New York", "the big apple")], "New York")[0] == "the big apple"
    assert applied([Entry("New", "Neu"), Entry("New York", "the big apple")], "New York")[0] == "Neu York"


def test_an_entry_for_one_language_applies_to_its_voices_only():
    entry = Entry("Paris", "Paree", language="fr")
    assert applied([entry], "Paris", "fr")[0] == "Paree"
    assert applied([entry], "Paris", "en-us")[0] == "Paris"
    assert applied([Entry("tomato", "tomahto", language="en-gb")], "tomato", "en-us")[0] == "tomato"


def test_phonemes_travel_as_a_sound_mark_that_text_cleaning_never_lets_in():
    said, ct = applied([Entry("Kokoro", "kˈOkəɹO", phonemes=True)], "Kokoro speaks.")
    mark = said[0]
    assert has_marks(said) and sound_of(mark) == "kˈOkəɹO" and said[1:] == " speaks."
    assert sound_mark("kˈOkəɹO") == mark  # the same phonemes, the same mark: the cache key holds
    assert source_of(ct, "Kokoro speaks.", mark) == "Kokoro"
    assert clean(f"a{mark}b").text == "ab"  # none can come from the user's text


def test_the_lexicon_goes_before_text_spoken_and_matches_what_the_user_wrote():
    from reader.text.spoken import Reading

    reading = Reading("en-us", lexicon=Lexicon((Entry("km", "klicks"),)))
    assert reading(clean("Run 5 km today.")).text == "Run 5 klicks today."
    assert Reading("en-us")(clean("Run 5 km today.")).text == "Run 5 kilometers today."  # the units family


@pytest.mark.parametrize("entry, problem", [
    (Entry(" ", "x"), "empty"),
    (Entry("(", "x", regex=True), "not a regular expression"),
    (Entry("a*", "x", regex=True), "matches empty text"),
    (Entry(r"v(\d+)", r"version \2", regex=True), "does not fit"),
    (Entry("x", "k(a)t", phonemes=True), "not Kokoro phonemes: ( )"),
    (Entry("x", "", phonemes=True), "no phonemes"),
])
def test_an_entry_that_cannot_work_says_why(entry, problem):
    assert problem in entry.problem()


def test_phonemes_outside_kokoros_vocabulary_are_refused():
    from reader.engine.onnx import load_vocab

    vocab = load_vocab()
    assert Entry("Kokoro", "kˈOkəɹO", phonemes=True).problem(vocab) is None
    assert "not Kokoro phonemes: 7" in Entry("x", "k7t", phonemes=True).problem(vocab)


def test_json_round_trip_and_a_wrong_entry_is_named_by_its_number():
    entries = (Entry("nginx", "engine x"), Entry(r"KB(\d+)", r"article \1", regex=True, case=True),
               Entry("Kokoro", "kˈOkəɹO", phonemes=True, language="en"))
    assert entries_from_json(entries_to_json(entries)) == entries
    assert json.loads(entries_to_json(entries[:1])) == [{"match": "nginx", "say": "engine x"}]
    with pytest.raises(ValueError, match="entry 2: unknown key"):
        entries_from_json('[{"match": "a", "say": "b"}, {"match": "a", "say": "b", "sound": 1}]')
    with pytest.raises(ValueError, match="entry 1: .*not a regular expression"):
        entries_from_json('[{"match": "(", "say": "b", "regex": true}]')
    with pytest.raises(ValueError, match="not a lexicon"):
        entries_from_json("{oops")
    assert entries_from_json('{"schema": 1, "lexicon": [{"match": "a", "say": "b"}]}') == (Entry("a", "b"),)


def test_the_shipped_entries_can_all_be_used():
    from reader.engine.onnx import load_vocab

    vocab = load_vocab()
    assert default_entries()
    assert [(e.match, e.problem(vocab)) for e in default_entries() if e.problem(vocab)] == []


def test_settings_keep_the_lexicon_and_drop_only_the_entries_that_cannot_work(caplog):
    from reader.settings.model import from_dict, parse_override, to_dict

    data = {"lexicon": [{"match": "nginx", "say": "engine x"}, {"match": "(", "say": "x", "regex": True}]}
    settings = from_dict(data)
    assert settings.lexicon == (Entry("nginx", "engine x"),)
    assert "lexicon entry 2 ignored" in caplog.text
    assert to_dict(settings)["lexicon"] == [{"match": "nginx", "say": "engine x"}]
    assert from_dict(json.loads(json.dumps(to_dict(settings)))) == settings
    assert parse_override("lexicon", '[{"match": "Qt", "say": "cute"}]') == ("lexicon", (Entry("Qt", "cute"),))


class _FakeConvert:
    """A G2P without inline phonemes (espeak's kind): one phoneme word per text word."""

    def __call__(self, text):
        from reader.text.g2p import Phonemes, spaced_words

        phonemes = " ".join(w.upper() for w in text.split() if any(c.isalnum() for c in w))
        return Phonemes(phonemes, spaced_words(text, phonemes))


def test_a_g2p_without_inline_phonemes_gets_the_pieces_and_the_phonemes_between():
    from reader.text.g2p import _with_sounds

    mark = sound_mark("ɛnʤɪn ɛks")
    text = f"run {mark} now"
    out = _with_sounds(_FakeConvert())(text)
    assert out.text == "RUN ɛnʤɪn ɛks NOW"
    assert [(text[w.span.start:w.span.end], out.text[w.start:w.end]) for w in out.words] == [
        ("run", "RUN"), (mark, "ɛnʤɪn ɛks"), ("now", "NOW")]


@pytest.mark.model
def test_english_g2p_reads_the_phonemes_in_place_with_the_words_mapped():
    from reader.text.g2p import G2PBank

    mark = sound_mark("kˈOkəɹO")
    text = f"I like {mark} a lot."
    out = G2PBank().phonemize(text, "en-us")
    assert "kˈOkəɹO" in out.text
    assert [text[w.span.start:w.span.end] for w in out.words] == ["I", "like", mark, "a", "lot"]
    word = next(w for w in out.words if text[w.span.start:w.span.end] == mark)
    assert out.text[word.start:word.end] == "kˈOkəɹO"


# -- `kokoro-reader lexicon` and the daemon ----------------------------------------------
@pytest.fixture
def no_daemon(tmp_path, monkeypatch):
    monkeypatch.setenv("KOKORO_READER_CONFIG", str(tmp_path / "settings.json"))
    monkeypatch.setenv("KOKORO_READER_SOCKET", str(tmp_path / "none.sock"))
    return tmp_path / "settings.json"


def test_the_cli_adds_lists_exports_imports_and_removes(no_daemon, tmp_path, capsys):
    from reader.cli import main

    assert main(["lexicon", "add", "nginx", "engine x"]) == 0
    assert main(["lexicon", "add", "Kokoro", "kˈOkəɹO", "--phonemes"]) == 0
    assert main(["lexicon", "add", "nginx", "en jinx"]) == 0  # replaces, and goes first
    saved = json.loads(no_daemon.read_text())["lexicon"]
    assert saved == [{"match": "nginx", "say": "en jinx"}, {"match": "Kokoro", "say": "kˈOkəɹO", "phonemes": True}]
    capsys.readouterr()
    assert main(["lexicon", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["yours"] == saved and listed["shipped"]
    out = tmp_path / "mine.json"
    assert main(["lexicon", "export", str(out)]) == 0
    assert main(["lexicon", "remove", "nginx"]) == 0
    assert [e["match"] for e in json.loads(no_daemon.read_text())["lexicon"]] == ["Kokoro"]
    assert main(["lexicon", "import", str(out)]) == 0
    assert [e["match"] for e in json.loads(no_daemon.read_text())["lexicon"]] == ["nginx", "Kokoro"]


def test_the_cli_refuses_what_cannot_work_and_loses_nothing(no_daemon, tmp_path, capsys):
    from reader.cli import main

    assert main(["lexicon", "add", "nginx", "engine x"]) == 0
    before = no_daemon.read_text()
    assert main(["lexicon", "add", "x", "k7t", "--phonemes"]) == 1
    assert "not Kokoro phonemes: 7" in capsys.readouterr().err
    assert main(["lexicon", "add", "(", "x", "--regex"]) == 1
    assert main(["lexicon", "remove", "qt"]) == 1
    assert "no entry for 'qt'" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text('[{"match": "a"}]')
    assert main(["lexicon", "import", str(bad)]) == 1
    assert "entry 1" in capsys.readouterr().err
    assert main(["lexicon", "import", str(tmp_path / "missing.json")]) == 1
    assert no_daemon.read_text() == before


def test_the_daemon_takes_the_lexicon_as_a_setting():
    import threading

    from reader.daemon.controller import Controller
    from reader.types import ReaderError

    controller = Controller(object())  # no desktop needed: nothing is read
    changed, done = [], threading.Event()
    controller.on_settings_changed = lambda fields: (changed.append(fields), done.set())
    try:
        assert controller.command("lexicon", entries=[{"match": "nginx", "say": "engine x"}])["ok"]
        assert done.wait(5)
        assert changed == [{"lexicon": (Entry("nginx", "engine x"),)}]
        with pytest.raises(ReaderError, match="lexicon: entry 1"):
            controller.command("lexicon", entries=[{"match": "nginx"}])
    finally:
        controller.close()


def test_adding_or_importing_puts_the_new_first_and_replaces_the_same_match():
    from reader.text.lexicon import first_problem, merged

    mine = (Entry("a", "1"), Entry("b", "2"), Entry("c", "3"))
    assert merged(mine, (Entry("b", "two"),)) == (Entry("b", "two"), Entry("a", "1"), Entry("c", "3"))
    assert merged(mine, (Entry("d", "4"), Entry("a", "one"))) == (
        Entry("d", "4"), Entry("a", "one"), Entry("b", "2"), Entry("c", "3"))
    assert first_problem(mine) is None
    assert first_problem((Entry("x", "y"), Entry("z", "qq", phonemes=True)), vocab={"q"}) is None
    assert first_problem((Entry("x", "y"), Entry("z", "qw", phonemes=True)), vocab={"q"}) == "'z': not Kokoro phonemes: w"
