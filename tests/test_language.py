"""Mixed-language text (issue 15, item 3): which language a sentence is read in, runs of one
language, words in another script inside a sentence, and the automatic language mode."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from reader.bench.languages import language_sentences, measure_language_id
from reader.text.g2p import script_pieces
from reader.text.language import identify, language_runs


def test_language_identification_on_short_and_mixed_sentences_in_nine_languages():
    figures = measure_language_id()
    assert figures["languages"] == 9
    assert figures["sentences"] >= 60 and figures["mixed_sentences"] >= 20
    assert figures["accuracy"] >= 0.95 and figures["mixed_accuracy"] >= 0.9, figures["missed"]


def test_a_sentence_too_short_or_unsure_is_not_told():
    assert identify("OK.", "fr") is None and identify("Ciao!", "en-us") is None
    assert identify("The weather is lovely in the park today.", "en-gb") == "en-gb"  # British stays British
    assert identify("空港行きの電車です。", "en-us") == "ja"  # a script decides at once
    assert identify("会議室", "ja") == "ja" and identify("会议室", "en-us") == "zh"  # Han alone
    runs = language_runs("Bonjour à tous, comment allez-vous ce matin? Oui. Merci!", "en-us")
    assert [r.language for r in runs] == ["fr"]  # the short ones join the run before them


def test_runs_cover_the_text_and_number_their_first_sentence():
    text = ("Hello there, my friend. How are you today? Bonjour à tous, comment allez-vous ce matin? "
            "今日はいい天気ですね。 And now back to English we go.")
    runs = language_runs(text, "en-us")
    assert [r.language for r in runs] == ["en-us", "fr", "ja", "en-us"]
    assert [r.first_sentence for r in runs] == [0, 2, 3, 4]
    assert "".join(text[r.span.start:r.span.end] for r in runs) == text
    assert language_runs("", "en-us") == []


def test_words_in_another_script_go_to_that_scripts_language():
    def pieces(text, language):
        return [(text[a:b], lang) for a, b, lang in script_pieces(text, language)]

    assert pieces("東京でcoffeeを飲んだ。", "ja") == [("東京で", "ja"), ("coffee", "en-us"), ("を飲んだ。", "ja")]
    assert pieces("I love 東京 in spring.", "en-us") == [("I love ", "en-us"), ("東京", "zh"), (" in spring.", "en-us")]
    assert pieces("I love とうきょう.", "en-us")[1] == ("とうきょう", "ja")
    assert pieces("मैं Google पर हूँ।", "hi")[1] == ("Google", "en-us")
    assert pieces("Señor López, ¿qué tal?", "es") == [("Señor López, ¿qué tal?", "es")]


def test_automatic_mode_reads_each_run_with_a_voice_of_its_language():
    from reader.synth.languages import utterances

    class Voices:
        def language_of_voice(self, voice):
            return {"a": "en-us", "b": "en-gb", "f": "fr", "j": "ja"}[voice[0]]

        def first_voice(self, language):
            return {"fr": "ff_siwis", "ja": "jf_alpha"}.get(language)

    text = "Good morning to all of you. Bonjour à tous, comment allez-vous ce matin? 今日はいい天気ですね。"
    said = list(utterances(Voices(), text, "af_heart", 1.0, mode="auto", language_voices={"ja": "jm_kumo"}))
    assert [(u.voice, u.language, first) for _, first, u in said] == [
        ("af_heart", None, 0), ("ff_siwis", "fr", 1), ("jm_kumo", "ja", 2)]
    assert [text[at:at + len(u.text)] == u.text for at, _, u in said] == [True] * 3
    one = list(utterances(Voices(), text, "af_heart", 1.0))  # the voice's language: one utterance, as ever
    assert [(at, u.text, u.language) for at, _, u in one] == [(0, text, None)]
    fixed = list(utterances(Voices(), text, "af_heart", 1.0, mode="fr"))
    assert fixed[0][2].language == "fr"


def test_the_speaker_in_automatic_mode_plays_every_run_with_spans_in_the_users_text(tmp_path):
    from reader.audio.fake import FakeSink
    from reader.speaker import Speaker
    from reader.synth.synthesizer import Synthesizer
    from tests.fakes import FakeEngine, FakeG2P, fake_voices, language_of
    from tests.listeners import SpeakerEvents

    class Events(SpeakerEvents):
        spans: list = []

        def sentence_started(self, index, span) -> None:
            self.spans.append(span)
            super().sentence_started(index, span)

    g2p = FakeG2P()
    synth = Synthesizer(FakeEngine(), fake_voices(tmp_path), g2p, language_of)
    sink = FakeSink()
    events = Events()
    speaker = Speaker(synth, sink, listener=events)
    speaker.language_mode = "auto"
    text = "Good morning to all of you. Bonjour à tous, comment allez-vous ce matin? Back to English now, friends."
    sink.start_clock(speed=40)
    try:
        speaker.say(text)
        events.wait_for("finished")
    finally:
        sink.stop_clock()
        speaker.close()
    # The fakes have English voices only: the French run keeps the voice, read with French G2P.
    assert [k for k, _ in itertools.groupby(language for _, language in g2p.calls)] == ["en-us", "fr", "en-us"]
    assert [text[s.start:s.end] for s in events.spans] == [
        "Good morning to all of you.", "Bonjour à tous, comment allez-vous ce matin?", "Back to English now, friends."]
    assert [e[1] for e in events.events if e[0] == "sentence"] == [0, 1, 2]


def test_a_language_mode_that_does_not_exist_is_refused():
    from reader.settings.model import from_dict, parse_override
    from reader.types import ReaderError

    assert from_dict({"language_mode": "auto"}).language_mode == "auto"
    assert from_dict({"language_mode": "klingon"}).language_mode == "voice"
    with pytest.raises(ReaderError, match="expected voice, auto or one of"):
        parse_override("language_mode", "klingon")
    assert from_dict({"language_voices": {"fr": "ff_siwis", "xx": "a"}}).language_voices == {"fr": "ff_siwis"}


@pytest.mark.model
def test_mixed_text_is_read_in_every_language_without_a_crash(core):
    from reader.synth.languages import utterances
    from reader.types import SAMPLE_RATE

    text = ("The results are in. Les résultats sont arrivés ce matin. 結果は今朝届きました。 "
            "结果今天早上到了。 परिणाम आज सुबह आ गए। I drank coffee in 東京 yesterday.")
    for _, _, utterance in utterances(core, text, "af_heart", 1.0, mode="auto"):
        audio = np.concatenate([c.samples for c in core.stream(utterance, realtime=False)])
        seconds = len(audio) / SAMPLE_RATE
        # Plausible: 0.03-0.4 s per character of these short sentences, never silence.
        assert 0.03 * len(utterance.text) <= seconds <= 0.4 * len(utterance.text) + 1, (utterance.voice, seconds)
        assert np.abs(audio).max() > 0.05
    voices = [u.voice[:2] for _, _, u in utterances(core, text, "af_heart", 1.0, mode="auto")]
    assert voices == ["af", "ff", "jf", "zf", "hf", "af"]


def test_sentence_file_has_every_language():
    assert {r.language for r in language_sentences()} == {"en-us", "en-gb", "es", "fr", "hi", "it", "pt-br",
                                                          "ja", "zh"}
