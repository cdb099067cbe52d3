"""Japanese and Mandarin voices speak, with the G2P the `ja` and `zh` extras install (the
test extra includes both): each sentence is its own part, with sound in it."""
import numpy as np
import pytest

from reader.types import SAMPLE_RATE, Utterance

pytestmark = pytest.mark.model


@pytest.mark.parametrize(("voice", "text"), [
    ("jf_alpha", "今日は晴れです。明日は雨でしょう！"),
    ("zf_xiaobei", "你好。我很好，谢谢！"),
])
def test_japanese_and_mandarin_voices_read_each_sentence(core, voice, text):
    chunks = list(core.stream(Utterance(text, voice), realtime=False))
    assert {c.sentence_index for c in chunks} == {0, 1}
    for index in (0, 1):
        audio = np.concatenate([c.samples for c in chunks if c.sentence_index == index])
        loud = np.abs(audio) > 0.05
        assert loud.sum() / SAMPLE_RATE >= 0.2, f"sentence {index}: little sound"  # a few syllables at least
