import numpy as np
import pytest

from reader.engine.voices import PACK_SHAPE, blend, parse_spec, read_pack, style_for
from reader.types import ReaderError
from tests.fakes import NAMES, fake_voices


def test_single_voice_spec():
    spec = parse_spec("af_heart", NAMES)
    assert spec.parts == (("af_heart", 1.0),)
    assert spec.primary == "af_heart" and str(spec) == "af_heart"


def test_blend_weights_are_normalised():
    spec = parse_spec("af_heart:0.7, bf_emma:0.7", NAMES)
    assert spec.parts == (("af_heart", 0.5), ("bf_emma", 0.5))
    spec = parse_spec("AF_HEART:3,bf_emma:1", NAMES)
    assert dict(spec.parts) == pytest.approx({"af_heart": 0.75, "bf_emma": 0.25})
    assert spec.primary == "af_heart"


def test_repeated_voice_adds_up():
    assert parse_spec("af_heart:1,af_heart:1", NAMES).parts == (("af_heart", 1.0),)


@pytest.mark.parametrize("spec, fragment", [
    ("", "empty"), ("af_heart:", "not a number"), ("af_heart:x", "not a number"),
    (":0.5", "malformed"), ("af_heart:-1", "positive"), ("af_heart:0", "zero"),
    ("af_heart:nan", "positive"), ("af_heart,af_bella,bf_emma,am_adam", "at most 3"),
])
def test_malformed_specs(spec, fragment):
    with pytest.raises(ReaderError, match=fragment):
        parse_spec(spec, NAMES)


def test_unknown_voice_lists_near_matches():
    with pytest.raises(ReaderError) as err:
        parse_spec("af_haert", NAMES)
    assert "af_heart" in str(err.value)
    with pytest.raises(ReaderError, match="kokoro-reader voices"):
        parse_spec("zz_nothing", NAMES)


def test_blend_is_the_weighted_sum(tmp_path):
    bank = fake_voices(tmp_path)
    a = read_pack(tmp_path / "af_heart.bin")
    b = read_pack(tmp_path / "bf_emma.bin")
    got = bank.pack(bank.spec("af_heart:0.7,bf_emma:0.3"))
    np.testing.assert_allclose(got, 0.7 * a + 0.3 * b, rtol=1e-5, atol=1e-6)
    assert got.shape == PACK_SHAPE and got.dtype == np.float32
    np.testing.assert_array_equal(bank.pack(bank.spec("af_heart")), a)
    np.testing.assert_allclose(blend([a, b], [1.0, 0.0]), a)


def test_style_row_is_picked_by_phoneme_count():
    pack = np.arange(510, dtype=np.float32)[:, None] * np.ones((1, 256), np.float32)
    assert style_for(pack, 1)[0] == 0
    assert style_for(pack, 40)[0] == 39
    assert style_for(pack, 5000)[0] == 509
    assert style_for(pack, 0)[0] == 0


def test_wrong_sized_voice_file_is_rejected(tmp_path):
    (tmp_path / "x.bin").write_bytes(b"\0" * 1000)
    with pytest.raises(ReaderError, match="wrong size"):
        read_pack(tmp_path / "x.bin")
