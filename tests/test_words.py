"""Word timings from token durations (reader/synth/words.py), on hand-made durations."""
from reader.synth.words import FRAME_SAMPLES, WordFrames, to_samples, word_frames
from reader.text.g2p import Phonemes, PhonemeWord
from reader.types import Span, Word


def _frames(phonemes: str, words: list[tuple[int, int]], durations: list[float], kept=lambda c: True):
    found = [PhonemeWord(Span(a, b), a, b) for a, b in words]  # text and phonemes alike here
    return word_frames(Phonemes(phonemes, tuple(found)), phonemes, kept, durations, int(sum(durations)))


def test_a_word_takes_the_space_token_before_it():
    # tokens: pad a b ' ' c d pad -> frames start at 0 5 7 10 14 15 17
    words = _frames("ab cd", [(0, 2), (3, 5)], [5, 2, 3, 4, 1, 2, 6])
    assert words == (WordFrames(Span(0, 2), 5, 10), WordFrames(Span(3, 5), 10, 17))


def test_after_punctuation_only_the_space_is_taken():
    # tokens: pad a b , ' ' c pad; the pause is the comma's (frames 7-15), the space's 15-17
    words = _frames("ab, c", [(0, 2), (4, 5)], [5, 1, 1, 8, 2, 3, 4])
    assert words == (WordFrames(Span(0, 2), 5, 7), WordFrames(Span(4, 5), 15, 20))


def test_no_space_token_no_lead():
    words = _frames("ab cd", [(0, 2), (3, 5)], [5, 2, 3, 4, 2, 6], kept=lambda c: c != " ")
    assert words == (WordFrames(Span(0, 2), 5, 10), WordFrames(Span(3, 5), 10, 16))


def test_samples_count_from_the_decoded_and_trimmed_audio():
    words = (WordFrames(Span(0, 2), 5, 10), WordFrames(Span(3, 5), 10, 17))
    out = to_samples(words, first_frame=4, cut=300, length=12 * FRAME_SAMPLES, origin=lambda s: s)
    assert out == (Word(Span(0, 2), 300, 3300), Word(Span(3, 5), 3300, 7200))
